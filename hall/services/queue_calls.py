"""Calling tickets at a counter: open and close the counter, call next (appointments
and priority groups first, then first come first served within the counter's
categories), recall, start, park and resume, transfer, no-show, finish with a rating.

Each movement is a ``QueueEvent`` row with its time and an outbox entry; those rows are
the queue's record, so the movements are not also written to the audit chain (opening
and closing a counter are). On the hall server a call takes the ticket's row with
``FOR UPDATE SKIP LOCKED``, so two counters never call the same ticket; on the local
SQLite file the write lock taken at the start of the transaction does the same.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case as sql_case
from sqlalchemy import or_, select, true
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import Conflict, ValidationError
from hall.core.i18n import _
from hall.core.settings import normalize_counter_code
from hall.models import Case, IntakeDraft, QueueCategory, ServiceCounter, Ticket
from hall.models.enums import DraftStatus, Priority, QueueEventKind, TicketStatus
from hall.services.audit import Actor, record, replicate
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.permissions import Permission, guarded
from hall.services.queue import add_event, find_category, find_ticket
from hall.services.routing import queue_side

AT_COUNTER = (TicketStatus.called, TicketStatus.serving)
_LOW_RATING = 2  # 差评: a reason is asked for marks up to this


@dataclass(frozen=True)
class CalledTicket:
    """A ticket as a counter sees it."""

    id: uuid.UUID
    number: str
    letter: str
    category: str
    priority: Priority
    status: TicketStatus
    issued_at: datetime
    calls: int
    first_called_at: datetime | None
    last_called_at: datetime | None
    started_at: datetime | None
    case_number: str | None  # a pickup ticket: the case whose licenses are collected
    draft_id: uuid.UUID | None  # the guide's pre-review, handed to this counter
    missing: tuple[str, ...]  # what the pre-review found missing


@dataclass(frozen=True)
class CounterView:
    code: str
    window: str
    categories: tuple[str, ...]
    is_open: bool
    opened_by: str
    current: CalledTicket | None
    parked: tuple[CalledTicket, ...]


def window_of(code: str) -> str:
    """What the hall display calls counter ``C03``: ``3`` (its number without zeros)."""
    digits = re.sub(r"^\D*", "", code).lstrip("0")
    return digits or code


def _code(ctx: AppContext, actor: Actor, counter: str | None) -> str:
    code = counter or actor.counter or ctx.counter
    if not code:
        raise ValidationError(
            _("没有指定窗口：请在设置中填写本机的窗口编号，或设置 HALL_COUNTER。")
        )
    return normalize_counter_code(code)


def _counter(session: Session, code: str) -> ServiceCounter:
    """The counter's row, locked for this transaction (made on its first use, serving
    every category)."""
    stmt = select(ServiceCounter).where(ServiceCounter.code == code).with_for_update()
    row = session.scalar(stmt)
    if row is None:
        row = ServiceCounter(code=code, window=window_of(code), categories=_all_letters(session))
        session.add(row)
        session.flush()
    return row


def _all_letters(session: Session) -> list[str]:
    """What a counter serves until its clerk says otherwise: every category."""
    return list(session.scalars(select(QueueCategory.letter).order_by(QueueCategory.position)))


def _called(session: Session, row: Ticket) -> CalledTicket:
    category = session.get_one(QueueCategory, row.category_id)
    case_number = (
        session.scalar(select(Case.number).where(Case.id == row.case_id)) if row.case_id else None
    )
    draft = session.scalar(
        select(IntakeDraft).where(
            IntakeDraft.ticket_id == row.id, IntakeDraft.status == DraftStatus.open
        )
    )
    return CalledTicket(
        row.id,
        row.number,
        category.letter,
        category.name,
        row.priority,
        row.status,
        row.issued_at,
        row.calls,
        row.first_called_at,
        row.last_called_at,
        row.started_at,
        case_number,
        draft.id if draft else None,
        tuple(draft.missing) if draft else (),
    )


def _current(session: Session, code: str, ctx: AppContext) -> Ticket | None:
    return session.scalar(
        select(Ticket).where(
            Ticket.day == local_today(ctx.clock),
            Ticket.called_counter == code,
            Ticket.status.in_(AT_COUNTER),
        )
    )


def _require_current(session: Session, code: str, ctx: AppContext) -> Ticket:
    row = _current(session, code, ctx)
    if row is None:
        raise Conflict(_("窗口 {code} 当前没有正在呼叫或办理的号。").format(code=code))
    return row


def _view(session: Session, ctx: AppContext, row: ServiceCounter) -> CounterView:
    current = _current(session, row.code, ctx)
    parked = session.scalars(
        select(Ticket)
        .where(
            Ticket.day == local_today(ctx.clock),
            Ticket.called_counter == row.code,
            Ticket.status == TicketStatus.parked,
        )
        .order_by(Ticket.number)
    )
    return CounterView(
        row.code,
        row.window,
        tuple(row.categories),
        row.is_open,
        row.opened_by,
        _called(session, current) if current else None,
        tuple(_called(session, t) for t in parked),
    )


def _moved(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    row: Ticket,
    kind: QueueEventKind,
    code: str,
    **detail: object,
) -> None:
    add_event(session, row, kind, ctx.clock.now(), actor, code, offline=ctx.offline, **detail)
    replicate(session, ctx.clock, f"ticket.{kind.value}", "ticket", row.id, rows=[row])


@guarded(Permission.serve_tickets)
def counter_state(ctx: AppContext, actor: Actor, counter: str | None = None) -> CounterView:
    """The counter: open or not, the ticket at it, the tickets parked there."""
    code = _code(ctx, actor, counter)
    with ctx.uow() as session:
        row = session.scalar(select(ServiceCounter).where(ServiceCounter.code == code))
        if row is None:  # never opened: made at its first opening
            letters = tuple(_all_letters(session))
            return CounterView(code, window_of(code), letters, False, "", None, ())
        return _view(session, ctx, row)


@guarded(Permission.serve_tickets)
def open_counter(
    ctx: AppContext,
    actor: Actor,
    counter: str | None = None,
    categories: list[str] | None = None,
) -> tuple[CounterView, Changes]:
    """Open the counter for calling, serving ``categories`` (letters; None keeps the
    ones it had). Raises ``NotFound`` for an unknown category."""
    code = _code(ctx, actor, counter)
    with ctx.uow(write=True) as session:
        row = _counter(session, code)
        if categories is not None:
            letters = [find_category(session, c).letter for c in categories]
            if not letters:
                raise ValidationError(_("窗口至少要办理一类业务。"), field="categories")
            row.categories = letters
        row.is_open, row.opened_at, row.opened_by = True, ctx.clock.now(), actor.username
        record(
            session, ctx.clock, actor, "counter.open", "service_counter", row.id,
            after={"code": code, "categories": row.categories}, rows=[row],
        )  # fmt: skip
        return _view(session, ctx, row), Changes(queue=True)


@guarded(Permission.serve_tickets)
def close_counter(
    ctx: AppContext, actor: Actor, counter: str | None = None
) -> tuple[CounterView, Changes]:
    """Close the counter. Raises ``Conflict`` while a ticket is called or served there."""
    code = _code(ctx, actor, counter)
    with ctx.uow(write=True) as session:
        row = _counter(session, code)
        current = _current(session, code, ctx)
        if current is not None:
            raise Conflict(
                _("{number} 还在本窗口，请先办结、标记未到或暂离后再关闭窗口。").format(
                    number=current.number
                )
            )
        row.is_open = False
        record(
            session, ctx.clock, actor, "counter.close", "service_counter", row.id,
            after={"code": code}, rows=[row],
        )  # fmt: skip
        return _view(session, ctx, row), Changes(queue=True)


def _gap_left(ctx: AppContext, row: Ticket) -> int:
    """Seconds still to wait before ``row`` may be called again."""
    if row.last_called_at is None:
        return 0
    ready = row.last_called_at + timedelta(seconds=ctx.settings.recall_gap_seconds)
    return max(0, int((ready - ctx.clock.now()).total_seconds() + 0.999))


def _unanswered(ctx: AppContext, row: Ticket) -> bool:
    """Called as often as allowed, without answer, and the last call's gap is over."""
    return (
        row.status is TicketStatus.called
        and row.calls >= ctx.settings.calls_before_no_show
        and _gap_left(ctx, row) == 0
    )


