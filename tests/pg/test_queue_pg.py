"""The queue on the hall server's PostgreSQL, with 30 counters at once: tickets issued
together never share a number, and counters calling together serve every ticket once
(``FOR UPDATE SKIP LOCKED`` hands each waiting ticket to one counter only)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from hall.core.clock import local_today
from hall.core.settings import Settings
from hall.db import migrate
from hall.db.engine import make_engine
from hall.db.uow import UnitOfWork
from hall.models import QueueCategory, QueueEvent, Ticket
from hall.models.enums import QueueEventKind, Role, TicketStatus
from hall.services import passwords
from hall.services.audit import Actor
from hall.services.audit_chain import verify_chain
from hall.services.auth import create_user
from hall.services.context import AppContext
from hall.services.queue import ensure_categories, issue_ticket
from hall.services.queue_calls import call_next, finish, open_counter

from ..conftest import make_paths

pytestmark = pytest.mark.pg
COUNTERS = 30
CLERKS = [Actor(f"clerk{n:02d}", Role.clerk, f"C{n:02d}", f"窗口{n}") for n in range(1, 31)]
GUIDE = Actor("guide01", Role.guide, "G01", "导办")


@pytest.fixture
def pg_ctx(
    pg_url: str, tmp_path: Path, clock, operator, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AppContext]:
    # 31 accounts: argon2's default cost (~150 ms a hash) is not what is tested here.
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    # A connection for each counter's thread and one for the test itself.
    engine = make_engine(pg_url, pool_size=COUNTERS + 2)
    migrate.upgrade(engine)
    ctx = AppContext(
        make_paths(tmp_path), Settings(counter_code="C01"), clock, engine, UnitOfWork(engine)
    )
    with ctx.uow(write=True) as session:
        ensure_categories(session)
    for who in [*CLERKS, GUIDE]:
        create_user(ctx, operator, who.username, who.display_name, who.role,
                    "correct horse 1", must_change_password=False)  # fmt: skip
    yield ctx
    engine.dispose()


def all_at_once(work: list[Callable[[], None]]) -> None:
    """Run each callable on its own thread, all released together; re-raise the first
    failure of any of them."""
    barrier = threading.Barrier(len(work))
    failures: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        barrier.wait()
        try:
            job()
        except BaseException as exc:  # raised again on the test's own thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a counter's thread never finished"
    if failures:
        raise failures[0]


def _numbers_by_letter(ctx: AppContext) -> dict[str, list[int]]:
    with ctx.uow() as s:
        rows = s.execute(
            select(QueueCategory.letter, Ticket.number)
            .join(QueueCategory, QueueCategory.id == Ticket.category_id)
            .where(Ticket.day == local_today(ctx.clock))
        ).all()
    numbers: dict[str, list[int]] = {}
    for letter, number in rows:
        assert number.startswith(letter)
        numbers.setdefault(letter, []).append(int(number[len(letter) :]))
    return numbers


def test_thirty_counters_issuing_at_once_never_repeat_a_number(pg_ctx, operator) -> None:
    issued: list[str] = []  # list.append is atomic: the threads share it

    def issue(clerk: Actor, n: int) -> Callable[[], None]:
        def job() -> None:
            for k in range(10):
                # Counters alternate categories in different phases, so A and B each
                # see every counter and lock-waits cross categories.
                letter = "AB"[(n + k) % 2]
                view, _changes = issue_ticket(pg_ctx, clerk, letter)
                issued.append(view.number)

        return job

    all_at_once([issue(clerk, n) for n, clerk in enumerate(CLERKS)])

    assert len(issued) == COUNTERS * 10
    assert len(set(issued)) == len(issued), Counter(issued).most_common(3)
    numbers = _numbers_by_letter(pg_ctx)
    # Each category numbered 1, 2, 3, … without a gap or a repeat.
    assert sorted(numbers["A"]) == list(range(1, 151))
    assert sorted(numbers["B"]) == list(range(1, 151))
    assert sorted(f"{letter}{n:03d}" for letter, ns in numbers.items() for n in ns) == sorted(
        issued
    )
    with pg_ctx.uow() as s:
        issued_events = s.scalar(
            select(func.count())
            .select_from(QueueEvent)
            .where(QueueEvent.kind == QueueEventKind.issued)
        )
    assert issued_events == COUNTERS * 10
    # Every issue was audited, one after the other, on the one chain.
    assert verify_chain(pg_ctx, operator).intact


def test_thirty_counters_calling_at_once_serve_every_ticket_exactly_once(pg_ctx) -> None:
    def issue(clerk: Actor) -> Callable[[], None]:
        return lambda: [issue_ticket(pg_ctx, clerk, letter) for letter in "ABCD" * 10]

    all_at_once([issue(clerk) for clerk in CLERKS[:30:4]])  # 8 threads, 320 tickets
    for clerk in CLERKS:
        open_counter(pg_ctx, clerk)
    served: list[tuple[str, str]] = []  # (counter, number), shared by the threads

    def serve(clerk: Actor) -> Callable[[], None]:
        def job() -> None:
            while True:
                called, _changes = call_next(pg_ctx, clerk)
                if called is None:
                    return
                served.append((clerk.counter or "", called.number))
                finish(pg_ctx, clerk, 5)

        return job

    all_at_once([serve(clerk) for clerk in CLERKS])

    numbers = [number for _counter, number in served]
    assert len(set(numbers)) == len(numbers), Counter(numbers).most_common(3)
    assert len(numbers) == 320
    assert len({counter for counter, _number in served}) > 1  # they did call side by side
    with pg_ctx.uow() as s:
        statuses = Counter(s.scalars(select(Ticket.status)))
        events = s.execute(
            select(Ticket.number, QueueEvent.counter, QueueEvent.kind)
            .join(Ticket, Ticket.id == QueueEvent.ticket_id)
            .where(QueueEvent.kind.in_([QueueEventKind.called, QueueEventKind.served]))
        ).all()
    assert statuses == {TicketStatus.served: 320}  # none left waiting, called or serving
    for kind in (QueueEventKind.called, QueueEventKind.served):
        # One event of each kind per ticket, at the counter that says it served it.
        assert sorted((c, n) for n, c, k in events if k is kind) == sorted(served)
