"""不予行政许可决定书: the written refusal a department hands the applicant through the
counter, stating the reason, the legal basis and the right to administrative review or
to sue (行政许可法 art. 38 (2)), dated and sealed, with the signed QR code."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from hall.core.i18n import _
from hall.printing.blocks import columns, field_table, qr_block, seal
from hall.printing.data import DecisionNotice, Issuer
from hall.printing.frame import PORTRAIT, Section, build_pdf
from hall.printing.styles import cn_date, heading, or_dash, para, styles

WIDTH = PORTRAIT.size[0] - PORTRAIT.margins[0] - PORTRAIT.margins[1]


def title() -> str:
    return _("不予行政许可决定书")


def _decision(n: DecisionNotice) -> list[Flowable]:
    s = styles()
    reason = n.reason.strip().rstrip("。；;.")
    basis = n.legal_basis.strip().rstrip("。；;.")
    facts = _(
        "你（单位）于{day}提出的{item}申请（受理编号：{case}），本机关已依法受理并进行了审查。"
    ).format(day=cn_date(n.applied_on), item=or_dash(n.item_name), case=or_dash(n.case_number))
    found = _("经审查，{reason}。").format(reason=or_dash(reason))
    if basis:
        law = _(
            "依据{basis}和《中华人民共和国行政许可法》第三十八条第二款的规定，"
            "本机关决定不予行政许可。"
        ).format(basis=basis)
    else:
        law = _("依据《中华人民共和国行政许可法》第三十八条第二款的规定，本机关决定不予行政许可。")
    return [
        para(_("{name}：").format(name=or_dash(n.applicant_name)), s.body),
        para(facts, s.indented),
        para(found, s.indented),
        para(law, s.indented),
        para(remedy(), s.indented),
        para(_("特此决定。"), s.indented),
    ]


def remedy() -> str:
    """The applicant's remedies against a decision (行政复议法, 行政诉讼法)."""
    return _(
        "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，"
        "或者在六个月内依法向人民法院提起行政诉讼。"
    )


def closing(
    *,
    qr: str,
    caption: str,
    authority: str,
    decided_on: date,
    document: str,
    case_number: str,
    issuer: Issuer,
) -> Flowable:
    """The end of a decision: the department's seal and date, the signed QR code, and the
    receipt slip the applicant signs when the notice (named ``document``) is handed over."""
    s = styles()
    code = qr_block(qr, caption)
    right: list[Flowable] = [
        seal([authority, _("（行政许可专用章）"), cn_date(decided_on)]),
    ]
    receipt: list[Flowable] = [
        Spacer(1, 6 * mm),
        *heading(_("送达回执")),
        para(
            _("本人已收到受理编号 {case} 的《{document}》。").format(
                case=case_number, document=document
            ),
            s.body,
        ),
        Spacer(1, 3 * mm),
        para(_("受送达人（签字）：____________________    日期：______年____月____日"), s.body),
        para(
            _("送达窗口：{counter}    经办人：{clerk}").format(
                counter=or_dash(issuer.counter), clerk=or_dash(issuer.clerk)
            ),
            s.small,
        ),
    ]
    return KeepTogether(
        [
            Spacer(1, 6 * mm),
            columns(["", right], [WIDTH - 66 * mm, 66 * mm]),
            Spacer(1, 4 * mm),
            columns([code, receipt], [50 * mm, WIDTH - 50 * mm], valign="TOP"),
        ]
    )


def notice_head(
    title: str,
    number: str,
    parties: tuple[str, str, str, str, str],
    more: Sequence[tuple[str, str]] = (),
) -> list[Flowable]:
    """A decision's title and number, and the table of whom and what it concerns:
    ``parties`` are the applicant's name and code, the item's name and code, and the
    department; ``more`` are further lines."""
    s = styles()
    name, code, item_name, item_code, authority = parties
    rows = [
        (_("申请人"), or_dash(name)),
        (_("统一社会信用代码（证件号码）"), or_dash(code)),
        (_("申请事项"), _("{name}（{code}）").format(name=item_name, code=item_code)),
        (_("审批机关"), or_dash(authority)),
        *more,
    ]
    return [
        para(title, s.title),
        para(_("编号：{number}").format(number=number), s.number),
        field_table(rows, WIDTH, label_width=58 * mm),
        Spacer(1, 3 * mm),
    ]


def decision_section(n: DecisionNotice) -> Section:
    story: list[Flowable] = [
        *notice_head(
            title(),
            n.number,
            (n.applicant_name, n.applicant_code, n.item_name, n.item_code, n.authority),
            [(_("审查人员"), n.reviewer)] if n.reviewer else [],
        ),
        *_decision(n),
        closing(
            qr=n.qr,
            caption=_("扫码核验本决定书真伪"),
            authority=n.authority,
            decided_on=n.decided_on,
            document=title(),
            case_number=n.case_number,
            issuer=n.issuer,
        ),
    ]
    return Section(story, title(), n.number, n.copy)


def decisions_pdf(notices: list[DecisionNotice]) -> bytes:
    """One or more 不予行政许可决定书 in one PDF (A4), each from a new page."""
    first = notices[0]
    return build_pdf(
        [decision_section(n) for n in notices],
        title=f"{title()} {first.number}",
        author=first.issuer.hall_name,
        subject=first.applicant_name,
    )
