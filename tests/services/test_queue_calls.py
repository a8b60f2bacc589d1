"""Calling at the counters: order, recalls and no-shows, transfers, parking, ratings,
the events they leave, and the estimate of the wait."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hall.core.errors import Conflict, ValidationError
from hall.models import QueueEvent, Ticket
from hall.models.enums import Priority, QueueEventKind, Role, TicketStatus
from hall.services.audit import Actor
from hall.services.queue import issue_ticket
from hall.services.queue_calls import (
    call_next,
    call_number,
    close_counter,
    counter_state,
    finish,
    mark_no_show,
    open_counter,
    park,
    recall,
    resume,
    start_serving,
    transfer,
    window_of,
)
from hall.services.queue_status import estimate_wait, queue_status, recent_calls, waiting_tickets

CLERK = Actor("clerk01", Role.clerk, "C01", "张敏")
CLERK2 = Actor("clerk02", Role.clerk, "C02", "李强")
GUIDE = Actor("guide01", Role.guide, "G01", "王芳")


def _events(ctx, number: str) -> list[QueueEventKind]:
    with ctx.uow() as s:
        ticket = s.scalar(select(Ticket).where(Ticket.number == number))
        rows = s.scalars(
            select(QueueEvent).where(QueueEvent.ticket_id == ticket.id).order_by(QueueEvent.at)
        )
        return [e.kind for e in rows]


def _serve_all(ctx, actor) -> list[str]:
    order = []
    while True:
        called, _ = call_next(ctx, actor)
        if called is None:
            return order
        order.append(called.number)
        finish(ctx, actor, 5)


def test_priority_and_appointments_first_then_first_come(demo_ctx) -> None:
    # The demo morning: A001 B001 B002(elderly) B003 C001 D001 B004, all at 09:00.
    demo_ctx.clock.advance(timedelta(minutes=1))
    late, _ = issue_ticket(demo_ctx, GUIDE, "B", Priority.pregnant)
    open_counter(demo_ctx, CLERK, categories=["B"])
    order = _serve_all(demo_ctx, CLERK)
    assert order == ["B002", late.number, "B001", "B003", "B004"]
    # Only its categories: A, C and D still wait.
    assert {t.number for t in waiting_tickets(demo_ctx)} == {"A001", "C001", "D001"}


def test_two_counters_never_call_the_same_ticket(demo_ctx) -> None:
    first, _ = call_next(demo_ctx, CLERK)
    second, _ = call_next(demo_ctx, CLERK2)
    assert first and second and first.number != second.number
    with pytest.raises(Conflict, match="还在本窗口"):
        call_next(demo_ctx, CLERK)


def test_recall_waits_for_the_gap_and_the_fourth_attempt_is_a_no_show(demo_ctx) -> None:
    demo_ctx.settings.recall_gap_seconds = 30
    called, _ = call_next(demo_ctx, CLERK)
    assert called is not None and called.calls == 1
    with pytest.raises(Conflict, match="秒后再重呼"):
        recall(demo_ctx, CLERK)
    for n in (2, 3):
        demo_ctx.clock.advance(timedelta(seconds=30))
        again, _ = recall(demo_ctx, CLERK)
        assert again.calls == n and again.status is TicketStatus.called
    demo_ctx.clock.advance(timedelta(seconds=30))
    gone, _ = recall(demo_ctx, CLERK)
    assert gone.status is TicketStatus.no_show
    assert _events(demo_ctx, called.number) == [
        QueueEventKind.issued, QueueEventKind.called, QueueEventKind.recalled,
        QueueEventKind.recalled, QueueEventKind.no_show,
    ]  # fmt: skip
    assert counter_state(demo_ctx, CLERK).current is None


def test_calling_next_after_three_unanswered_calls_marks_the_no_show(demo_ctx) -> None:
    demo_ctx.settings.recall_gap_seconds = 10
    called, _ = call_next(demo_ctx, CLERK)
    for _n in range(2):
        demo_ctx.clock.advance(timedelta(seconds=10))
        recall(demo_ctx, CLERK)
    demo_ctx.clock.advance(timedelta(seconds=10))
    following, _ = call_next(demo_ctx, CLERK)
    assert following is not None and following.number != called.number
    assert _events(demo_ctx, called.number)[-1] is QueueEventKind.no_show


def test_transfer_keeps_the_original_time(demo_ctx) -> None:
    open_counter(demo_ctx, CLERK, categories=["A"])
    called, _ = call_next(demo_ctx, CLERK)
    assert called is not None and called.number == "A001"
    demo_ctx.clock.advance(timedelta(minutes=5))
    issue_ticket(demo_ctx, GUIDE, "B")  # came later than A001
    moved, _ = transfer(demo_ctx, CLERK, category="B")
    assert moved.status is TicketStatus.waiting and moved.letter == "B"
    open_counter(demo_ctx, CLERK2, categories=["B"])
    order = _serve_all(demo_ctx, CLERK2)
    # Behind the elderly priority, and before every B issued after 09:00 A001's minute.
    assert order[0] == "B002"
    assert order.index("A001") < order.index("B005")
    assert QueueEventKind.transferred in _events(demo_ctx, "A001")


def test_transfer_to_a_counter_is_called_there_first(demo_ctx) -> None:
    call_next(demo_ctx, CLERK)
    moved, _ = transfer(demo_ctx, CLERK, to_counter="c02")
    open_counter(demo_ctx, CLERK2, categories=["D"])
    called, _ = call_next(demo_ctx, CLERK2)
    assert called is not None and called.number == moved.number
    with pytest.raises(ValidationError, match="本窗口"):
        call_next(demo_ctx, CLERK)  # nothing at C01: a fresh call goes through
        transfer(demo_ctx, CLERK, to_counter="C01")


def test_park_lets_the_counter_go_on_and_resume_brings_it_back(demo_ctx) -> None:
    first, _ = call_next(demo_ctx, CLERK)
    start_serving(demo_ctx, CLERK)
    park(demo_ctx, CLERK)
    second, _ = call_next(demo_ctx, CLERK)
    assert second is not None
    assert [t.number for t in counter_state(demo_ctx, CLERK).parked] == [first.number]
    with pytest.raises(Conflict):
        resume(demo_ctx, CLERK, first.number)
    finish(demo_ctx, CLERK, 4)
    back, _ = resume(demo_ctx, CLERK, first.number)
    assert back.status is TicketStatus.serving
    done, _ = finish(demo_ctx, CLERK, 2, "等候时间太长")
    assert done.status is TicketStatus.served
    with demo_ctx.uow() as s:
        row = s.get_one(Ticket, first.id)
        assert (row.rating, row.rating_reason) == (2, "等候时间太长")


def test_a_rating_is_one_to_five_and_a_reason_only_for_low_marks(demo_ctx) -> None:
    called, _ = call_next(demo_ctx, CLERK)
    with pytest.raises(ValidationError, match="1 至 5"):
        finish(demo_ctx, CLERK, 6)
    finish(demo_ctx, CLERK, 5, "很好")
    with demo_ctx.uow() as s:
        assert s.get_one(Ticket, called.id).rating_reason == ""


def test_no_show_only_for_a_citizen_who_did_not_come(demo_ctx) -> None:
    call_next(demo_ctx, CLERK)
    start_serving(demo_ctx, CLERK)
    with pytest.raises(Conflict, match="已在办理"):
        mark_no_show(demo_ctx, CLERK)
    finish(demo_ctx, CLERK)
    call_next(demo_ctx, CLERK)
    gone, _ = mark_no_show(demo_ctx, CLERK)
    assert gone.status is TicketStatus.no_show
    assert queue_status(demo_ctx).no_show_today == 1


def test_a_counter_closes_only_when_free(demo_ctx) -> None:
    call_next(demo_ctx, CLERK)
    assert counter_state(demo_ctx, CLERK).is_open
    with pytest.raises(Conflict):
        close_counter(demo_ctx, CLERK)
    finish(demo_ctx, CLERK)
    view, _ = close_counter(demo_ctx, CLERK)
    assert not view.is_open


def test_a_ticket_typed_in_is_called_out_of_turn(demo_ctx) -> None:
    called, _ = call_number(demo_ctx, CLERK, "d001")
    assert called.number == "D001"
    finish(demo_ctx, CLERK)
    with pytest.raises(Conflict, match="不在等候"):
        call_number(demo_ctx, CLERK, "D001")


def test_the_display_shows_calls_and_recalls_with_the_window(demo_ctx) -> None:
    demo_ctx.settings.recall_gap_seconds = 0
    call_next(demo_ctx, CLERK2)
    demo_ctx.clock.advance(timedelta(seconds=5))
    recall(demo_ctx, CLERK2)
    calls = recent_calls(demo_ctx)
    assert [(c.window, c.recall) for c in calls] == [("2", True), ("2", False)]
    assert window_of("C12") == "12" and window_of("EX") == "EX"


def test_the_wait_is_estimated_from_recent_handling_times(demo_ctx) -> None:
    assert estimate_wait(8.0, 3, 2) == 12 and estimate_wait(8.0, 3, 0) == 24
    open_counter(demo_ctx, CLERK, categories=["B"])
    for minutes in (4, 8):
        call_next(demo_ctx, CLERK)
        start_serving(demo_ctx, CLERK)
        demo_ctx.clock.advance(timedelta(minutes=minutes))
        finish(demo_ctx, CLERK, 5)
    b = next(c for c in queue_status(demo_ctx).categories if c.letter == "B")
    assert (b.waiting, b.open_counters, b.handling_minutes) == (2, 1, 6.0)
    assert b.estimated_wait_minutes == 12
