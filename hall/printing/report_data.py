"""The daily throughput report (业务量日报) as plain frozen data: the figures of a day
or a range of days, for the hall and broken down per counter, per clerk and per
category, with what the charts draw. :mod:`hall.services.reports` fills it in from SQL
aggregates; :mod:`hall.printing.report` lays it out, and the exports write it as CSV,
XLSX and JSON. Labels are already in the reader's language; every string is text.

Times are in minutes. A figure with nothing to measure is ``None`` (printed as "—"),
never 0: a day without a served ticket has no mean handling time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Spread:
    """A distribution of times in minutes: how many, the mean, the median and the 90th
    percentile (linear interpolation between the closest ranks, as PostgreSQL's
    ``percentile_cont``)."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class ModeCount:
    """Sub-cases accepted in one reform mode."""

    mode: str  # the ReformMode value: cancelled, filing, commitment, optimized
    label: str  # 直接取消审批 …
    count: int


@dataclass(frozen=True)
class Figures:
    """The figures of one row of the report: the hall, a counter, a clerk or a category.

    The queue's figures count the tickets of the row (issued at a counter, a category's
    tickets, served or marked by a clerk); the cases' figures count the cases accepted
    at the counter or by the clerk (a category has none: a case has no category)."""

    key: str  # "" for the hall, the counter's code, the clerk's username, the letter
    label: str  # 全厅, 窗口 C01（3 号窗）, 张三（clerk01）, A 综合受理
    issued: int
    served: int
    no_show: int
    transferred: int
    wait: Spread  # from the ticket's issue to its first call
    handle: Spread  # from the start of service to its end, for served tickets
    cases_accepted: int
    items: int  # sub-cases of those cases
    by_mode: tuple[ModeCount, ...]  # always the four modes, in the catalog's order
    on_the_spot: int  # sub-cases decided at the counter when the case was accepted
    rating_count: int
    rating_mean: float | None
    low_ratings: int  # marks of 1 or 2 (差评)
    work: int  # served tickets and accepted cases
    offline_work: int  # of which done while the counter could not reach the hall server

    @property
    def on_the_spot_share(self) -> float | None:
        return self.on_the_spot / self.items if self.items else None

    @property
    def offline_share(self) -> float | None:
        return self.offline_work / self.work if self.work else None


@dataclass(frozen=True)
class HourCount:
    hour: int  # 0–23, the hall's local time
    issued: int
    served: int


@dataclass(frozen=True)
class WaitBucket:
    """One bar of the waiting-time distribution: tickets first called after waiting
    at least ``low`` and less than ``high`` minutes (``high`` None: and more)."""

    label: str  # 5–10 分钟
    low: int
    high: int | None
    count: int


@dataclass(frozen=True)
class DepartmentDeadlines:
    """The sub-cases of one department (or of the hall: ``code`` "") and their limits.

    ``due``: the promised deadline falls in the period; ``overdue``: undecided at the
    end of the period with the promised deadline already past; ``decided``: decided in
    the period, ``in_time`` of them on or before their promised deadline."""

    code: str
    name: str
    due: int
    overdue: int
    decided: int
    in_time: int
    pending_verifications: int  # department verification requests (部门核验) unanswered

    @property
    def in_time_share(self) -> float | None:
        return self.in_time / self.decided if self.decided else None


@dataclass(frozen=True)
class LowRating:
    """A low mark (差评) and the citizen's reason, for the supervisor to follow up."""

    at: datetime
    ticket: str
    counter: str
    clerk: str
    rating: int
    reason: str


@dataclass(frozen=True)
class DailyReport:
    hall_name: str
    hall_code: str
    start: date
    end: date  # inclusive; the same as ``start`` for one day
    made_at: datetime
    made_by: str  # the supervisor's name as printed
    hall: Figures
    counters: tuple[Figures, ...]
    clerks: tuple[Figures, ...]
    categories: tuple[Figures, ...]
    per_hour: tuple[HourCount, ...]  # only the hours with any ticket issued or served
    waits: tuple[WaitBucket, ...]
    deadlines: DepartmentDeadlines  # the hall
    departments: tuple[DepartmentDeadlines, ...]
    low_ratings: tuple[LowRating, ...]
    # Where the figures come from: the hall server, or this machine's own copy.
    source: str = ""

    @property
    def one_day(self) -> bool:
        return self.start == self.end
