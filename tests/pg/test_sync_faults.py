"""The push under fire: connections cut mid-batch, the counter's process killed, the hall
server restarted, a newer server. Whatever happens in between, once a clean round has
run the server holds exactly the counter's rows, none missing and none twice, and one
receipt for each of its outbox entries; a batch replayed changes nothing.

The network is a proxy the tests control (``tests/pg/proxy.py``). One seeded hall server
database is made per module and copied for each test (``CREATE DATABASE … TEMPLATE``).
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, Table, func, insert, select, text, tuple_, update
from sqlalchemy.engine import make_url

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
from hall.services.auth import sign_in
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
from .conftest import admin_url
from .proxy import FaultProxy

pytestmark = pytest.mark.pg

PASSWORD = "hall-demo-2026"
DAY = date(2026, 11, 23)
#: Randomised runs of the cut-anywhere test (``HALL_FAULT_RUNS`` to change it) and the
#: first seed (``HALL_FAULT_SEED``: set it to a failed run's seed to replay that run).
RUNS = int(os.environ.get("HALL_FAULT_RUNS", "50"))
FIRST_SEED = int(os.environ.get("HALL_FAULT_SEED", "20261123"))
MAX_ROUNDS = 40
ROOT = Path(__file__).parents[2]


def _libpq(url: Any) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _admin(url: Any):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(_libpq(url), autocommit=True, connect_timeout=5)


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
        _admin(admin).close()
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no PostgreSQL server at {admin.render_as_string(hide_password=True)}: {exc}")
    name = f"hall_test_{uuid.uuid4().hex[:12]}_seed"
    with _admin(admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = _libpq(admin.set(database=name))
        init_server(url)
        seed(url, tmp_path_factory.mktemp("seed"))
        yield name
    finally:
        with _admin(admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(url: str, folder: Path) -> None:
    """The demo hall on the server at ``url`` (migrated already)."""
    server = server_context_for(make_paths(folder), Settings(), url, clock=_clock())
    try:
        initialise(server, demo=True, signing_key=False)
    finally:
        server.close()
        server.engine.dispose()


@pytest.fixture
def hall_url(seeded_template: str) -> Iterator[str]:
    """The URL of a fresh copy of the seeded hall server, dropped after the test."""
    admin = admin_url()
    name = f"hall_test_{uuid.uuid4().hex[:12]}"
    with _admin(admin) as conn:
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
        with _admin(admin) as conn:
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
    from hall.services.sync import waiting_changes

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


def test_the_proxy_forwards_cuts_refuses_and_blackholes(fault_proxy: FaultProxy) -> None:
    import psycopg

    url = fault_proxy.url(admin_url())

    def connect(timeout: int = 5) -> psycopg.Connection[Any]:
        return psycopg.connect(_libpq(url), autocommit=True, connect_timeout=timeout)

    with connect() as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert fault_proxy.cut() == 1
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    fault_proxy.refuse()
    with pytest.raises(psycopg.OperationalError):
        connect()
    assert fault_proxy.refused == 1
    fault_proxy.blackhole()
    with pytest.raises(psycopg.OperationalError):
        connect(timeout=1)  # accepted, never answered: the client gives up
    assert fault_proxy.refused == 1
    fault_proxy.restore()
    with connect() as conn:
        fault_proxy.cut_after(client_bytes=20)  # in the middle of the next query
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 'a fairly long query text to cut in two'")
    assert not fault_proxy.armed and fault_proxy.live == 0
    with connect() as conn:
        assert conn.execute("SELECT 2").fetchone() == (2,)


# -- replays -------------------------------------------------------------------------------


def test_a_batch_replayed_changes_nothing_on_the_server(hall_url: str, tmp_path: Path) -> None:
    ctx = open_counter(tmp_path, "P01", hall_url)
    try:
        join(ctx)
        clerk = sign_in(ctx, "clerk01", PASSWORD, "P01")
        ctx.link.lost(RuntimeError("cable out"))  # type: ignore[union-attr]
        done = offline_work(ctx, clerk, random.Random(7), 25)
        accept_a_case(ctx, clerk)
        server = ctx.link.engine()  # type: ignore[union-attr]
        entries = push_module.waiting(ctx.engine, 1000)
        assert len(entries) >= 20, done

        first = push_module.apply_batch(server, entries, "P01", ctx.clock.now())
        assert not first.errors and first.replayed == 0
        before = server_dump(server)
        again = push_module.apply_batch(server, entries, "P01", ctx.clock.now())
        assert not again.errors and again.replayed == len(entries)  # the receipts knew them
        middle = entries[5:15]
        assert push_module.apply_batch(server, middle, "P01", ctx.clock.now()).replayed == 10
        assert server_dump(server) == before

        # The counter never heard back: the whole outbox goes again, all of it replayed.
        result = push_module.push(ctx.engine, server, "P01", ctx.clock.now, batch_size=7)
        assert (result.sent, result.replayed, result.set_aside) == (len(entries),) * 2 + (0,)
        after_push = server_dump(server)
        assert {k: v for k, v in after_push.items() if k not in ("audit_entry", "audit_head")} == {
            k: v for k, v in before.items() if k not in ("audit_entry", "audit_head")
        }  # only the audit chain went up now
        # Sent, then forgotten here (a restored backup): sent again, nothing changes.
        with ctx.engine.begin() as conn:
            conn.execute(update(OutboxEntry).values(sent_at=None))
        result = push_module.push(ctx.engine, server, "P01", ctx.clock.now, batch_size=3)
        assert result.replayed == result.sent == len(entries)
        assert server_dump(server) == after_push
        exact = assert_server_holds_exactly(ctx.engine, server, "P01")
        assert exact.entries == len(entries) and exact.audit > 0
    finally:
        ctx.close()


# -- the connection cut anywhere, 50 times --------------------------------------------------


@dataclass
class Fault:
    kind: str  # timer, client_bytes, server_bytes, outage
    amount: float

    def __str__(self) -> str:
        return f"{self.kind}={self.amount:g}"


def random_fault(rnd: random.Random, entries: int) -> Fault:
    """A cut somewhere in a round that pushes ``entries`` entries: after a random time,
    or after a random number of bytes either way (a push sends about 2 kB an entry in
    small batches), or an outage (cut, then nothing answers for the next round)."""
    kind = rnd.choice(("timer", "client_bytes", "client_bytes", "server_bytes", "outage"))
    if kind in ("timer", "outage"):
        return Fault(kind, round(rnd.uniform(0.0, 0.25), 3))
    scale = 2000 if kind == "client_bytes" else 500
    return Fault(kind, rnd.randint(100, scale * entries + 5000))


class Faults:
    """Arms the planned faults one round after the other (``before_round``)."""

    def __init__(self, proxy: FaultProxy, planned: list[Fault]) -> None:
        self.proxy, self.planned = proxy, planned
        self.timer: threading.Timer | None = None
        self.outage = False

    def before_round(self, n: int) -> None:
        self.settle()
        if self.outage:  # the round after an outage finds nobody answering
            self.proxy.refuse()
            self.outage = False
            return
        self.proxy.restore()
        if n >= len(self.planned):
            return
        fault = self.planned[n]
        if fault.kind in ("timer", "outage"):
            self.outage = fault.kind == "outage"
            self.timer = threading.Timer(fault.amount, self.proxy.cut)
            self.timer.start()
        elif fault.kind == "client_bytes":
            self.proxy.cut_after(client_bytes=int(fault.amount))
        else:
            self.proxy.cut_after(server_bytes=int(fault.amount))

    def settle(self) -> None:
        """The previous round is over: its timer and budget go."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer.join()
            self.timer = None
        self.proxy.disarm()


