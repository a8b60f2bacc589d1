"""Pre-review while waiting (预审): the guide takes a waiting citizen's application as
far as it goes without the counter (applicant, scope, form, materials checklist) in a
draft bound to their ticket, and notes what is missing. The counter that calls the
ticket gets the draft (``queue_calls``) and goes on from there."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import Conflict, NotFound
from hall.core.i18n import _
from hall.models import IntakeDraft, Ticket
from hall.models.enums import DraftStatus, MaterialStatus, TicketStatus
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.derive import Plan
from hall.services.drafts import DraftView, draft_view
from hall.services.intake_state import IntakeState, MaterialChoice, Step
from hall.services.permissions import Permission, guarded
from hall.services.queue import find_ticket

#: What a citizen can have in hand, or not need: everything else on the list is missing.
_IN_HAND = {
    MaterialStatus.received.value,
    MaterialStatus.verified.value,
    MaterialStatus.not_required.value,
    MaterialStatus.covered_by_commitment.value,
    MaterialStatus.verification_requested.value,
}
#: The steps the guide goes through; commitment and acceptance are the counter's.
PRE_REVIEW_STEPS = (Step.applicant, Step.scope, Step.form, Step.materials)


def missing_materials(state: IntakeState, plan: Plan | None) -> list[str]:
    """The checklist lines the citizen has not got with them (in the checklist's order)."""
    if plan is None:
        return []
    return [
        m.name
        for m in plan.materials
        if state.materials.get(m.name, MaterialChoice()).status not in _IN_HAND
    ]


def _waiting(session: Session, ctx: AppContext, number: str) -> Ticket:
    ticket = find_ticket(session, number, local_today(ctx.clock))
    if ticket.status is not TicketStatus.waiting:
        raise Conflict(
            _("{number} 已不在等候（已被叫号或办结），不能再预审。").format(number=ticket.number)
        )
    return ticket


def _draft_of(session: Session, ticket: Ticket) -> IntakeDraft | None:
    return session.scalar(
        select(IntakeDraft).where(
            IntakeDraft.ticket_id == ticket.id, IntakeDraft.status == DraftStatus.open
        )
    )


@guarded(Permission.pre_review)
def start_prereview(ctx: AppContext, actor: Actor, number: str) -> DraftView:
    """The pre-review draft of today's waiting ticket ``number``: the one begun, taken
    over from whoever began it, or a new one. Raises ``NotFound`` for an unknown
    number, ``Conflict`` for a ticket no longer waiting."""
    now = ctx.clock.now()
    with ctx.uow(write=True) as session:
        ticket = _waiting(session, ctx, number)
        row = _draft_of(session, ticket)
        if row is None:
            row = IntakeDraft(
                username=actor.username,
                counter=actor.counter or ctx.counter or "",
                created_at=now,
                updated_at=now,
                status=DraftStatus.open,
                state=IntakeState().to_json(),
                ticket_id=ticket.id,
                missing=[],
            )
            session.add(row)
        else:
            row.username, row.updated_at = actor.username, now
        session.flush()
        return draft_view(row)


@guarded(Permission.pre_review)
def save_prereview(
    ctx: AppContext, actor: Actor, draft_id: uuid.UUID, state: IntakeState, plan: Plan | None
) -> DraftView:
    """Keep the guide's work and what is missing. Raises ``NotFound`` for a draft that
    is not the actor's (the counter has called the ticket and holds it now)."""
    with ctx.uow() as session:
        row = session.get(IntakeDraft, draft_id)
        if row is None or row.username != actor.username or row.status is not DraftStatus.open:
            raise NotFound(_("这份预审已交给窗口办理，不能再修改。"))
        row.state = state.to_json()
        row.missing = missing_materials(state, plan)
        row.updated_at = ctx.clock.now()
        session.flush()
        return draft_view(row)


def ticket_number_of(ctx: AppContext, draft_id: uuid.UUID) -> str | None:
    """The ticket a pre-review draft belongs to, if any."""
    with ctx.uow() as session:
        return session.scalar(
            select(Ticket.number)
            .join(IntakeDraft, IntakeDraft.ticket_id == Ticket.id)
            .where(IntakeDraft.id == draft_id)
        )


@guarded(Permission.accept_case)
def take_draft(ctx: AppContext, actor: Actor, draft_id: uuid.UUID) -> DraftView:
    """The pre-review draft of the ticket the counter called (already the actor's)."""
    with ctx.uow() as session:
        row = session.get(IntakeDraft, draft_id)
        if row is None or row.username != actor.username:
            raise NotFound(_("找不到这份预审草稿。"))
        return draft_view(row)
