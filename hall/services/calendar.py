"""Importing a year's official holiday schedule and building the working-day calendar.

File format (``docs/calendar-format.md``)::

    {"format": "hall-calendar/1", "year": 2027,
     "label": "国务院办公厅关于2027年部分节假日安排的通知",
     "holidays": [{"name": "春节", "from": "2027-02-06", "to": "2027-02-13"}],
     "workdays": [{"name": "春节调休上班", "date": "2027-02-14"}]}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, select

from hall.core.errors import ImportRejected, Problem
from hall.core.i18n import _
from hall.models import CalendarDay, CalendarYear
from hall.services.audit import Actor, record
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.workdays import WorkdayCalendar

FORMAT = "hall-calendar/1"


@dataclass(frozen=True)
class YearSchedule:
    year: int
    label: str
    days: dict[date, tuple[bool, str]]

    @property
    def holidays(self) -> int:
        return sum(1 for is_work, _name in self.days.values() if not is_work)

    @property
    def adjusted_workdays(self) -> int:
        return sum(1 for is_work, _name in self.days.values() if is_work)


def parse_calendar(raw: bytes) -> YearSchedule:
    """Check a year's schedule file; raises ``ImportRejected`` listing every problem."""
    problems: list[Problem] = []
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRejected(
            _("日历文件不是有效的 UTF-8 JSON。"), [Problem("$", str(exc))]
        ) from None
    if not isinstance(doc, dict):
        raise ImportRejected(_("日历文件内容不正确。"), [Problem("$", _("应为对象"))])
    for key in sorted(set(doc) - {"format", "year", "label", "holidays", "workdays"}):
        problems.append(Problem(f"$.{key}", _("未知的键")))
    if doc.get("format") != FORMAT:
        problems.append(Problem("$.format", _("应为“{expected}”").format(expected=FORMAT)))
    year = doc.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        problems.append(Problem("$.year", _("应为2000至2100之间的年份")))
        year = None
    label = str(doc["label"]) if isinstance(doc.get("label"), str) else ""
    days: dict[date, tuple[bool, str]] = {}

    def parse_day(value: Any, place: str) -> date | None:
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            problems.append(Problem(place, _("“{v}”不是 YYYY-MM-DD 日期").format(v=value)))
            return None
        if year is not None and day.year != year:
            problems.append(Problem(place, _("{d} 不在 {y} 年内").format(d=day, y=year)))
            return None
        return day

    holidays = doc.get("holidays", [])
    workdays = doc.get("workdays", [])
    if not isinstance(holidays, list) or not isinstance(workdays, list):
        problems.append(Problem("$", _("holidays 和 workdays 应为列表")))
        holidays, workdays = [], []
    for i, entry in enumerate(holidays):
        place = f"holidays[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            problems.append(Problem(place, _("应为含 name、from、to 的对象")))
            continue
        start = parse_day(entry.get("from"), f"{place}.from")
        end = parse_day(entry.get("to", entry.get("from")), f"{place}.to")
        if start is None or end is None:
            continue
        if end < start:
            problems.append(Problem(f"{place}.to", _("结束日期早于开始日期")))
            continue
        day = start
        while day <= end:
            days[day] = (False, entry["name"])
            day += timedelta(days=1)
    for i, entry in enumerate(workdays):
        place = f"workdays[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            problems.append(Problem(place, _("应为含 name、date 的对象")))
            continue
        adjusted = parse_day(entry.get("date"), f"{place}.date")
        if adjusted is None:
            continue
        if adjusted in days:
            problems.append(
                Problem(f"{place}.date", _("{d} 同时被列为假日和调休工作日").format(d=adjusted))
            )
        elif adjusted.weekday() < 5:
            problems.append(
                Problem(f"{place}.date", _("{d} 是周一至周五，不需要调休").format(d=adjusted))
            )
        else:
            days[adjusted] = (True, entry["name"])
    if problems or year is None:
        raise ImportRejected(
            _("日历文件有{n}处错误，未导入任何内容。").format(n=len(problems)), problems
        )
    return YearSchedule(year, label, days)


def import_calendar(
    ctx: AppContext, actor: Actor, raw: bytes, source_name: str
) -> tuple[YearSchedule, Changes]:
    """Replace the schedule of the file's year; it takes precedence over chinesecalendar."""
    schedule = parse_calendar(raw)
    with ctx.uow() as session:
        before = session.get(CalendarYear, schedule.year)
        before_summary = {"label": before.label, "source": before.source_name} if before else None
        session.execute(delete(CalendarDay).where(CalendarDay.year == schedule.year))
        if before is not None:
            session.delete(before)
            session.flush()
        session.add(
            CalendarYear(
                year=schedule.year,
                label=schedule.label,
                source_name=source_name[-260:],
                imported_at=ctx.clock.now(),
                imported_by=actor.username,
            )
        )
        for day, (is_work, name) in sorted(schedule.days.items()):
            session.add(CalendarDay(day=day, year=schedule.year, is_workday=is_work, name=name))
        record(
            session,
            ctx.clock,
            actor,
            "calendar.import",
            "calendar_year",
            str(schedule.year),
            before=before_summary,
            after={
                "label": schedule.label,
                "source": source_name,
                "days": {d.isoformat(): [w, n] for d, (w, n) in schedule.days.items()},
            },
        )
    ctx.forget_calendar()
    return schedule, Changes(calendar=True)


def load_calendar(ctx: AppContext) -> WorkdayCalendar:
    imported: dict[int, dict[date, tuple[bool, str]]] = {}
    with ctx.uow() as session:
        for year in session.scalars(select(CalendarYear.year)):
            imported[year] = {}
        for row in session.scalars(select(CalendarDay)):
            imported.setdefault(row.year, {})[row.day] = (row.is_workday, row.name)
    return WorkdayCalendar(imported)
