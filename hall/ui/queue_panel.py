"""The counter's queue panel, docked beside the work: the counter open or closed, the
ticket at it, what waits, the tickets parked here. Its actions (call next, recall,
start, finish with a rating, no-show, park, resume, transfer) are in the main window's
menu with their keys; the panel's buttons show the same keys."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hall.core.errors import Conflict, HallError, NotFound, ValidationError
from hall.core.i18n import N_, _
from hall.models.enums import TicketStatus
from hall.services import queue_calls as calls
from hall.services.audit import Actor
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.queue import list_categories, priority_name
from hall.services.queue_calls import CalledTicket, CounterView
from hall.services.queue_status import QueueStatus, queue_status
from hall.ui.actions import ActionId
from hall.ui.bus import ChangeBus
from hall.ui.errors import error_text, show_error
from hall.ui.queue_dialogs import RatingDialog, TransferDialog
from hall.ui.tasks import run_task
from hall.ui.widgets import named

log = logging.getLogger(__name__)
REFRESH_MS = 5_000
_STATUS = {
    TicketStatus.called: N_("正在呼叫"),
    TicketStatus.serving: N_("正在办理"),
    TicketStatus.parked: N_("暂离"),
    TicketStatus.served: N_("已办结"),
    TicketStatus.no_show: N_("未到"),
    TicketStatus.waiting: N_("等候中"),
}


class QueuePanel(QDockWidget):
    #: A ticket was just called here (the window opens its pickup case or pre-review).
    called = Signal(object)
    published = Signal(object)  # Changes

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(_("叫号"), parent)
        self.setObjectName("queuePanel")
        self.ctx, self.actor = ctx, actor
        self.counter: CounterView | None = None
        self.status: QueueStatus | None = None
        self._loading = self._again = False
        self._acting = False  # a queue action is under way (in the background)
        self._build_ui()
        self.timer = QTimer(self, interval=REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()

    def _build_ui(self) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        self.counter_label = named(QLabel(), "queueCounter")
        self.number_label = named(QLabel("—"), "queueNumber")
        self.number_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.number_label.font()
        font.setPointSize(font.pointSize() * 3)
        font.setBold(True)
        self.number_label.setFont(font)
        self.ticket_label = named(QLabel(), "queueTicket")
        self.ticket_label.setWordWrap(True)
        self.ticket_label.setTextFormat(Qt.TextFormat.PlainText)
        self.keys_label = QLabel(
            _("Ctrl+F5 叫下一位 · Ctrl+Alt+F5 叫指定号 · Ctrl+Shift+F5 重呼 · "
              "Ctrl+F6 开始办理 · Ctrl+F7 办结评价 · Ctrl+Shift+F7 未到 · Ctrl+F8 暂离 · "
              "Ctrl+Shift+F8 恢复 · Ctrl+Shift+T 转移")
        )  # fmt: skip
        self.keys_label.setWordWrap(True)
        self.keys_label.setStyleSheet("color: #666;")
        self.parked = named(QListWidget(), "queueParked")
        self.parked.setMaximumHeight(90)
        self.parked.itemActivated.connect(lambda item: self.resume(item.text().split()[0]))
        self.waiting = named(QLabel(), "queueWaiting")
        self.waiting.setTextFormat(Qt.TextFormat.PlainText)
        self.message = named(QLabel(), "queueMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        for widget in (self.counter_label, self.number_label, self.ticket_label):
            layout.addWidget(widget)
        layout.addWidget(self.message)
        parked_label = QLabel(_("暂离的号（回车恢复）："))
        # Wrapped: the dock is narrow, and English runs longer than Chinese.
        for label in (self.counter_label, self.waiting, parked_label):
            label.setWordWrap(True)
        layout.addWidget(parked_label)
        layout.addWidget(self.parked)
        layout.addWidget(QLabel(_("等候：")))
        layout.addWidget(self.waiting)
        layout.addStretch(1)
        layout.addWidget(self.keys_label)
        body.setMinimumWidth(240)
        self.setWidget(body)

    def bind(self, actions: dict[ActionId, QAction], bus: ChangeBus) -> None:
        """Connect the window's queue actions (menu and keys) and its change bus."""
        for action_id, slot in (
            (ActionId.queue_call, self.call_next),
            (ActionId.queue_call_number, self.call_number),
            (ActionId.queue_recall, self.recall),
            (ActionId.queue_start, self.start),
            (ActionId.queue_finish, self.finish),
            (ActionId.queue_no_show, self.no_show),
            (ActionId.queue_park, self.park),
            (ActionId.queue_resume, self.resume),
            (ActionId.queue_transfer, self.transfer),
            (ActionId.queue_open, self.toggle_open),
        ):
            actions[action_id].triggered.connect(lambda _checked=False, s=slot: s())
        self.published.connect(bus.publish)
        bus.queue_changed.connect(self.refresh)

    # --- reading -------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self, self.refresh)

    def refresh(self) -> None:
        """Read the counter and the queue in the background (on a timer, and after a change)."""
        if not self.isVisible():
            return
        if self._loading:  # read again once this read is in: something changed meanwhile
            self._again = True
            return
        self._loading, self._again = True, False
        ctx, actor = self.ctx, self.actor

        def work() -> tuple[CounterView, QueueStatus]:
            return calls.counter_state(ctx, actor), queue_status(ctx)

        def done(result: tuple[CounterView, QueueStatus]) -> None:
            self._loading = False
            if self._again:
                QTimer.singleShot(0, self, self.refresh)
            self.counter, self.status = result
            self._render()

        def failed(exc: BaseException) -> None:
            self._loading = False
            self.message.setText(error_text(exc))
            if self._again:
                QTimer.singleShot(0, self, self.refresh)

        run_task(self, work, done, failed)

    def _render(self) -> None:
        c = self.counter
        if c is None:
            return
        state = _("开放") if c.is_open else _("已关闭")
        self.counter_label.setText(
            _("窗口 {code}（{window} 号窗口）· {state} · 办理 {letters}").format(
                code=c.code, window=c.window, state=state, letters="".join(c.categories)
            )
        )
        t = c.current
        self.number_label.setText(t.number if t else "—")
        self.ticket_label.setText(
            self._describe(t) if t else _("没有正在办理的号。按 Ctrl+F5 叫号。")
        )
        self.parked.clear()
        for p in c.parked:
            self.parked.addItem(QListWidgetItem(f"{p.number}  {p.category}"))
        if self.status is not None:
            lines = [
                _("{letter} {name}：{n} 人，约 {minutes} 分钟").format(
                    letter=s.letter, name=s.name, n=s.waiting, minutes=s.estimated_wait_minutes
                )
                for s in self.status.categories
                if s.letter in c.categories
            ]
            self.waiting.setText("\n".join(lines))

    def _describe(self, t: CalledTicket) -> str:
        parts = [f"{t.letter} {t.category} · {_(_STATUS[t.status])}"]
        if t.status is TicketStatus.called:
            parts.append(_("已呼叫 {n} 次").format(n=t.calls))
        if t.priority.value:
            parts.append(priority_name(t.priority))
        if t.case_number:
            parts.append(_("领取证照：{case}").format(case=t.case_number))
        if t.draft_id:
            missing = _("、").join(t.missing) if t.missing else _("无")
            parts.append(_("已预审，缺少：{missing}").format(missing=missing))
        return "\n".join(parts)

    # --- acting --------------------------------------------------------------------------

    def _act(self, work, *, announce: bool = False, then=None) -> None:
        """Run one queue action off the GUI thread (on the hall server it may wait for a
        dead network to time out; the window never freezes) and say what went wrong on
        the panel. ``then(ticket)`` runs after it succeeded. A key pressed again while
        an action is under way is not run twice."""
        if self._acting:
            self.message.setText(_("上一个操作还在进行，请稍候。"))
            return
        self._acting = True
        self.message.clear()

        def done(result: tuple[CalledTicket | None, Changes]) -> None:
            self._acting = False
            ticket, changes = result
            self.published.emit(changes)  # the bus has this panel (and others) read again
            if announce and ticket is not None:
                self.called.emit(ticket)
            if then is not None:
                then(ticket)

        def failed(exc: BaseException) -> None:
            self._acting = False
            if isinstance(exc, Conflict | NotFound | ValidationError):
                # The queue's own refusals (nobody at the counter, too soon to recall)
                # are said on the panel: a dialog would stop the clerk's next key.
                self.message.setText(exc.message)
            elif isinstance(exc, HallError):
                self.message.setText(exc.message)
                show_error(self, exc, _("叫号"))
            else:
                self.message.setText(error_text(exc))

        run_task(self, work, done, failed)

    def call_next(self) -> None:
        def said(ticket: CalledTicket | None) -> None:
            if ticket is None and not self.message.text():
                self.message.setText(_("没有等候的号。"))

        self._act(lambda: calls.call_next(self.ctx, self.actor), announce=True, then=said)

    def call_number(self) -> None:
        """Call a ticket by the number on its paper: offline, the way to serve a ticket
        issued elsewhere that this counter knows."""
        number, ok = QInputDialog.getText(self, _("叫指定号"), _("排队号（如 A012 或 C03-A005）："))
        if not ok or not number.strip():
            return
        chosen = number.strip().upper()
        self._act(lambda: calls.call_number(self.ctx, self.actor, chosen), announce=True)

    def recall(self) -> None:
        def said(ticket: CalledTicket | None) -> None:
            if ticket is not None and ticket.status is TicketStatus.no_show:
                self.message.setText(
                    _("{number} 已呼叫 {n} 次未到，记为未到。").format(
                        number=ticket.number, n=ticket.calls
                    )
                )

        self._act(lambda: calls.recall(self.ctx, self.actor), then=said)

    def start(self) -> None:
        self._act(lambda: calls.start_serving(self.ctx, self.actor))

    def finish(self) -> None:
        current = self.counter.current if self.counter else None
        if current is None:
            self._act(lambda: calls.finish(self.ctx, self.actor))  # says why not
            return
        dialog = RatingDialog(current.number, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        rating, reason = dialog.rating, dialog.reason_text
        self._act(lambda: calls.finish(self.ctx, self.actor, rating, reason))

    def no_show(self) -> None:
        self._act(lambda: calls.mark_no_show(self.ctx, self.actor))

    def park(self) -> None:
        self._act(lambda: calls.park(self.ctx, self.actor))

    def resume(self, number: str | None = None) -> None:
        if number is None:
            item = self.parked.currentItem() or self.parked.item(0)
            if item is None:
                self.message.setText(_("没有暂离的号。"))
                return
            number = item.text().split()[0]
        chosen = number
        self._act(lambda: calls.resume(self.ctx, self.actor, chosen), announce=True)

    def transfer(self) -> None:
        current = self.counter.current if self.counter else None
        if current is None:
            self.message.setText(_("当前没有可转移的号。"))
            return
        try:
            categories = list_categories(self.ctx)  # a handful of rows
        except HallError as exc:
            show_error(self, exc)
            return
        dialog = TransferDialog(current.number, categories, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        letter, counter = dialog.chosen
        self._act(lambda: calls.transfer(self.ctx, self.actor, category=letter, to_counter=counter))

    def toggle_open(self) -> None:
        if self.counter is not None and self.counter.is_open:
            self._act(lambda: calls.close_counter(self.ctx, self.actor))
        else:
            self._act(lambda: calls.open_counter(self.ctx, self.actor))

    def show_message(self, text: str) -> None:
        self.message.setText(text)

    def error(self, exc: BaseException) -> None:
        self.message.setText(error_text(exc))
