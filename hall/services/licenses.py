"""Licenses: issued for a sub-case decided in the applicant's favour, numbered so that
numbers made at different counters (or offline) never collide, with the signed code
made at issue.

Filing items get their filing certificate and commitment items decided on the spot
their license at acceptance; items reviewed by a department get theirs when approved
(:func:`issue_license` is the one way in, inside the deciding transaction).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import NotFound, SecretsUnavailable
from hall.core.i18n import _
from hall.models import Applicant, Case, License, RevokedDocument, SubCase, SubCaseEvent
from hall.models.enums import SubCaseStatus
from hall.services.audit import Actor
from hall.services.catalog_views import ItemView
from hall.services.context import AppContext
from hall.services.numbering import next_number
from hall.services.payload import DocumentFacts, DocumentKind
from hall.services.signing import sign_in


@dataclass(frozen=True)
class LicenseView:
    id: uuid.UUID
    number: str
    title: str
    item_code: str
    item_name: str
    holder: str
    holder_code: str
    scope: tuple[str, ...]
    authority: str
    issued_on: date
    valid_from: date
    valid_until: date | None
    qr_payload: str | None
    revoked_reason: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_reason is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "item_code": self.item_code,
            "item_name": self.item_name,
            "holder": self.holder,
            "authority": self.authority,
            "issued_on": self.issued_on.isoformat(),
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "revoked": self.revoked,
            "qr_payload": self.qr_payload,
        }


def license_number(session: Session, item_code: str, counter: str, day: date) -> str:
    """``SAMR-002-C01-2026-00007``: the item, the counter that issued it and the year's
    sequence at that counter, so two counters never make the same number."""
    return next_number(session, License.number, f"{item_code}-{counter}-{day:%Y}-", 5)


def valid_until(start: date, years: int | None) -> date | None:
    """The last day of a validity of ``years`` from ``start`` (None: long-term)."""
    if not years:
        return None
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    return end - timedelta(days=1)


def license_facts(row: License) -> DocumentFacts:
    return DocumentFacts(
        kind=DocumentKind.license,
        number=row.number,
        holder=row.holder_name,
        holder_code=row.holder_code,
        item=row.item_code,
        issued=row.issued_on,
        valid_until=row.valid_until,
    )


def issue_license(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    case: Case,
    sub: SubCase,
    item: ItemView,
    holder: tuple[str, str],
    scope: list[str],
    counter: str | None = None,
) -> License | None:
    """Issue the certificate of ``sub`` (inside the caller's transaction, which audits
    it with the case's rows). Returns None when the item has no certificate (a cancelled
    approval). ``counter`` is the installation that issues it (the accepting counter's
    by default): its code in the number keeps numbers made on different machines apart.
    The code is signed now if the key is at hand; otherwise at the first print (the
    license itself is issued either way)."""
    if not item.license_name:
        return None
    now = ctx.clock.now()
    today = local_today(ctx.clock)
    row = License(
        number=license_number(session, item.code, counter or case.counter, today),
        sub_case_id=sub.id,
        case_id=case.id,
        title=item.license_name,
        item_code=item.code,
        item_name=item.name,
        holder_name=holder[0],
        holder_code=holder[1],
        scope=scope or [item.name],
        authority=item.department_name,
        issued_at=now,
        issued_on=today,
        issued_by=actor.username,
        valid_from=today,
        valid_until=valid_until(today, item.validity_years),
    )
    try:
        row.qr_payload = sign_in(session, ctx, actor, license_facts(row))
    except SecretsUnavailable:
        row.qr_payload = None
    session.add(row)
    session.flush()
    return row


def _revocations(session: Session, numbers: list[str]) -> dict[str, str]:
    if not numbers:
        return {}
    rows = session.execute(
        select(RevokedDocument.number, RevokedDocument.reason).where(
            RevokedDocument.kind == DocumentKind.license.value,
            RevokedDocument.number.in_(numbers),
        )
    )
    return {str(number): str(reason) for number, reason in rows.all()}


def _view(row: License, revoked: str | None) -> LicenseView:
    return LicenseView(
        row.id,
        row.number,
        row.title,
        row.item_code,
        row.item_name,
        row.holder_name,
        row.holder_code,
        tuple(row.scope),
        row.authority,
        row.issued_on,
        row.valid_from,
        row.valid_until,
        row.qr_payload,
        revoked,
    )


def case_licenses(session: Session, case_id: uuid.UUID) -> tuple[LicenseView, ...]:
    """Every license of a case, in the order of its sub-cases."""
    rows = list(
        session.scalars(
            select(License)
            .join(SubCase, SubCase.id == License.sub_case_id)
            .where(License.case_id == case_id)
            .order_by(SubCase.position)
        )
    )
    revoked = _revocations(session, [r.number for r in rows])
    return tuple(_view(r, revoked.get(r.number)) for r in rows)


def find_license(session: Session, number: str) -> License:
    """The license numbered ``number`` (case and spaces forgiven); ``NotFound`` if none."""
    cleaned = number.strip().upper()
    row = session.scalar(select(License).where(func.upper(License.number) == cleaned))
    if row is None:
        raise NotFound(_("没有编号为 {number} 的证照。").format(number=number.strip()))
    return row


def ensure_signed(session: Session, ctx: AppContext, actor: Actor, row: License) -> str:
    """The license's code, signing it now if it was issued without one."""
    if row.qr_payload is None:
        row.qr_payload = sign_in(session, ctx, actor, license_facts(row))
    return row.qr_payload


def approve_sub_case(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    sub: SubCase,
    item: ItemView,
    note: str = "",
) -> tuple[License | None, SubCaseEvent]:
    """Record a department's approval of ``sub`` (under review) and issue its license,
    numbered at this installation, inside the caller's transaction. The caller checks
    the permission and the sub-case's state, and audits. Returns the license (None for
    an item without a certificate) and the transition's event."""
    case = session.get_one(Case, sub.case_id)
    applicant = session.get_one(Applicant, case.applicant_id)
    now = ctx.clock.now()
    event = SubCaseEvent(
        sub_case_id=sub.id,
        at=now,
        by=actor.username,
        from_status=sub.status,
        to_status=SubCaseStatus.approved,
        note=note,
    )
    session.add(event)
    sub.status, sub.decided_at, sub.decided_by = SubCaseStatus.approved, now, actor.username
    sub.decision_reason = note or None
    scope_text = {s.code: s.text for s in ctx.catalog().scope.values()}
    scope = [scope_text[code] for code in sub.because_of if code in scope_text]
    counter = ctx.counter or actor.counter
    issued = issue_license(
        session, ctx, actor, case, sub, item, (applicant.name, applicant.code), scope, counter
    )
    return issued, event
