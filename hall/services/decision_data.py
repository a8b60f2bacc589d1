"""The facts of a decision notice (不予行政许可决定书), looked up and signed inside the
caller's transaction (see :mod:`hall.services.document_data`)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.core.errors import NotFound
from hall.core.i18n import _
from hall.models import Applicant, Case, SubCase
from hall.models.enums import SubCaseStatus
from hall.printing import data as doc
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.document_data import issuer, sign_facts
from hall.services.masking import mask_applicant_code
from hall.services.payload import DocumentKind

#: A case number at the start of a document's number (C01-20261123-0001).
CASE_NUMBER = re.compile(r"^[A-Z0-9]+-\d{8}-\d{4}")


def notice_number(case: Case, sub: SubCase) -> str:
    """A decision notice is numbered by its case and item, as a commitment letter is."""
    return f"{case.number}-{sub.item_code}"


def notice_case(session: Session, ref: str) -> tuple[Case, str] | None:
    """The case and the item code (upper case) a notice numbered ``ref`` (``CASE-ITEM``,
    as :func:`notice_number` makes it) names; None when there is no such case."""
    text = ref.strip().upper()
    found = CASE_NUMBER.match(text)
    if found is None or text[found.end() : found.end() + 1] != "-":
        return None
    case = session.scalar(select(Case).where(Case.number == found.group(0)))
    return (case, text[found.end() + 1 :]) if case is not None else None


def find_rejected(session: Session, ref: str) -> tuple[Case, SubCase]:
    """The rejected sub-case of the notice numbered ``ref`` (``CASE-ITEM``, as
    :func:`notice_number` makes it). Raises ``NotFound``."""
    found = notice_case(session, ref)
    if found is not None:
        case, item = found
        for sub in rejected_subs(session, case):
            if sub.item_code.upper() == item:
                return case, sub
    raise NotFound(_("没有编号为 {number} 的不予许可决定书。").format(number=ref.strip()))


def rejected_subs(session: Session, case: Case) -> list[SubCase]:
    """The sub-cases of ``case`` a department refused (each has its notice)."""
    return list(
        session.scalars(
            select(SubCase)
            .where(
                SubCase.case_id == case.id,
                SubCase.status == SubCaseStatus.rejected,
                SubCase.decided_by.is_not(None),
            )
            .order_by(SubCase.position)
        )
    )


def decision_notice(
    session: Session, ctx: AppContext, actor: Actor, case: Case, sub: SubCase, copy: int
) -> doc.DecisionNotice:
    applicant = session.get_one(Applicant, case.applicant_id)
    decided = (
        sub.decided_at.astimezone(ctx.clock.zone).date() if sub.decided_at else case.accepted_on
    )
    number = notice_number(case, sub)
    qr = sign_facts(
        session, ctx, actor, DocumentKind.notice, number, applicant.name, applicant.code,
        sub.item_code, decided,
    )  # fmt: skip
    reviewer = issuer(session, ctx, "", sub.decided_by or "").clerk
    return doc.DecisionNotice(
        issuer=issuer(session, ctx, actor.counter or ctx.counter or case.counter, actor.username),
        number=number,
        case_number=case.number,
        applicant_name=applicant.name,
        applicant_code=mask_applicant_code(applicant.code),
        item_code=sub.item_code,
        item_name=sub.item_name,
        authority=sub.department_name,
        applied_on=case.accepted_on,
        decided_on=decided,
        reason=sub.decision_reason or "",
        legal_basis=sub.decision_basis or "",
        qr=qr,
        reviewer=reviewer,
        copy=copy,
    )
