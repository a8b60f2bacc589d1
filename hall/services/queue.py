"""Service categories and queue tickets: issuing them, their events, and what their
paper says (people ahead, what to bring). Calling is in ``queue_calls``, appointments in
``appointments``, the figures in ``queue_status``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import Conflict, NotFound
from hall.core.i18n import N_, _
from hall.models import QueueCategory, QueueEvent, Ticket
from hall.models.enums import Priority, QueueEventKind, TicketStatus
from hall.services.audit import Actor, record
from hall.services.cases import find_case
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.permissions import Permission, guarded

# The categories a new hall starts with (the administrator changes them later).
DEFAULT_CATEGORIES = (
    ("A", N_("企业登记"), (N_("身份证原件"), N_("企业名称自主申报结果"))),
    ("B", N_("经营许可"), (N_("营业执照"), N_("身份证原件"), N_("经营场所使用证明"))),
    ("C", N_("证照领取"), (N_("受理通知书"), N_("身份证原件"))),
    ("D", N_("咨询"), ()),
)

_PRIORITY = {
    Priority.none: "",
    Priority.elderly: N_("优先（老年人）"),
    Priority.disabled: N_("优先（残疾人）"),
    Priority.pregnant: N_("优先（孕妇）"),
    Priority.appointment: N_("预约"),
}


def priority_name(priority: Priority) -> str:
    text = _PRIORITY[priority]
    return _(text) if text else ""


@dataclass(frozen=True)
class CategoryView:
    id: uuid.UUID
    letter: str
    name: str
    bring: tuple[str, ...]


@dataclass(frozen=True)
class TicketView:
    id: uuid.UUID
    day: date
    number: str
    category: CategoryView
    issued_at: datetime
    priority: Priority
    status: TicketStatus
    people_ahead: int


def ensure_categories(session: Session) -> None:
    """Create the default categories in a hall that has none."""
    if session.scalar(select(func.count()).select_from(QueueCategory)):
        return
    for position, (letter, name, bring) in enumerate(DEFAULT_CATEGORIES):
        session.add(
            QueueCategory(
                letter=letter, name=_(name), position=position, bring=[_(b) for b in bring]
            )
        )
    session.flush()


def category_view(row: QueueCategory) -> CategoryView:
    return CategoryView(row.id, row.letter, row.name, tuple(row.bring))


def category_views(session: Session) -> list[CategoryView]:
    rows = session.scalars(select(QueueCategory).order_by(QueueCategory.position))
    return [category_view(r) for r in rows]


def list_categories(ctx: AppContext) -> list[CategoryView]:
    """The hall's service categories, in their order (this counter's copy: the hall
    server owns them and every counter pulls them)."""
    with ctx.uow() as session:
        return category_views(session)


def find_category(session: Session, letter: str, *, lock: bool = False) -> QueueCategory:
    """The category of ``letter``; ``lock`` holds its row (on the hall server) so that
    two counters issuing at once take numbers one after the other."""
    stmt = select(QueueCategory).where(QueueCategory.letter == letter.strip().upper())
    row = session.scalar(stmt.with_for_update() if lock else stmt)
    if row is None:
        raise NotFound(_("没有业务类别“{letter}”。").format(letter=letter))
    return row


def people_ahead(session: Session, ticket: Ticket) -> int:
    """Tickets of the same category and day, still waiting, that will be called before
    ``ticket``: those issued earlier; for a priority ticket only the earlier priority
    ones (it is called before everyone else)."""
    earlier = or_(
        Ticket.issued_at < ticket.issued_at,
        # Within the same instant, the lower number came first.
        and_(Ticket.issued_at == ticket.issued_at, Ticket.number < ticket.number),
    )
    stmt = (
        select(func.count())
        .select_from(Ticket)
        .where(
            Ticket.day == ticket.day,
            Ticket.category_id == ticket.category_id,
            Ticket.status == TicketStatus.waiting,
            earlier,
        )
    )
    if ticket.priority is not Priority.none:
        stmt = stmt.where(Ticket.priority != Priority.none)
    return int(session.scalar(stmt) or 0)


def ticket_view(session: Session, row: Ticket) -> TicketView:
    category = session.get_one(QueueCategory, row.category_id)
    return TicketView(
        row.id,
        row.day,
        row.number,
        category_view(category),
        row.issued_at,
        row.priority,
        row.status,
        people_ahead(session, row),
    )


@guarded(Permission.issue_tickets)
def issue_ticket(
    ctx: AppContext,
    actor: Actor,
    letter: str,
    priority: Priority = Priority.none,
    *,
    case: str | None = None,
) -> tuple[TicketView, Changes]:
    """Issue today's next ticket of the category ``letter`` (``A013`` after ``A012``).
    ``priority`` puts it before the others (elderly, disabled, pregnant). ``case``: the
    case number a citizen comes to collect licenses for (a pickup ticket), which the
    counter then opens when it calls the ticket.

    Raises ``NotFound`` for an unknown category or case and ``Conflict`` when its
    numbers for the day are used up."""
    with ctx.uow(write=True) as session:
        category = find_category(session, letter, lock=True)
        case_id = find_case(session, case).id if case else None
        row = new_ticket(session, ctx, actor, category, priority, case_id=case_id)
        return ticket_view(session, row), Changes(queue=True)


def new_ticket(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    category: QueueCategory,
    priority: Priority,
    *,
    case_id: uuid.UUID | None = None,
    appointment: uuid.UUID | None = None,
) -> Ticket:
    """Number and add a ticket, its event and its audit entry. The caller holds the
    category's row lock (``find_category(lock=True)``), so numbers never repeat."""
    today = local_today(ctx.clock)
    # Offline, numbers carry the counter's code (C03-A005): the hall server's own A005
    # goes on being issued meanwhile, and the two never meet.
    prefix = f"{ctx.counter or actor.counter or ''}-{category.letter}" if ctx.offline else ""
    last = session.scalar(
        select(func.max(Ticket.number)).where(
            Ticket.day == today,
            Ticket.category_id == category.id,
            Ticket.number.like(f"{prefix}%") if prefix else Ticket.number.not_like("%-%"),
        )
    )
    start = len(prefix or category.letter)
    sequence = int(last[start:]) + 1 if last else category.first_number
    if sequence > category.last_number:
        raise Conflict(_("“{name}”今天的号码已经取完。").format(name=category.name))
    now = ctx.clock.now()
    row = Ticket(
        day=today,
        number=f"{prefix or category.letter}{sequence:03d}",
        category_id=category.id,
        issued_at=now,
        issued_by=actor.username,
        counter=actor.counter or ctx.counter or "",
        priority=priority,
        status=TicketStatus.waiting,
        case_id=case_id,
        appointment_id=appointment,
    )
    session.add(row)
    session.flush()
    add_event(session, row, QueueEventKind.issued, now, actor, offline=ctx.offline)
    record(
        session, ctx.clock, actor, "ticket.issue", "ticket", row.id,
        after={"number": row.number, "day": today, "priority": priority,
               "case": str(case_id) if case_id else None}, rows=[row],
    )  # fmt: skip
    return row


def add_event(
    session: Session,
    ticket: Ticket,
    kind: QueueEventKind,
    at: datetime,
    actor: Actor,
    counter: str | None = None,
    *,
    offline: bool = False,
    **detail: Any,
) -> None:
    """Keep what happened to ``ticket`` as a row (the reports are rebuilt from them);
    ``offline``: done on a counter cut off from its hall server."""
    session.add(
        QueueEvent(
            ticket_id=ticket.id,
            day=ticket.day,
            kind=kind,
            at=at,
            counter=counter or actor.counter or "",
            username=actor.username,
            detail={k: v for k, v in detail.items() if v is not None},
            offline=offline,
        )
    )


def find_ticket(session: Session, number: str, day: date) -> Ticket:
    row = session.scalar(
        select(Ticket).where(Ticket.day == day, Ticket.number == number.strip().upper())
    )
    if row is None:
        raise NotFound(
            _("{day}没有排队号 {number}。").format(day=day.isoformat(), number=number.strip())
        )
    return row
