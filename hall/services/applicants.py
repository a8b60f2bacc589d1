"""The local market-entity registry: applicants found by code, or entered once and kept."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.core.clock import Clock, local_today
from hall.core.errors import ValidationError
from hall.core.i18n import _
from hall.models import Applicant
from hall.models.enums import ApplicantKind
from hall.services.audit import Actor, record
from hall.services.context import AppContext
from hall.services.identifiers import parse_applicant_code, validate_phone


@dataclass(frozen=True)
class ApplicantView:
    id: uuid.UUID
    kind: ApplicantKind
    code: str
    name: str
    legal_representative: str | None = None
    address: str | None = None
    phone: str | None = None
    entity_type: str | None = None
    registered_capital: str | None = None
    established: date | None = None
    registered_scope: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ApplicantInput:
    """What a clerk types for an applicant not yet in the registry."""

    code: str
    name: str
    legal_representative: str | None = None
    address: str | None = None
    phone: str | None = None


def _view(a: Applicant) -> ApplicantView:
    return ApplicantView(
        a.id,
        a.kind,
        a.code,
        a.name,
        a.legal_representative,
        a.address,
        a.phone,
        a.entity_type,
        a.registered_capital,
        a.established,
        tuple(a.registered_scope),
    )


def find_applicant(ctx: AppContext, raw_code: str) -> ApplicantView | None:
    """The registered applicant with this credit code or ID number, if any."""
    code = parse_applicant_code(raw_code, today=local_today(ctx.clock)).code
    with ctx.uow() as session:
        row = session.scalar(select(Applicant).where(Applicant.code == code))
        return _view(row) if row else None


def ensure_applicant(
    session: Session, clock: Clock, actor: Actor, given: ApplicantInput
) -> Applicant:
    """The registry row for ``given.code``, created from ``given`` if new."""
    parsed = parse_applicant_code(given.code, today=local_today(clock))
    row = session.scalar(select(Applicant).where(Applicant.code == parsed.code))
    if row is not None:
        return row
    name = given.name.strip()
    if not name:
        raise ValidationError(_("请填写申请人名称。"), field="applicant_name")
    now = clock.now()
    row = Applicant(
        kind=parsed.kind,
        code=parsed.code,
        name=name,
        legal_representative=(given.legal_representative or "").strip() or None,
        address=(given.address or "").strip() or None,
        phone=validate_phone(given.phone) if given.phone else None,
        registered_scope=[],
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    record(
        session,
        clock,
        actor,
        "applicant.create",
        "applicant",
        row.id,
        after={
            "kind": row.kind,
            "code": row.code,
            "name": row.name,
            "legal_representative": row.legal_representative,
            "address": row.address,
            "phone": row.phone,
        },
        rows=[row],
    )
    return row
