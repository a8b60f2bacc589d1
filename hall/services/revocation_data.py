"""The facts of a revocation notice (撤销行政许可决定书), looked up and signed inside the
caller's transaction (see :mod:`hall.services.document_data`): one for each sub-case
whose license was revoked because its post-event verification found the commitment
false (:mod:`hall.services.supervision`). It is numbered by its case and item, as a
decision notice is, and its code is signed as a notice."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.core.errors import NotFound
from hall.core.i18n import _
from hall.models import Applicant, Case, License, SubCase, VerificationTask
from hall.models.enums import SubCaseStatus, VerificationStatus
from hall.printing import data as doc
from hall.services.audit import Actor
from hall.services.case_reading import user_names
from hall.services.context import AppContext
from hall.services.decision_data import notice_case, notice_number
from hall.services.document_data import issuer, sign_facts
from hall.services.masking import mask_applicant_code
from hall.services.payload import DocumentKind


def revoked_subs(session: Session, case: Case) -> list[tuple[SubCase, VerificationTask]]:
    """The sub-cases of ``case`` revoked for a false commitment, each with the task that
    found it (each has its notice)."""
    rows = session.execute(
        select(SubCase, VerificationTask)
        .join(VerificationTask, VerificationTask.sub_case_id == SubCase.id)
        .where(
            SubCase.case_id == case.id,
            SubCase.status == SubCaseStatus.revoked,
            VerificationTask.status == VerificationStatus.false_commitment,
        )
        .order_by(SubCase.position, VerificationTask.closed_at)
    ).all()
    seen: dict[object, tuple[SubCase, VerificationTask]] = {}
    for sub, task in rows:
        seen.setdefault(sub.id, (sub, task))  # the finding that revoked it
    return list(seen.values())


def find_revoked(session: Session, ref: str) -> tuple[Case, SubCase, VerificationTask]:
    """The revoked sub-case (and its finding) of the notice numbered ``ref``
    (``CASE-ITEM``). Raises ``NotFound``."""
    found = notice_case(session, ref)
    if found is not None:
        case, item = found
        for sub, task in revoked_subs(session, case):
            if sub.item_code.upper() == item:
                return case, sub, task
    raise NotFound(_("没有编号为 {number} 的撤销行政许可决定书。").format(number=ref.strip()))


def license_numbers(session: Session, sub: SubCase) -> tuple[str, ...]:
    return tuple(
        session.scalars(
            select(License.number).where(License.sub_case_id == sub.id).order_by(License.number)
        )
    )


def revocation_notice(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    found: tuple[Case, SubCase, VerificationTask],
    copy: int,
) -> doc.RevocationNotice:
    case, sub, task = found
    applicant = session.get_one(Applicant, case.applicant_id)
    zone = ctx.clock.zone
    decided = task.closed_at.astimezone(zone).date() if task.closed_at else case.accepted_on
    number = notice_number(case, sub)
    qr = sign_facts(
        session, ctx, actor, DocumentKind.notice, number, applicant.name, applicant.code,
        sub.item_code, decided,
    )  # fmt: skip
    inspector = task.inspector or task.closed_by or ""
    return doc.RevocationNotice(
        issuer=issuer(session, ctx, actor.counter or ctx.counter or case.counter, actor.username),
        number=number,
        case_number=case.number,
        applicant_name=applicant.name,
        applicant_code=mask_applicant_code(applicant.code),
        item_code=sub.item_code,
        item_name=sub.item_name,
        authority=sub.department_name,
        licenses=license_numbers(session, sub),
        applied_on=case.accepted_on,
        decided_on=decided,
        facts=task.outcome_note,
        qr=qr,
        inspector=user_names(session, [inspector]).get(inspector, inspector),
        copy=copy,
    )
