"""The daily report's SQL about the queue (the cases': :mod:`hall.services.report_cases`):
every figure is an aggregate computed by the database (local SQLite or the hall
server), read back as a few rows per counter, clerk and category.

Each statement gives one kind of figure for every breakdown at once, as a ``UNION ALL``
of the same aggregate grouped by a different key: ``dim`` is ``hall``, ``counter``,
``clerk`` or ``category`` and ``key`` the row's counter code, username or category
letter (empty for the hall). Which row a ticket counts for depends on the figure:

- issued: where and by whom it was issued (the guide desk, a kiosk, a counter), in the
  category it was issued in;
- served, no-show, handling time, ratings: the counter, clerk and category where it
  ended;
- waiting time: from its issue to its *first* call, for the counter and clerk that
  called it then and the category it was issued in (a transferred ticket waits once);
- transferred: the counter and clerk that sent it on, and the category it left;
- cases and their sub-cases: the counter and clerk that accepted them.

Percentiles are interpolated between the closest ranks, as PostgreSQL's
``percentile_cont``: the ranks are numbered by a window function in SQL and only the
(at most four) ranks each percentile needs come back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    SQLColumnExpression,
    String,
    and_,
    case,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from hall.db.sqltime import local_hour, minutes_between
from hall.models import (
    QueueCategory,
    QueueEvent,
    Ticket,
)
from hall.models.enums import QueueEventKind, TicketStatus

LOW_RATING = 2  # 差评: marks of 1 and 2
DIMENSIONS = ("hall", "counter", "clerk", "category")
# The waiting-time distribution's bars: [low, high) minutes, the last open-ended.
WAIT_BOUNDS = (0, 5, 10, 15, 20, 30, 45, 60)


@dataclass(frozen=True)
class Period:
    """Days ``start`` to ``end`` inclusive on the hall's calendar, and the instants that
    bound them (UTC)."""

    start: date
    end: date
    zone: tzinfo

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time(), self.zone).astimezone(UTC)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(), self.zone).astimezone(UTC)


Query = Select[*tuple[Any, ...]]
Column = SQLColumnExpression[Any]
KeyColumns = Mapping[str, Column]


def _text(value: str) -> ColumnElement[str]:
    """A constant written into the SQL (a bound parameter in a UNION's select list or a
    GROUP BY has no type PostgreSQL can infer)."""
    return literal_column(f"'{value}'", String)


def _dims(keys: KeyColumns) -> dict[str, Column | None]:
    """The key column of each breakdown (None for the hall: one row, key '')."""
    return {"hall": None, **keys}


def union_by(keys: KeyColumns, build: Callable[[Column | None], Query]) -> Query:
    """``build(key)`` for each breakdown, tagged with its ``dim`` and ``key`` and glued
    with UNION ALL; ``build`` groups by the key it is given (if any)."""
    parts = [
        build(key).add_columns(
            _text(dim).label("dim"), (_text("") if key is None else key).label("key")
        )
        for dim, key in _dims(keys).items()
    ]
    return select(union_all(*parts).subquery())


def _ticket_keys(counter: Column, clerk: Column, category: Column | None = None) -> KeyColumns:
    """The keys of a ticket's breakdowns: its category as it ended unless told."""
    return {
        "counter": counter,
        "clerk": clerk,
        "category": QueueCategory.letter if category is None else category,
    }


def _issued_letter() -> Column:
    """The category a ticket was issued in: before its first transfer to another
    category (the transfer event keeps it), else the one it has."""
    move = aliased(QueueEvent)  # the statement may read queue events itself
    before = (
        select(move.detail["from_category"].as_string())
        .where(move.ticket_id == Ticket.id, move.kind == QueueEventKind.transferred)
        .order_by(move.at)
        .limit(1)
        .correlate(Ticket)
        .scalar_subquery()
    )
    return func.coalesce(before, QueueCategory.letter)


def grouped(stmt: Query, *keys: Column | None) -> Query:
    present = [k for k in keys if k is not None]
    return stmt.group_by(*present) if present else stmt


