"""The queue's service categories, tickets and appointments (the hall's paper side of
them; calling, transfers and events grow here with the queue itself)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hall.models.base import Base, UUIDKey
from hall.models.enums import AppointmentStatus, Priority, TicketStatus


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


class Ticket(UUIDKey, Base):
    __tablename__ = "ticket"
    __table_args__ = (UniqueConstraint("day", "number"),)

    day: Mapped[date] = mapped_column(index=True)
    number: Mapped[str] = mapped_column(String(12))  # A012
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("queue_category.id"))
    issued_at: Mapped[datetime]
    issued_by: Mapped[str] = mapped_column(String(64))
    counter: Mapped[str] = mapped_column(String(8))  # where it was issued
    priority: Mapped[Priority] = mapped_column(default=Priority.none)
    status: Mapped[TicketStatus]
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appointment.id"))
    # A pickup ticket (证照领取) names the case whose documents it comes for.
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case.id"))


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
