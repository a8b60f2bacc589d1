"""What the fault tests of the sync share: a seeded hall server database copied for each
test, counters that join it, offline work to push, and the check that the server holds
exactly a counter's rows (none missing, none twice) with one receipt per outbox entry."""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, Table, func, insert, select, tuple_

from hall.core.clock import HALL_ZONE, FixedClock, local_today
from hall.core.settings import Settings
from hall.models import (
    Applicant,
    AuditEntry,
    AuditHead,
    Base,
    OutboxEntry,
    QueueCategory,
    QueueEvent,
    SyncReceipt,
    Ticket,
)
from hall.models.enums import (
    MaterialStatus,
    Priority,
    ProofMode,
    QueueEventKind,
    TicketStatus,
)
from hall.services import demo_cases
from hall.services.applicants import ApplicantInput
from hall.services.audit import Actor
from hall.services.context import AppContext, open_context
from hall.services.intake import accept_case, plan_application
from hall.services.queue import issue_ticket
from hall.services.queue_calls import (
    call_next,
    finish,
    mark_no_show,
    recall,
    start_serving,
)
from hall.services.server import init_server, server_context_for
from hall.services.setup import initialise
from hall.services.sync import SyncReport, sync_once, sync_status
from hall.sync import push as push_module
from hall.sync.codec import decode, jsonable, values_key
from hall.sync.link import LinkState
from hall.sync.rules import rule

from ..conftest import make_paths
from .conftest import admin_connection, admin_url, libpq
from .proxy import FaultProxy

PASSWORD = "hall-demo-2026"
DAY = date(2026, 11, 23)
#: Randomised runs of the cut-anywhere test (``HALL_FAULT_RUNS`` to change it) and the
#: first seed (``HALL_FAULT_SEED``: set it to a failed run's seed to replay that run).
RUNS = int(os.environ.get("HALL_FAULT_RUNS", "50"))
FIRST_SEED = int(os.environ.get("HALL_FAULT_SEED", "20261123"))
MAX_ROUNDS = 40
ROOT = Path(__file__).parents[2]


def _clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 9, 30, tzinfo=HALL_ZONE))