def test_cut_anywhere_the_server_ends_with_exactly_the_counters_rows(
    hall_url: str, tmp_path: Path, fault_proxy: FaultProxy, small_batches: dict[str, int]
) -> None:
    url = fault_proxy.url(hall_url)
    totals = {"rows": 0, "entries": 0, "rounds": 0, "cut": 0, "replayed": 0}
    for run in range(RUNS):
        seed = FIRST_SEED + run
        rnd = random.Random(seed)
        code = f"R{run + 1:03d}"
        planned: list[Fault] = []
        done: list[str] = []
        ctx = open_counter(tmp_path, code, url)
        try:
            fault_proxy.restore()
            join(ctx)
            clerk = sign_in(ctx, "clerk01", PASSWORD, code)
            fault_proxy.refuse()  # the cable out: the first action finds the server gone
            fault_proxy.cut()
            done = offline_work(ctx, clerk, rnd, rnd.randint(1, 30))
            assert ctx.offline
            entries = waiting(ctx)
            small_batches["size"] = rnd.choice((1, 2, 3, 5, 8, 13))
            planned = [random_fault(rnd, entries) for _ in range(rnd.randint(1, 3))]
            faults = Faults(fault_proxy, planned)
            cuts_before = fault_proxy.cut_connections
            try:
                reports = sync_until_done(ctx, before_round=faults.before_round)
            finally:
                faults.settle()
                fault_proxy.restore()
            assert_sent_means_received(ctx.engine, ctx.link.engine())  # type: ignore[union-attr]
            exact = assert_server_holds_exactly(ctx.engine, ctx.link.engine(), code)  # type: ignore[union-attr]
            totals["rows"] += exact.rows
            totals["entries"] += exact.entries
            totals["rounds"] += len(reports)
            totals["cut"] += fault_proxy.cut_connections > cuts_before
            totals["replayed"] += sum(r.replayed for r in reports)
        except Exception as exc:
            raise AssertionError(
                f"run {run}, seed {seed} (HALL_FAULT_SEED={seed} HALL_FAULT_RUNS=1 replays it), "
                f"counter {code}, batches of {small_batches['size']}, faults "
                f"{', '.join(map(str, planned)) or '—'}, work: {'; '.join(done)}: {exc}"
            ) from exc
        finally:
            ctx.close()
    print(f"\n{RUNS} runs: {totals}")
    assert totals["cut"] > 0  # the faults did cut connections