def _call(session: Session, ctx: AppContext, actor: Actor, row: Ticket, code: str) -> None:
    now = ctx.clock.now()
    row.status = TicketStatus.called
    row.called_counter, row.called_by = code, actor.username
    row.first_called_at = now
    row.last_called_at = now
    row.calls = 1
    row.for_counter = None
    # The guide's pre-review goes with the ticket to the counter that calls it.
    for draft in session.scalars(
        select(IntakeDraft).where(
            IntakeDraft.ticket_id == row.id, IntakeDraft.status == DraftStatus.open
        )
    ):
        draft.username, draft.counter, draft.updated_at = actor.username, code, now
    _moved(session, ctx, actor, row, QueueEventKind.called, code)


def _free_counter(session: Session, ctx: AppContext, actor: Actor, code: str) -> None:
    """Make room for the next call: a ticket called in vain as often as allowed becomes
    a no-show; any other ticket still at the counter is in the way."""
    current = _current(session, code, ctx)
    if current is None:
        return
    if _unanswered(ctx, current):
        current.status = TicketStatus.no_show
        current.finished_at = ctx.clock.now()
        _moved(session, ctx, actor, current, QueueEventKind.no_show, code, calls=current.calls)
        return
    raise Conflict(
        _("{number} 还在本窗口：请先办结、重呼、标记未到或暂离。").format(number=current.number)
    )


