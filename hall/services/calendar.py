"""Importing a year's official holiday schedule and building the working-day calendar.

File format (``docs/calendar-format.md``)::

    {"format": "hall-calendar/1", "year": 2027,
     "label": "国务院办公厅关于2027年部分节假日安排的通知",
     "holidays": [{"name": "春节", "from": "2027-02-06", "to": "2027-02-13"}],
     "workdays": [{"name": "春节调休上班", "date": "2027-02-14"}]}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hall.core.errors import ImportRejected
from hall.core.i18n import _
from hall.models import CalendarDay, CalendarYear, Case, SubCase, VerificationTask
from hall.services.audit import Actor, record
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.json_reader import MAX_YEAR, MIN_YEAR, JsonReader, load_json
from hall.services.permissions import Permission, guarded
from hall.services.routing import on_hall_server
from hall.services.workdays import Deadline, WorkdayCalendar

FORMAT = "hall-calendar/1"
BOUNDARY_DAYS = 7


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
    doc = load_json(raw, _("日历文件"))
    r = JsonReader()
    top = r.obj(doc, "$", {"format", "year", "label", "holidays", "workdays"})
    if top is None:
        raise ImportRejected(_("日历文件内容不正确。"), r.problems)
    if top.get("format") != FORMAT:
        r.problem("$.format", _("应为“{expected}”").format(expected=FORMAT))
    year = r.integer(top, "year", "$", required=True, minimum=MIN_YEAR, maximum=MAX_YEAR)
    label = r.text(top, "label", "$", max_length=200) or ""
    # Published notices reach a few days across the year's ends (a New Year holiday that
    # starts on 30 December, a Saturday worked on 29 December for it).
    first = date(year, 1, 1) - timedelta(days=BOUNDARY_DAYS) if year else None
    last = date(year, 12, 31) + timedelta(days=BOUNDARY_DAYS) if year else None
    days: dict[date, tuple[bool, str]] = {}

    def in_range(day: date | None, place: str) -> date | None:
        if day is None or first is None or last is None:
            return None
        if not first <= day <= last:
            r.problem(place, _("{d} 不在 {y} 年的安排范围内").format(d=day, y=year))
            return None
        return day

    holidays = r.items(top, "holidays", "$")
    for i, raw_entry in enumerate(holidays):
        place = f"holidays[{i}]"
        entry = r.obj(raw_entry, place, {"name", "from", "to"})
        if entry is None:
            continue
        name = r.text(entry, "name", place, max_length=60)
        start = in_range(_required_day(r, entry, "from", place), f"{place}.from")
        end = in_range(_required_day(r, entry, "to", place), f"{place}.to")
        if name is None or start is None or end is None:
            continue
        if end < start:
            r.problem(f"{place}.to", _("结束日期早于开始日期"))
            continue
        day = start
        while day <= end:
            days[day] = (False, name)
            day += timedelta(days=1)
    if year is not None and not holidays and "holidays" in top:
        r.problem("$.holidays", _("没有列出任何假日：每年至少有元旦、春节等法定节假日"))
    for i, raw_entry in enumerate(r.items(top, "workdays", "$")):
        place = f"workdays[{i}]"
        entry = r.obj(raw_entry, place, {"name", "date"})
        if entry is None:
            continue
        name = r.text(entry, "name", place, max_length=60)
        adjusted = in_range(_required_day(r, entry, "date", place), f"{place}.date")
        if name is None or adjusted is None:
            continue
        if adjusted in days:
            r.problem(f"{place}.date", _("{d} 同时被列为假日和调休工作日").format(d=adjusted))
        elif adjusted.weekday() < 5:
            r.problem(f"{place}.date", _("{d} 是周一至周五，不需要调休").format(d=adjusted))
        else:
            days[adjusted] = (True, name)
    if r.problems or year is None:
        raise ImportRejected(
            _("日历文件有{n}处错误，未导入任何内容。").format(n=len(r.problems)), r.problems
        )
    return YearSchedule(year, label, days)


def _required_day(r: JsonReader, entry: dict[str, Any], key: str, place: str) -> date | None:
    if entry.get(key) is None:
        r.problem(f"{place}.{key}", _("缺少此项"))
        return None
    return r.day(entry, key, place)


@dataclass(frozen=True)
class CalendarImported:
    schedule: YearSchedule
    recounted: int  # stored deadlines that were provisional and have been counted again


@on_hall_server
@guarded(Permission.import_catalog)
def import_calendar(
    ctx: AppContext, actor: Actor, raw: bytes, source_name: str
) -> tuple[CalendarImported, Changes]:
    """Replace the schedule of the file's year; it takes precedence over chinesecalendar.

    In the same transaction, every stored deadline that was provisional is counted again
    on the new calendar (and each change audited). Raises ``ImportRejected`` listing
    every problem of a bad file; nothing is written then.
    """
    schedule = parse_calendar(raw)
    with ctx.uow() as session:
        before = session.get(CalendarYear, schedule.year)
        before_summary = {"label": before.label, "source": before.source_name} if before else None
        session.execute(delete(CalendarDay).where(CalendarDay.year == schedule.year))
        # A boundary day named by this file and by the neighbouring year's: the newer wins.
        session.execute(delete(CalendarDay).where(CalendarDay.day.in_(list(schedule.days))))
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
        session.flush()
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
        recounted = _recount_provisional(session, ctx, actor, _calendar_in(session))
    ctx.forget_calendar()
    return CalendarImported(schedule, recounted), Changes(calendar=True, cases=recounted > 0)


def _calendar_in(session: Session) -> WorkdayCalendar:
    years = list(session.scalars(select(CalendarYear.year)))
    overrides = {
        row.day: (row.is_workday, row.name) for row in session.scalars(select(CalendarDay))
    }
    return WorkdayCalendar(overrides, years)


def _plus(days: int | None, stopped: int) -> int | None:
    return None if days is None else days + stopped


def _recount_provisional(
    session: Session, ctx: AppContext, actor: Actor, calendar: WorkdayCalendar
) -> int:
    """Count provisional deadlines again from the acceptance day; returns how many changed."""
    changed = 0
    rows = session.execute(
        select(SubCase, Case.accepted_on).join(Case).where(SubCase.deadline_provisional)
    ).all()
    for sub, accepted_on in rows:
        # The days the clock stood still (补正) extend the deadlines; keep them.
        stopped = sub.stopped_days or 0
        statutory = _count(calendar, accepted_on, _plus(sub.statutory_days, stopped))
        promised = _count(calendar, accepted_on, _plus(sub.promised_days, stopped))
        before = {
            "statutory_deadline": sub.statutory_deadline,
            "promised_deadline": sub.promised_deadline,
            "provisional": True,
        }
        sub.statutory_deadline = statutory.day if statutory else None
        sub.promised_deadline = promised.day if promised else None
        sub.deadline_provisional = any(d.provisional for d in (statutory, promised) if d)
        after = {
            "statutory_deadline": sub.statutory_deadline,
            "promised_deadline": sub.promised_deadline,
            "provisional": sub.deadline_provisional,
        }
        if after != before:
            changed += 1
            record(
                session,
                ctx.clock,
                actor,
                "sub_case.deadline_recount",
                "sub_case",
                sub.id,
                before=before,
                after=after,
                rows=[sub],
            )
    tasks = session.execute(
        select(VerificationTask, Case.accepted_on)
        .join(SubCase, VerificationTask.sub_case_id == SubCase.id)
        .join(Case)
        .where(VerificationTask.due_provisional)
    ).all()
    for task, accepted_on in tasks:
        due = calendar.add_workdays(accepted_on, task.window_days)
        before = {"due_date": task.due_date, "provisional": True}
        task.due_date, task.due_provisional = due.day, due.provisional
        after = {"due_date": task.due_date, "provisional": task.due_provisional}
        if after != before:
            changed += 1
            record(
                session,
                ctx.clock,
                actor,
                "verification_task.due_recount",
                "verification_task",
                task.id,
                before=before,
                after=after,
                rows=[task],
            )
    return changed


def _count(calendar: WorkdayCalendar, start: date, days: int | None) -> Deadline | None:
    return None if days is None else calendar.add_workdays(start, days)


def load_calendar(ctx: AppContext) -> WorkdayCalendar:
    """The working-day calendar with every imported year (built once per context)."""
    with ctx.uow() as session:
        return _calendar_in(session)
