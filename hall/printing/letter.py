"""告知承诺书: what the approving department tells the applicant (conditions, the check
that follows, the consequences of a false commitment) and what the applicant promises,
with places to sign and seal. One per commitment item; a case's letters print as one PDF,
each from a new page with its own page count."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Spacer

from hall.core.errors import ValidationError
from hall.core.i18n import _
from hall.printing.blocks import balanced, columns, field_table, numbered, qr_block, seal
from hall.printing.data import CommitmentLetter
from hall.printing.fonts import ensure_font
from hall.printing.frame import PORTRAIT, Section, build_pdf
from hall.printing.styles import DASH, cn_date, heading, or_dash, para, styles

WIDTH = PORTRAIT.size[0] - PORTRAIT.margins[0] - PORTRAIT.margins[1]


def title(letter: CommitmentLetter) -> str:
    return (
        _("{item}告知承诺书").format(item=letter.item_name) if letter.item_name else _("告知承诺书")
    )


TITLE_MIN = 15.0  # the title shrinks to this size to stay on one line, and then wraps


def _title(text: str) -> Flowable:
    """The title on one line, as large as the style's size allows and no smaller than
    :data:`TITLE_MIN`; longer, it wraps at that size into lines of about equal length
    (never a last line of one or two characters, such as a lone 书)."""
    style, room = styles().title, WIDTH - 10 * mm  # not quite from margin to margin
    one_pt = stringWidth(text, ensure_font(), 1) or 1
    size = max(TITLE_MIN, min(style.fontSize, room / one_pt))
    style = style.clone("letter_title", fontSize=size, leading=size * 1.4)
    return para(balanced(text, size, room), style)


QR_COLUMN = 44 * mm


def _applicant(letter: CommitmentLetter) -> Flowable:
    """Who commits, beside the code the supervising department scans on its visit."""
    facts = field_table(
        [
            (_("申请人"), or_dash(letter.applicant_name)),
            (_("统一社会信用代码（证件号码）"), or_dash(letter.applicant_code)),
            (_("法定代表人（负责人）"), or_dash(letter.legal_representative)),
            (_("地址"), or_dash(letter.address)),
            (_("联系方式"), or_dash(letter.contact)),
            (_("审批机关"), or_dash(letter.department)),
            (_("受理编号"), or_dash(letter.case_number)),
        ],
        WIDTH - QR_COLUMN,
        label_width=52 * mm,
    )
    code = qr_block(letter.qr, _("扫码查验本承诺书（事中事后监管用）"))
    return columns([facts, code], [WIDTH - QR_COLUMN, QR_COLUMN], valign="TOP")


def _notice(letter: CommitmentLetter) -> list[Flowable]:
    s = styles()
    check = or_dash(letter.verification)
    if letter.verification_due is not None:
        check += _("核查期限：{day}前").format(day=cn_date(letter.verification_due))
        if letter.verification_due_provisional:
            check += _("（待定）。该日期依据尚未公布的节假日安排推算，以最终公布为准。")
        else:
            check += _("。")
    return [
        *heading(_("一、审批机关告知")),
        para(_("根据告知承诺制要求，审批机关就下列事项一次性告知如下："), s.indented),
        para(_("（一）事项名称：{name}").format(name=or_dash(letter.item_name)), s.body),
        para(_("（二）设立依据：{basis}").format(basis=or_dash(letter.legal_basis)), s.body),
        para(_("（三）许可条件："), s.body),
        *(numbered(letter.conditions) or [para(DASH, s.item)]),
        para(_("（四）后续核查："), s.body),
        para(check, s.indented),
        para(_("（五）违诺责任："), s.body),
        *(numbered(letter.consequences) or [para(DASH, s.item)]),
    ]


def _promise(letter: CommitmentLetter) -> list[Flowable]:
    s = styles()
    closing = _(
        "申请人已知晓审批机关告知的全部内容，所作承诺是申请人的真实意思表示；"
        "如有违反，愿意承担相应的法律责任。"
    )
    return [
        *heading(_("二、申请人承诺")),
        para(_("申请人自愿作出如下承诺："), s.indented),
        *numbered(letter.obligations),
        _signatures(letter, para(closing, s.indented)),
    ]


def _signatures(letter: CommitmentLetter, closing: Flowable) -> Flowable:
    """The closing sentence stays on the page of the signatures it leads to."""
    s = styles()
    applicant: list[Flowable] = [
        para(_("申请人（签字/盖章）：________________"), s.body),
        Spacer(1, 5 * mm),
        para(_("日期：______年____月____日"), s.body),
    ]
    authority = seal([_("审批机关（盖章）"), letter.department, cn_date(letter.dated)])
    note = _(
        "本告知承诺书一式两份，申请人与审批机关各执一份，具有同等效力；"
        "承诺内容将作为事中事后监管的依据。"
    )
    return KeepTogether(
        [
            closing,
            Spacer(1, 4 * mm),
            columns([applicant, authority], [WIDTH - 64 * mm, 64 * mm]),
            Spacer(1, 4 * mm),
            para(note, s.small),
        ]
    )


def letter_section(letter: CommitmentLetter) -> Section:
    s = styles()
    story: list[Flowable] = [
        _title(title(letter)),
        para(_("编号：{number}").format(number=or_dash(letter.number)), s.number),
        _applicant(letter),
        *_notice(letter),
        *_promise(letter),
    ]
    return Section(story, title(letter), letter.number, letter.copy)


def letters_pdf(letters: Sequence[CommitmentLetter]) -> bytes:
    """Every commitment letter of a case in one PDF: each from a new page, each with its
    own 第 n 页 共 m 页. Raises :class:`ValidationError` for no letters at all."""
    if not letters:
        raise ValidationError(_("没有需要打印的告知承诺书。"))
    first = letters[0]
    name = title(first) if len(letters) == 1 else _("告知承诺书")
    return build_pdf(
        [letter_section(letter) for letter in letters],
        title=f"{name} {first.case_number}".strip(),
        author=first.issuer.hall_name,
        subject=first.applicant_name,
    )
