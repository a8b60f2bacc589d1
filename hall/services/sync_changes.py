"""The changes waiting to go to the hall server, as the sync page and `hall sync status`
list them, and what an administrator does with one the server refused: retry it or
escalate it with a note. Nothing is stuck out of sight: a set-aside change stays listed,
first, until it is sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from hall.core.errors import NotFound, ValidationError
from hall.core.i18n import _
from hall.models import Base, OutboxEntry
from hall.services.audit import Actor, record
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.permissions import Permission, guarded
from hall.sync.codec import decode, jsonable


@dataclass(frozen=True)
class WaitingChange:
    seq: int
    created_at: datetime
    action: str
    entity: str
    entity_id: str
    rows: int
    attempts: int
    last_tried_at: datetime | None
    last_error: str
    set_aside_at: datetime | None
    escalated_at: datetime | None
    escalated_by: str
    escalation_note: str

    def to_json(self) -> dict[str, object]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "seq": self.seq,
            "created_at": self.created_at.isoformat(),
            "action": self.action,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "rows": self.rows,
            "attempts": self.attempts,
            "last_tried_at": iso(self.last_tried_at),
            "last_error": self.last_error,
            "set_aside_at": iso(self.set_aside_at),
            "escalated_at": iso(self.escalated_at),
            "escalated_by": self.escalated_by,
            "escalation_note": self.escalation_note,
        }


def waiting_changes(ctx: AppContext, *, limit: int = 1000) -> list[WaitingChange]:
    """The changes not yet on the hall server, set-aside ones first, then oldest first."""
    with ctx.uow() as session:
        rows = session.scalars(
            select(OutboxEntry)
            .where(OutboxEntry.sent_at.is_(None))
            .order_by(OutboxEntry.set_aside_at.is_(None), OutboxEntry.seq)
            .limit(limit)
        )
        return [
            WaitingChange(
                r.seq,
                r.created_at,
                str(r.payload.get("action", "")),
                r.entity,
                r.entity_id,
                len(r.payload.get("rows", ())),
                r.attempts,
                r.last_tried_at,
                r.last_error,
                r.set_aside_at,
                r.escalated_at,
                r.escalated_by,
                r.escalation_note,
            )
            for r in rows
        ]


def _entry(session: Session, seq: int) -> OutboxEntry:
    row = session.get(OutboxEntry, seq)
    if row is None or row.sent_at is not None:
        raise NotFound(_("没有待同步的变更 #{seq}。").format(seq=seq))
    return row


def _as_now(session: Session, row: dict[str, Any]) -> dict[str, Any]:
    """An outbox row with the values its row has here now (unchanged if it is gone)."""
    name = str(row.get("table"))
    if row.get("delete") or name not in Base.metadata.tables:
        return row
    t = Base.metadata.tables[name]
    try:
        key = decode(name, {c.name: row["values"][c.name] for c in t.primary_key.columns})
    except (KeyError, ValueError, TypeError):
        return row
    current = (
        session.execute(select(t).where(and_(*(c == key[c.name] for c in t.primary_key.columns))))
        .mappings()
        .first()
    )
    return row if current is None else {**row, "values": jsonable(dict(current))}


@guarded(Permission.change_settings)
def retry_change(ctx: AppContext, actor: Actor, seq: int) -> Changes:
    """Put a set-aside change back in line: the next round sends it again."""
    with ctx.uow(write=True) as session:
        row = _entry(session, seq)
        if row.set_aside_at is None:
            raise ValidationError(_("变更 #{seq} 没有被搁置，无需重试。").format(seq=seq))
        before = {"set_aside_at": row.set_aside_at, "last_error": row.last_error}
        row.set_aside_at = None
        # Sent now, after the changes that came after it: its rows go as they are here
        # now, not as they were when it was set aside (that would undo the later ones).
        row.payload = {
            **row.payload,
            "rows": [_as_now(session, r) for r in row.payload.get("rows", [])],
        }
        record(session, ctx.clock, actor, "sync.retry", "outbox_entry", str(seq), before=before)
    return Changes(settings=True)


@guarded(Permission.change_settings)
def escalate_change(ctx: AppContext, actor: Actor, seq: int, note: str) -> Changes:
    """Mark a set-aside change as handed on (to the hall server's administrator, or the
    supplier), with a note saying to whom and why; it stays listed until it is sent."""
    note = note.strip()
    if not note:
        raise ValidationError(_("请写明上报给谁、为什么。"), field="note")
    with ctx.uow(write=True) as session:
        row = _entry(session, seq)
        row.escalated_at, row.escalated_by, row.escalation_note = (
            ctx.clock.now(),
            actor.username,
            note[:1000],
        )
        record(
            session, ctx.clock, actor, "sync.escalate", "outbox_entry", str(seq),
            after={"note": note, "error": row.last_error},
        )  # fmt: skip
    return Changes(settings=True)
