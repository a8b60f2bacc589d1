"""The Cases view's table: case summaries, newest first."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from hall.core.i18n import N_, _
from hall.services.case_views import CaseSummary
from hall.services.labels import case_status_name


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
_ROOT = QModelIndex()


class CaseTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CaseSummary] = []

    def set_rows(self, rows: list[CaseSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> CaseSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(Columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(HEADERS[Columns(section)]) if 0 <= section < len(Columns) else None
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        c = self._rows[index.row()]
        col = Columns(index.column())
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