def issued(p: Period) -> Query:
    def build(key: Column | None) -> Query:
        return grouped(
            select(func.count().label("n"))
            .select_from(Ticket)
            .join(QueueCategory, QueueCategory.id == Ticket.category_id)
            .where(Ticket.day.between(p.start, p.end)),
            key,
        )

    return union_by(_ticket_keys(Ticket.counter, Ticket.issued_by, _issued_letter()), build)


def outcomes(p: Period) -> Query:
    """Served and no-show tickets, handling time's count and mean, ratings, and the
    served tickets done offline, per the counter and clerk that called them last."""
    served = Ticket.status == TicketStatus.served
    handle = case((served, minutes_between(Ticket.started_at, Ticket.finished_at)), else_=null())

    def build(key: Column | None) -> Query:
        return grouped(
            select(
                func.count(case((served, 1))).label("served"),
                func.count(case((Ticket.status == TicketStatus.no_show, 1))).label("no_show"),
                func.count(handle).label("handle_n"),
                func.avg(handle).label("handle_mean"),
                func.count(case((served, Ticket.rating))).label("rating_n"),
                func.avg(case((served, Ticket.rating))).label("rating_mean"),
                func.count(case((and_(served, Ticket.rating <= LOW_RATING), 1))).label("low"),
            )
            .select_from(Ticket)
            .join(QueueCategory, QueueCategory.id == Ticket.category_id)
            .where(
                Ticket.day.between(p.start, p.end),
                Ticket.status.in_((TicketStatus.served, TicketStatus.no_show)),
            ),
            key,
        )

    return union_by(_ticket_keys(Ticket.called_counter, Ticket.called_by), build)


def _events(p: Period, *where: ColumnElement[bool], category: Column | None = None) -> Query:
    """The period's queue events that match ``where``, counted per the counter and clerk
    that recorded them (and the ticket's category)."""

    def build(key: Column | None) -> Query:
        return grouped(
            select(func.count().label("n"))
            .select_from(QueueEvent)
            .join(Ticket, Ticket.id == QueueEvent.ticket_id)
            .join(QueueCategory, QueueCategory.id == Ticket.category_id)
            .where(QueueEvent.day.between(p.start, p.end), *where),
            key,
        )

    return union_by(_ticket_keys(QueueEvent.counter, QueueEvent.username, category), build)


def served_offline(p: Period) -> Query:
    """Tickets served on a counter cut off from the hall server (its "served" event
    says so)."""
    return _events(p, QueueEvent.kind == QueueEventKind.served, QueueEvent.offline.is_(True))


def transferred(p: Period) -> Query:
    """Tickets sent on to another counter or category, per who sent them and the
    category they left."""
    return _events(
        p,
        QueueEvent.kind == QueueEventKind.transferred,
        category=func.coalesce(
            QueueEvent.detail["from_category"].as_string(), QueueCategory.letter
        ),
    )


def _first_calls(p: Period) -> FromClause:
    """Each ticket's first call in the period: when, where, by whom, and its wait."""
    first = (
        select(QueueEvent.ticket_id, func.min(QueueEvent.at).label("at"))
        .where(
            QueueEvent.day.between(p.start, p.end),
            QueueEvent.kind == QueueEventKind.called,
        )
        .group_by(QueueEvent.ticket_id)
        .subquery("first_call")
    )
    return (
        select(
            QueueEvent.counter.label("counter"),
            QueueEvent.username.label("clerk"),
            _issued_letter().label("category"),
            minutes_between(Ticket.issued_at, QueueEvent.at).label("minutes"),
        )
        .select_from(first)
        .join(
            QueueEvent,
            and_(
                QueueEvent.ticket_id == first.c.ticket_id,
                QueueEvent.at == first.c.at,
                QueueEvent.kind == QueueEventKind.called,
                QueueEvent.day.between(p.start, p.end),
            ),
        )
        .join(Ticket, Ticket.id == first.c.ticket_id)
        .join(QueueCategory, QueueCategory.id == Ticket.category_id)
        .cte("waits")  # read once per breakdown: worked out once per statement
    )


