"""The Cases view's table: case summaries, newest first."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt

from hall.core.i18n import N_
from hall.services.case_views import CaseSummary
from hall.services.labels import case_status_name
from hall.ui.table_model import RowsTableModel


class Columns(IntEnum):
    number = 0
    accepted = 1
    applicant = 2
    status = 3
    pending = 4


HEADERS = {
    Columns.number: N_("案件编号"),
    Columns.accepted: N_("受理日期"),
    Columns.applicant: N_("申请人"),
    Columns.status: N_("状态"),
    Columns.pending: N_("待办"),
}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class CaseTableModel(RowsTableModel[CaseSummary]):
    columns = Columns
    headers = HEADERS

    def cell(self, c: CaseSummary, column: int, role: int) -> Any:
        col = Columns(column)
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            if col is Columns.number:
                return c.number
            if col is Columns.accepted:
                return c.accepted_on.isoformat()
            if col is Columns.applicant:
                return f"{c.applicant_name}（{c.applicant_code}）"
            if col is Columns.status:
                return case_status_name(c.status)
            return c.pending_text()
        return None