# -- a pull never goes back -----------------------------------------------------------------


@contextlib.contextmanager
def running_transaction(url: str) -> Iterator[None]:
    """A transaction of the hall's database that has written (it has an id) and stays
    open: the pull's horizon cannot pass it meanwhile."""
    import psycopg

    with psycopg.connect(_libpq(url)) as conn:
        conn.execute("SELECT pg_current_xact_id()")
        yield
        conn.rollback()


def local_ticket(ctx: AppContext, number: str) -> Ticket:
    with ctx.uow() as session:
        row = session.scalar(select(Ticket).where(Ticket.number == number))
        assert row is not None
        session.expunge(row)
        return row


def test_a_pull_never_brings_back_an_older_state_of_a_row_pushed_from_here(
    hall_url: str, tmp_path: Path
) -> None:
    """The pull reads the changes of finished transactions only (up to the oldest still
    running): the ticket's older state may be in its window while the newer one, pushed
    from here meanwhile, is not yet. The counter must keep the newer one."""
    ctx = open_counter(tmp_path, "Q01", hall_url)
    try:
        join(ctx)
        clerk = sign_in(ctx, "clerk01", PASSWORD, "Q01")
        ctx.link.lost(RuntimeError("cable out"))  # type: ignore[union-attr]
        ticket, _ = issue_ticket(ctx, clerk, "A")
        with running_transaction(hall_url):
            join(ctx)  # the waiting ticket goes up; the pull stops before it
            second = running_transaction(hall_url)
            second.__enter__()
        try:
            ctx.link.lost(RuntimeError("cable out"))  # type: ignore[union-attr]
            call_next(ctx, clerk)
            finish(ctx, clerk, 5)
            join(ctx)  # the served ticket goes up; the pull reads the waiting one
            assert local_ticket(ctx, ticket.number).status is TicketStatus.served
        finally:
            second.__exit__(None, None, None)
        join(ctx)
        assert local_ticket(ctx, ticket.number).status is TicketStatus.served
    finally:
        ctx.close()


