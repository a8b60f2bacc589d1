"""Applicants (the local market-entity registry) and the dishonest-subjects list."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hall.models.base import Base, UUIDKey
from hall.models.enums import ApplicantKind


class Applicant(UUIDKey, Base):
    """An enterprise (by unified social credit code) or a person (by resident ID number)."""

    __tablename__ = "applicant"

    kind: Mapped[ApplicantKind]
    code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)  # found by name prefix
    legal_representative: Mapped[str | None] = mapped_column(String(60))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(30))
    entity_type: Mapped[str | None] = mapped_column(String(60))
    registered_capital: Mapped[str | None] = mapped_column(String(60))
    established: Mapped[date | None]
    registered_scope: Mapped[list[str]] = mapped_column(default=list)
    # The registry's status as imported (存续, 在业, 注销, 吊销…); None: entered at the counter.
    status: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CreditRecord(UUIDKey, Base):
    """An entry on the dishonest-subjects list (失信主体名单), valid from ``since`` to
    ``until`` inclusive (open-ended when ``until`` is null)."""

    __tablename__ = "credit_record"

    subject_code: Mapped[str] = mapped_column(String(18), index=True)
    subject_name: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200))
    since: Mapped[date]
    until: Mapped[date | None]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))
