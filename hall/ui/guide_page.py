"""The guide's desk (导办台, F10): issue tickets (printed on the ticket printer), see who
waits and pre-review their applications while they wait, and book appointments for what
cannot be finished today (the appointments tab)."""

from __future__ import annotations

import logging
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hall.core.errors import HallError
from hall.core.i18n import N_, _
from hall.models.enums import Priority
from hall.services.audit import Actor
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.documents import PrintKind
from hall.services.queue import TicketView, issue_ticket, list_categories, priority_name
from hall.services.queue_status import WaitingTicket, waiting_tickets
from hall.ui.appointments_tab import AppointmentsTab
from hall.ui.bus import ChangeBus
from hall.ui.documents_ui import open_preview
from hall.ui.errors import error_text, show_error
from hall.ui.prereview_dialog import BOOK, PreReviewDialog
from hall.ui.table_model import RowsTableModel
from hall.ui.tasks import run_task
from hall.ui.widgets import named

log = logging.getLogger(__name__)
REFRESH_MS = 10_000
PRIORITIES = (Priority.none, Priority.elderly, Priority.disabled, Priority.pregnant)


class Columns(IntEnum):
    number = 0
    priority = 1
    issued = 2
    waited = 3
    prereview = 4


HEADERS = {
    Columns.number: N_("排队号"),
    Columns.priority: N_("优先"),
    Columns.issued: N_("取号时间"),
    Columns.waited: N_("已等候"),
    Columns.prereview: N_("预审"),
}


