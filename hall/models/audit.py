"""The audit log and the outbox. Every user action writes one of each, in the same
transaction as its own rows.

Audit entries form a hash chain: each carries the hash of the one before it in its
chain, so editing, deleting or reordering a row breaks the chain where it happened.
``audit_head`` holds the last entry of each chain, so removing the newest entries is
seen too. The database refuses UPDATE and DELETE on ``audit_entry`` (triggers made by
the migrations); the program only ever inserts.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hall.models.base import Base, UUIDKey

#: The hash before the first entry of a chain.
GENESIS = "0" * 64


class AuditEntry(UUIDKey, Base):
    __tablename__ = "audit_entry"
    __table_args__ = (UniqueConstraint("chain", "seq"),)

    chain: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))
    counter: Mapped[str | None] = mapped_column(String(8))
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The newest entry of a chain. A database has one chain of its own (``local``)."""

    __tablename__ = "audit_head"

    chain: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    hash: Mapped[str] = mapped_column(String(64))
    local: Mapped[bool] = mapped_column(default=False)


def chain_hash(
    *,
    prev_hash: str,
    chain: str,
    seq: int,
    id: uuid.UUID | str,
    at: datetime,
    actor: str,
    counter: str | None,
    action: str,
    entity: str,
    entity_id: str,
    before: Any,
    after: Any,
) -> str:
    """SHA-256 over the previous hash and every field of an entry, canonically encoded.

    Kept here, beside the table, because the migrations compute it too.
    """
    fields = [
        chain,
        seq,
        str(id),
        at.astimezone(UTC).isoformat(timespec="microseconds"),
        actor,
        counter,
        action,
        entity,
        entity_id,
        before,
        after,
    ]
    body = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + body.encode("utf-8")).hexdigest()


def entry_hash(entry: AuditEntry) -> str:
    """The hash ``entry`` must carry, from its fields and its ``prev_hash``."""
    return chain_hash(
        prev_hash=entry.prev_hash,
        chain=entry.chain,
        seq=entry.seq,
        id=entry.id,
        at=entry.at,
        actor=entry.actor,
        counter=entry.counter,
        action=entry.action,
        entity=entry.entity,
        entity_id=entry.entity_id,
        before=entry.before,
        after=entry.after,
    )


class OutboxEntry(Base):
    """A change made here, waiting to be pushed to the hall server in ``seq`` order."""

    __tablename__ = "outbox_entry"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    id: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    created_at: Mapped[datetime]
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]]
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    # The push: how often it was tried, and the server's last answer. A change the
    # server refuses is set aside (the ones behind it go on) until an administrator
    # retries it or escalates it with a note.
    attempts: Mapped[int] = mapped_column(default=0)
    last_tried_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    set_aside_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    escalated_by: Mapped[str] = mapped_column(String(64), default="")
    escalation_note: Mapped[str] = mapped_column(Text, default="")
