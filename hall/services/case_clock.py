"""A sub-case's clock: working days left, and the stretches it stands still.

Art. 82 counts every period in working days; art. 45 and the supplement rule of art. 32
stop the clock while the applicant supplements materials (补正) or a special procedure
runs. The rules, in one place:

* **Days left** to a deadline, counted on day ``d``, are the working days after ``d`` up
  to and including the deadline: 0 on the deadline itself, negative once it has passed
  (the working days after the deadline up to and including ``d``).
* **While the clock stands still** the days left are frozen at their value on the day it
  stopped (counted from the stop's first day, as if that day were today).
* **A stop's length** is the working days after the day it started up to and including
  the day it ended: a stop that starts and ends on the same day lasts 0 days; a notice
  given on Monday and answered on Thursday stopped the clock 3 working days. The day the
  notice is given counts as a running day, the day the materials arrive does not (the
  period restarts the day after, as every period of the law starts).
* **Deadlines** are the statutory and promised limits counted from the acceptance day,
  lengthened by every working day the clock stood still:
  ``add_workdays(accepted_on, days + stopped_days)``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, timedelta

from hall.models import ClockStop, SubCase
from hall.models.enums import StopReason
from hall.services.workdays import WorkdayCalendar


def workdays_after(calendar: WorkdayCalendar, start: date, end: date) -> int:
    """The working days after ``start`` up to and including ``end``; when ``end`` is
    before ``start``, minus the working days after ``end`` up to and including ``start``."""
    if end < start:
        return -workdays_after(calendar, end, start)
    return sum(
        1 for n in range(1, (end - start).days + 1) if calendar.is_workday(start + timedelta(n))
    )


def days_left(
    calendar: WorkdayCalendar, deadline: date | None, today: date, stopped_since: date | None
) -> int | None:
    """Working days left to ``deadline`` (negative: overdue), frozen while stopped."""
    if deadline is None:
        return None
    return workdays_after(calendar, stopped_since or today, deadline)


def standing_still(stops: Iterable[ClockStop]) -> dict[uuid.UUID, tuple[date, StopReason]]:
    """For each sub-case whose clock stands still among ``stops``: since when (its
    earliest open stop) and why."""
    out: dict[uuid.UUID, tuple[date, StopReason]] = {}
    for stop in stops:
        if stop.ended_on is not None:
            continue
        known = out.get(stop.sub_case_id)
        if known is None or stop.started_on < known[0]:
            out[stop.sub_case_id] = (stop.started_on, stop.reason)
    return out


def end_stop(
    calendar: WorkdayCalendar, stop: ClockStop, sub: SubCase, accepted_on: date, today: date
) -> int:
    """End an open ``stop`` of ``sub`` today: count its working days, add them to the
    sub-case's stopped days and move its deadlines. Returns the days it stood still."""
    days = max(0, workdays_after(calendar, stop.started_on, today))
    stop.ended_on = today
    stop.working_days = days
    sub.stopped_days = (sub.stopped_days or 0) + days
    recount_deadlines(calendar, sub, accepted_on)
    return days


def recount_deadlines(calendar: WorkdayCalendar, sub: SubCase, accepted_on: date) -> None:
    """Count ``sub``'s deadlines again from ``accepted_on``, with its stopped days."""
    statutory = (
        calendar.add_workdays(accepted_on, sub.statutory_days + sub.stopped_days)
        if sub.statutory_days is not None
        else None
    )
    promised = (
        calendar.add_workdays(accepted_on, sub.promised_days + sub.stopped_days)
        if sub.promised_days is not None
        else None
    )
    if statutory is not None:
        sub.statutory_deadline = statutory.day
    if promised is not None:
        sub.promised_deadline = promised.day
    sub.deadline_provisional = any(d.provisional for d in (statutory, promised) if d)
