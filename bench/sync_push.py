"""The push to the hall server: 10,000 outbox entries sent to PostgreSQL over loopback
with :func:`hall.sync.push.push` (batches of 500, each one server transaction with its
receipts, then marked sent in the counter's SQLite file); beside it the same rows written
by bare psycopg ``executemany`` into the same tables of a second fresh database, committed
every 500 rows as well. Both databases have the hall server's schema, its change-log
triggers included, so the baseline pays for them too.

The entries are what a counter's queue writes when it issues a ticket: the ticket row and
its ``issued`` event. They are put straight into the outbox of a fresh counter database
(made at the current schema), which is how they look after a day offline; pushing them is
what is measured. The issue's targets: at least 2,000 entries a second, and at least 30 %
of the bare rate. Run alone: ``python -m bench.sync_push``.

The server is ``HALL_TEST_PG_URL`` as for ``tests/pg`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``); the databases are made for the figures
and dropped afterwards. With no server the figures are skipped, saying why.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import URL, func, insert, select

if TYPE_CHECKING:
    from bench.run import Row

ENTRIES = 10_000
BATCH = 500
REPEAT = 3
TARGET_RATE = 2000.0  # entries a second
TARGET_SHARE = 0.30  # of the bare rate
DAY = date(2026, 11, 23)
CATEGORIES = [(uuid.UUID(int=n + 1), letter) for n, letter in enumerate("ABCD")]


def _rows(entries: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``entries`` tickets (four categories, up to 999 a category a day, so several days)
    and their ``issued`` events, typed as the tables take them."""
    from hall.core.clock import HALL_ZONE
    from hall.models.enums import Priority, QueueEventKind, TicketStatus

    tickets, events = [], []
    per_day = 999 * len(CATEGORIES)
    for n in range(entries):
        day = DAY + timedelta(days=n // per_day)
        category_id, letter = CATEGORIES[n % len(CATEGORIES)]
        number = (n % per_day) // len(CATEGORIES) + 1
        issued = datetime(day.year, day.month, day.day, 8, 30, tzinfo=HALL_ZONE) + timedelta(
            seconds=7 * (n % per_day)
        )
        ticket = {
            "id": uuid.uuid4(), "day": day, "number": f"B01-{letter}{number:03d}",
            "category_id": category_id, "issued_at": issued, "issued_by": "clerk01",
            "counter": "B01", "priority": Priority.none, "status": TicketStatus.waiting,
            "appointment_id": None, "case_id": None, "for_counter": None,
            "called_counter": None, "called_by": "", "first_called_at": None,
            "last_called_at": None, "calls": 0, "started_at": None, "finished_at": None,
            "rating": None, "rating_reason": "",
        }  # fmt: skip
        tickets.append(ticket)
        events.append({
            "id": uuid.uuid4(), "ticket_id": ticket["id"], "day": day,
            "kind": QueueEventKind.issued, "at": issued, "counter": "B01",
            "username": "clerk01", "detail": {},
        })  # fmt: skip
    return tickets, events


def _counter_file(path: Path, tickets: list[dict[str, Any]], events: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    """A fresh counter database at ``path`` whose outbox holds one entry a ticket (the
    ticket and its event, as JSON values, as ``hall.sync.capture`` writes them)."""
    from hall.db import migrate
    from hall.db.engine import make_engine, sqlite_url
    from hall.models import OutboxEntry
    from hall.sync.codec import jsonable

    engine = make_engine(sqlite_url(path))
    migrate.upgrade(engine)
    outbox = [
        {
            "id": uuid.uuid4(), "created_at": ticket["issued_at"], "entity": "ticket",
            "entity_id": str(ticket["id"]), "op": "upsert",
            "payload": {"action": "ticket.issue", "rows": [
                {"table": "ticket", "values": jsonable(ticket)},
                {"table": "queue_event", "values": jsonable(event)},
            ]},
            "attempts": 0, "last_error": "", "escalated_by": "", "escalation_note": "",
        }
        for ticket, event in zip(tickets, events, strict=True)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(OutboxEntry.__table__), outbox)
    return engine


def _server(url: URL):  # type: ignore[no-untyped-def]
    """The hall server's schema at ``url``, with the four categories the tickets name."""
    from hall.db import migrate
    from hall.db.engine import make_engine
    from hall.models import QueueCategory

    engine = make_engine(url.set(drivername="postgresql+psycopg"), pool_size=2)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(QueueCategory.__table__),
            [
                {"id": i, "letter": letter, "name": letter, "position": n, "bring": []}
                for n, (i, letter) in enumerate(CATEGORIES)
            ],
        )
    return engine


def _count(engine: Any) -> tuple[int, int]:
    from hall.models import QueueEvent, Ticket

    with engine.connect() as conn:
        return (
            int(conn.scalar(select(func.count()).select_from(Ticket)) or 0),
            int(conn.scalar(select(func.count()).select_from(QueueEvent)) or 0),
        )


def _statement(table: Any, columns: list[str]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(f"%({c})s" for c in columns)
    return f'INSERT INTO "{table.name}" ({names}) VALUES ({values})'


def _bare(url: URL, tickets: list[dict[str, Any]], events: list[dict[str, Any]]) -> float:
    """Seconds for bare psycopg ``executemany`` of the same rows, ``BATCH`` tickets and
    their events a transaction (enum columns take their names, as SQLAlchemy stores them)."""
    import psycopg

    from hall.models import QueueEvent, Ticket

    def plain(row: dict[str, Any]) -> dict[str, Any]:
        return {k: getattr(v, "name", v) if k in ("priority", "status", "kind") else v
                for k, v in row.items()}  # fmt: skip

    def as_json(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "detail": psycopg.types.json.Jsonb(row["detail"])}

    ticket_rows = [plain(t) for t in tickets]
    event_rows = [as_json(plain(e)) for e in events]
    insert_ticket = _statement(Ticket.__table__, list(ticket_rows[0]))
    insert_event = _statement(QueueEvent.__table__, list(event_rows[0]))
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq) as conn:
        t0 = time.perf_counter()
        for i in range(0, len(ticket_rows), BATCH):
            with conn.cursor() as cur:
                cur.executemany(insert_ticket, ticket_rows[i : i + BATCH])
                cur.executemany(insert_event, event_rows[i : i + BATCH])
            conn.commit()
        return time.perf_counter() - t0


def _push(engine: Any, server: Any) -> float:
    from hall.core.clock import HALL_ZONE
    from hall.sync.push import push

    t0 = time.perf_counter()
    result = push(engine, server, "B01", lambda: datetime.now(HALL_ZONE), batch_size=BATCH)
    seconds = time.perf_counter() - t0
    if result.sent != ENTRIES or result.set_aside:
        print(f"sync push benchmark: {result} (expected {ENTRIES} sent)")
    return seconds


def measure(entries: int = ENTRIES, repeat: int = REPEAT) -> tuple[float, float]:
    """Median seconds of the push and of the bare inserts (fresh databases each time)."""
    from bench.queue_pg import admin_url, temporary_database

    admin = admin_url()
    ours, bare = [], []
    for _ in range(repeat):
        tickets, events = _rows(entries)
        with (
            tempfile.TemporaryDirectory() as tmp,
            temporary_database(admin) as push_url,
            temporary_database(admin) as bare_url,
        ):
            local = _counter_file(Path(tmp) / "counter.sqlite3", tickets, events)
            server = _server(push_url)
            baseline = _server(bare_url)
            try:
                bare.append(_bare(bare_url, tickets, events))
                ours.append(_push(local, server))
                for name, engine in (("push", server), ("bare", baseline)):
                    if _count(engine) != (entries, entries):
                        print(f"sync push benchmark: {name} left {_count(engine)} rows")
            finally:
                for engine in (local, server, baseline):
                    engine.dispose()
    return statistics.median(ours), statistics.median(bare)


def bench_sync_push() -> list[Row]:
    """Rows for ``make bench``; none (and a line saying why) without a server."""
    import psycopg

    from bench.queue_pg import _libpq, admin_url
    from bench.run import Row

    admin = admin_url()
    try:
        psycopg.connect(_libpq(admin), connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        shown = admin.render_as_string(hide_password=True)
        why = " ".join(str(exc).split())
        print(f"sync push benchmark skipped: no server at {shown} ({why})")
        return []
    ours, bare = measure()
    rate, bare_rate = ENTRIES / ours, ENTRIES / bare
    share = rate / bare_rate

    def met(ok: bool) -> str:
        return "met" if ok else "NOT met"

    print(
        f"sync push: {rate:,.0f} entries/s (target ≥ {TARGET_RATE:,.0f}: "
        f"{met(rate >= TARGET_RATE)}); bare executemany of their rows {bare_rate:,.0f}/s, "
        f"push at {share:.0%} of it (target ≥ {TARGET_SHARE:.0%}: {met(share >= TARGET_SHARE)})"
    )
    return [
        Row(f"sync push, {ENTRIES:,} outbox entries", rate / 1000,
            "bare psycopg executemany, same rows", bare_rate / 1000,
            "k/s", "≥ 2k/s, ≥ 0.3×"),
    ]  # fmt: skip


if __name__ == "__main__":
    from bench.run import print_rows

    print_rows(bench_sync_push())