def test_a_pull_takes_the_newest_state_whatever_order_the_transactions_had(
    hall_url: str, tmp_path: Path
) -> None:
    """Two transactions on the server change one row, the older one (lower id) last:
    its change is the newest, and the pull window that holds it comes first. The
    counter ends with the server's row, not with the change read last."""
    import psycopg

    from hall.sync import pull

    ctx = open_counter(tmp_path, "Q02", hall_url)
    server = ctx.link.engine()  # type: ignore[union-attr]
    try:
        join(ctx)
        clerk = sign_in(ctx, "clerk01", PASSWORD, "Q02")
        ctx.link.lost(RuntimeError("cable out"))  # type: ignore[union-attr]
        ticket, _ = issue_ticket(ctx, clerk, "A")
        join(ctx)
        change = "UPDATE ticket SET rating_reason = %s WHERE number = %s"
        with (
            psycopg.connect(_libpq(hall_url)) as older,
            psycopg.connect(_libpq(hall_url), autocommit=True) as newer,
        ):
            older.execute("SELECT pg_current_xact_id()")  # the lower id
            with running_transaction(hall_url):
                newer.execute(change, ("first", ticket.number))  # a higher id, done
                older.execute(change, ("second", ticket.number))
                older.commit()  # the newest state, from the lower id
                pull.pull(ctx.engine, server, ctx.clock.now)
            pull.pull(ctx.engine, server, ctx.clock.now)
        with server.connect() as conn:
            on_server = conn.scalar(
                select(Ticket.rating_reason).where(Ticket.number == ticket.number)
            )
        assert on_server == "second"
        # (Another database's transaction may hold the horizon back a while: the pull
        # brings the rest later, but never "first" for good.)
        for _ in range(50):
            if local_ticket(ctx, ticket.number).rating_reason == "second":
                break
            time.sleep(0.1)
            pull.pull(ctx.engine, server, ctx.clock.now)
        assert local_ticket(ctx, ticket.number).rating_reason == "second"
    finally:
        ctx.close()


def test_a_pull_brings_the_rows_a_pulled_row_points_at(hall_url: str, tmp_path: Path) -> None:
    """A row changed in the window was changed again above it, to point at a row made
    there: the pull brings both (or, later, both), never the one without the other."""
    from hall.models import Appointment
    from hall.models.enums import AppointmentStatus
    from hall.sync import pull

    ctx = open_counter(tmp_path, "Q03", hall_url)
    server = ctx.link.engine()  # type: ignore[union-attr]
    try:
        join(ctx)
        clerk = sign_in(ctx, "clerk01", PASSWORD, "Q03")
        ctx.link.lost(RuntimeError("cable out"))  # type: ignore[union-attr]
        ticket, _ = issue_ticket(ctx, clerk, "A")
        join(ctx)
        with server.begin() as conn:  # in the window
            conn.execute(update(Ticket).where(Ticket.id == ticket.id).values(rating_reason="x"))
        booked = uuid.uuid4()
        with running_transaction(hall_url):
            with server.begin() as conn:  # above it
                conn.execute(
                    insert(Appointment).values(
                        id=booked, number="YYQ03-20261123-0001", day=DAY,
                        slot_start=datetime(2026, 11, 23, 9).time(),
                        slot_end=datetime(2026, 11, 23, 10).time(),
                        category_id=ticket.category.id, applicant_name="张伟",
                        status=AppointmentStatus.checked_in,
                        booked_at=ctx.clock.now(), booked_by="clerk01",
                    )
                )  # fmt: skip
                conn.execute(
                    update(Ticket).where(Ticket.id == ticket.id).values(appointment_id=booked)
                )
            pull.pull(ctx.engine, server, ctx.clock.now)
        for _ in range(50):
            if local_ticket(ctx, ticket.number).appointment_id == booked:
                break
            time.sleep(0.1)
            pull.pull(ctx.engine, server, ctx.clock.now)
        assert local_ticket(ctx, ticket.number).appointment_id == booked
        with ctx.uow() as session:
            assert session.get(Appointment, booked) is not None
    finally:
        ctx.close()