def _open(session: Session, ctx: AppContext, actor: Actor, code: str) -> ServiceCounter:
    row = _counter(session, code)
    if not row.is_open:  # calling at a closed counter opens it: the clerk is there
        row.is_open, row.opened_at, row.opened_by = True, ctx.clock.now(), actor.username
        record(
            session, ctx.clock, actor, "counter.open", "service_counter", row.id,
            after={"code": code, "categories": row.categories}, rows=[row],
        )  # fmt: skip
    return row


@guarded(Permission.serve_tickets)
def call_next(
    ctx: AppContext, actor: Actor, counter: str | None = None
) -> tuple[CalledTicket | None, Changes]:
    """Call the next waiting ticket for the counter: a ticket transferred to it, an
    appointment checked in or a priority group first, then the earliest issued, within
    the counter's categories. Returns None when nobody waits.

    Raises ``Conflict`` while the counter still has a ticket (one called in vain as
    often as allowed is marked a no-show first).

    Offline (a counter of a hall server that does not answer), only the tickets this
    counter issued itself while offline are called: the others may be called elsewhere
    meanwhile. A clerk still calls any ticket this counter knows by typing its number."""
    code = _code(ctx, actor, counter)
    with ctx.uow(write=True) as session:
        desk = _open(session, ctx, actor, code)
        _free_counter(session, ctx, actor, code)
        categories = select(QueueCategory.id).where(QueueCategory.letter.in_(desk.categories))
        # Offline: only the numbers this counter made offline (C03-A005), which no other
        # counter can call meanwhile; the hall's shared queue waits for the server.
        own = Ticket.number.like(f"{ctx.counter or code}-%") if ctx.offline else true()
        stmt = (
            select(Ticket)
            .where(
                Ticket.day == local_today(ctx.clock),
                Ticket.status == TicketStatus.waiting,
                own,
                or_(
                    Ticket.for_counter == code,
                    Ticket.for_counter.is_(None) & Ticket.category_id.in_(categories),
                ),
            )
            .order_by(
                sql_case((Ticket.for_counter == code, 0), else_=1),
                sql_case((Ticket.priority == Priority.none, 1), else_=0),
                Ticket.issued_at,
                Ticket.number,
            )
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        row = session.scalar(stmt)
        if row is None:
            return None, Changes(queue=True)
        _call(session, ctx, actor, row, code)
        return _called(session, row), Changes(queue=True)


@guarded(Permission.serve_tickets)
def call_number(
    ctx: AppContext, actor: Actor, number: str, counter: str | None = None
) -> tuple[CalledTicket, Changes]:
    """Call today's waiting ticket ``number`` out of turn (a citizen at the counter
    with a ticket in hand). Raises ``NotFound`` for an unknown number, ``Conflict`` for
    a ticket no longer waiting or while the counter has one."""
    code = _code(ctx, actor, counter)
    with ctx.uow(write=True) as session:
        _open(session, ctx, actor, code)
        _free_counter(session, ctx, actor, code)
        row = find_ticket(session, number, local_today(ctx.clock))
        session.refresh(row, with_for_update=True)
        if row.status is not TicketStatus.waiting:
            raise Conflict(_("{number} 不在等候中，不能呼叫。").format(number=row.number))
        _call(session, ctx, actor, row, code)
        return _called(session, row), Changes(queue=True)


@guarded(Permission.serve_tickets)
def recall(
    ctx: AppContext, actor: Actor, counter: str | None = None
) -> tuple[CalledTicket, Changes]:
    """Call the counter's ticket again. Once it was called as often as allowed without
    answer, the next attempt marks it a no-show instead (the returned ticket says so).
    Raises ``Conflict`` before the shortest gap between calls has passed, or for a
    ticket whose citizen already came."""
    code = _code(ctx, actor, counter)
    with ctx.uow(write=True) as session:
        row = _require_current(session, code, ctx)
        if row.status is not TicketStatus.called:
            raise Conflict(_("{number} 已在办理，无需重呼。").format(number=row.number))
        wait = _gap_left(ctx, row)
        if wait:
            raise Conflict(
                _("刚刚呼叫过 {number}，请 {seconds} 秒后再重呼。").format(
                    number=row.number, seconds=wait
                )
            )
        if row.calls >= ctx.settings.calls_before_no_show:
            row.status = TicketStatus.no_show
            row.finished_at = ctx.clock.now()
            _moved(session, ctx, actor, row, QueueEventKind.no_show, code, calls=row.calls)
        else:
            row.calls += 1
            row.last_called_at = ctx.clock.now()
            _moved(session, ctx, actor, row, QueueEventKind.recalled, code, calls=row.calls)
        return _called(session, row), Changes(queue=True)


@guarded(Permission.serve_tickets)
def start_serving(
    ctx: AppContext, actor: Actor, counter: str | None = None
) -> tuple[CalledTicket, Changes]:
    """The called citizen came to the counter: the handling time starts."""
    code = _code(ctx, actor, counter)
    with ctx.uow(write=True) as session:
        row = _require_current(session, code, ctx)
        if row.status is TicketStatus.called:
            row.status, row.started_at = TicketStatus.serving, ctx.clock.now()
            _moved(session, ctx, actor, row, QueueEventKind.started, code)
        return _called(session, row), Changes(queue=True)


@guarded(Permission.serve_tickets)
def finish(
    ctx: AppContext,
    actor: Actor,
    rating: int | None = None,
    reason: str = "",
    counter: str | None = None,
) -> tuple[CalledTicket, Changes]:
    """The counter's ticket is served, with the citizen's rating (好差评, 1 to 5, none
    if they gave none) and their reason for a low mark. Raises ``ValidationError`` for
    a rating out of range, ``Conflict`` when the counter has no ticket."""
    if rating is not None and not 1 <= rating <= 5:
        raise ValidationError(_("评价应为 1 至 5 分。"), field="rating")
    reason = reason.strip()
    if reason and (rating is None or rating > _LOW_RATING):
        reason = ""  # a reason is kept for low marks only
    code = _code(ctx, actor, counter)
    with ctx.uow(write=True) as session:
        row = _require_current(session, code, ctx)
        now = ctx.clock.now()
        if row.started_at is None:
            row.started_at = now
            _moved(session, ctx, actor, row, QueueEventKind.started, code)
        row.status, row.finished_at = TicketStatus.served, now
        row.rating, row.rating_reason = rating, reason[:500]
        _moved(session, ctx, actor, row, QueueEventKind.served, code, rating=rating)
        return _called(session, row), Changes(queue=True)


@guarded(Permission.serve_tickets)
def mark_no_show(
    ctx: AppContext, actor: Actor, counter: str | None = None
) -> tuple[CalledTicket, Changes]:
    """Nobody came for the counter's called ticket. Raises ``Conflict`` for a ticket
    already being served."""
    code = _code(ctx, actor, counter)
    with ctx.uow(write=True) as session:
        row = _require_current(session, code, ctx)
        if row.status is not TicketStatus.called:
            raise Conflict(_("{number} 已在办理，不能标记未到。").format(number=row.number))
        row.status, row.finished_at = TicketStatus.no_show, ctx.clock.now()
        _moved(session, ctx, actor, row, QueueEventKind.no_show, code, calls=row.calls)
        return _called(session, row), Changes(queue=True)


@guarded(Permission.serve_tickets)
def park(ctx: AppContext, actor: Actor, counter: str | None = None) -> tuple[CalledTicket, Changes]:
    """The citizen steps away (to fetch a paper): the ticket waits at this counter to
    be resumed, and the counter can call the next."""
    code = _code(ctx, actor, counter)
    with ctx.uow(write=True) as session:
        row = _require_current(session, code, ctx)
        row.status = TicketStatus.parked
        _moved(session, ctx, actor, row, QueueEventKind.parked, code)
        return _called(session, row), Changes(queue=True)


@guarded(Permission.serve_tickets)
def resume(
    ctx: AppContext, actor: Actor, number: str, counter: str | None = None
) -> tuple[CalledTicket, Changes]:
    """The citizen of parked ticket ``number`` is back: served at once. Raises
    ``Conflict`` while the counter has another ticket or for a ticket not parked here."""
    code = _code(ctx, actor, counter)
    with ctx.uow(write=True) as session:
        _counter(session, code)
        current = _current(session, code, ctx)
        if current is not None:
            raise Conflict(_("{number} 还在本窗口，请先办结或暂离。").format(number=current.number))
        row = find_ticket(session, number, local_today(ctx.clock))
        if row.status is not TicketStatus.parked or row.called_counter != code:
            raise Conflict(_("{number} 没有在本窗口暂离。").format(number=row.number))
        row.status = TicketStatus.serving
        row.started_at = row.started_at or ctx.clock.now()
        _moved(session, ctx, actor, row, QueueEventKind.resumed, code)
        return _called(session, row), Changes(queue=True)


@guarded(Permission.serve_tickets)
def transfer(
    ctx: AppContext,
    actor: Actor,
    *,
    category: str | None = None,
    to_counter: str | None = None,
    counter: str | None = None,
) -> tuple[CalledTicket, Changes]:
    """Send the counter's ticket to another category or another counter. It keeps its
    number and its issue time, so it is called there before those who came later.
    Raises ``ValidationError`` when neither is given or the counter is this one,
    ``NotFound`` for an unknown category."""
    if not category and not to_counter:
        raise ValidationError(_("请选择转到的业务类别或窗口。"))
    code = _code(ctx, actor, counter)
    target = normalize_counter_code(to_counter) if to_counter else None
    if target == code:
        raise ValidationError(_("不能转到本窗口。"), field="counter")
    with ctx.uow(write=True) as session:
        row = _require_current(session, code, ctx)
        before = session.get_one(QueueCategory, row.category_id).letter
        if category:
            row.category_id = find_category(session, category).id
        after = session.get_one(QueueCategory, row.category_id).letter
        row.status, row.for_counter = TicketStatus.waiting, target
        row.called_counter, row.calls = None, 0
        row.first_called_at = row.last_called_at = row.started_at = None
        _moved(
            session, ctx, actor, row, QueueEventKind.transferred, code,
            from_category=before, to_category=after, to_counter=target,
        )  # fmt: skip
        return _called(session, row), Changes(queue=True)


@queue_side
def ticket_at(ctx: AppContext, number: str) -> CalledTicket:
    """Today's ticket ``number`` as a counter sees it (``NotFound`` if there is none)."""
    with ctx.uow() as session:
        row = find_ticket(session, number, local_today(ctx.clock))
        return _called(session, row)
