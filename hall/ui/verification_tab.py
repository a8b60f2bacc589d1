"""Post-event verification (事中事后监管): the verification tasks of commitment decisions
by working days left, past due red and near amber, with their inspector. Send an
inspector (Ctrl+I), record what the visit found (Ctrl+Enter), plan one visit for several
items of one enterprise (综合查一次, Ctrl+G) and record it (Ctrl+Shift+G); a false
commitment's revocation notice opens for printing at once (and again with Ctrl+Shift+D).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QBrush, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hall.core.clock import local_today
from hall.core.i18n import N_, _
from hall.services import supervision
from hall.services.audit import Actor
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.documents import PrintKind
from hall.services.supervision_outcomes import outcome_name
from hall.services.supervision_views import Outcome, OutcomeView, TaskView
from hall.ui.bus import ChangeBus
from hall.ui.documents_ui import open_preview
from hall.ui.errors import error_text
from hall.ui.inbox_model import NEAR, OVERDUE, STOPPED
from hall.ui.table_model import RowsTableModel
from hall.ui.tasks import run_task
from hall.ui.verification_dialogs import AssignDialog, InspectionDialog, OutcomeDialog, PlanDialog
from hall.ui.widgets import message_label, named

NEAR_DAYS = 3
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class Columns(IntEnum):
    left = 0
    due = 1
    applicant = 2
    item = 3
    case = 4
    inspector = 5
    status = 6
    note = 7


HEADERS = {
    Columns.left: N_("剩余工作日"),
    Columns.due: N_("核查期限"),
    Columns.applicant: N_("申请人"),
    Columns.item: N_("事项"),
    Columns.case: N_("受理编号"),
    Columns.inspector: N_("核查人员"),
    Columns.status: N_("状态"),
    Columns.note: N_("核查情况"),
}


def status_text(t: TaskView) -> str:
    if t.moot:
        return _("许可已撤销，无须核查")
    text = outcome_name(t.status)
    if t.inspection_id is not None and not t.closed:
        text += _("（已列入综合检查）")
    if t.follow_up_of is not None:
        text += _("（整改复查）")
    return text


class TasksModel(RowsTableModel[TaskView]):
    columns = Columns
    headers = HEADERS

    def cell(self, t: TaskView, column: int, role: int) -> Any:
        col = Columns(column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if t.closed or t.moot:
                return QBrush(STOPPED)
            if t.overdue:
                return QBrush(OVERDUE)
            if t.days_left is not None and t.days_left <= NEAR_DAYS:
                return QBrush(NEAR)
            return None
        if role == SORT_ROLE and col is Columns.left:
            return t.days_left if t.days_left is not None else 10**6
        if role not in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return None
        left = ""
        if t.days_left is not None:
            left = _("超期{n}日").format(n=-t.days_left) if t.days_left < 0 else str(t.days_left)
        return {
            Columns.left: left,
            Columns.due: t.due_date.isoformat() + (_("（暂定）") if t.due_provisional else ""),
            Columns.applicant: t.applicant_name,
            Columns.item: f"{t.item_code} {t.item_name}",
            Columns.case: t.case_number,
            Columns.inspector: t.inspector_name or t.inspector or "",
            Columns.status: status_text(t),
            Columns.note: t.outcome_note,
        }[col]


class VerificationTab(QWidget):
    def __init__(
        self, ctx: AppContext, actor: Actor, bus: ChangeBus, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.bus = bus
        self.people: tuple[tuple[str, str], ...] = ()
        self._running = False
        self._again = False
        self.model = TasksModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self._build_ui()

    def _build_ui(self) -> None:
        self.closed = named(QCheckBox(_("包括已办结的")), "verificationClosed")
        self.closed.toggled.connect(lambda _on: self.refresh())
        self.search = named(QLineEdit(), "verificationApplicant")
        self.search.setPlaceholderText(_("统一社会信用代码或身份证号，回车只看该申请人"))
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.refresh)
        self.count = named(QLabel(), "verificationCount")
        top = QHBoxLayout()
        top.addWidget(self.closed)
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        self.table = named(QTableView(), "verificationTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Columns.left, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.record())
        self.message = message_label()
        self.message.hide()
        self.buttons: dict[str, QPushButton] = {}
        row = QGridLayout()  # two lines: in one, English runs off a 1280-pixel screen
        actions: list[tuple[str, str, str, Callable[[], None]]] = [
            ("assign", _("指派核查人员…"), "Ctrl+I", self.assign),
            ("record", _("登记核查结果…"), "Ctrl+Return", self.record),
            ("plan", _("综合检查…"), "Ctrl+G", self.plan),
            ("inspection", _("登记综合检查结果…"), "Ctrl+Shift+G", self.record_inspection),
            ("notice", _("打印撤销决定书"), "Ctrl+Shift+D", self.print_notice),
        ]
        for index, (key, label, keys, slot) in enumerate(actions):
            button = named(QPushButton(f"{label} ({keys})"), f"verification_{key}")
            button.clicked.connect(slot)
            QShortcut(QKeySequence(keys), self, slot)
            row.addWidget(button, index // 3, index % 3)
            self.buttons[key] = button
        row.setColumnStretch(3, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(row)

    # --- reading -------------------------------------------------------------------------

    def _done(self) -> None:
        self._running = False
        if self._again:
            self._again = False
            QTimer.singleShot(0, self.refresh)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        if self._running:  # asked again meanwhile (a filter changed): once more after
            self._again = True
            return
        self._running = True
        ctx, actor = self.ctx, self.actor
        closed, code = self.closed.isChecked(), self.search.text().strip() or None

        def work() -> tuple[tuple[TaskView, ...], tuple[tuple[str, str], ...]]:
            tasks = supervision.verification_tasks(
                ctx, actor, include_closed=closed, applicant_code=code
            )
            return tasks, supervision.inspectors(ctx, actor)

        run_task(self, work, self._show, self._failed)

    def _show(self, result: tuple[tuple[TaskView, ...], tuple[tuple[str, str], ...]]) -> None:
        self._done()
        tasks, self.people = result
        self.model.set_rows(list(tasks))
        self.table.resizeColumnsToContents()
        open_ = [t for t in tasks if not t.closed and not t.moot]
        overdue = sum(t.overdue for t in open_)
        self.count.setText(
            _("待核查 {n} 项，其中超期 {overdue} 项").format(n=len(open_), overdue=overdue)
        )

    def _failed(self, exc: BaseException) -> None:
        self._done()
        self.say(_("无法读取核查任务：{reason}").format(reason=error_text(exc)), error=True)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def selected(self) -> list[TaskView]:
        rows = sorted({self.proxy.mapToSource(i).row() for i in self.table.selectedIndexes()})
        return [t for r in rows if (t := self.model.row_at(r)) is not None]

    def _need(self, tasks: list[TaskView], what: str) -> bool:
        if not tasks:
            self.say(_("请先在列表中选择{what}。").format(what=what), error=True)
            return False
        return True

    # --- acting --------------------------------------------------------------------------

    def _changed(self, changes: Changes, text: str) -> None:
        self.bus.publish(changes)
        self.say(text)
        self.refresh()

    def assign(self) -> None:
        tasks = self.selected()
        if not self._need(tasks, _("核查任务")):
            return

        def assign(inspector: str) -> None:
            changes = supervision.assign_inspector(
                self.ctx, self.actor, [t.id for t in tasks], inspector
            )
            self._changed(changes, _("已指派核查人员（{n} 项）。").format(n=len(tasks)))

        AssignDialog(tasks, self.people, assign, self).exec()

    def record(self) -> None:
        tasks = self.selected()
        if not self._need(tasks, _("一项核查任务")):
            return
        task = tasks[0]

        def record(outcome: Outcome) -> None:
            result, changes = supervision.record_outcome(
                self.ctx, self.actor, task.id, outcome.outcome,
                note=outcome.note, rectify_by=outcome.rectify_by,
            )  # fmt: skip
            self._settled([result], changes)

        OutcomeDialog(task, local_today(self.ctx.clock), record, self).exec()

    def plan(self) -> None:
        tasks = self.selected()
        if not self._need(tasks, _("同一申请人的核查任务")):
            return

        def plan(day: Any, inspector: str, note: str) -> None:
            _view, changes = supervision.plan_inspection(
                self.ctx, self.actor, [t.id for t in tasks],
                planned_on=day, inspector=inspector, note=note,
            )  # fmt: skip
            self._changed(changes, _("已安排综合检查：{n} 项一次上门完成。").format(n=len(tasks)))

        PlanDialog(tasks, self.people, local_today(self.ctx.clock), plan, self).exec()

    def record_inspection(self) -> None:
        tasks = self.selected()
        planned = {t.inspection_id for t in tasks if t.inspection_id is not None}
        if len(planned) != 1:
            self.say(_("请选择一项已列入综合检查的核查任务。"), error=True)
            return
        inspection_id = planned.pop()
        rows = (self.model.row_at(r) for r in range(self.model.rowCount()))
        visit = [t for t in rows if t is not None and t.inspection_id == inspection_id]

        def record(outcomes: dict[uuid.UUID, Outcome]) -> None:
            results, changes = supervision.record_inspection(
                self.ctx, self.actor, inspection_id, outcomes
            )
            self._settled(list(results), changes)

        InspectionDialog(visit, local_today(self.ctx.clock), record, self).exec()

    def _settled(self, results: list[OutcomeView], changes: Changes) -> None:
        notices = [r.document for r in results if r.document is not None]
        follow = [r.follow_up for r in results if r.follow_up is not None]
        text = _("已登记 {n} 项核查结果。").format(n=len(results))
        if follow:
            text += _("整改复查任务已建立，期限 {day}。").format(day=follow[0].due_date.isoformat())
        if len(notices) == 1:
            text += _("许可已撤销，申请人已记入失信名单：请打印撤销决定书并送达。")
        elif notices:
            text += _(
                "{n} 项许可已撤销，申请人已记入失信名单：共 {n} 份撤销决定书，先打开第一份；"
                "其余请勾选“包括已办结的”，选中该项后按 Ctrl+Shift+D 打印。"
            ).format(n=len(notices))
        self._changed(changes, text)
        if notices:  # one preview at a time
            number = notices[0].number
            open_preview(self, self.ctx, self.actor, self.bus, PrintKind.revocation, number)

    def print_notice(self) -> None:
        numbers = [t.notice_number for t in self.selected() if t.notice_number]
        if not numbers:
            self.say(_("请选择一项认定为虚假承诺的核查任务。"), error=True)
            return
        open_preview(self, self.ctx, self.actor, self.bus, PrintKind.revocation, numbers[0])
