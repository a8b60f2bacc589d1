"""What the sync between a counter and the hall server keeps.

On a counter: ``sync_state`` (the pull cursor, when the last push and pull succeeded) and
``sync_file`` (which scanned files went up or came down). On the hall server:
``sync_change`` (every change to a pulled table, written by triggers), ``sync_receipt``
(every outbox entry the server took, so a replay is recognised) and the scanned files'
chunks. ``supervisor_flag`` travels both ways: a case a supervisor should look at.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hall.models.base import Base, UUIDKey

_BIGINT = BigInteger().with_variant(Integer, "sqlite")


class SyncState(Base):
    """One named value of this counter's sync (``cursor``, ``pushed_at``, ``pulled_at``…)."""

    __tablename__ = "sync_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[dict[str, Any]]


class SyncChange(Base):
    """The hall server's change log: a row for every insert, update or delete of a pulled
    table, with the id of the transaction that made it (the pull cursor follows it)."""

    __tablename__ = "sync_change"

    seq: Mapped[int] = mapped_column(_BIGINT, primary_key=True, autoincrement=True)
    xid: Mapped[int] = mapped_column(BigInteger, index=True)
    table_name: Mapped[str] = mapped_column(String(40))
    op: Mapped[str] = mapped_column(String(8))
    origin: Mapped[str] = mapped_column(String(16), default="")
    row_data: Mapped[dict[str, Any]]


class SyncReceipt(Base):
    """An outbox entry the hall server has applied: replaying it changes nothing."""

    __tablename__ = "sync_receipt"

    entry_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    origin: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime]


class FileChunk(Base):
    """One piece of a scanned file on the hall server (files travel in chunks)."""

    __tablename__ = "file_chunk"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    idx: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class FileBlob(Base):
    """A scanned file whose chunks are all on the hall server and add up to its SHA-256."""

    __tablename__ = "file_blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(_BIGINT)
    chunks: Mapped[int]
    verified_at: Mapped[datetime]


class SyncFile(Base):
    """On a counter: a scanned file sent to the server, or fetched from it."""

    __tablename__ = "sync_file"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    uploaded_at: Mapped[datetime | None]
    downloaded_at: Mapped[datetime | None]


class SupervisorFlag(UUIDKey, Base):
    """A case the supervisor should look at: one accepted offline whose applicant the
    credit list, once synced, would have refused the commitment route."""

    __tablename__ = "supervisor_flag"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime]
    raised_by: Mapped[str] = mapped_column(String(64))
    cleared_at: Mapped[datetime | None]
    cleared_by: Mapped[str] = mapped_column(String(64), default="")
