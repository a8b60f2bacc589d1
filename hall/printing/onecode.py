"""证照信息一码展示: every license of a case on one sheet behind one code, for the holder
to post at the premises instead of a wall of certificates."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from hall.core.i18n import _
from hall.printing.blocks import field_table, grid_table, qr_block
from hall.printing.data import OneCodeSheet
from hall.printing.frame import PORTRAIT, Section, build_pdf
from hall.printing.styles import DASH, cn_date, heading, or_dash, para, styles

WIDTH = PORTRAIT.size[0] - PORTRAIT.margins[0] - PORTRAIT.margins[1]


def title() -> str:
    return _("证照信息一码展示")


def _table(sheet: OneCodeSheet) -> Flowable:
    head = [_("序号"), _("证照名称"), _("证照编号"), _("发证机关"), _("发证日期"), _("有效期至"),
            _("状态")]  # fmt: skip
    rows = [
        [
            str(n), or_dash(line.title), or_dash(line.number), or_dash(line.authority),
            cn_date(line.issued_on),
            cn_date(line.valid_until) if line.valid_until else _("长期"),
            or_dash(line.status),
        ]
        for n, line in enumerate(sheet.licenses, 1)
    ]  # fmt: skip
    # The number column holds SAMR-002-C01-2026-00001 on one line, a date column a date.
    widths = [w * mm for w in (9, 30, 40, 30, 25, 25, 15)]
    return grid_table(head, rows, widths, centered=(0, 6))


def onecode_section(sheet: OneCodeSheet) -> Section:
    s = styles()
    caption = _("扫码查看以上全部证照信息并核验真伪")
    note = _("本页汇总展示持证主体已取得的证照信息，证照内容以发证机关出具的证照为准。")
    story: list[Flowable] = [
        para(title(), s.title),
        para(_("受理编号：{number}").format(number=or_dash(sheet.case_number)), s.number),
        field_table(
            [
                (_("持证主体"), or_dash(sheet.holder)),
                (_("统一社会信用代码（证件号码）"), or_dash(sheet.holder_code)),
                (_("出具日期"), cn_date(sheet.issued_on)),
            ],
            WIDTH,
            label_width=52 * mm,
        ),
        *heading(_("已取得的证照")),
        _table(sheet) if sheet.licenses else para(DASH, s.body),
        Spacer(1, 8 * mm),
        KeepTogether(
            [
                qr_block(sheet.qr, caption, side=50 * mm),
                Spacer(1, 4 * mm),
                para(note, s.small.clone("onecode_note", alignment=1)),
                para(sheet.issuer.hall_name, s.seal),
            ]
        ),
    ]
    return Section(story, title(), sheet.case_number, sheet.copy)


def onecode_pdf(sheet: OneCodeSheet) -> bytes:
    """The one-code sheet of a case as PDF bytes (A4)."""
    return build_pdf(
        [onecode_section(sheet)],
        title=f"{title()} {sheet.holder}",
        author=sheet.issuer.hall_name,
        subject=sheet.case_number,
    )
