"""The catalog browser's table: search results over frozen catalog views."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from hall.core.i18n import N_, _


class Columns(IntEnum):
    kind = 0
    code = 1
    title = 2
    mode = 3
    department = 4


HEADERS = {
    Columns.kind: N_("类别"),
    Columns.code: N_("编码"),
    Columns.title: N_("名称 / 规范表述"),
    Columns.mode: N_("改革方式 / 类型"),
    Columns.department: N_("审批部门"),
}

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
_ROOT = QModelIndex()


@dataclass(frozen=True)
class CatalogRow:
    kind: str  # "item" or "scope"
    code: str
    title: str
    mode: str
    department: str


class CatalogTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CatalogRow] = []

    def set_rows(self, rows: list[CatalogRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> CatalogRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(Columns)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = Columns(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column is Columns.kind:
                return _("许可事项") if row.kind == "item" else _("经营范围")
            return getattr(row, column.name)
        if role == SORT_ROLE:
            # The kind column sorts by the search's own order (best match first).
            return index.row() if column is Columns.kind else getattr(row, column.name)
        if role == Qt.ItemDataRole.ToolTipRole and column in (Columns.title, Columns.department):
            return getattr(row, column.name)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(HEADERS[Columns(section)])
        return None
