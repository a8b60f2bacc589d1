"""The inbox's table: one row per sub-case, the nearest deadline first; overdue rows
red, near ones amber, stopped clocks grey."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from hall.core.i18n import N_, _
from hall.models.enums import StopReason
from hall.services.inbox import InboxRow
from hall.services.labels import route_name, sub_case_status_name
from hall.ui.table_model import RowsTableModel


class Columns(IntEnum):
    left = 0
    state = 1
    case = 2
    item = 3
    applicant = 4
    holder = 5
    deadline = 6
    route = 7
    accepted = 8


HEADERS = {
    Columns.case: N_("案件编号"),
    Columns.item: N_("事项"),
    Columns.applicant: N_("申请人"),
    Columns.route: N_("办理方式"),
    Columns.accepted: N_("受理日期"),
    Columns.deadline: N_("承诺期限"),
    Columns.left: N_("剩余工作日"),
    Columns.state: N_("状态"),
    Columns.holder: N_("办理人"),
}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE = QColor("#b00020")
NEAR = QColor("#8a5a00")
STOPPED = QColor("#666666")


def state_text(row: InboxRow) -> str:
    if row.stop_reason is StopReason.special_procedure:
        return _("现场核查中")
    if row.stop_reason is StopReason.supplement:
        return _("等待补正")
    return sub_case_status_name(row.status)


def left_text(row: InboxRow) -> str:
    left = row.days_left
    if left is None:
        return ""
    if left < 0:
        return _("超期{n}日").format(n=-left)
    return str(left)


class InboxTableModel(RowsTableModel[InboxRow]):
    columns = Columns
    headers = HEADERS

    def cell(self, r: InboxRow, column: int, role: int) -> Any:
        col = Columns(column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.stop_reason is not None:
                return QBrush(STOPPED)
            if r.overdue:
                return QBrush(OVERDUE)
            if r.near:
                return QBrush(NEAR)
            return None
        if role == SORT_ROLE and col is Columns.left:
            return r.days_left if r.days_left is not None else 10**6
        if role not in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return None
        deadline = r.promised_deadline or r.statutory_deadline
        return {
            Columns.case: r.case_number,
            Columns.item: f"{r.item_code} {r.item_name}",
            Columns.applicant: r.applicant_name,
            Columns.route: route_name(r.route),
            Columns.accepted: r.accepted_on.isoformat(),
            Columns.deadline: deadline.isoformat() if deadline else "",
            Columns.left: left_text(r),
            Columns.state: state_text(r),
            Columns.holder: r.claimed_by_name
            or r.claimed_by
            or _("未认领（{department}）").format(department=r.department_name),
        }[col]
