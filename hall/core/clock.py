"""Time, in one place, so tests can set it.

Stored times are timezone-aware UTC; dates a person sees are in the hall's zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

HALL_ZONE = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    zone: tzinfo

    def now(self) -> datetime:
        """The current moment, timezone-aware UTC."""
        ...


class SystemClock:
    def __init__(self, zone: tzinfo = HALL_ZONE) -> None:
        self.zone = zone

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved; for tests and simulations."""

    def __init__(self, at: datetime, zone: tzinfo = HALL_ZONE) -> None:
        if at.tzinfo is None:
            at = at.replace(tzinfo=zone)
        self._at = at.astimezone(UTC)
        self.zone = zone

    def now(self) -> datetime:
        return self._at

    def advance(self, delta: timedelta) -> None:
        self._at += delta


def local_today(clock: Clock) -> date:
    """Today's date in the hall's zone."""
    return clock.now().astimezone(clock.zone).date()
