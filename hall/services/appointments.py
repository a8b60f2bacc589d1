"""Appointments: slots per working day and category with a capacity, in the hall's
opening hours; booking, moving, cancelling; check-in (a priority ticket); and releasing
the appointments nobody came for."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import Conflict, NotFound, ValidationError
from hall.core.i18n import N_, _
from hall.models import Appointment, QueueCategory
from hall.models.enums import AppointmentStatus, Priority
from hall.services.audit import Actor, record
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.identifiers import parse_applicant_code, validate_mobile
from hall.services.numbering import next_number
from hall.services.permissions import Permission, guarded
from hall.services.queue import (
    CategoryView,
    TicketView,
    category_view,
    find_category,
    new_ticket,
    ticket_view,
)
from hall.services.routing import queue_side

_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
#: How far ahead a citizen may book.
BOOKING_DAYS = 30
_TAKEN = (AppointmentStatus.booked, AppointmentStatus.checked_in)


@dataclass(frozen=True)
class AppointmentView:
    id: uuid.UUID
    number: str
    day: date
    slot_start: time
    slot_end: time
    category: CategoryView
    applicant_name: str
    applicant_code: str
    phone: str
    status: AppointmentStatus
    booked_at: datetime


@dataclass(frozen=True)
class Slot:
    start: time
    end: time
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def opening_periods(text: str) -> list[tuple[time, time]]:
    """``09:00-12:00,13:30-17:00`` as periods. Raises ``ValidationError`` if malformed."""
    periods: list[tuple[time, time]] = []
    for part in text.split(","):
        if not part.strip():
            continue
        m = _PERIOD.match(part)
        try:
            if m is None:
                raise ValueError(part)
            h1, m1, h2, m2 = (int(g) for g in m.groups())
            start, end = time(h1, m1), time(h2, m2)
        except ValueError:
            raise ValidationError(
                _("办公时间“{text}”无效，应写作 09:00-12:00,13:30-17:00。").format(text=text)
            ) from None
        if end <= start or (periods and start < periods[-1][1]):
            raise ValidationError(
                _("办公时间“{text}”无效：时段应从早到晚、互不重叠。").format(text=text)
            )
        periods.append((start, end))
    return periods


def _slot_times(periods: list[tuple[time, time]], minutes: int) -> list[tuple[time, time]]:
    out = []
    for start, end in periods:
        at = datetime.combine(date.min, start)
        stop = datetime.combine(date.min, end)
        while at + timedelta(minutes=minutes) <= stop:
            out.append((at.time(), (at + timedelta(minutes=minutes)).time()))
            at += timedelta(minutes=minutes)
    return out


def _check_day(ctx: AppContext, day: date) -> None:
    today = local_today(ctx.clock)
    if day < today:
        raise ValidationError(_("预约日期不能早于今天。"), field="day")
    if day > today + timedelta(days=BOOKING_DAYS):
        raise ValidationError(
            _("只能预约{days}天以内的日期。").format(days=BOOKING_DAYS), field="day"
        )
    if not ctx.calendar().is_workday(day):
        raise ValidationError(
            _("{day}不是工作日，大厅不办公，请选择其他日期。").format(day=day.isoformat()),
            field="day",
        )


def _slots(ctx: AppContext, session: Session, category: QueueCategory, day: date) -> list[Slot]:
    times = _slot_times(opening_periods(ctx.settings.opening_hours), category.slot_minutes)
    counts = dict(
        session.execute(
            select(Appointment.slot_start, func.count())
            .where(
                Appointment.day == day,
                Appointment.category_id == category.id,
                Appointment.status.in_(_TAKEN),
            )
            .group_by(Appointment.slot_start)
        ).all()
    )
    now = ctx.clock.now().astimezone(ctx.clock.zone)
    return [
        Slot(start, end, category.slot_capacity, int(counts.get(start, 0)))
        for start, end in times
        if day > now.date() or start > now.time()  # a slot already begun is not offered
    ]


@queue_side
def available_slots(ctx: AppContext, letter: str, day: date) -> list[Slot]:
    """The slots of ``day`` for the category ``letter``, with what is left of each.
    Raises ``ValidationError`` for a day that cannot be booked (past, too far, not a
    working day), ``NotFound`` for an unknown category."""
    _check_day(ctx, day)
    with ctx.uow() as session:
        return _slots(ctx, session, find_category(session, letter), day)


def next_bookable_days(ctx: AppContext, count: int = 10) -> list[date]:
    """The next ``count`` working days from today on (the calendar's holidays skipped)."""
    days: list[date] = []
    day = local_today(ctx.clock)
    calendar = ctx.calendar()
    while len(days) < count and day <= local_today(ctx.clock) + timedelta(days=BOOKING_DAYS):
        if calendar.is_workday(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _take_slot(
    ctx: AppContext, session: Session, category: QueueCategory, day: date, start: time
) -> tuple[time, time]:
    _check_day(ctx, day)
    for slot in _slots(ctx, session, category, day):
        if slot.start == start:
            if not slot.free:
                raise Conflict(
                    _("{day} {slot} 的预约已满，请选择其他时段。").format(
                        day=day.isoformat(), slot=slot.label
                    )
                )
            return slot.start, slot.end
    raise ValidationError(_("{start:%H:%M} 不是可预约的时段。").format(start=start), field="slot")


def appointment_view(session: Session, row: Appointment) -> AppointmentView:
    category = session.get_one(QueueCategory, row.category_id)
    return AppointmentView(
        row.id,
        row.number,
        row.day,
        row.slot_start,
        row.slot_end,
        category_view(category),
        row.applicant_name,
        row.applicant_code,
        row.phone,
        row.status,
        row.booked_at,
    )


@guarded(Permission.issue_tickets)
def book_appointment(
    ctx: AppContext,
    actor: Actor,
    letter: str,
    day: date,
    start: time,
    name: str,
    phone: str,
    code: str = "",
) -> tuple[AppointmentView, Changes]:
    """Book the slot that starts at ``start`` on ``day`` for the category ``letter``.

    Raises ``ValidationError`` for a day that cannot be booked, a time that is not a
    slot, an empty name or a malformed mobile number or code; ``Conflict`` for a full
    slot; ``NotFound`` for an unknown category."""
    today = local_today(ctx.clock)
    name = name.strip()
    if not name:
        raise ValidationError(_("请填写预约人姓名。"), field="name")
    mobile = validate_mobile(phone)
    applicant_code = parse_applicant_code(code, today=today).code if code.strip() else ""
    counter = actor.counter or ctx.counter or "00"
    with ctx.uow(write=True) as session:
        category = find_category(session, letter, lock=True)
        slot = _take_slot(ctx, session, category, day, start)
        row = Appointment(
            number=next_number(session, Appointment.number, f"YY{counter}-{today:%Y%m%d}-", 4),
            day=day,
            slot_start=slot[0],
            slot_end=slot[1],
            category_id=category.id,
            applicant_name=name,
            applicant_code=applicant_code,
            phone=mobile,
            status=AppointmentStatus.booked,
            booked_at=ctx.clock.now(),
            booked_by=actor.username,
        )
        session.add(row)
        session.flush()
        record(
            session, ctx.clock, actor, "appointment.book", "appointment", row.id,
            after={"number": row.number, "day": day, "slot": slot[0].isoformat(),
                   "category": category.letter}, rows=[row],
        )  # fmt: skip
        return appointment_view(session, row), Changes(queue=True)


def _booked(session: Session, number: str) -> Appointment:
    row = find_appointment(session, number)
    if row.status is not AppointmentStatus.booked:
        raise Conflict(
            _("预约 {number} 已{status}，不能再改动。").format(
                number=row.number, status=appointment_status_name(row.status)
            )
        )
    return row


@guarded(Permission.issue_tickets)
def move_appointment(
    ctx: AppContext, actor: Actor, number: str, day: date, start: time
) -> tuple[AppointmentView, Changes]:
    """Move a booked appointment to another slot (of the same category).
    Raises as ``book_appointment`` does, and ``Conflict`` for one no longer booked."""
    with ctx.uow(write=True) as session:
        row = _booked(session, number)
        category = session.get_one(QueueCategory, row.category_id, with_for_update=True)
        before = {"day": row.day, "slot": row.slot_start.isoformat()}
        row.day, row.slot_start = day, start  # leaves the old slot before taking the new
        session.flush()
        row.slot_start, row.slot_end = _take_slot(ctx, session, category, day, start)
        record(
            session, ctx.clock, actor, "appointment.move", "appointment", row.id,
            before=before, after={"day": day, "slot": start.isoformat()}, rows=[row],
        )  # fmt: skip
        return appointment_view(session, row), Changes(queue=True)


@guarded(Permission.issue_tickets)
def cancel_appointment(ctx: AppContext, actor: Actor, number: str) -> Changes:
    """Cancel a booked appointment: its place in the slot is free again."""
    with ctx.uow(write=True) as session:
        row = _booked(session, number)
        row.status = AppointmentStatus.cancelled
        record(
            session, ctx.clock, actor, "appointment.cancel", "appointment", row.id,
            after={"status": row.status}, rows=[row],
        )  # fmt: skip
        return Changes(queue=True)


@guarded(Permission.issue_tickets)
def check_in(ctx: AppContext, actor: Actor, number: str) -> tuple[TicketView, Changes]:
    """The citizen with appointment ``number`` arrived: a priority ticket of its
    category. Raises ``Conflict`` for an appointment of another day, or one cancelled,
    released or already checked in."""
    today = local_today(ctx.clock)
    with ctx.uow(write=True) as session:
        row = _booked(session, number)
        if row.day != today:
            raise Conflict(
                _("预约 {number} 是 {day} 的，今天不能签到。").format(
                    number=row.number, day=row.day.isoformat()
                )
            )
        category = session.get_one(QueueCategory, row.category_id, with_for_update=True)
        row.status = AppointmentStatus.checked_in
        row.checked_in_at = ctx.clock.now()
        ticket = new_ticket(session, ctx, actor, category, Priority.appointment, appointment=row.id)
        record(
            session, ctx.clock, actor, "appointment.check_in", "appointment", row.id,
            after={"status": row.status, "ticket": ticket.number}, rows=[row],
        )  # fmt: skip
        return ticket_view(session, ticket), Changes(queue=True)


@guarded(Permission.issue_tickets)
def release_missed(ctx: AppContext, actor: Actor) -> tuple[int, Changes]:
    """Release today's (and earlier) appointments nobody checked in for, once their slot
    ended more than the grace time ago. Returns how many were released."""
    now = ctx.clock.now().astimezone(ctx.clock.zone)
    grace = timedelta(minutes=ctx.settings.appointment_grace_minutes)
    released = 0
    with ctx.uow(write=True) as session:
        rows = session.scalars(
            select(Appointment).where(
                Appointment.status == AppointmentStatus.booked, Appointment.day <= now.date()
            )
        ).all()
        for row in rows:
            ends = datetime.combine(row.day, row.slot_end, tzinfo=ctx.clock.zone)
            if ends + grace <= now:
                row.status = AppointmentStatus.no_show
                released += 1
                record(
                    session, ctx.clock, actor, "appointment.release", "appointment", row.id,
                    after={"status": row.status}, rows=[row],
                )  # fmt: skip
    return released, Changes(queue=bool(released))


@queue_side
def day_appointments(ctx: AppContext, day: date) -> list[AppointmentView]:
    """The appointments of ``day``, by slot."""
    with ctx.uow() as session:
        rows = session.scalars(
            select(Appointment)
            .where(Appointment.day == day)
            .order_by(Appointment.slot_start, Appointment.number)
        ).all()
        return [appointment_view(session, r) for r in rows]


def find_appointment(session: Session, number: str) -> Appointment:
    row = session.scalar(select(Appointment).where(Appointment.number == number.strip().upper()))
    if row is None:
        raise NotFound(_("没有预约号 {number}。").format(number=number.strip()))
    return row


_STATUS_NAMES = {
    AppointmentStatus.booked: N_("已预约"),
    AppointmentStatus.checked_in: N_("已签到"),
    AppointmentStatus.cancelled: N_("已取消"),
    AppointmentStatus.no_show: N_("过时未到"),
}


def appointment_status_name(status: AppointmentStatus) -> str:
    return _(_STATUS_NAMES[status])
