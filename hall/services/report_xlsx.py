"""The daily report as an XLSX workbook (openpyxl): a summary sheet, the breakdown per
counter, clerk and category (the same columns as the CSV), the hours, the waiting-time
distribution, the departments' deadlines and the low marks with their reasons."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hall.core.i18n import _
from hall.printing.report_data import DailyReport
from hall.services.report_export import figure_rows, summary_rows

if TYPE_CHECKING:
    from openpyxl import Workbook


def _text_cell(value: object) -> object:
    """``value``, a string without the control characters a workbook cannot hold."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _sheet(
    book: Workbook, title: str, header: Sequence[object], rows: Sequence[Sequence[object]]
) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_text_cell(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text typed at a counter is never a formula
    sheet.freeze_panes = "A2"
    for index, title_ in enumerate(header, start=1):
        width = (
            max(len(str(title_)), *(len(str(r[index - 1] or "")) for r in rows))
            if rows
            else len(str(title_))
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(40, max(8, width * 2))


def report_xlsx(r: DailyReport) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for sheet in list(book.worksheets):  # the empty default sheet
        book.remove(sheet)
    _sheet(book, _("概况"), [_("项目"), _("数值")], summary_rows(r))
    header, rows = figure_rows(r)
    _sheet(book, _("分组明细"), header, rows)
    _sheet(
        book, _("时段"), [_("时"), _("发号"), _("办结")],
        [[h.hour, h.issued, h.served] for h in r.per_hour],
    )  # fmt: skip
    _sheet(book, _("等候分布"), [_("等候时长"), _("人数")], [[b.label, b.count] for b in r.waits])
    _sheet(
        book, _("部门时限"),
        [_("部门编码"), _("部门"), _("期内到期"), _("超期未办结"), _("期内办结"), _("按时办结"),
         _("待部门核验")],
        [[d.code, d.name, d.due, d.overdue, d.decided, d.in_time, d.pending_verifications]
         for d in (r.deadlines, *r.departments)],
    )  # fmt: skip
    _sheet(
        book, _("差评"), [_("时间"), _("排队号"), _("窗口"), _("经办人"), _("评分"), _("原因")],
        [[low.at.replace(tzinfo=None), low.ticket, low.counter, low.clerk, low.rating,
          low.reason] for low in r.low_ratings],
    )  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
