"""Calling next on the hall server's PostgreSQL: 30 counters at once, each on its own
thread, call and finish until the day's 3,000 tickets are served; beside it the least a
call can cost, a bare single-row ``UPDATE … RETURNING`` with ``FOR UPDATE SKIP LOCKED``
by 30 threads on a plain table of as many rows in the same database. The same again
with one counter alone, which says what one call costs when nobody else calls.

The server is ``HALL_TEST_PG_URL`` (an administrator's URL, as for ``tests/pg``), by
default ``postgresql://postgres@127.0.0.1:5432/postgres``. The figures are taken in a
database made for them and dropped afterwards, also when they fail. With no server the
figures are skipped, saying why.

``Row`` comes from :mod:`bench.run`, imported when the figures are taken (``bench.run``
imports this module from ``main()``).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import URL, func, make_url, select

if TYPE_CHECKING:
    from bench.run import Row
    from hall.services.audit import Actor
    from hall.services.context import AppContext

DEFAULT_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
COUNTERS = 30
TICKETS = 3000  # 750 a category: within a day's 999
ALONE = 300  # tickets for the counter alone
PASSWORD = "bench horse 2026"


def admin_url() -> URL:
    raw = os.environ.get("HALL_TEST_PG_URL") or os.environ.get("HALL_TEST_PG") or DEFAULT_ADMIN
    return make_url(raw).set(drivername="postgresql")


def _libpq(url: URL) -> str:
    return url.render_as_string(hide_password=False)


@contextmanager
def temporary_database(admin: URL) -> Iterator[URL]:
    """A new database on the server of ``admin`` (its libpq URL), dropped on leaving."""
    import psycopg

    name = f"hall_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(admin), autocommit=True, connect_timeout=3) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name)
    finally:
        with psycopg.connect(_libpq(admin), autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def all_at_once(jobs: list[Callable[[], None]]) -> None:
    """Run each job on its own thread, released together; re-raise the first failure."""
    barrier = threading.Barrier(len(jobs))
    failures: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        barrier.wait()
        try:
            job()
        except BaseException as exc:  # handed to the calling thread below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise failures[0]


def _hall(url: URL, data: Path) -> tuple[AppContext, list[Actor]]:
    """The hall on ``url``: migrated, its categories, a clerk for each counter (open)."""
    from hall.core.clock import HALL_ZONE, FixedClock
    from hall.core.paths import Paths
    from hall.core.settings import Settings
    from hall.db import migrate
    from hall.db.engine import make_engine
    from hall.db.uow import UnitOfWork
    from hall.models.enums import Role
    from hall.services.audit import Actor
    from hall.services.auth import create_user
    from hall.services.context import AppContext
    from hall.services.queue import ensure_categories
    from hall.services.queue_calls import open_counter

    engine = make_engine(url.set(drivername="postgresql+psycopg"), pool_size=COUNTERS + 2)
    migrate.upgrade(engine)
    paths = Paths(data=data, config=data, logs=data / "logs").ensure()
    clock = FixedClock(datetime(2026, 11, 23, 9, 30, tzinfo=HALL_ZONE))
    ctx = AppContext(paths, Settings(counter_code="C01"), clock, engine, UnitOfWork(engine))
    operator = Actor.as_operator("bench", "bench")
    with ctx.uow(write=True) as session:
        ensure_categories(session)
    clerks = [Actor(f"clerk{n:02d}", Role.clerk, f"C{n:02d}", f"窗口{n}") for n in range(1, 31)]
    for clerk in clerks:
        create_user(ctx, operator, clerk.username, clerk.display_name, Role.clerk, PASSWORD,
                    must_change_password=False)  # fmt: skip
        open_counter(ctx, clerk)
    return ctx, clerks


def _issue(ctx: AppContext, clerk: Actor, count: int) -> None:
    """Issue ``count`` tickets a second apart, in turn in each category. Apart as in a
    hall: with one issue time for all, calling next would compare every waiting pair down
    to the number (a collated text), several times the work of a real morning's queue."""
    from hall.core.clock import FixedClock
    from hall.services.queue import issue_ticket

    clock = ctx.clock
    assert isinstance(clock, FixedClock)
    for n in range(count):
        clock.advance(timedelta(seconds=1))
        issue_ticket(ctx, clerk, "ABCD"[n % 4])


def _serve(ctx: AppContext, clerks: list[Actor]) -> tuple[list[float], list[str]]:
    """Each clerk calls next and finishes until nobody waits; the seconds of each call
    that found a ticket, and the numbers called."""
    from hall.services.queue_calls import call_next, finish

    latencies: list[float] = []  # list.append is atomic: the threads share them
    numbers: list[str] = []

    def counter(clerk: Actor) -> Callable[[], None]:
        def job() -> None:
            while True:
                t0 = time.perf_counter()
                called, _changes = call_next(ctx, clerk)
                elapsed = time.perf_counter() - t0
                if called is None:
                    return
                latencies.append(elapsed)
                numbers.append(called.number)
                finish(ctx, clerk, 5)

        return job

    all_at_once([counter(clerk) for clerk in clerks])
    return latencies, numbers


