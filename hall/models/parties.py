"""Applicants (the local market-entity registry) and the dishonest-subjects list."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hall.models.base import Base, UUIDKey
from hall.models.enums import ApplicantKind

#: Applicant ids are made from their codes, so that the same enterprise or person has the
#: same row id on every machine of a hall, however it got there (the registry import of
#: each counter, or a clerk typing it in): pushes and pulls then never meet two rows for
#: one code.
APPLICANT_NAMESPACE = uuid.UUID("6f1d2a4e-5c3b-4e8a-9d7f-2b1c0a9e8d71")


def applicant_id(code: str) -> uuid.UUID:
    """The row id of the applicant whose (normalised) code is ``code``."""
    return uuid.uuid5(APPLICANT_NAMESPACE, code)


def _id_from_code(context: Any) -> uuid.UUID:
    return applicant_id(context.get_current_parameters()["code"])


class Applicant(Base):
    """An enterprise (by unified social credit code) or a person (by resident ID number)."""

    __tablename__ = "applicant"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=_id_from_code)

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