# -- the counter's process killed in the middle of a push ------------------------------------


def _receipts(url: str, origin: str) -> int:
    with _admin(url) as conn:
        row = conn.execute("SELECT count(*) FROM sync_receipt WHERE origin = %s", (origin,))
        return int(row.fetchone()[0])  # type: ignore[index]


def test_killed_mid_push_the_next_round_sends_the_rest_once(hall_url: str, tmp_path: Path) -> None:
    """``hall sync --once`` killed (SIGKILL) at a random moment while it pushes a few
    thousand entries, several times; then a round that runs to its end."""
    code, seed = "K01", FIRST_SEED
    rnd = random.Random(seed)
    ctx = open_counter(tmp_path, code, hall_url)
    try:
        join(ctx)
        clerk = sign_in(ctx, "clerk01", PASSWORD, code)
        ctx.link.lost(RuntimeError("cable out"))  # type: ignore[union-attr]
        offline_work(ctx, clerk, rnd, 20)
    finally:
        ctx.close()
    local = open_counter(tmp_path, code, hall_url)  # the same folder, for reading it
    server_url = _libpq(hall_url)
    env = {
        **os.environ,
        "HALL_DATA_DIR": str(tmp_path / code),
        "HALL_SERVER_URL": hall_url,
        "HALL_COUNTER": code,
    }
    log = tmp_path / "sync.log"
    kills: list[str] = []
    try:
        for attempt in range(4):
            # More work while the counter was down: a day's queue, fast.
            queue_day(local, code, 1000, day=DAY + timedelta(days=attempt + 1))
            before = _receipts(server_url, code)
            with log.open("ab") as out:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "hall", "sync", "--once"],
                    env=env, cwd=ROOT, stdout=out, stderr=out,
                )  # fmt: skip
            try:
                deadline = time.monotonic() + 120
                while _receipts(server_url, code) == before and proc.poll() is None:
                    assert time.monotonic() < deadline, "the push never began"
                    time.sleep(0.02)
                time.sleep(rnd.uniform(0.0, 0.3))  # somewhere in the batches that follow
            finally:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
            with local.engine.connect() as conn:
                sent = conn.scalar(select(func.count()).where(OutboxEntry.sent_at.is_not(None)))
            received = _receipts(server_url, code)
            kills.append(
                f"{attempt}: {received - before} received, {waiting(local)} waiting, "
                f"{received - sent} committed but not marked sent"
            )
            assert_sent_means_received(local.engine, local.link.engine())  # type: ignore[union-attr]
        with log.open("ab") as out:
            done = subprocess.run(
                [sys.executable, "-m", "hall", "sync", "--once"],
                env=env, cwd=ROOT, stdout=out, stderr=out, timeout=300,
            )  # fmt: skip
        assert done.returncode == 0, log.read_text(errors="replace")[-3000:]
        assert waiting(local) == 0
        exact = assert_server_holds_exactly(local.engine, local.link.engine(), code)  # type: ignore[union-attr]
        assert exact.entries > 8000
        print(f"\nkills: {kills}")
    except AssertionError as exc:
        raise AssertionError(f"seed {seed}, kills {kills}: {exc}") from exc
    finally:
        local.close()