class WaitingModel(RowsTableModel[WaitingTicket]):
    columns = Columns
    headers = HEADERS

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def cell(self, t: WaitingTicket, column: int, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        col = Columns(column)
        if col is Columns.number:
            return t.number + (f" → {t.for_counter}" if t.for_counter else "")
        if col is Columns.priority:
            return priority_name(t.priority)
        if col is Columns.issued:
            return t.issued_at.astimezone(self.ctx.clock.zone).strftime("%H:%M")
        if col is Columns.waited:
            minutes = int((self.ctx.clock.now() - t.issued_at).total_seconds() // 60)
            return _("{n} 分钟").format(n=max(0, minutes))
        if not t.prereviewed:
            return ""
        return _("缺：{m}").format(m=_("、").join(t.missing)) if t.missing else _("齐全")


class GuidePage(QWidget):
    def __init__(self, ctx: AppContext, actor: Actor, bus: ChangeBus, parent: QWidget) -> None:
        super().__init__(parent)
        self._issuing = False  # a ticket is being issued (in the background)
        self.setObjectName("guidePage")
        self.ctx, self.actor, self.bus = ctx, actor, bus
        self._loading = self._again = False
        self._build_ui()
        self.timer = QTimer(self, interval=REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()

    def _build_ui(self) -> None:
        issue = QHBoxLayout()
        self.priority = named(QComboBox(), "guidePriority")
        for p in PRIORITIES:
            self.priority.addItem(priority_name(p) or _("不优先"), p)
        self.print_ticket = named(QCheckBox(_("打印排队票")), "guidePrint")
        self.print_ticket.setChecked(True)
        self.category_buttons: list[QPushButton] = []
        problem = ""
        try:
            categories = list_categories(self.ctx)
        except HallError as exc:  # said on the page: no buttons to press
            log.warning("categories unreadable: %s", exc.message)
            categories, problem = [], exc.message
        for n, c in enumerate(categories, 1):
            button = named(QPushButton(f"{c.letter}  {c.name}"), f"issue{c.letter}")
            button.setMinimumHeight(48)
            if n <= 9:
                button.setShortcut(f"Alt+{n}")
                button.setToolTip(f"Alt+{n}")
            button.clicked.connect(lambda _checked=False, letter=c.letter: self.issue(letter))
            issue.addWidget(button)
            self.category_buttons.append(button)
        issue.addWidget(self.priority)
        issue.addWidget(self.print_ticket)
        self.message = named(QLabel(), "guideMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        if problem:
            self._say(problem, error=True)

        self.model = WaitingModel(self.ctx, self)
        self.table = named(QTableView(), "guideWaiting")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(lambda _i: self.prereview())
        self.prereview_button = named(QPushButton(_("预审(&Y)")), "guidePrereview")
        self.prereview_button.setToolTip(_("为选中的号预审申请（回车或双击）"))
        self.prereview_button.clicked.connect(self.prereview)
        self.reprint_button = named(QPushButton(_("补打排队票")), "guideReprint")
        self.reprint_button.clicked.connect(self.reprint)
        buttons = QHBoxLayout()
        buttons.addWidget(self.prereview_button)
        buttons.addWidget(self.reprint_button)
        buttons.addStretch(1)
        waiting = QWidget()
        box = QVBoxLayout(waiting)
        box.addWidget(self.table, 1)
        box.addLayout(buttons)

        self.appointments = AppointmentsTab(self.ctx, self.actor, self.bus, categories, self)
        self.tabs = named(QTabWidget(), "guideTabs")
        self.tabs.addTab(waiting, _("等候中"))
        self.tabs.addTab(self.appointments, _("预约"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("取号：选择业务类别（Alt+数字）")))
        layout.addLayout(issue)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)

    def focus_first(self) -> None:
        if self.category_buttons:
            self.category_buttons[0].setFocus()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "")
        self.message.setText(text)

    def refresh(self) -> None:
        if not self.isVisible():
            return
        if self._loading:  # read again once this read is in: something changed meanwhile
            self._again = True
            return
        self._loading, self._again = True, False
        ctx = self.ctx

        def done(rows: list[WaitingTicket]) -> None:
            self._loading = False
            if self._again:
                QTimer.singleShot(0, self, self.refresh)
            selected = self._selected()
            self.model.set_rows(rows)
            for n, row in enumerate(rows):
                if selected is not None and row.number == selected.number:
                    self.table.selectRow(n)

        def failed(exc: BaseException) -> None:
            self._loading = False
            self._say(error_text(exc), error=True)
            if self._again:
                QTimer.singleShot(0, self, self.refresh)

        run_task(self, lambda: waiting_tickets(ctx), done, failed)
        self.appointments.refresh()

    def _selected(self) -> WaitingTicket | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def issue(self, letter: str) -> None:
        """Issue a ticket in the background (on the hall server while it answers: a dead
        network must not freeze the desk); one at a time."""
        if self._issuing:
            return
        self._issuing = True
        priority = self.priority.currentData()
        ctx, actor = self.ctx, self.actor

        def done(result: tuple[TicketView, Changes]) -> None:
            self._issuing = False
            ticket, changes = result
            self.priority.setCurrentIndex(0)  # a priority is for this citizen only
            self._say(
                _("已取号 {number}（{name}），前面还有 {n} 人。").format(
                    number=ticket.number, name=ticket.category.name, n=ticket.people_ahead
                )
            )
            self.bus.publish(changes)
            if self.print_ticket.isChecked():
                self.send_to_printer(ticket.number)
            self.refresh()

        def failed(exc: BaseException) -> None:
            self._issuing = False
            self._say(error_text(exc), error=True)
            if isinstance(exc, HallError):
                show_error(self, exc, _("未能取号"))

        run_task(self, lambda: issue_ticket(ctx, actor, letter, priority), done, failed)

    def reprint(self) -> None:
        t = self._selected()
        if t is not None:
            self.send_to_printer(t.number)

    def send_to_printer(self, number: str) -> None:
        """On the ESC/POS ticket printer when one is set, else through the print preview."""
        if not self.ctx.settings.ticket_printer:
            open_preview(self, self.ctx, self.actor, self.bus, PrintKind.ticket, number)
            return
        from hall.services.ticket_printer import send_ticket

        ctx, actor = self.ctx, self.actor

        def failed(exc: BaseException) -> None:
            self._say(error_text(exc), error=True)

        run_task(self, lambda: send_ticket(ctx, actor, number), lambda _r: None, failed)

    def prereview(self) -> None:
        t = self._selected()
        if t is None:
            self._say(_("请先在列表中选择一个号。"), error=True)
            return
        dialog = PreReviewDialog(self.ctx, self.actor, t.number, self)
        if dialog.opened and dialog.exec() == BOOK:
            self.tabs.setCurrentWidget(self.appointments)
            self.appointments.prefill(*dialog.applicant)
        self.refresh()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self.prereview()
            return
        super().keyPressEvent(event)
