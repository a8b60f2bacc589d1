"""The table of changes waiting for the hall server: one row per outbox entry, the ones
the server refused (set aside) first and highlighted, then the oldest first (the order
:func:`hall.services.sync.waiting_changes` gives)."""

from __future__ import annotations

from datetime import datetime, tzinfo
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from hall.core.i18n import N_, _
from hall.services.sync_changes import WaitingChange
from hall.ui.table_model import RowsTableModel


class Columns(IntEnum):
    seq = 0
    age = 1
    action = 2
    entity = 3
    attempts = 4
    set_aside = 5
    error = 6
    escalated = 7


HEADERS = {
    Columns.seq: N_("编号"),
    Columns.age: N_("已等待"),
    Columns.action: N_("操作"),
    Columns.entity: N_("对象"),
    Columns.attempts: N_("尝试次数"),
    Columns.set_aside: N_("搁置于"),
    Columns.error: N_("服务器的答复"),
    Columns.escalated: N_("上报"),
}
SET_ASIDE = QColor("#fde7e9")
NUMBERS = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def age_text(seconds: float) -> str:
    minutes = max(0, int(seconds // 60))
    if minutes < 1:
        return _("不到 1 分钟")
    if minutes < 60:
        return _("{n} 分钟").format(n=minutes)
    if minutes < 48 * 60:
        return _("{n} 小时").format(n=minutes // 60)
    return _("{n} 天").format(n=minutes // (24 * 60))


def escalation_text(c: WaitingChange, zone: tzinfo) -> str:
    if c.escalated_at is None:
        return ""
    return _("{who}（{time}）：{note}").format(
        who=c.escalated_by, time=c.escalated_at.astimezone(zone).strftime("%m-%d %H:%M"),
        note=c.escalation_note,
    )  # fmt: skip


class WaitingChangesModel(RowsTableModel[WaitingChange]):
    columns = Columns
    headers = HEADERS

    def __init__(self, zone: tzinfo, parent: Any = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.now: datetime | None = None

    def show(self, rows: list[WaitingChange], now: datetime) -> None:
        """The rows, their age counted up to ``now`` (read with them: ``data()`` never asks)."""
        self.now = now
        self.set_rows(rows)

    def seq_row(self, seq: int) -> int | None:
        return next(
            (n for n in range(self.rowCount()) if (c := self.row_at(n)) and c.seq == seq), None
        )

    def cell(self, c: WaitingChange, column: int, role: int) -> Any:
        col = Columns(column)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(SET_ASIDE) if c.set_aside_at is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return NUMBERS if col in (Columns.seq, Columns.attempts) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if col is Columns.error:
                return c.last_error or None
            if col is Columns.escalated:
                return escalation_text(c, self.zone) or None
            if col is Columns.entity:
                return f"{c.entity} {c.entity_id}"
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if col is Columns.seq:
            return str(c.seq)
        if col is Columns.age:
            return age_text((self.now - c.created_at).total_seconds()) if self.now else ""
        if col is Columns.action:
            return c.action or c.entity
        if col is Columns.entity:
            return f"{c.entity} {c.entity_id[:8]}"
        if col is Columns.attempts:
            return str(c.attempts)
        if col is Columns.set_aside:
            at = c.set_aside_at
            return at.astimezone(self.zone).strftime("%m-%d %H:%M") if at else ""
        if col is Columns.error:
            return " ".join(c.last_error.split())
        return escalation_text(c, self.zone)
