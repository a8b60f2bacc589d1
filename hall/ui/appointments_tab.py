"""The appointments tab of the guide's desk: a working day and a category, its slots
with what is left of each, the booking form, and that day's appointments to check in,
move or cancel. A booking prints its slip."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hall.core.errors import HallError
from hall.core.i18n import N_, _
from hall.models.enums import AppointmentStatus
from hall.services.appointments import (
    AppointmentView,
    Slot,
    appointment_status_name,
    available_slots,
    book_appointment,
    cancel_appointment,
    check_in,
    day_appointments,
    move_appointment,
    next_bookable_days,
)
from hall.services.audit import Actor
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.documents import PrintKind
from hall.services.queue import CategoryView, TicketView
from hall.ui.bus import ChangeBus
from hall.ui.documents_ui import open_preview
from hall.ui.errors import error_text, show_error
from hall.ui.tasks import run_task
from hall.ui.widgets import message_label, named

ROLE = Qt.ItemDataRole.UserRole
_WEEKDAYS = (N_("周一"), N_("周二"), N_("周三"), N_("周四"), N_("周五"), N_("周六"), N_("周日"))


class AppointmentsTab(QWidget):
    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        bus: ChangeBus,
        categories: list[CategoryView],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._reads = 0  # refreshes started; the answer of an older one is dropped
        self.ctx, self.actor, self.bus = ctx, actor, bus
        self._build_ui(categories)
        self.reload_days()

    def _build_ui(self, categories: list[CategoryView]) -> None:
        self.day = named(QComboBox(), "appointmentDay")
        self.category = named(QComboBox(), "appointmentCategory")
        for c in categories:
            self.category.addItem(f"{c.letter} {c.name}", c.letter)
        self.slots = named(QListWidget(), "appointmentSlots")
        self.name = named(QLineEdit(), "appointmentName")
        self.phone = named(QLineEdit(), "appointmentPhone")
        self.code = named(QLineEdit(), "appointmentCode")
        self.code.setPlaceholderText(_("统一社会信用代码或身份证号（可不填）"))
        self.book_button = named(QPushButton(_("预约并打印预约单(&K)")), "appointmentBook")
        self.book_button.clicked.connect(self.book)
        self.message = message_label()
        form = QFormLayout()
        form.addRow(_("日期（工作日）"), self.day)
        form.addRow(_("业务类别"), self.category)
        form.addRow(_("时段"), self.slots)
        form.addRow(_("预约人"), self.name)
        form.addRow(_("手机号码"), self.phone)
        form.addRow(_("证件号码"), self.code)
        form.addRow(self.book_button)
        form.addRow(self.message)

        self.booked = named(QListWidget(), "appointmentList")
        self.check_in_button = named(QPushButton(_("签到取号(&I)")), "appointmentCheckIn")
        self.check_in_button.setToolTip(_("今天的预约人到了：发一个优先的排队号"))
        self.check_in_button.clicked.connect(self.check_in)
        self.move_button = named(QPushButton(_("改到所选时段(&M)")), "appointmentMove")
        self.move_button.clicked.connect(self.move_to_slot)
        self.cancel_button = named(QPushButton(_("取消预约")), "appointmentCancel")
        self.cancel_button.clicked.connect(self.cancel)
        actions = QHBoxLayout()
        for button in (self.check_in_button, self.move_button, self.cancel_button):
            actions.addWidget(button)
        right = QVBoxLayout()
        right.addWidget(self.booked, 1)
        right.addLayout(actions)
        layout = QHBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addLayout(right, 1)
        self.day.currentIndexChanged.connect(lambda _i: self.refresh())
        self.category.currentIndexChanged.connect(lambda _i: self.refresh())

    def reload_days(self) -> None:
        """The bookable days, read in the background (on the hall server while it
        answers: a dead network never freezes the desk)."""
        ctx = self.ctx

        def done(days: list[date]) -> None:
            self.day.blockSignals(True)
            self.day.clear()
            for d in days:
                self.day.addItem(
                    _("{day}（{weekday}）").format(
                        day=d.isoformat(), weekday=_(_WEEKDAYS[d.weekday()])
                    ),
                    d,
                )
            self.day.blockSignals(False)
            self.refresh()

        self._run(lambda: next_bookable_days(ctx), done, quiet=True)

    def prefill(self, name: str, phone: str, code: str) -> None:
        self.name.setText(name)
        self.phone.setText(phone)
        self.code.setText(code)
        self.slots.setFocus()

    def _chosen_day(self) -> date | None:
        value = self.day.currentData()
        return value if isinstance(value, date) else None

    def refresh(self) -> None:
        """The chosen day's slots, and the appointments of every bookable day (a few
        dozen rows: read at once, in the background). The appointment chosen stays
        chosen, so that it can be moved to a slot of another day."""
        day, letter = self._chosen_day(), self.category.currentData()
        if day is None or letter is None:
            self.slots.clear()
            self.booked.clear()
            return
        days = [self.day.itemData(n) for n in range(self.day.count())]
        ctx = self.ctx
        # Reads may finish out of order: only the latest one's answer is shown, or the
        # slots of the category chosen before could stand under the one chosen now.
        self._reads += 1
        this_read = self._reads

        def read() -> tuple[list[Slot], list[AppointmentView]]:
            slots = available_slots(ctx, letter, day)
            return slots, [a for d in days for a in day_appointments(ctx, d)]

        def done(result: tuple[list[Slot], list[AppointmentView]]) -> None:
            if this_read != self._reads:
                return
            chosen = self.booked.currentItem()
            keep = chosen.data(ROLE) if chosen is not None else None
            self.slots.clear()
            self.booked.clear()
            slots, booked = result
            for slot in slots:
                self._add_slot(slot)
            for a in booked:
                self._add_booked(a)
                if a.number == keep:
                    self.booked.setCurrentRow(self.booked.count() - 1)

        self._run(read, done, quiet=True)

    def _add_slot(self, slot: Slot) -> None:
        text = _("{label}  余 {free}/{capacity}").format(
            label=slot.label, free=slot.free, capacity=slot.capacity
        )
        item = QListWidgetItem(text)
        item.setData(ROLE, slot.start)
        if not slot.free:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        self.slots.addItem(item)

    def _add_booked(self, a: AppointmentView) -> None:
        text = (
            f"{a.day:%m-%d} {a.slot_start:%H:%M} {a.category.letter} {a.number} "
            f"{a.applicant_name} · {appointment_status_name(a.status)}"
        )
        item = QListWidgetItem(text)
        item.setData(ROLE, a.number)
        if a.status is not AppointmentStatus.booked:
            item.setForeground(Qt.GlobalColor.gray)
        self.booked.addItem(item)

    def _slot(self) -> Any:
        item = self.slots.currentItem()
        if item is None:
            self.message.setText(_("请选择一个时段。"))
            return None
        return item.data(ROLE)

    def _appointment(self) -> str | None:
        item = self.booked.currentItem()
        if item is None:
            self.message.setText(_("请在右边的列表中选择一个预约。"))
            return None
        return str(item.data(ROLE))

    def _done(self, changes: Changes, text: str) -> None:
        self.message.setStyleSheet("color: #1b5e20;")
        self.message.setText(text)
        self.bus.publish(changes)
        self.refresh()

    def _failed(self, exc: BaseException, *, quiet: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(error_text(exc))
        if isinstance(exc, HallError) and not quiet:
            show_error(self, exc, _("预约"))

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None], *, quiet=False) -> None:
        """One call of the services off the GUI thread; a failure said on the tab (and
        in a dialog, for an action the clerk asked for)."""
        run_task(self, work, done, lambda exc: self._failed(exc, quiet=quiet))

    def book(self) -> None:
        day, start = self._chosen_day(), self._slot()
        if day is None or start is None:
            return
        ctx, actor, letter = self.ctx, self.actor, self.category.currentData()
        name, phone, code = self.name.text(), self.phone.text(), self.code.text()

        def done(result: tuple[AppointmentView, Changes]) -> None:
            booked, changes = result
            for field in (self.name, self.phone, self.code):
                field.clear()
            self._done(changes, _("已预约：{number}").format(number=booked.number))
            open_preview(self, self.ctx, self.actor, self.bus, PrintKind.slip, booked.number)

        self._run(lambda: book_appointment(ctx, actor, letter, day, start, name, phone, code), done)

    def check_in(self) -> None:
        number = self._appointment()
        if number is None:
            return
        ctx, actor = self.ctx, self.actor

        def done(result: tuple[TicketView, Changes]) -> None:
            ticket, changes = result
            self._done(
                changes, _("已签到，排队号 {ticket}（优先叫号）").format(ticket=ticket.number)
            )
            open_preview(self, self.ctx, self.actor, self.bus, PrintKind.ticket, ticket.number)

        self._run(lambda: check_in(ctx, actor, number), done)

    def move_to_slot(self) -> None:
        number, day, start = self._appointment(), self._chosen_day(), self._slot()
        if number is None or day is None or start is None:
            return
        ctx, actor = self.ctx, self.actor

        def done(result: tuple[AppointmentView, Changes]) -> None:
            moved, changes = result
            self._done(
                changes,
                _("{number} 已改到 {day} {start:%H:%M}").format(
                    number=moved.number, day=moved.day.isoformat(), start=moved.slot_start
                ),
            )

        self._run(lambda: move_appointment(ctx, actor, number, day, start), done)

    def cancel(self) -> None:
        number = self._appointment()
        if number is None:
            return
        ctx, actor = self.ctx, self.actor

        def done(changes: Changes) -> None:
            self._done(changes, _("已取消预约 {number}").format(number=number))

        self._run(lambda: cancel_appointment(ctx, actor, number), done)
