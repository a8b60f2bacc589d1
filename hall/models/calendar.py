"""Official working-day schedules imported by an administrator; they take precedence
over the bundled chinesecalendar data."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hall.models.base import Base


class CalendarYear(Base):
    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    label: Mapped[str] = mapped_column(String(200))
    source_name: Mapped[str] = mapped_column(String(260))
    imported_at: Mapped[datetime]
    imported_by: Mapped[str] = mapped_column(String(64))


class CalendarDay(Base):
    """A day that differs from Monday-to-Friday: a holiday on a weekday, or an adjusted
    working weekend day (调休)."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    is_workday: Mapped[bool]
    name: Mapped[str] = mapped_column(String(60), default="")
