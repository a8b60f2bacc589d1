"""What the hall sees of the queue: who waits in each category and for about how long,
which counters are open, the calls just made (for the hall display)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.models import IntakeDraft, QueueCategory, QueueEvent, ServiceCounter, Ticket
from hall.models.enums import DraftStatus, Priority, QueueEventKind, TicketStatus
from hall.services.context import AppContext
from hall.services.routing import queue_side

#: Handling time assumed for a category with no ticket served recently, in minutes.
DEFAULT_HANDLING_MINUTES = 10.0
#: How many recent handlings the estimate averages.
RECENT_HANDLINGS = 20


@dataclass(frozen=True)
class CategoryStatus:
    letter: str
    name: str
    waiting: int
    open_counters: int
    handling_minutes: float  # the recent average
    estimated_wait_minutes: int  # for a ticket issued now


@dataclass(frozen=True)
class WaitingTicket:
    id: uuid.UUID
    number: str
    letter: str
    priority: Priority
    issued_at: datetime
    for_counter: str | None
    prereviewed: bool
    missing: tuple[str, ...]


@dataclass(frozen=True)
class CallShown:
    """A call as the hall display shows and announces it."""

    event_id: uuid.UUID
    at: datetime
    number: str
    counter: str
    window: str
    recall: bool


@dataclass(frozen=True)
class QueueStatus:
    categories: tuple[CategoryStatus, ...]
    counters: tuple[tuple[str, str, bool, str | None], ...]  # code, window, open, current
    served_today: int
    no_show_today: int


def _handling_minutes(session: Session, category_id: uuid.UUID, ctx: AppContext) -> float:
    """The mean of the category's latest handling times (start to finish), today."""
    recent = (
        select(Ticket.started_at, Ticket.finished_at)
        .where(
            Ticket.day == local_today(ctx.clock),
            Ticket.category_id == category_id,
            Ticket.status == TicketStatus.served,
            Ticket.started_at.is_not(None),
        )
        .order_by(Ticket.finished_at.desc())
        .limit(RECENT_HANDLINGS)
    )
    spans = [
        (end - start).total_seconds() / 60
        for start, end in session.execute(recent).all()
        if start is not None and end is not None
    ]
    # At least a minute: a few tickets closed at once must not promise no wait at all.
    return max(1.0, sum(spans) / len(spans)) if spans else DEFAULT_HANDLING_MINUTES


def estimate_wait(handling: float, ahead: int, open_counters: int) -> int:
    """Minutes to wait with ``ahead`` people before one, each taking ``handling``
    minutes, shared among ``open_counters`` (at least one: someone will open)."""
    return round(handling * ahead / max(1, open_counters))


@queue_side
def queue_status(ctx: AppContext) -> QueueStatus:
    """Today's queue, per category and per counter."""
    today = local_today(ctx.clock)
    with ctx.uow() as session:
        waiting = dict(
            session.execute(
                select(Ticket.category_id, func.count())
                .where(Ticket.day == today, Ticket.status == TicketStatus.waiting)
                .group_by(Ticket.category_id)
            ).all()
        )
        counters = session.scalars(select(ServiceCounter).order_by(ServiceCounter.code)).all()
        current = dict(
            session.execute(
                select(Ticket.called_counter, Ticket.number).where(
                    Ticket.day == today,
                    Ticket.status.in_((TicketStatus.called, TicketStatus.serving)),
                )
            ).all()
        )
        categories = []
        for cat in session.scalars(select(QueueCategory).order_by(QueueCategory.position)):
            n = int(waiting.get(cat.id, 0))
            open_here = sum(1 for c in counters if c.is_open and cat.letter in c.categories)
            handling = _handling_minutes(session, cat.id, ctx)
            categories.append(
                CategoryStatus(
                    cat.letter,
                    cat.name,
                    n,
                    open_here,
                    round(handling, 1),
                    estimate_wait(handling, n, open_here),
                )
            )
        done = dict(
            session.execute(
                select(Ticket.status, func.count())
                .where(
                    Ticket.day == today,
                    Ticket.status.in_((TicketStatus.served, TicketStatus.no_show)),
                )
                .group_by(Ticket.status)
            ).all()
        )
        return QueueStatus(
            tuple(categories),
            tuple((c.code, c.window, c.is_open, current.get(c.code)) for c in counters),
            int(done.get(TicketStatus.served, 0)),
            int(done.get(TicketStatus.no_show, 0)),
        )


@queue_side
def waiting_tickets(ctx: AppContext) -> list[WaitingTicket]:
    """Today's waiting tickets in the order they will be called (per category)."""
    today = local_today(ctx.clock)
    with ctx.uow() as session:
        drafts = dict(
            session.execute(
                select(IntakeDraft.ticket_id, IntakeDraft.missing).where(
                    IntakeDraft.ticket_id.is_not(None), IntakeDraft.status == DraftStatus.open
                )
            ).all()
        )
        rows = session.execute(
            select(Ticket, QueueCategory.letter)
            .join(QueueCategory, QueueCategory.id == Ticket.category_id)
            .where(Ticket.day == today, Ticket.status == TicketStatus.waiting)
            .order_by(QueueCategory.position, Ticket.issued_at, Ticket.number)
        ).all()
        return [
            WaitingTicket(
                t.id,
                t.number,
                letter,
                t.priority,
                t.issued_at,
                t.for_counter,
                t.id in drafts,
                tuple(drafts.get(t.id) or ()),
            )
            for t, letter in rows
        ]


@queue_side
def recent_calls(ctx: AppContext, limit: int = 8) -> list[CallShown]:
    """Today's latest calls and recalls, newest first."""
    today = local_today(ctx.clock)
    since = ctx.clock.now() - timedelta(hours=12)
    with ctx.uow() as session:
        windows = dict(session.execute(select(ServiceCounter.code, ServiceCounter.window)).all())
        rows = session.execute(
            select(QueueEvent, Ticket.number)
            .join(Ticket, Ticket.id == QueueEvent.ticket_id)
            .where(
                QueueEvent.day == today,
                QueueEvent.at >= since,
                QueueEvent.kind.in_((QueueEventKind.called, QueueEventKind.recalled)),
            )
            .order_by(QueueEvent.at.desc(), QueueEvent.id)
            .limit(limit)
        ).all()
        return [
            CallShown(
                e.id,
                e.at,
                number,
                e.counter,
                windows.get(e.counter, e.counter),
                e.kind is QueueEventKind.recalled,
            )
            for e, number in rows
        ]
