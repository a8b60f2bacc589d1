"""Official working days (行政许可法 art. 82: every period counts in working days).

Three sources, in order of precedence:

1. a year's schedule imported by an administrator (``hall calendar import``);
2. the chinesecalendar package, which knows a fixed range of years;
3. Monday to Friday, for a year neither knows: such a day is **provisional**, and so is
   every deadline that crosses it, until the year is loaded.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

from hall.core.i18n import N_, _

# chinesecalendar names its holidays in English.
_HOLIDAY_NAMES = {
    "New Year's Day": N_("元旦"),
    "Spring Festival": N_("春节"),
    "Tomb-sweeping Day": N_("清明节"),
    "Labour Day": N_("劳动节"),
    "Dragon Boat Festival": N_("端午节"),
    "National Day": N_("国庆节"),
    "Mid-autumn Festival": N_("中秋节"),
    "Anti-Fascist 70th Day": N_("抗战胜利70周年纪念日"),
}


@dataclass(frozen=True)
class DayInfo:
    is_workday: bool
    provisional: bool
    name: str = ""


@dataclass(frozen=True)
class Deadline:
    day: date
    provisional: bool

    def isoformat(self) -> str:
        return self.day.isoformat()


@functools.cache
def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 30))
    except NotImplementedError:
        return False
    return True


class WorkdayCalendar:
    """Answers whether a day is an official working day, and counts working days.

    ``years`` are the years whose official schedule was imported, ``overrides`` the
    exceptional days of those schedules (a holiday on a weekday, an adjusted working
    weekend day) as ``{day: (is_workday, name)}``. An override may lie just across a year
    boundary, as published notices do (2018-12-29 worked for 2019's New Year holiday).
    Any other day of an imported year is a working day from Monday to Friday.
    """

    def __init__(
        self,
        overrides: Mapping[date, tuple[bool, str]] | None = None,
        years: Iterable[int] = (),
    ) -> None:
        self._overrides = dict(overrides or {})
        self._imported = frozenset(years)
        # chinesecalendar scans its whole table on every call: each year is asked once.
        self._years: dict[int, list[DayInfo]] = {}

    @property
    def imported_years(self) -> frozenset[int]:
        return self._imported

    def knows(self, year: int) -> bool:
        return year in self._imported or _package_knows(year)

    def _table(self, year: int) -> list[DayInfo]:
        table = self._years.get(year)
        if table is None:
            start = date(year, 1, 1)
            days = (date(year + 1, 1, 1) - start).days
            table = [self._lookup(start + timedelta(days=n)) for n in range(days)]
            self._years[year] = table
        return table

    def day(self, day: date) -> DayInfo:
        return self._table(day.year)[day.timetuple().tm_yday - 1]

    def _lookup(self, day: date) -> DayInfo:
        if day in self._overrides:
            is_work, name = self._overrides[day]
            return DayInfo(is_work, False, name)
        if day.year in self._imported:
            return DayInfo(day.weekday() < 5, False)
        if _package_knows(day.year):
            _on_holiday, name = chinese_calendar.get_holiday_detail(day)
            label = _(_HOLIDAY_NAMES[name]) if name in _HOLIDAY_NAMES else (name or "")
            return DayInfo(chinese_calendar.is_workday(day), False, label)
        return DayInfo(day.weekday() < 5, True)

    def is_workday(self, day: date) -> bool:
        return self.day(day).is_workday

    def add_workdays(self, start: date, n: int) -> Deadline:
        """The ``n``-th working day strictly after ``start``.

        The start day itself never counts, working day or not (unlike
        ``chinese_calendar.find_workday``, which counts differently from a holiday).
        The result is provisional if any day passed over is in an unknown year.
        """
        if n < 0:
            raise ValueError("n must not be negative")
        provisional = not self.knows(start.year)
        if n == 0:
            return Deadline(start, provisional)
        year, index = start.year, start.timetuple().tm_yday  # index of the day after start
        counted = 0
        while True:
            table = self._table(year)
            for i in range(index, len(table)):
                info = table[i]
                provisional = provisional or info.provisional
                if info.is_workday:
                    counted += 1
                    if counted == n:
                        return Deadline(date(year, 1, 1) + timedelta(days=i), provisional)
            year, index = year + 1, 0