def _check_served_once(ctx: AppContext, numbers: list[str], issued: int) -> None:
    """Raise unless every issued ticket was called once and is served, with one
    ``served`` event each."""
    from hall.models import QueueEvent, Ticket
    from hall.models.enums import QueueEventKind, TicketStatus

    repeated = len(numbers) - len(set(numbers))
    with ctx.uow() as session:
        unserved = session.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.status != TicketStatus.served)
        )
        served_events = session.scalar(
            select(func.count(QueueEvent.ticket_id.distinct())).where(
                QueueEvent.kind == QueueEventKind.served
            )
        )
        all_events = session.scalar(
            select(func.count())
            .select_from(QueueEvent)
            .where(QueueEvent.kind == QueueEventKind.served)
        )
    if repeated or unserved or len(numbers) != issued or served_events != all_events:
        raise AssertionError(
            f"calling next went wrong: {repeated} tickets called twice, {unserved} not "
            f"served, {len(numbers)} of {issued} called, {all_events} served events for "
            f"{served_events} tickets"
        )


def _bare(url: URL, threads: int, rows: int) -> list[float]:
    """Seconds of each bare single-row call by ``threads`` connections at once, on a plain
    table of ``rows`` waiting rows; raises if a row is called twice or left."""
    import psycopg
    from psycopg.rows import TupleRow

    table = f"bench_bare_{threads}"
    with psycopg.connect(_libpq(url), autocommit=True) as connection:
        connection.execute(f"CREATE TABLE {table} (id serial PRIMARY KEY, status text NOT NULL)")
        connection.execute(
            f"INSERT INTO {table} (status) SELECT 'waiting' FROM generate_series(1, {rows})"
        )
        connection.execute(f"CREATE INDEX ON {table} (status, id)")
        connection.execute(f"ANALYZE {table}")
    call = (
        f"UPDATE {table} SET status = 'called' WHERE id = (SELECT id FROM {table} "
        "WHERE status = 'waiting' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id"
    )
    latencies: list[float] = []
    called: list[int] = []
    connections = [psycopg.connect(_libpq(url), autocommit=True) for _ in range(threads)]

    def counter(connection: psycopg.Connection[TupleRow]) -> Callable[[], None]:
        def job() -> None:
            while True:
                t0 = time.perf_counter()
                row = connection.execute(call).fetchone()
                elapsed = time.perf_counter() - t0
                if row is None:
                    return
                latencies.append(elapsed)
                called.append(row[0])

        return job

    try:
        all_at_once([counter(c) for c in connections])
    finally:
        for connection in connections:
            connection.close()
    if len(called) != rows or len(set(called)) != rows:
        raise AssertionError(f"bare call: {len(called)} calls, {len(set(called))} rows")
    return latencies


def bench_queue_pg(tickets: int = TICKETS) -> list[Row]:
    """Rows for ``make bench``; none (and a line saying why) without a server."""
    import psycopg

    from bench.run import Row

    admin = admin_url()
    try:
        psycopg.connect(_libpq(admin), connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        shown = admin.render_as_string(hide_password=True)
        why = " ".join(str(exc).split())
        print(f"PostgreSQL call-next benchmark skipped: no server at {shown} ({why})")
        return []
    with temporary_database(admin) as url, tempfile.TemporaryDirectory() as tmp:
        ctx, clerks = _hall(url, Path(tmp))
        try:
            _issue(ctx, clerks[0], tickets)
            bare = _bare(url, COUNTERS, tickets)
            ours, numbers = _serve(ctx, clerks)
            _check_served_once(ctx, numbers, tickets)
            _issue(ctx, clerks[0], ALONE)
            bare_alone = _bare(url, 1, ALONE)
            alone, numbers_alone = _serve(ctx, clerks[:1])
            _check_served_once(ctx, numbers + numbers_alone, tickets + ALONE)
        finally:
            ctx.engine.dispose()
    return [
        Row(f"call next p95, {COUNTERS} counters, {tickets:,} tickets", percentile(ours, 95) * 1000,
            f"bare UPDATE…RETURNING p95, {COUNTERS} threads", percentile(bare, 95) * 1000,
            "ms", "< 20 ms, 0 dup."),
        Row(f"call next p50, {COUNTERS} counters", percentile(ours, 50) * 1000,
            f"bare UPDATE…RETURNING p50, {COUNTERS} threads", percentile(bare, 50) * 1000,
            "ms", "—"),
        Row("call next p95, one counter alone", percentile(alone, 95) * 1000,
            "bare UPDATE…RETURNING p95, 1 thread", percentile(bare_alone, 95) * 1000,
            "ms", "< 20 ms"),
    ]  # fmt: skip


if __name__ == "__main__":
    from bench.run import print_rows

    print_rows(bench_queue_pg())