def _handled(p: Period) -> FromClause:
    return (
        select(
            Ticket.called_counter.label("counter"),
            Ticket.called_by.label("clerk"),
            QueueCategory.letter.label("category"),
            minutes_between(Ticket.started_at, Ticket.finished_at).label("minutes"),
        )
        .join(QueueCategory, QueueCategory.id == Ticket.category_id)
        .where(
            Ticket.day.between(p.start, p.end),
            Ticket.status == TicketStatus.served,
            Ticket.started_at.is_not(None),
        )
        .subquery("handled")
    )


def waits(p: Period) -> Query:
    """The count and mean of the waits (the percentiles: :func:`ranks`)."""
    w = _first_calls(p)
    keys = {"counter": w.c.counter, "clerk": w.c.clerk, "category": w.c.category}

    def build(key: Column | None) -> Query:
        return grouped(
            select(func.count().label("n"), func.avg(w.c.minutes).label("mean")).select_from(w),
            key,
        )

    return union_by(keys, build)


def ranks(p: Period, measure: str) -> Query:
    """The ranks the median and the 90th percentile need, per breakdown row, of the
    waits (``measure`` "wait") or the handling times ("handle"): rows of ``dim, key,
    rank, n, minutes``."""
    src = _first_calls(p) if measure == "wait" else _handled(p)
    values = union_all(
        *(
            select(
                _text(dim).label("dim"),
                (_text("") if key is None else key).label("key"),
                src.c.minutes.label("minutes"),
            )
            for dim, key in _dims(
                {"counter": src.c.counter, "clerk": src.c.clerk, "category": src.c.category}
            ).items()
        )
    ).subquery("v")
    partition = (values.c.dim, values.c.key)
    ranked = select(
        values.c.dim,
        values.c.key,
        values.c.minutes,
        func.row_number().over(partition_by=partition, order_by=values.c.minutes).label("rank"),
        func.count().over(partition_by=partition).label("n"),
    ).subquery("ranked")
    # Integer division truncates on both engines: the lower rank of (n-1)·q, 1-based.
    median, p90 = (ranked.c.n - 1) // 2 + 1, (ranked.c.n - 1) * 9 // 10 + 1
    return select(ranked.c.dim, ranked.c.key, ranked.c.rank, ranked.c.n, ranked.c.minutes).where(
        ranked.c.rank.in_([median, median + 1, p90, p90 + 1])
    )


def wait_buckets(p: Period) -> Query:
    """How many tickets waited in each bar of :data:`WAIT_BOUNDS` (the bar's index)."""
    w = _first_calls(p)
    bounds = WAIT_BOUNDS[1:]
    bucket = case(
        *((w.c.minutes < high, index) for index, high in enumerate(bounds)),
        else_=len(bounds),
    ).label("bucket")
    return select(bucket, func.count().label("n")).select_from(w).group_by(bucket)


def per_hour(p: Period) -> tuple[Query, Query]:
    """Tickets issued, and served, per hour of the hall's clock."""
    issued_hour = local_hour(Ticket.issued_at, p.zone).label("hour")
    served_hour = local_hour(Ticket.finished_at, p.zone).label("hour")
    return (
        select(issued_hour, func.count().label("n"))
        .where(Ticket.day.between(p.start, p.end))
        .group_by(issued_hour),
        select(served_hour, func.count().label("n"))
        .where(Ticket.day.between(p.start, p.end), Ticket.status == TicketStatus.served)
        .group_by(served_hour),
    )


def low_ratings(p: Period) -> Query:
    return (
        select(
            Ticket.finished_at,
            Ticket.number,
            Ticket.called_counter,
            Ticket.called_by,
            Ticket.rating,
            Ticket.rating_reason,
        )
        .where(
            Ticket.day.between(p.start, p.end),
            Ticket.status == TicketStatus.served,
            Ticket.rating <= LOW_RATING,
        )
        .order_by(Ticket.finished_at)
    )
