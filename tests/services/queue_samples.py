"""Sample calls of the queue's guarded services, for tests/services/test_permissions.py.

Each role calls with its index ``i`` at a counter of its own (``Q00``…), so the roles
allowed do not get in each other's way; the set-ups prepare that counter's ticket."""

from __future__ import annotations

from datetime import time
from typing import Any

from sqlalchemy import select

from hall.core.clock import local_today
from hall.models import IntakeDraft, Ticket, User
from hall.models.enums import DraftStatus, Priority
from hall.services import appointments, prereview, queue_calls
from hall.services.audit import Actor
from hall.services.intake_state import IntakeState
from hall.services.queue import ensure_categories, find_category, new_ticket

ROLES = 5
SLOTS = (time(10), time(10, 30), time(11), time(11, 30), time(13, 30), time(14))


def _code(i: int) -> str:
    return f"Q{i:02d}"


def _tickets(ctx: Any, op: Actor, n: int = 12) -> None:
    ctx.settings.recall_gap_seconds = 0
    with ctx.uow(write=True) as session:
        ensure_categories(session)
        for letter in "AB":
            category = find_category(session, letter, lock=True)
            for _n in range(n):
                new_ticket(session, ctx, op, category, Priority.none)


def _clerk(ctx: Any) -> Actor:
    from hall.models.enums import Role
    from hall.services.auth import create_user

    from .conftest import PASSWORD

    with ctx.uow() as session:
        exists = session.scalar(select(User.id).where(User.username == "qclerk")) is not None
    if not exists:
        create_user(
            ctx, Actor.as_operator("cli:test", "命令行"), "qclerk", "叫号", Role.clerk,
            PASSWORD, must_change_password=False,
        )  # fmt: skip
    return Actor("qclerk", Role.clerk, "Q99", "叫号")


def _called(ctx: Any, op: Actor) -> None:
    """A called ticket at every role's counter."""
    _tickets(ctx, op)
    clerk = _clerk(ctx)
    for i in range(ROLES):
        queue_calls.call_next(ctx, clerk, _code(i))


def _parked(ctx: Any, op: Actor) -> None:
    _called(ctx, op)
    clerk = _clerk(ctx)
    for i in range(ROLES):
        queue_calls.park(ctx, clerk, _code(i))


def _parked_number(ctx: Any, i: int) -> str:
    view = queue_calls.counter_state(ctx, _clerk(ctx), _code(i))
    return view.parked[0].number


def _booked(ctx: Any, op: Actor) -> None:
    _tickets(ctx, op, 1)
    from hall.models.enums import Role

    guide = Actor("qclerk", Role.clerk, "Q99", "叫号")
    _clerk(ctx)
    for start in SLOTS[:ROLES]:
        appointments.book_appointment(
            ctx, guide, "B", local_today(ctx.clock), start, "王建国", "13805161234"
        )


def _appointment(ctx: Any, i: int) -> str:
    return appointments.day_appointments(ctx, local_today(ctx.clock))[i].number


def _drafts(ctx: Any, op: Actor) -> None:
    """A pre-review draft for every account, bound to a waiting ticket."""
    _tickets(ctx, op)
    now = ctx.clock.now()
    with ctx.uow() as session:
        users = session.scalars(select(User.username)).all()
        tickets = session.scalars(select(Ticket).order_by(Ticket.number)).all()
        for username, ticket in zip(users, tickets, strict=False):
            session.add(
                IntakeDraft(
                    username=username,
                    counter="C01",
                    created_at=now,
                    updated_at=now,
                    status=DraftStatus.open,
                    state=IntakeState().to_json(),
                    ticket_id=ticket.id,
                    missing=[],
                )
            )


def _draft_of(ctx: Any, a: Actor) -> Any:
    with ctx.uow() as session:
        return session.scalar(
            select(IntakeDraft.id).where(
                IntakeDraft.username == a.username, IntakeDraft.ticket_id.is_not(None)
            )
        )


QUEUE_SAMPLES = {
    "queue_calls.counter_state": lambda ctx, a, i: queue_calls.counter_state(ctx, a, _code(i)),
    "queue_calls.open_counter": lambda ctx, a, i: queue_calls.open_counter(ctx, a, _code(i)),
    "queue_calls.close_counter": lambda ctx, a, i: queue_calls.close_counter(ctx, a, _code(i)),
    "queue_calls.call_next": lambda ctx, a, i: queue_calls.call_next(ctx, a, _code(i)),
    "queue_calls.call_number": lambda ctx, a, i: queue_calls.call_number(
        ctx, a, f"A{i + 1:03d}", _code(i)
    ),
    "queue_calls.recall": lambda ctx, a, i: queue_calls.recall(ctx, a, _code(i)),
    "queue_calls.start_serving": lambda ctx, a, i: queue_calls.start_serving(ctx, a, _code(i)),
    "queue_calls.finish": lambda ctx, a, i: queue_calls.finish(ctx, a, 5, "", _code(i)),
    "queue_calls.mark_no_show": lambda ctx, a, i: queue_calls.mark_no_show(ctx, a, _code(i)),
    "queue_calls.park": lambda ctx, a, i: queue_calls.park(ctx, a, _code(i)),
    "queue_calls.resume": lambda ctx, a, i: queue_calls.resume(
        ctx, a, _parked_number(ctx, i), _code(i)
    ),
    "queue_calls.transfer": lambda ctx, a, i: queue_calls.transfer(
        ctx, a, category="B", counter=_code(i)
    ),
    "appointments.move_appointment": lambda ctx, a, i: appointments.move_appointment(
        ctx, a, _appointment(ctx, i), local_today(ctx.clock), time(15, 30)
    ),
    "appointments.cancel_appointment": lambda ctx, a, i: appointments.cancel_appointment(
        ctx, a, _appointment(ctx, i)
    ),
    "appointments.check_in": lambda ctx, a, i: appointments.check_in(ctx, a, _appointment(ctx, i)),
    "appointments.release_missed": lambda ctx, a, i: appointments.release_missed(ctx, a),
    "prereview.start_prereview": lambda ctx, a, i: prereview.start_prereview(
        ctx, a, f"B{i + 1:03d}"
    ),
    "prereview.save_prereview": lambda ctx, a, i: prereview.save_prereview(
        ctx, a, _draft_of(ctx, a), IntakeState(applicant_name=f"申请人{i}"), None
    ),
    "prereview.take_draft": lambda ctx, a, i: prereview.take_draft(ctx, a, _draft_of(ctx, a)),
}
QUEUE_SETUP = {
    **dict.fromkeys(
        ("queue_calls.counter_state", "queue_calls.open_counter", "queue_calls.close_counter",
         "queue_calls.call_next", "queue_calls.call_number", "prereview.start_prereview"),
        lambda ctx, op: _tickets(ctx, op),
    ),
    **dict.fromkeys(
        ("queue_calls.recall", "queue_calls.start_serving", "queue_calls.finish",
         "queue_calls.mark_no_show", "queue_calls.park", "queue_calls.transfer"),
        _called,
    ),
    "queue_calls.resume": _parked,
    **dict.fromkeys(
        ("appointments.move_appointment", "appointments.cancel_appointment",
         "appointments.check_in", "appointments.release_missed"),
        _booked,
    ),
    **dict.fromkeys(("prereview.save_prereview", "prereview.take_draft"), _drafts),
}  # fmt: skip