# -- the seeded hall server, made once and copied ----------------------------------------


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The name of a database on the test server, migrated and seeded with the demo
    hall, that each test copies (dropped after the module)."""
    import psycopg

    admin = admin_url()
    try:
        admin_connection(admin).close()
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no PostgreSQL server at {admin.render_as_string(hide_password=True)}: {exc}")
    name = f"hall_test_{uuid.uuid4().hex[:12]}_seed"
    with admin_connection(admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = libpq(admin.set(database=name))
        init_server(url)
        seed(url, tmp_path_factory.mktemp("seed"))
        yield name
    finally:
        with admin_connection(admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(url: str, folder: Path) -> None:
    """The demo hall on the server at ``url`` (migrated already)."""
    server = server_context_for(make_paths(folder), Settings(), url, clock=_clock())
    try:
        initialise(server, demo=True, signing_key=False, demo_history=False)
    finally:
        server.close()
        server.engine.dispose()


@pytest.fixture
def hall_url(seeded_template: str) -> Iterator[str]:
    """The URL of a fresh copy of the seeded hall server, dropped after the test."""
    admin = admin_url()
    name = f"hall_test_{uuid.uuid4().hex[:12]}"
    with admin_connection(admin) as conn:
        # A copy needs its template unused: nobody should be, but make sure.
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (seeded_template,),
        )
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{seeded_template}"')
    try:
        yield admin.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        with admin_connection(admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fault_proxy() -> Iterator[FaultProxy]:
    """A proxy in front of the test server, closed (every connection cut) after the test."""
    admin = admin_url()
    proxy = FaultProxy(admin.host or "127.0.0.1", admin.port or 5432)
    try:
        yield proxy
    finally:
        proxy.close()


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """``sync_once`` pushes in batches of ``size`` entries (set it at will): a cut falls
    between and inside several of them."""
    batch = {"size": 500}
    original = push_module.push

    def push(*args: Any, **kwargs: Any) -> push_module.PushResult:
        kwargs.setdefault("batch_size", batch["size"])
        return original(*args, **kwargs)

    monkeypatch.setattr(push_module, "push", push)
    return batch


# -- counters ----------------------------------------------------------------------------


def open_counter(root: Path, code: str, url: str, clock: FixedClock | None = None) -> AppContext:
    """A new counter ``code`` with its own data folder under ``root``, configured for
    the hall server at ``url`` (not yet joined)."""
    paths = make_paths(root / code)
    settings = Settings(counter_code=code, server_url=url)
    return open_context(paths, settings=settings, clock=clock or _clock())


def join(ctx: AppContext) -> SyncReport:
    report = sync_once(ctx)
    assert report.state is LinkState.online, report.reason
    return report


def waiting(ctx: AppContext) -> int:
    return sync_status(ctx).waiting


def sync_until_done(
    ctx: AppContext, *, before_round: Callable[[int], None] | None = None
) -> list[SyncReport]:
    """Sync rounds until one runs whole and leaves nothing waiting; returns their
    reports. ``before_round(n)`` may arm a fault for round ``n``."""
    reports: list[SyncReport] = []
    for n in range(MAX_ROUNDS):
        if before_round is not None:
            before_round(n)
        report = sync_once(ctx)
        reports.append(report)
        assert report.set_aside == 0, f"round {n} set changes aside: {waiting_changes_text(ctx)}"
        if report.state is LinkState.online and waiting(ctx) == 0:
            return reports
        if report.state is LinkState.incompatible:
            raise AssertionError(f"round {n}: incompatible: {report.reason}")
    raise AssertionError(
        f"still {waiting(ctx)} changes waiting after {MAX_ROUNDS} rounds: {reports[-3:]} "
        f"({waiting_changes_text(ctx)})"
    )


def waiting_changes_text(ctx: AppContext) -> str:
    from hall.services.sync_changes import waiting_changes

    return "; ".join(f"#{c.seq} {c.action} {c.last_error}" for c in waiting_changes(ctx)[:5])


# -- what a counter does offline -----------------------------------------------------------


def accept_a_case(ctx: AppContext, clerk: Actor) -> str:
    """Accept the demo noodle shop's small-eatery application at ``clerk``'s counter
    (a case, its sub-case, materials, commitments, the applicant: many tables at once)."""
    spec = demo_cases.DEMO_CASES[4]
    today = local_today(ctx.clock)
    plan = plan_application(ctx, scope=spec.scope, applicant_code=spec.applicant, on=today)
    with ctx.uow() as session:
        a = session.scalar(select(Applicant).where(Applicant.code == spec.applicant))
        assert a is not None
        who = ApplicantInput(a.code, a.name, a.legal_representative, a.address, a.phone)
        answers = {
            f.field.key: demo_cases._answer(f, a, today, plan, "320305198511232751")
            for f in plan.fields
        }
    status = {
        m.name: MaterialStatus.received
        if m.proof_mode is ProofMode.paper
        else MaterialStatus.verified
        for m in plan.materials
        if m.proof_mode in (ProofMode.paper, ProofMode.data_verification)
    }
    case, _changes = accept_case(ctx, clerk, plan, who, answers, material_status=status)
    return case.number


def offline_work(ctx: AppContext, clerk: Actor, rnd: random.Random, actions: int) -> list[str]:
    """``actions`` random things a counter does with its queue (and now and then a case),
    each its own transaction; what was done, for a failure message."""
    done: list[str] = []
    clock = ctx.clock
    assert isinstance(clock, FixedClock)
    gap = ctx.settings.recall_gap_seconds
    for _ in range(actions):
        clock.advance(timedelta(seconds=rnd.randint(1, 120)))
        roll = rnd.random()
        if roll < 0.45:
            priority = Priority.elderly if rnd.random() < 0.15 else Priority.none
            ticket, _ = issue_ticket(ctx, clerk, rnd.choice("ABCD"), priority)
            done.append(f"issue {ticket.number}")
            continue
        if roll < 0.92:
            called, _ = call_next(ctx, clerk)
            if called is None:
                done.append("call: nobody")
                continue
            how = rnd.choice(("finish", "start+finish", "recall+finish", "no-show"))
            if how == "start+finish":
                start_serving(ctx, clerk)
            elif how == "recall+finish":
                clock.advance(timedelta(seconds=gap + 1))
                recall(ctx, clerk)
            if how == "no-show":
                mark_no_show(ctx, clerk)
            else:
                rating = rnd.choice((None, 1, 3, 5))
                finish(ctx, clerk, rating, "等候太久" if rating == 1 else "")
            done.append(f"{called.number} {how}")
            continue
        done.append(f"case {accept_a_case(ctx, clerk)}")
    return done


def queue_day(ctx: AppContext, code: str, tickets: int, *, day: date = DAY) -> int:
    """``tickets`` tickets issued, called and served at counter ``code`` offline, written
    fast: the rows straight into the local tables and two outbox entries a ticket (the
    issue: the waiting ticket and its event; the service: the served ticket and its two
    events), in one local transaction. Returns the number of entries."""
    with ctx.engine.connect() as conn:
        categories = conn.execute(
            select(QueueCategory.id, QueueCategory.letter).order_by(QueueCategory.position)
        ).all()
    start = datetime(day.year, day.month, day.day, 8, 30, tzinfo=HALL_ZONE)
    ticket_rows, event_rows, entries = [], [], []
    sequence: dict[str, int] = {}
    for n in range(tickets):
        category_id, letter = categories[n % len(categories)]
        sequence[letter] = sequence.get(letter, 0) + 1
        issued = start + timedelta(seconds=7 * n)
        called, finished = issued + timedelta(minutes=3), issued + timedelta(minutes=9)
        waiting_row = {
            "id": uuid.uuid4(), "day": day, "number": f"{code}-{letter}{sequence[letter]:03d}",
            "category_id": category_id, "issued_at": issued, "issued_by": "clerk01",
            "counter": code, "priority": Priority.none, "status": TicketStatus.waiting,
            "appointment_id": None, "case_id": None, "for_counter": None,
            "called_counter": None, "called_by": "", "first_called_at": None,
            "last_called_at": None, "calls": 0, "started_at": None, "finished_at": None,
            "rating": None, "rating_reason": "",
        }  # fmt: skip
        served_row = {
            **waiting_row, "status": TicketStatus.served, "called_counter": code,
            "called_by": "clerk01", "first_called_at": called, "last_called_at": called,
            "calls": 1, "started_at": called, "finished_at": finished, "rating": 5,
        }  # fmt: skip

        def event(
            kind: QueueEventKind, at: datetime, ticket: dict[str, Any] = waiting_row
        ) -> dict[str, Any]:
            return {
                "id": uuid.uuid4(), "ticket_id": ticket["id"], "day": day, "kind": kind,
                "at": at, "counter": code, "username": "clerk01", "detail": {},
            }  # fmt: skip

        issued_event = event(QueueEventKind.issued, issued)
        called_event = event(QueueEventKind.called, called)
        served_event = event(QueueEventKind.served, finished)
        ticket_rows.append(served_row)
        event_rows += [issued_event, called_event, served_event]
        for rows, at in (
            ([("ticket", waiting_row), ("queue_event", issued_event)], issued),
            ([("ticket", served_row), ("queue_event", called_event),
              ("queue_event", served_event)], finished),
        ):  # fmt: skip
            entries.append({
                "id": uuid.uuid4(), "created_at": at, "entity": "ticket",
                "entity_id": str(waiting_row["id"]), "op": "upsert",
                "payload": {"action": "queue", "rows": [
                    {"table": t, "values": jsonable(v)} for t, v in rows
                ]},
                "attempts": 0, "last_error": "", "escalated_by": "", "escalation_note": "",
            })  # fmt: skip
    with ctx.engine.begin() as conn:
        conn.execute(insert(Ticket.__table__), ticket_rows)
        conn.execute(insert(QueueEvent.__table__), event_rows)
        conn.execute(insert(OutboxEntry.__table__), entries)
    return len(entries)


# -- what the server must hold -------------------------------------------------------------


def server_dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table a push may write (and the receipts, the change log and
    the audit heads), in key order."""
    tables = [t for t in Base.metadata.sorted_tables if rule(t.name).pushed]
    tables += [Base.metadata.tables[n] for n in ("sync_receipt", "sync_change", "audit_head")]
    with engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in tables
        }


