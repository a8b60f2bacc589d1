"""Licenses issued to applicants, and every document handed over on paper (so a reprint
is known as one)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hall.models.base import Base, UUIDKey


class License(UUIDKey, Base):
    """A license, permit or filing certificate issued for one sub-case.

    Revocation is a :class:`~hall.models.security.RevokedDocument` row (kind ``license``),
    which is what every counter's verification looks at."""

    __tablename__ = "license"

    number: Mapped[str] = mapped_column(String(48), unique=True)
    sub_case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sub_case.id"), unique=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))  # 食品经营许可证
    item_code: Mapped[str] = mapped_column(String(32))
    item_name: Mapped[str] = mapped_column(String(200))
    holder_name: Mapped[str] = mapped_column(String(200))
    holder_code: Mapped[str] = mapped_column(String(32))
    scope: Mapped[list[str]] = mapped_column(default=list)
    authority: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime]
    issued_on: Mapped[date]
    issued_by: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]
    # The code signed when the license was issued (None when no key was at hand then:
    # it is signed at the first print).
    qr_payload: Mapped[str | None] = mapped_column(Text)


class DocumentPrint(UUIDKey, Base):
    """One document handed over: printed, or saved as a file. The first is the original;
    every later one of the same document is a copy (补打), marked as such on the page."""

    __tablename__ = "document_print"
    __table_args__ = (UniqueConstraint("kind", "number", "copy"),)

    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(64), index=True)
    copy: Mapped[int]
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(64))
    counter: Mapped[str] = mapped_column(String(8))
    how: Mapped[str] = mapped_column(String(16))  # printer / file


class Pickup(UUIDKey, Base):
    """The hand-over of a case's decided documents to whoever came to collect them
    (证照领取): who, with which identity document, and what they took."""

    __tablename__ = "pickup"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(64))
    counter: Mapped[str] = mapped_column(String(8))
    collector_name: Mapped[str] = mapped_column(String(60))
    collector_id_number: Mapped[str] = mapped_column(String(32))
    # applicant (the person, or the legal representative) or agent (委托代理人)
    collector_role: Mapped[str] = mapped_column(String(16))
    # [{"kind": "license", "number": "…"}, …] in the order handed over
    documents: Mapped[list[dict[str, str]]] = mapped_column(default=list)
    note: Mapped[str] = mapped_column(Text, default="")
