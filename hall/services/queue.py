"""Service categories, queue tickets and appointments: issuing and booking them, and
what their paper says (people ahead, what to bring)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import Conflict, NotFound, ValidationError
from hall.core.i18n import N_, _
from hall.models import Appointment, QueueCategory, Ticket
from hall.models.enums import AppointmentStatus, Priority, TicketStatus
from hall.services.audit import Actor, record
from hall.services.cases import find_case
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.identifiers import parse_applicant_code, validate_mobile
from hall.services.numbering import next_number
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


@dataclass(frozen=True)
class AppointmentView:
    id: uuid.UUID
    number: str
    day: date
    slot_start: time
    slot_end: time
    category: CategoryView
    applicant_name: str
    applicant_code: str
    phone: str
    status: AppointmentStatus
    booked_at: datetime


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


def _category_view(row: QueueCategory) -> CategoryView:
    return CategoryView(row.id, row.letter, row.name, tuple(row.bring))


def _category(session: Session, letter: str) -> QueueCategory:
    row = session.scalar(select(QueueCategory).where(QueueCategory.letter == letter.upper()))
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
        _category_view(category),
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
    ``case``: the case number a citizen comes to collect licenses for (a pickup ticket),
    which the counter then opens from the ticket's number.

    Raises ``NotFound`` for an unknown category or case and ``Conflict`` when its
    numbers for the day are used up."""
    today = local_today(ctx.clock)
    with ctx.uow() as session:
        category = _category(session, letter)
        case_id = find_case(session, case).id if case else None
        last = session.scalar(
            select(func.max(Ticket.number)).where(
                Ticket.day == today, Ticket.category_id == category.id
            )
        )
        sequence = int(last[len(category.letter) :]) + 1 if last else category.first_number
        if sequence > category.last_number:
            raise Conflict(_("“{name}”今天的号码已经取完。").format(name=category.name))
        row = Ticket(
            day=today,
            number=f"{category.letter}{sequence:03d}",
            category_id=category.id,
            issued_at=ctx.clock.now(),
            issued_by=actor.username,
            counter=actor.counter or ctx.counter or "",
            priority=priority,
            status=TicketStatus.waiting,
            case_id=case_id,
        )
        session.add(row)
        session.flush()
        record(
            session, ctx.clock, actor, "ticket.issue", "ticket", row.id,
            after={"number": row.number, "day": today, "priority": priority,
                   "case": case.strip().upper() if case else None}, rows=[row],
        )  # fmt: skip
        return ticket_view(session, row), Changes(queue=True)


def find_ticket(session: Session, number: str, day: date) -> Ticket:
    row = session.scalar(
        select(Ticket).where(Ticket.day == day, Ticket.number == number.strip().upper())
    )
    if row is None:
        raise NotFound(
            _("{day}没有排队号 {number}。").format(day=day.isoformat(), number=number.strip())
        )
    return row


def _appointment_number(session: Session, counter: str, day: date) -> str:
    return next_number(session, Appointment.number, f"YY{counter}-{day:%Y%m%d}-", 4)


def appointment_view(session: Session, row: Appointment) -> AppointmentView:
    category = session.get_one(QueueCategory, row.category_id)
    return AppointmentView(
        row.id,
        row.number,
        row.day,
        row.slot_start,
        row.slot_end,
        _category_view(category),
        row.applicant_name,
        row.applicant_code,
        row.phone,
        row.status,
        row.booked_at,
    )


@guarded(Permission.issue_tickets)
def book_appointment(
    ctx: AppContext,
    actor: Actor,
    letter: str,
    day: date,
    slot: tuple[time, time],
    name: str,
    phone: str,
    code: str = "",
) -> tuple[AppointmentView, Changes]:
    """Book a slot on ``day`` for the category ``letter``.

    Raises ``ValidationError`` for a day in the past, an empty name or a malformed
    mobile number or code, ``NotFound`` for an unknown category."""
    today = local_today(ctx.clock)
    if day < today:
        raise ValidationError(_("预约日期不能早于今天。"), field="day")
    if slot[1] <= slot[0]:
        raise ValidationError(_("预约时段的结束时间应晚于开始时间。"), field="slot")
    name = name.strip()
    if not name:
        raise ValidationError(_("请填写预约人姓名。"), field="name")
    mobile = validate_mobile(phone)
    applicant_code = parse_applicant_code(code, today=today).code if code.strip() else ""
    counter = actor.counter or ctx.counter or "00"
    with ctx.uow() as session:
        category = _category(session, letter)
        row = Appointment(
            number=_appointment_number(session, counter, today),
            day=day,
            slot_start=slot[0],
            slot_end=slot[1],
            category_id=category.id,
            applicant_name=name,
            applicant_code=applicant_code,
            phone=mobile,
            status=AppointmentStatus.booked,
            booked_at=ctx.clock.now(),
            booked_by=actor.username,
        )
        session.add(row)
        session.flush()
        record(
            session, ctx.clock, actor, "appointment.book", "appointment", row.id,
            after={"number": row.number, "day": day, "category": category.letter}, rows=[row],
        )  # fmt: skip
        return appointment_view(session, row), Changes(queue=True)


def find_appointment(session: Session, number: str) -> Appointment:
    row = session.scalar(select(Appointment).where(Appointment.number == number.strip().upper()))
    if row is None:
        raise NotFound(_("没有预约号 {number}。").format(number=number.strip()))
    return row