def _typed_key(t: Table, key_values: dict[str, Any]) -> tuple[Any, ...]:
    typed = decode(t.name, key_values)
    return tuple(typed[c.name] for c in t.primary_key.columns)


def _rows(conn: Any, t: Table, keys: list[tuple[Any, ...]]) -> dict[str, list[dict[str, Any]]]:
    """The rows of ``t`` with these primary keys, by key text (a list: to see doubles)."""
    found: dict[str, list[dict[str, Any]]] = {}
    pk = list(t.primary_key.columns)
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        where = pk[0].in_([k[0] for k in chunk]) if len(pk) == 1 else tuple_(*pk).in_(chunk)
        for row in conn.execute(select(t).where(where)).mappings():
            values = dict(row)
            found.setdefault(values_key(t.name, jsonable(values)), []).append(values)
    return found


@dataclass
class Exact:
    rows: int  # rows compared
    tables: int
    entries: int
    audit: int


def assert_server_holds_exactly(local: Engine, server: Engine, origin: str) -> Exact:
    """The server holds exactly what the counter ``origin`` pushed: every row its outbox
    named, with the counter's values (or gone, if the counter deleted it last), once;
    one receipt for each outbox entry; its whole audit chain; its tickets once each."""
    with local.connect() as conn:
        entries = conn.execute(
            select(
                OutboxEntry.id, OutboxEntry.payload, OutboxEntry.sent_at, OutboxEntry.set_aside_at
            ).order_by(OutboxEntry.seq)
        ).all()
    unsent = [e.id for e in entries if e.sent_at is None or e.set_aside_at is not None]
    assert not unsent, f"{len(unsent)} outbox entries not sent"
    last: dict[str, dict[str, tuple[bool, dict[str, Any]]]] = {}
    for entry in entries:
        for row in entry.payload.get("rows", ()):
            name = row["table"]
            if name in Base.metadata.tables and rule(name).pushed:
                last.setdefault(name, {})[values_key(name, row["values"])] = (
                    bool(row.get("delete")),
                    row["values"],
                )
    compared = 0
    with local.connect() as lconn, server.connect() as sconn:
        for name, keyed in last.items():
            t = Base.metadata.tables[name]
            typed = [_typed_key(t, values) for _deleted, values in keyed.values()]
            mine, theirs = _rows(lconn, t, typed), _rows(sconn, t, typed)
            for key, (deleted, _values) in keyed.items():
                here, there = mine.get(key, []), theirs.get(key, [])
                if deleted:
                    assert not here and not there, (
                        f"{name} {key}: deleted here, yet {here} / {there}"
                    )
                    continue
                assert len(here) == 1, f"{name} {key}: {len(here)} rows on the counter"
                assert len(there) == 1, f"{name} {key}: {len(there)} rows on the server"
                assert here[0] == there[0], f"{name} {key} differs: " + str(
                    {
                        c: (here[0][c], there[0].get(c))
                        for c in here[0]
                        if here[0][c] != there[0].get(c)
                    }
                )
                compared += 1
        # One receipt for each entry, no more, no fewer.
        receipts = set(
            sconn.scalars(select(SyncReceipt.entry_id).where(SyncReceipt.origin == origin))
        )
        assert receipts == {e.id for e in entries}, (
            f"{len(receipts)} receipts for {len(entries)} outbox entries "
            f"({len(receipts - {e.id for e in entries})} unknown)"
        )
        # The counter's tickets, each number once, as many as here.
        count_tickets = (
            select(Ticket.day, Ticket.number, func.count())
            .where(Ticket.counter == origin)
            .group_by(Ticket.day, Ticket.number)
        )
        here_tickets = {(d, n): c for d, n, c in lconn.execute(count_tickets)}
        there_tickets = {(d, n): c for d, n, c in sconn.execute(count_tickets)}
        assert there_tickets == here_tickets, "the counter's tickets differ"
        assert set(there_tickets.values()) <= {1}
        count_events = (
            select(func.count())
            .select_from(QueueEvent)
            .where(QueueEvent.ticket_id.in_(select(Ticket.id).where(Ticket.counter == origin)))
        )
        assert sconn.scalar(count_events) == lconn.scalar(count_events)
        # The whole audit chain, entry for entry, and its head.
        chain = lconn.scalar(select(AuditHead.chain).where(AuditHead.local))
        audit = 0
        if chain is not None:
            of_chain = (
                select(AuditEntry.__table__)
                .where(AuditEntry.chain == chain)
                .order_by(AuditEntry.seq)
            )
            mine_audit = [dict(r) for r in lconn.execute(of_chain).mappings()]
            theirs_audit = [dict(r) for r in sconn.execute(of_chain).mappings()]
            assert theirs_audit == mine_audit, "the audit chain differs"
            head = sconn.scalar(select(AuditHead.seq).where(AuditHead.chain == chain))
            assert head == (mine_audit[-1]["seq"] if mine_audit else None)
            audit = len(mine_audit)
    return Exact(compared, len(last), len(entries), audit)


def assert_sent_means_received(local: Engine, server: Engine) -> None:
    """Every entry marked sent here has its receipt on the server (nothing is marked
    sent before the server committed it)."""
    with local.connect() as conn:
        sent = set(conn.scalars(select(OutboxEntry.id).where(OutboxEntry.sent_at.is_not(None))))
    with server.connect() as conn:
        known = set(
            conn.scalars(select(SyncReceipt.entry_id).where(SyncReceipt.entry_id.in_(sent)))
        )
    assert sent == known, f"{len(sent - known)} entries marked sent that the server lacks"


# -- the proxy itself ------------------------------------------------------------------------
