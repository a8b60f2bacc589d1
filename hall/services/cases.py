"""The Cases view: finding cases and reading one in full.

:func:`search_cases` finds cases by number, applicant code or name and acceptance day;
:func:`case_detail` reads one case with its sub-cases, materials, requests, notices,
history and what is pending. Both need ``Permission.accept_case``: the role table has no
permission for reading cases, and the counter's clerks and the supervisor are the ones
who accept them (department reviewers get their own inbox in a later issue).
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from hall.core.errors import NotFound, ValidationError
from hall.core.i18n import _
from hall.models import (
    Applicant,
    Case,
    MaterialCheck,
    Pickup,
    SubCase,
    SupplementRequest,
    VerificationRequest,
)
from hall.models.enums import (
    CaseStatus,
    MaterialStatus,
    RequestStatus,
    SubCaseStatus,
    SupplementStatus,
)
from hall.services.audit import Actor
from hall.services.case_reading import build_detail
from hall.services.case_views import (
    CaseDetail,
    CaseSummary,
)
from hall.services.context import AppContext
from hall.services.identifiers import normalize
from hall.services.masking import shown_code
from hall.services.permissions import Permission, guarded

MAX_LIMIT = 1000


def find_case(session: Session, ref: str | uuid.UUID, *, for_update: bool = False) -> Case:
    """The case numbered ``ref`` (as typed: any case, full-width forgiven) or with the id
    ``ref``. Raises ``NotFound``."""
    query = select(Case)
    if isinstance(ref, uuid.UUID):
        query = query.where(Case.id == ref)
    else:
        text = unicodedata.normalize("NFKC", ref).strip().upper()
        try:
            query = query.where(Case.id == uuid.UUID(text))
        except ValueError:
            query = query.where(Case.number == text)
    row = session.scalar(query.with_for_update() if for_update else query)
    if row is None:
        raise NotFound(_("没有编号为“{ref}”的案件。").format(ref=str(ref).strip()))
    return row


@guarded(Permission.accept_case)
def search_cases(
    ctx: AppContext,
    actor: Actor,
    query: str = "",
    *,
    on: date | None = None,
    limit: int = 200,
) -> list[CaseSummary]:
    """The cases matching ``query``, newest first, at most ``limit``.

    ``query`` matches a case number exactly or by its beginning, an applicant's credit
    code or ID number exactly (as typed: full-width, lower case and separators forgiven),
    or a part of the applicant's name; empty, it matches every case. ``on`` keeps the
    cases accepted that day. A person's ID number is masked in the list. Raises
    ``ValidationError`` for a limit outside 1 to 1000.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(_("每次最多列出1至{n}件案件。").format(n=MAX_LIMIT), field="limit")
    stmt: Select[Case, Applicant] = select(Case, Applicant).join(
        Applicant, Case.applicant_id == Applicant.id
    )
    text = query.strip()
    if text:
        number = unicodedata.normalize("NFKC", text).upper()
        matches = [Case.number.startswith(number, autoescape=True)]
        code = normalize(text)
        if len(code) == 18:
            matches.append(Applicant.code == code)
        matches.append(Applicant.name.contains(text, autoescape=True))
        stmt = stmt.where(or_(*matches))
    if on is not None:
        stmt = stmt.where(Case.accepted_on == on)
    stmt = stmt.order_by(Case.accepted_at.desc(), Case.number.desc()).limit(limit)
    with ctx.uow() as session:
        found = [(r[0], r[1]) for r in session.execute(stmt)]
        return _summaries(session, actor, found)


def _summaries(
    session: Session, actor: Actor, found: Sequence[tuple[Case, Applicant]]
) -> list[CaseSummary]:
    ids = [case.id for case, _a in found]
    if not ids:
        return []
    under_review = SubCase.status == SubCaseStatus.under_review
    subs = {
        row.case_id: row
        for row in session.execute(
            select(
                SubCase.case_id,
                func.count().label("total"),
                func.count().filter(under_review).label("open"),
                func.min(func.coalesce(SubCase.promised_deadline, SubCase.statutory_deadline))
                .filter(under_review)
                .label("next"),
            )
            .where(SubCase.case_id.in_(ids))
            .group_by(SubCase.case_id)
        )
    }
    requests = _counts(
        session,
        select(VerificationRequest.case_id, func.count())
        .where(VerificationRequest.case_id.in_(ids))
        .where(VerificationRequest.status == RequestStatus.pending)
        .group_by(VerificationRequest.case_id),
    )
    deferred = _counts(
        session,
        select(MaterialCheck.case_id, func.count())
        .where(MaterialCheck.case_id.in_(ids))
        .where(MaterialCheck.status == MaterialStatus.deferred)
        .group_by(MaterialCheck.case_id),
    )
    notices = _counts(
        session,
        select(SupplementRequest.case_id, func.count())
        .where(SupplementRequest.case_id.in_(ids))
        .where(SupplementRequest.status == SupplementStatus.open)
        .group_by(SupplementRequest.case_id),
    )
    ready = set(session.scalars(select(Case.id).where(Case.id.in_(ids), ready_clause())))
    summaries = []
    for case, applicant in found:
        live = case.status is not CaseStatus.withdrawn
        sub = subs.get(case.id)
        summaries.append(
            CaseSummary(
                id=case.id,
                number=case.number,
                accepted_on=case.accepted_on,
                accepted_at=case.accepted_at,
                counter=case.counter,
                applicant_kind=applicant.kind,
                applicant_code=shown_code(actor, applicant.code),
                applicant_name=applicant.name,
                status=case.status,
                sub_cases=sub.total if sub else 0,
                under_review=sub.open if sub and live else 0,
                pending_verifications=requests.get(case.id, 0) if live else 0,
                deferred_materials=deferred.get(case.id, 0) if live else 0,
                open_supplement=bool(notices.get(case.id)) and live,
                next_deadline=sub.next if sub and live else None,
                ready_for_pickup=case.id in ready,
            )
        )
    return summaries


def ready_clause() -> ColumnElement[bool]:
    """A case whose every item is decided, some by their departments, and whose
    documents nobody has collected yet: it waits for its applicant (证照领取)."""
    decided = exists().where(SubCase.case_id == Case.id, SubCase.decided_by.is_not(None))
    picked = exists().where(Pickup.case_id == Case.id)
    return and_(Case.status == CaseStatus.closed, decided, ~picked)


def _counts(session: Session, stmt: Select[uuid.UUID, int]) -> dict[uuid.UUID, int]:
    return {r[0]: r[1] for r in session.execute(stmt)}


@guarded(Permission.accept_case)
def case_detail(ctx: AppContext, actor: Actor, number_or_id: str | uuid.UUID) -> CaseDetail:
    """Everything about one case, found by its number or id, as of today.

    Raises ``NotFound`` when there is no such case.
    """
    ctx.calendar()  # loaded (once) before the read
    with ctx.uow() as session:
        return build_detail(session, ctx, actor, find_case(session, number_or_id))
