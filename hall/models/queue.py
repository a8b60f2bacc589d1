"""The queue: service categories, the counters that serve them, tickets with their
events, and appointments."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hall.models.base import Base, UUIDKey
from hall.models.enums import AppointmentStatus, Priority, QueueEventKind, TicketStatus


class QueueCategory(UUIDKey, Base):
    """A service category: its letter prefixes its tickets (A012)."""

    __tablename__ = "queue_category"

    letter: Mapped[str] = mapped_column(String(2), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    position: Mapped[int]
    first_number: Mapped[int] = mapped_column(default=1)
    last_number: Mapped[int] = mapped_column(default=999)
    # What an applicant of this category should bring, printed on appointment slips.
    bring: Mapped[list[str]] = mapped_column(default=list)
    # Appointments: the length of a slot and how many citizens each slot takes.
    slot_minutes: Mapped[int] = mapped_column(default=30)
    slot_capacity: Mapped[int] = mapped_column(default=4)


class ServiceCounter(UUIDKey, Base):
    """A counter (窗口) of the hall: the categories it serves, and whether it is open."""

    __tablename__ = "service_counter"

    code: Mapped[str] = mapped_column(String(8), unique=True)  # C01
    window: Mapped[str] = mapped_column(String(8))  # what the hall display says: "3"
    categories: Mapped[list[str]] = mapped_column(default=list)  # letters
    is_open: Mapped[bool] = mapped_column(default=False)
    opened_at: Mapped[datetime | None]
    opened_by: Mapped[str] = mapped_column(String(64), default="")


class Ticket(UUIDKey, Base):
    __tablename__ = "ticket"
    __table_args__ = (UniqueConstraint("day", "number"),)

    day: Mapped[date] = mapped_column(index=True)
    number: Mapped[str] = mapped_column(String(16))  # A012; offline C03-A005
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("queue_category.id"))
    issued_at: Mapped[datetime]
    issued_by: Mapped[str] = mapped_column(String(64))
    counter: Mapped[str] = mapped_column(String(8))  # where it was issued
    priority: Mapped[Priority] = mapped_column(default=Priority.none)
    status: Mapped[TicketStatus]
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appointment.id"))
    # A pickup ticket (证照领取) names the case whose documents it comes for.
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case.id"))
    # Transferred to one counter: only that counter calls it.
    for_counter: Mapped[str | None] = mapped_column(String(8))
    # The call: which counter, by whom, how often, when last (for the gap between calls).
    called_counter: Mapped[str | None] = mapped_column(String(8))
    called_by: Mapped[str] = mapped_column(String(64), default="")
    first_called_at: Mapped[datetime | None]
    last_called_at: Mapped[datetime | None]
    calls: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # 好差评: 1 (very dissatisfied) to 5, with the citizen's reason for a low mark.
    rating: Mapped[int | None]
    rating_reason: Mapped[str] = mapped_column(Text, default="")


# Calling next reads the day's waiting tickets of a few categories, oldest first.
Index("ix_ticket_waiting", Ticket.day, Ticket.status, Ticket.issued_at)


class QueueEvent(UUIDKey, Base):
    """One thing that happened to a ticket, with its time: the reports' raw material."""

    __tablename__ = "queue_event"

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ticket.id"), index=True)
    day: Mapped[date] = mapped_column(index=True)
    kind: Mapped[QueueEventKind]
    at: Mapped[datetime]
    counter: Mapped[str] = mapped_column(String(8), default="")
    username: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Recorded on a counter cut off from its hall server (the queue then runs locally).
    offline: Mapped[bool] = mapped_column(default=False)


class Appointment(UUIDKey, Base):
    __tablename__ = "appointment"

    number: Mapped[str] = mapped_column(String(32), unique=True)
    day: Mapped[date] = mapped_column(index=True)
    slot_start: Mapped[time]
    slot_end: Mapped[time]
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("queue_category.id"))
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_code: Mapped[str] = mapped_column(String(32), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[AppointmentStatus]
    booked_at: Mapped[datetime]
    booked_by: Mapped[str] = mapped_column(String(64))
    # Check-in gives a priority ticket, which names this appointment.
    checked_in_at: Mapped[datetime | None]
