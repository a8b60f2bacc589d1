"""Who did what: every user action writes an audit entry and an outbox entry in the
same transaction as its own rows (or, if anything fails, none of them).

Entries are chained by hash (see :mod:`hall.models.audit`);
:func:`hall.services.audit_chain.verify_chain` walks the chain and names the first entry
that does not fit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.core.clock import Clock
from hall.core.errors import DatabaseError
from hall.core.i18n import _
from hall.models import AuditEntry, AuditHead, OutboxEntry
from hall.models.audit import entry_hash
from hall.models.enums import Role
from hall.sync.capture import ENTRY, keeps_outbox
from hall.sync.codec import jsonable, row_values

__all__ = ["Actor", "jsonable", "record", "replicate", "row_values"]


@dataclass(frozen=True)
class Actor:
    """The person (or the command line on their behalf) doing an action, and where."""

    username: str
    role: Role
    counter: str | None = None
    display_name: str = ""
    departments: tuple[str, ...] = ()  # a reviewer's departments (codes)
    # The command line and set-up act as the machine's operator, who has the data folder
    # anyway: no account behind them. Everyone else is a signed-in account.
    operator: bool = False

    @classmethod
    def as_operator(cls, username: str, display_name: str, counter: str | None = None) -> Actor:
        return cls(username, Role.admin, counter, display_name, operator=True)


def record(
    session: Session,
    clock: Clock,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: str | uuid.UUID,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    rows: Sequence[object] = (),
) -> None:
    """Add the audit entry and the outbox entry of one action to ``session``.

    ``rows`` are the rows the action made or changed here, in an order that respects
    their references: the outbox carries them whole, with their UUIDs, so that pushing
    them to the hall server is an idempotent upsert. Without rows the outbox entry is an
    event (a sign-in, an import of data the server owns).
    """
    now = clock.now()
    _append_entry(
        session,
        at=now,
        actor=actor.username,
        counter=actor.counter,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
    )
    replicate(session, clock, action, entity, entity_id, rows=rows, after=after)


def replicate(
    session: Session,
    clock: Clock,
    action: str,
    entity: str,
    entity_id: str | uuid.UUID,
    *,
    rows: Sequence[object] = (),
    after: dict[str, Any] | None = None,
) -> None:
    """Add only the outbox entry of an action: for the queue's movements, whose own
    event rows are their record (see ``hall.services.queue_calls``). On the hall server
    itself there is no outbox: the action is already where it has to be."""
    if not keeps_outbox(session):
        return
    if rows:
        session.flush()  # defaults (ids, timestamps) filled in before they are copied
        payload: dict[str, Any] = {
            "action": action,
            "rows": [
                {"table": sa_inspect(row).mapper.local_table.name, "values": row_values(row)}
                for row in rows
            ],
        }
    else:
        payload = {"action": action, "after": jsonable(after)}
    entry = OutboxEntry(
        created_at=clock.now(),
        entity=entity,
        entity_id=str(entity_id),
        op="upsert" if rows else "event",
        payload=payload,
    )
    session.add(entry)
    session.info[ENTRY] = entry  # completed with every row it changed (hall.sync.capture)


def _local_head(session: Session) -> AuditHead:
    head = session.scalar(select(AuditHead).where(AuditHead.local).with_for_update())
    if head is None:  # made by the migrations; gone only if someone removed it
        raise DatabaseError(
            _("审计日志的链头记录缺失，无法记录操作。请联系管理员运行 hall audit verify。")
        )
    return head


def _append_entry(session: Session, **fields: Any) -> AuditEntry:
    """Add one entry at the end of this database's chain and move the head onto it."""
    head = _local_head(session)
    entry = AuditEntry(id=uuid.uuid4(), chain=head.chain, seq=head.seq + 1, prev_hash=head.hash)
    for key, value in fields.items():
        setattr(entry, key, value)
    entry.hash = entry_hash(entry)
    session.add(entry)
    head.seq, head.hash = entry.seq, entry.hash
    return entry
