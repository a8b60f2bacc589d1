"""The supervisor's daily throughput report (业务量日报): the figures of a day or a range
of days for the hall, per counter, per clerk and per category, computed by SQL
aggregates (:mod:`hall.services.report_queries`) on the hall server while it answers,
else on this counter's own copy (which holds what it last pulled: the report says so).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import ValidationError
from hall.core.i18n import _
from hall.models import QueueCategory, ServiceCounter, User
from hall.models.enums import ReformMode
from hall.printing.report_data import (
    DailyReport,
    DepartmentDeadlines,
    Figures,
    HourCount,
    LowRating,
    ModeCount,
    Spread,
    WaitBucket,
)
from hall.services import report_cases as c
from hall.services import report_queries as q
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.labels import mode_name
from hall.services.permissions import Permission, guarded
from hall.services.routing import run_where_queue_runs

#: The longest range one report covers (a year and a day, for a leap year's report).
MAX_DAYS = 366


@dataclass
class _Row:
    """The figures of one breakdown row as they are gathered, statement by statement."""

    issued: int = 0
    served: int = 0
    no_show: int = 0
    transferred: int = 0
    handle_n: int = 0
    handle_mean: float | None = None
    wait_n: int = 0
    wait_mean: float | None = None
    rating_n: int = 0
    rating_mean: float | None = None
    low: int = 0
    served_offline: int = 0
    cases: int = 0
    cases_offline: int = 0
    by_mode: dict[str, int] = field(default_factory=dict)
    on_the_spot: int = 0
    ranks: dict[str, dict[int, float]] = field(default_factory=dict)
    n: dict[str, int] = field(default_factory=dict)


def percentile(ranked: dict[int, float], n: int, q_: float) -> float | None:
    """The ``q_`` percentile of ``n`` values from the 1-based ranks it needs, linearly
    interpolated between the closest ranks (as ``percentile_cont``)."""
    if n == 0:
        return None
    position = (n - 1) * q_
    lower = int(position)
    low = ranked[lower + 1]
    if lower + 1 >= n:
        return low
    return low + (position - lower) * (ranked[lower + 2] - low)


def _spread(row: _Row, measure: str) -> Spread:
    n = row.n.get(measure, 0)
    ranked = row.ranks.get(measure, {})
    mean = row.wait_mean if measure == "wait" else row.handle_mean
    count = row.wait_n if measure == "wait" else row.handle_n
    # The median is the 0.5 percentile: ranks (n-1)//2+1 and the next, as in SQL.
    return Spread(
        count,
        None if mean is None else float(mean),
        percentile(ranked, n, 0.5),
        percentile(ranked, n, 0.9),
    )


def _figures(key: str, label: str, row: _Row) -> Figures:
    return Figures(
        key=key,
        label=label,
        issued=row.issued,
        served=row.served,
        no_show=row.no_show,
        transferred=row.transferred,
        wait=_spread(row, "wait"),
        handle=_spread(row, "handle"),
        cases_accepted=row.cases,
        items=sum(row.by_mode.values()),
        by_mode=tuple(
            ModeCount(m.value, mode_name(m), row.by_mode.get(m.value, 0)) for m in ReformMode
        ),
        on_the_spot=row.on_the_spot,
        rating_count=row.rating_n,
        rating_mean=None if row.rating_mean is None else float(row.rating_mean),
        low_ratings=row.low,
        work=row.served + row.cases,
        offline_work=row.served_offline + row.cases_offline,
    )


class _Gather:
    """The rows of every breakdown, keyed by (dim, key), filled from each statement."""

    def __init__(self, session: Session, period: q.Period) -> None:
        self.session = session
        self.period = period
        self.rows: dict[tuple[str, str], _Row] = defaultdict(_Row)

    def each(self, stmt: q.Query) -> Iterable[tuple[_Row, Any]]:
        for r in self.session.execute(stmt).mappings():
            yield self.rows[(r["dim"], r["key"] or "")], r

    def run(self) -> None:
        p = self.period
        for row, r in self.each(q.issued(p)):
            row.issued = r["n"]
        for row, r in self.each(q.outcomes(p)):
            row.served, row.no_show = r["served"], r["no_show"]
            row.handle_n, row.handle_mean = r["handle_n"], r["handle_mean"]
            row.rating_n, row.rating_mean, row.low = r["rating_n"], r["rating_mean"], r["low"]
        for row, r in self.each(q.served_offline(p)):
            row.served_offline = r["n"]
        for row, r in self.each(q.transferred(p)):
            row.transferred = r["n"]
        for row, r in self.each(q.waits(p)):
            row.wait_n, row.wait_mean = r["n"], r["mean"]
        for measure in ("wait", "handle"):
            for r in self.session.execute(q.ranks(p, measure)).mappings():
                row = self.rows[(r["dim"], r["key"] or "")]
                row.ranks.setdefault(measure, {})[r["rank"]] = float(r["minutes"])
                row.n[measure] = r["n"]
        for row, r in self.each(c.cases(p)):
            row.cases, row.cases_offline = r["n"], r["offline"]
        for row, r in self.each(c.items(p)):
            mode = r["mode"].value if isinstance(r["mode"], ReformMode) else str(r["mode"])
            row.by_mode[mode] = r["n"]
            row.on_the_spot += r["on_the_spot"]

    def dim(self, dim: str) -> dict[str, _Row]:
        return {key: row for (d, key), row in self.rows.items() if d == dim}


def _labels(session: Session) -> tuple[dict[str, str], dict[str, str], dict[str, tuple[int, str]]]:
    counters = {
        c.code: _("窗口 {code}（{window} 号窗）").format(code=c.code, window=c.window)
        for c in session.scalars(select(ServiceCounter))
    }
    clerks = {
        u.username: _("{name}（{username}）").format(name=u.display_name, username=u.username)
        for u in session.scalars(select(User))
    }
    categories = {
        c.letter: (c.position, f"{c.letter} {c.name}")
        for c in session.scalars(select(QueueCategory))
    }
    return counters, clerks, categories


def _breakdowns(
    session: Session, gather: _Gather
) -> tuple[tuple[Figures, ...], tuple[Figures, ...], tuple[Figures, ...], dict[str, str]]:
    counters, clerks, categories = _labels(session)
    by_counter = tuple(
        _figures(key, counters.get(key) or _("窗口 {code}").format(code=key or "—"), row)
        for key, row in sorted(gather.dim("counter").items())
    )
    by_clerk = tuple(
        sorted(
            (_figures(key, clerks.get(key, key), row) for key, row in gather.dim("clerk").items()),
            key=lambda f: (-(f.served + f.cases_accepted), f.key),
        )
    )
    by_category = tuple(
        _figures(key, categories.get(key, (0, key))[1], row)
        for key, row in sorted(
            gather.dim("category").items(),
            key=lambda kv: (categories.get(kv[0], (999, ""))[0], kv[0]),
        )
    )
    return by_counter, by_clerk, by_category, clerks


def _hours(session: Session, period: q.Period) -> tuple[HourCount, ...]:
    issued_stmt, served_stmt = q.per_hour(period)
    issued = {r.hour: r.n for r in session.execute(issued_stmt) if r.hour is not None}
    served = {r.hour: r.n for r in session.execute(served_stmt) if r.hour is not None}
    hours = sorted(set(issued) | set(served))
    return tuple(HourCount(h, issued.get(h, 0), served.get(h, 0)) for h in hours)


def wait_label(low: int, high: int | None) -> str:
    if high is None:
        return _("{low} 分钟以上").format(low=low)
    return _("{low}–{high} 分钟").format(low=low, high=high)


def _waits(session: Session, period: q.Period) -> tuple[WaitBucket, ...]:
    counts = {r.bucket: r.n for r in session.execute(q.wait_buckets(period))}
    bounds = q.WAIT_BOUNDS
    out = []
    for index, low in enumerate(bounds):
        high = bounds[index + 1] if index + 1 < len(bounds) else None
        out.append(WaitBucket(wait_label(low, high), low, high, counts.get(index, 0)))
    return tuple(out)


def _deadlines(
    session: Session, period: q.Period
) -> tuple[DepartmentDeadlines, tuple[DepartmentDeadlines, ...]]:
    due_stmt, overdue_stmt, decided_stmt = c.deadlines(period)
    rows: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    for r in session.execute(due_stmt):
        rows[r.department_name] |= {"code": r.department_code, "due": r.n}
    for r in session.execute(overdue_stmt):
        rows[r.department_name] |= {"code": r.department_code, "overdue": r.n}
    for r in session.execute(decided_stmt):
        rows[r.department_name] |= {"code": r.department_code, "decided": r.n, "in_time": r.in_time}
    for r in session.execute(c.pending_verifications(period)):
        rows[r.department]["pending"] = r.n
    departments = tuple(
        DepartmentDeadlines(
            str(v.get("code") or ""),
            name,
            v["due"],
            v["overdue"],
            v["decided"],
            v["in_time"],
            v["pending"],
        )
        for name, v in sorted(rows.items(), key=lambda kv: (str(kv[1].get("code") or "~"), kv[0]))
    )

    def total(attr: str) -> int:
        return sum(getattr(d, attr) for d in departments)

    hall = DepartmentDeadlines(
        "", _("全厅"), total("due"), total("overdue"), total("decided"), total("in_time"),
        total("pending_verifications"),
    )  # fmt: skip
    return hall, departments


def _low_ratings(
    session: Session, period: q.Period, clerks: dict[str, str]
) -> tuple[LowRating, ...]:
    return tuple(
        LowRating(
            at=r.finished_at.astimezone(period.zone),  # as the hall's clock read
            ticket=r.number,
            counter=r.called_counter or "",
            clerk=clerks.get(r.called_by, r.called_by),
            rating=r.rating,
            reason=r.rating_reason,
        )
        for r in session.execute(q.low_ratings(period))
    )


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise ValidationError(_("结束日期不能早于开始日期。"), field="end")
    if (end - start).days >= MAX_DAYS:
        raise ValidationError(_("一份报表最多统计 {days} 天。").format(days=MAX_DAYS), field="end")


def _build(ctx: AppContext, actor: Actor, start: date, end: date, source: str) -> DailyReport:
    period = q.Period(start, end, ctx.clock.zone)
    with ctx.uow() as session:
        gather = _Gather(session, period)
        gather.run()
        counters, clerks, categories, clerk_labels = _breakdowns(session, gather)
        hall_row = gather.rows.get(("hall", ""), _Row())
        deadlines, departments = _deadlines(session, period)
        return DailyReport(
            hall_name=ctx.settings.hall_name,
            hall_code=ctx.settings.hall_code,
            start=start,
            end=end,
            made_at=ctx.clock.now().astimezone(ctx.clock.zone),
            made_by=actor.display_name or actor.username,
            hall=_figures("", _("全厅"), hall_row),
            counters=counters,
            clerks=clerks,
            categories=categories,
            per_hour=_hours(session, period),
            waits=_waits(session, period),
            deadlines=deadlines,
            departments=departments,
            low_ratings=_low_ratings(session, period, clerk_labels),
            source=source,
        )


def _source(ctx: AppContext) -> str:
    if ctx.on_server_engine:
        return _("大厅服务器")
    if ctx.link is None:
        return _("本机")
    return _("本机副本（未连上大厅服务器，含已同步到本机的数据）")


@guarded(Permission.print_reports)
def daily_report(
    ctx: AppContext, actor: Actor, start: date | None = None, end: date | None = None
) -> DailyReport:
    """The report of day ``start`` (today when None), or of ``start`` to ``end``
    inclusive. Raises ``ValidationError`` for an end before the start or a range of more
    than :data:`MAX_DAYS` days."""
    start = start or local_today(ctx.clock)
    end = end or start
    _check_period(start, end)
    return run_where_queue_runs(ctx, lambda c: _build(c, actor, start, end, _source(c)))


def statements(p: q.Period) -> list[q.Query]:
    """Every statement the report runs, in order."""
    return [
        q.issued(p),
        q.outcomes(p),
        q.served_offline(p),
        q.transferred(p),
        q.waits(p),
        q.ranks(p, "wait"),
        q.ranks(p, "handle"),
        q.wait_buckets(p),
        *q.per_hour(p),
        c.cases(p),
        c.items(p),
        *c.deadlines(p),
        c.pending_verifications(p),
        q.low_ratings(p),
    ]


def report_statements(ctx: AppContext, start: date, end: date | None = None) -> Sequence[q.Query]:
    """The statements :func:`daily_report` runs, for the benchmark to run them bare."""
    return statements(q.Period(start, end or start, ctx.clock.zone))


def report_pdf(report: DailyReport) -> bytes:
    """The report printed: A4 with the hall's header, charts and tables."""
    from hall.printing.report import report_pdf as build

    return build(report)


def report_filename(report: DailyReport, suffix: str) -> str:
    """``业务量日报-2026-11-23.pdf``, or ``业务量报表-2026-11-01至2026-11-30.xlsx``."""
    if report.one_day:
        return _("业务量日报-{day}{suffix}").format(day=report.start.isoformat(), suffix=suffix)
    return _("业务量报表-{start}至{end}{suffix}").format(
        start=report.start.isoformat(), end=report.end.isoformat(), suffix=suffix
    )
