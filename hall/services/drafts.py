"""Intake drafts: saved as the clerk types, offered back after a crash.

A draft is the clerk's scratch, not a record of the administration: it is neither
audited nor replicated (the case it becomes is both). Each save is one small
transaction, so a killed process loses at most the field being edited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.core.errors import Conflict, NotFound
from hall.core.i18n import _
from hall.models import IntakeDraft
from hall.models.enums import DraftStatus
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.intake_state import IntakeState
from hall.services.permissions import Permission, guarded


@dataclass(frozen=True)
class DraftView:
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    state: IntakeState
    ticket_id: uuid.UUID | None = None  # a pre-review (预审) for a waiting ticket
    missing: tuple[str, ...] = ()  # what the pre-review found missing

    @property
    def title(self) -> str:
        s = self.state
        who = s.applicant_name or s.applicant_code or _("未填申请人")
        n = len(s.scope) + len(s.items)
        return _("{who}（{n}项经营范围或事项）").format(who=who, n=n)


def draft_view(row: IntakeDraft) -> DraftView:
    return DraftView(
        row.id,
        row.created_at,
        row.updated_at,
        IntakeState.from_json(row.state),
        row.ticket_id,
        tuple(row.missing or ()),
    )


@guarded(Permission.accept_case)
def save_draft(
    ctx: AppContext, actor: Actor, draft_id: uuid.UUID | None, state: IntakeState
) -> DraftView:
    """Keep ``state`` in the draft ``draft_id`` (a new draft when None).

    Raises ``Conflict`` when that draft was accepted or discarded meanwhile (in another
    window), ``NotFound`` when it is someone else's or gone.
    """
    now = ctx.clock.now()
    with ctx.uow() as session:
        if draft_id is None:
            row = IntakeDraft(
                username=actor.username,
                counter=actor.counter or ctx.counter or "",
                created_at=now,
                updated_at=now,
                status=DraftStatus.open,
                state=state.to_json(),
            )
            session.add(row)
        else:
            row = _own(session, actor, draft_id)
            row.state = state.to_json()
            row.updated_at = now
        session.flush()
        return draft_view(row)


@guarded(Permission.accept_case)
def open_drafts(ctx: AppContext, actor: Actor) -> list[DraftView]:
    """The actor's drafts not yet accepted or discarded, newest first."""
    with ctx.uow() as session:
        rows = session.scalars(
            select(IntakeDraft)
            .where(IntakeDraft.username == actor.username)
            .where(IntakeDraft.status == DraftStatus.open)
            .order_by(IntakeDraft.updated_at.desc())
        )
        return [draft_view(r) for r in rows]


@guarded(Permission.accept_case)
def discard_draft(ctx: AppContext, actor: Actor, draft_id: uuid.UUID) -> None:
    """Give up a draft (the applicant left, or the clerk starts again)."""
    with ctx.uow() as session:
        row = _own(session, actor, draft_id)
        row.status = DraftStatus.discarded
        row.updated_at = ctx.clock.now()


def _own(session: Session, actor: Actor, draft_id: uuid.UUID) -> IntakeDraft:
    row = session.get(IntakeDraft, draft_id)
    if row is None or row.username != actor.username:
        raise NotFound(_("找不到这份草稿。"))
    if row.status is not DraftStatus.open:
        raise Conflict(_("这份草稿已经受理或放弃，不能再修改。"))
    return row