# -- the hall server restarted in the middle of a push ----------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_program(name: str) -> str | None:
    """``initdb`` or ``pg_ctl``: on the PATH, or where Debian and Ubuntu keep them."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    return str(versions[-1]) if versions else None


@dataclass
class Cluster:
    """A throwaway PostgreSQL cluster of the test's own (``initdb``, ``pg_ctl``)."""

    root: Path
    port: int
    as_postgres: list[str]
    pg_ctl_program: str

    @property
    def data(self) -> Path:
        return self.root / "data"

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [*self.as_postgres, self.pg_ctl_program, "-D", str(self.data),
             "-l", str(self.root / "log"),
             "-w", "-t", "60", *args],
            check=True, capture_output=True, timeout=90,
        )  # fmt: skip

    def restart(self) -> None:
        self.pg_ctl("-m", "fast", "restart")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    """A PostgreSQL cluster on a free port, started; stopped and removed after the test.
    ``initdb`` and ``pg_ctl`` refuse to run as root: then as the user postgres. Skipped
    (failed on CI) when none can be made here."""

    def unavailable(why: str) -> None:
        message = f"no throwaway PostgreSQL cluster here: {why}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)

    initdb, pg_ctl = _pg_program("initdb"), _pg_program("pg_ctl")
    if initdb is None or pg_ctl is None:
        unavailable("initdb or pg_ctl not found (PATH, /usr/lib/postgresql/*/bin)")
        return
    as_postgres: list[str] = []
    if os.geteuid() == 0 and not shutil.which("runuser"):
        unavailable("running as root without runuser")
    root = Path(tempfile.mkdtemp(prefix="hall-pg-"))
    if os.geteuid() == 0:
        as_postgres = ["runuser", "-u", "postgres", "--"]
        try:
            shutil.chown(root, "postgres")
        except (LookupError, OSError) as exc:
            shutil.rmtree(root, ignore_errors=True)
            unavailable(f"no user postgres to run it as ({exc})")
    made = Cluster(root, _free_port(), as_postgres, pg_ctl)
    try:
        subprocess.run(
            [*as_postgres, initdb, "-D", str(made.data), "-U", "postgres", "-A", "trust", "-N"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        made.pg_ctl(
            "-o", f"-p {made.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off", "start"
        )
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        shutil.rmtree(root, ignore_errors=True)
        unavailable(f"{exc} {detail.decode(errors='replace')[-500:]}")
    try:
        yield made
    finally:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            made.pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


def push_through_outages(
    ctx: AppContext, outage: Callable[[], None], rnd: random.Random, times: int
) -> list[str]:
    """Sync ``ctx`` (its outbox big, its batches small) while ``outage()`` strikes
    ``times`` times, each a random moment after a batch went up; then rounds until
    nothing waits. What happened, for a failure message."""
    story: list[str] = []
    for n in range(times):
        started = threading.Event()
        reports: list[SyncReport] = []

        def round_(started: threading.Event = started, reports: list[SyncReport] = reports) -> None:
            def progress(text_: str) -> None:
                if "已上传" in text_:
                    started.set()

            reports.append(sync_once(ctx, progress=progress))

        thread = threading.Thread(target=round_)
        thread.start()
        try:
            started.wait(60)
            time.sleep(rnd.uniform(0.0, 0.3))
            outage()
        finally:
            thread.join(120)
        assert not thread.is_alive(), "a sync round hangs after the outage"
        story.append(
            f"outage {n}: {reports[0].state if reports else 'raised'}, {waiting(ctx)} waiting"
        )
        assert reports, "sync_once raised"  # (the thread's exception is in the log)
    sync_until_done(ctx)
    return story


def _outbox_for_outages(ctx: AppContext, code: str, rnd: random.Random) -> None:
    clerk = sign_in(ctx, "clerk01", PASSWORD, code)
    ctx.link.lost(RuntimeError("cable out"))  # type: ignore[union-attr]
    offline_work(ctx, clerk, rnd, 15)
    queue_day(ctx, code, 600, day=DAY + timedelta(days=1))


def test_server_restarted_mid_push_the_counter_carries_on(
    cluster: Cluster, tmp_path: Path, small_batches: dict[str, int]
) -> None:
    """The hall server itself restarts (``pg_ctl restart -m fast``) while a counter
    pushes, three times; the counter goes offline, comes back and finishes."""
    with _admin(cluster.url()) as conn:
        conn.execute('CREATE DATABASE "hall"')
    url = cluster.url("hall")
    init_server(url)
    seed(url, tmp_path / "seed")
    rnd = random.Random(FIRST_SEED)
    ctx = open_counter(tmp_path, "S01", url)
    try:
        join(ctx)
        _outbox_for_outages(ctx, "S01", rnd)
        small_batches["size"] = 40
        story = push_through_outages(ctx, cluster.restart, rnd, 3)
        print(f"\nrestarts: {story}")
        assert any("offline" in line for line in story), story  # a restart did cut it
        assert_server_holds_exactly(ctx.engine, ctx.link.engine(), "S01")  # type: ignore[union-attr]
    finally:
        ctx.close()


def test_server_gone_mid_push_emulated_the_counter_carries_on(
    hall_url: str, tmp_path: Path, fault_proxy: FaultProxy, small_batches: dict[str, int]
) -> None:
    """The same without a cluster of our own: every connection to the hall's database
    ended by the server (``pg_terminate_backend``) and nobody answering for a moment."""
    database = make_url(hall_url).database

    def outage() -> None:
        fault_proxy.refuse()
        with _admin(admin_url()) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (database,),
            )
        time.sleep(0.3)
        fault_proxy.restore()

    rnd = random.Random(FIRST_SEED + 1)
    ctx = open_counter(tmp_path, "S02", fault_proxy.url(hall_url))
    try:
        join(ctx)
        _outbox_for_outages(ctx, "S02", rnd)
        small_batches["size"] = 40
        story = push_through_outages(ctx, outage, rnd, 3)
        print(f"\noutages: {story}")
        assert any("offline" in line for line in story), story
        assert_server_holds_exactly(ctx.engine, ctx.link.engine(), "S02")  # type: ignore[union-attr]
    finally:
        ctx.close()


# -- a newer hall server ------------------------------------------------------------------------


def test_a_newer_server_is_not_written_to_and_the_counter_works_offline(
    hall_url: str, tmp_path: Path
) -> None:
    ctx = open_counter(tmp_path, "N01", hall_url)
    try:
        join(ctx)
        clerk = sign_in(ctx, "clerk01", PASSWORD, "N01")
        ctx.link.lost(RuntimeError("cable out"))  # type: ignore[union-attr]
        offline_work(ctx, clerk, random.Random(3), 10)
        server = ctx.link.engine()  # type: ignore[union-attr]
        with server.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        before, waiting_before = server_dump(server), waiting(ctx)
        assert waiting_before > 0

        report = sync_once(ctx)
        assert report.state is LinkState.incompatible
        assert "比本程序新" in report.reason
        assert report.pushed == report.pulled == 0
        ticket, _ = issue_ticket(ctx, clerk, "B")
        assert ticket.number.startswith("N01-B")  # offline, on the counter's own file
        assert waiting(ctx) == waiting_before + 1
        assert server_dump(server) == before
    finally:
        ctx.close()
    # A counter started afresh asks the server at its first queue action: the same.
    again = open_counter(tmp_path, "N01", hall_url)
    try:
        ticket, _ = issue_ticket(again, clerk, "C")
        assert ticket.number.startswith("N01-C")
        assert again.link.status().state is LinkState.incompatible  # type: ignore[union-attr]
        assert sync_once(again).state is LinkState.incompatible
        assert server_dump(again.link.engine()) == before  # type: ignore[union-attr]
    finally:
        again.close()
