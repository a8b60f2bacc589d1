"""From a plan to an accepted case.

:func:`plan_application` resolves what the clerk typed and looks up the applicant and
their credit; :func:`accept_case` creates the case and one sub-case per permit item in a
single transaction and applies each route: cancelled → informed, filing → recorded on
the spot, commitment → approved on the spot with a verification task, optimized or
normal → under review with its deadlines. Every transition is an event and audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import Conflict, ValidationError
from hall.core.i18n import _
from hall.models import (
    Applicant,
    Case,
    Commitment,
    IntakeDraft,
    License,
    MaterialCheck,
    SubCase,
    SubCaseEvent,
    VerificationRequest,
    VerificationTask,
)
from hall.models.enums import (
    CaseStatus,
    DraftStatus,
    MaterialStatus,
    Route,
    SubCaseStatus,
    VerificationStatus,
)
from hall.services.applicants import ApplicantInput, ensure_applicant
from hall.services.audit import Actor, record
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.credit import NEVER, credit_list_as_of, records_in_force
from hall.services.derive import Plan, PlanApplicant, PlannedItem, derive
from hall.services.forms import clean_answers
from hall.services.identifiers import parse_applicant_code
from hall.services.intake_materials import add_material_rows, check_outcomes
from hall.services.licenses import issue_license
from hall.services.numbering import next_number
from hall.services.permissions import Permission, guarded

INITIAL_STATUS = {
    Route.cancelled: SubCaseStatus.informed,
    Route.filing: SubCaseStatus.recorded,
    Route.commitment: SubCaseStatus.approved,
    Route.optimized: SubCaseStatus.under_review,
    Route.normal: SubCaseStatus.under_review,
}


@dataclass(frozen=True)
class SubCaseView:
    id: uuid.UUID
    item_code: str
    item_name: str
    department_name: str
    route: Route
    status: SubCaseStatus
    statutory_deadline: date | None
    promised_deadline: date | None
    deadline_provisional: bool
    license_number: str | None = None  # a certificate issued at acceptance


@dataclass(frozen=True)
class AcceptedCase:
    id: uuid.UUID
    number: str
    applicant_code: str
    applicant_name: str
    accepted_on: date
    sub_cases: tuple[SubCaseView, ...]


def plan_application(
    ctx: AppContext,
    *,
    scope: Sequence[str] = (),
    items: Sequence[str] = (),
    applicant_code: str | None = None,
    on: date | None = None,
    normal_route: Iterable[str] = (),
    without: Iterable[str] = (),
) -> Plan:
    """Derive the plan for what the clerk typed (scope by code, wording or search)."""
    catalog = ctx.catalog()
    day = on or local_today(ctx.clock)
    entries = [catalog.resolve_scope(token) for token in scope]
    applicant = None
    if applicant_code is not None:
        parsed = parse_applicant_code(applicant_code, today=day)
        with ctx.uow() as session:
            name = session.scalar(select(Applicant.name).where(Applicant.code == parsed.code))
            records = records_in_force(session, parsed.code, day)
        applicant = PlanApplicant(parsed.code, parsed.kind, name, tuple(records))
    return derive(
        catalog,
        ctx.calendar(),
        scope=entries,
        items=items,
        applicant=applicant,
        acceptance_date=day,
        normal_route=normal_route,
        without=without,
    )


def next_case_number(session: Session, counter: str, day: date) -> str:
    """``C01-20261123-0007``: the counter's code makes numbers made offline unique."""
    return next_number(session, Case.number, f"{counter}-{day:%Y%m%d}-", 4)


@guarded(Permission.accept_case)
def accept_case(
    ctx: AppContext,
    actor: Actor,
    plan: Plan,
    applicant: ApplicantInput,
    answers: Mapping[str, Any],
    *,
    material_status: Mapping[str, MaterialStatus] | None = None,
    deferred: Mapping[str, date] | None = None,
    material_notes: Mapping[str, str] | None = None,
    draft_id: uuid.UUID | None = None,
) -> tuple[AcceptedCase, Changes]:
    """Accept the combined application described by ``plan``.

    ``material_status`` gives what became of a checklist line where it differs from its
    proof mode's default; ``deferred`` names the non-key materials accepted with a gap
    (容缺受理) and the date the applicant promised to bring each; ``material_notes``
    keeps what a data check answered. A department verification leaves a pending
    request. The draft ``draft_id`` becomes the case in the same transaction.

    Raises ``ValidationError`` (``FormErrors`` for the form) when the applicant or the
    answers are not acceptable, ``Conflict`` when the plan was made for another
    applicant or the counter is not set; nothing is written then.
    """
    counter = actor.counter or ctx.counter
    if not counter:
        raise Conflict(_("本机尚未设置窗口编号，无法受理。"))
    code = parse_applicant_code(applicant.code, today=plan.acceptance_date).code
    if plan.applicant is None or plan.applicant.code != code:
        raise Conflict(_("办理方案不是为该申请人生成的，请重新生成后再受理。"))
    if not plan.items:
        raise ValidationError(_("办理方案中没有许可事项。"))
    if plan.acceptance_date != local_today(ctx.clock):
        raise Conflict(
            _("办理方案的受理日期是{day}，不是今天。请重新生成办理方案后再受理。").format(
                day=plan.acceptance_date.isoformat()
            )
        )
    cleaned = clean_answers((f.field for f in plan.fields), answers, today=plan.acceptance_date)
    outcomes = dict(material_status or {})
    promised = dict(deferred or {})
    check_outcomes(plan, outcomes, promised)
    now = ctx.clock.now()
    with ctx.uow() as session:
        # The credit list may have changed since the plan was made: check again, here,
        # in the transaction that accepts, so no listed subject gets a commitment decision.
        records = records_in_force(session, code, plan.acceptance_date)
        if bool(records) != plan.applicant.dishonest:
            raise Conflict(
                _("申请人的信用状况在生成办理方案后发生了变化，请重新生成办理方案后再受理。")
            )
        draft = _claim_draft(session, actor, draft_id)
        applicant_row = ensure_applicant(session, ctx.clock, actor, applicant)
        case = Case(
            number=next_case_number(session, counter, plan.acceptance_date),
            applicant_id=applicant_row.id,
            counter=counter,
            accepted_at=now,
            accepted_on=plan.acceptance_date,
            accepted_by=actor.username,
            catalog_version_id=plan.catalog_version_id,  # the version the plan was made from
            scope_codes=[s.code for s in plan.scope],
            answers=cleaned,
            status=CaseStatus.accepted,
            # On a counter of a hall server: the credit list used is the copy of the last
            # pull; once synced the check runs again (hall.services.sync_checks).
            credit_as_of=(credit_list_as_of(ctx, session) or NEVER) if ctx.link else None,
            offline=ctx.offline,
        )
        session.add(case)
        session.flush()
        if draft is not None:
            draft.status, draft.case_id, draft.updated_at = DraftStatus.accepted, case.id, now
        holder = (applicant_row.name, applicant_row.code)
        scope_text = {entry.code: entry.text for entry in plan.scope}
        subs = [
            _add_sub_case(session, ctx, actor, case, n, p, holder, scope_text)
            for n, p in enumerate(plan.items)
        ]
        add_material_rows(
            session,
            case,
            plan,
            outcomes,
            promised,
            now=now,
            by=actor.username,
            notes=material_notes,
        )
        session.flush()
        view = AcceptedCase(
            case.id,
            case.number,
            applicant_row.code,
            applicant_row.name,
            case.accepted_on,
            tuple(subs),
        )
        record(
            session,
            ctx.clock,
            actor,
            "case.accept",
            "case",
            case.id,
            after=_case_payload(case, view, plan),
            rows=_case_rows(session, case),
        )
    return view, Changes(cases=True, applicants=True)


def _claim_draft(session: Session, actor: Actor, draft_id: uuid.UUID | None) -> IntakeDraft | None:
    if draft_id is None:
        return None
    draft = session.get(IntakeDraft, draft_id, with_for_update=True)  # two windows, one case
    if draft is None or draft.username != actor.username:
        raise Conflict(_("找不到这份草稿，请重新开始受理。"))
    if draft.status is not DraftStatus.open:
        number = session.scalar(select(Case.number).where(Case.id == draft.case_id))
        if number:
            raise Conflict(_("这份申请已经受理，案件编号{number}。").format(number=number))
        raise Conflict(_("这份草稿已经放弃，不能受理。"))
    return draft


def _add_sub_case(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    case: Case,
    position: int,
    p: PlannedItem,
    holder: tuple[str, str],
    scope_text: Mapping[str, str],
) -> SubCaseView:
    status = INITIAL_STATUS[p.route]
    now = ctx.clock.now()
    sub = SubCase(
        case_id=case.id,
        position=position,
        item_code=p.item.code,
        item_name=p.item.name,
        department_code=p.item.department_code,
        department_name=p.item.department_name,
        reform_mode=p.item.reform_mode,
        route=p.route,
        route_note=p.note,
        because_of=list(p.because_of),
        status=status,
        statutory_days=p.item.statutory_days if p.statutory_deadline else None,
        promised_days=p.item.promised_days if p.promised_deadline else None,
        statutory_deadline=p.statutory_deadline.day if p.statutory_deadline else None,
        promised_deadline=p.promised_deadline.day if p.promised_deadline else None,
        # The sub-case's own deadlines; its verification task carries its own flag.
        deadline_provisional=any(
            d is not None and d.provisional for d in (p.statutory_deadline, p.promised_deadline)
        ),
        decided_at=now if status in (SubCaseStatus.approved, SubCaseStatus.recorded) else None,
    )
    session.add(sub)
    session.flush()
    session.add(
        SubCaseEvent(
            sub_case_id=sub.id,
            at=now,
            by=actor.username,
            from_status=None,
            to_status=status,
            note=p.note,
        )
    )
    if p.route is Route.commitment and p.verification_due is not None:
        session.add(
            Commitment(
                sub_case_id=sub.id,
                conditions=list(p.item.conditions),
                recorded_at=now,
                recorded_by=actor.username,
            )
        )
        session.add(
            VerificationTask(
                sub_case_id=sub.id,
                due_date=p.verification_due.day,
                window_days=p.item.verification_days or 0,
                due_provisional=p.verification_due.provisional,
                status=VerificationStatus.open,
            )
        )
    issued = None
    if status in (SubCaseStatus.approved, SubCaseStatus.recorded):
        # Decided on the spot: the certificate is handed over at the counter.
        scope = [scope_text[code] for code in p.because_of if code in scope_text]
        issued = issue_license(session, ctx, actor, case, sub, p.item, holder, scope)
    return SubCaseView(
        sub.id,
        sub.item_code,
        sub.item_name,
        sub.department_name,
        p.route,
        status,
        sub.statutory_deadline,
        sub.promised_deadline,
        sub.deadline_provisional,
        issued.number if issued else None,
    )


def _case_rows(session: Session, case: Case) -> list[object]:
    """Every row the acceptance made, parents before children."""
    subs = list(session.scalars(select(SubCase).where(SubCase.case_id == case.id)))
    ids = [s.id for s in subs]
    return [
        case,
        *subs,
        *session.scalars(select(SubCaseEvent).where(SubCaseEvent.sub_case_id.in_(ids))),
        *session.scalars(select(MaterialCheck).where(MaterialCheck.case_id == case.id)),
        *session.scalars(select(VerificationRequest).where(VerificationRequest.case_id == case.id)),
        *session.scalars(select(Commitment).where(Commitment.sub_case_id.in_(ids))),
        *session.scalars(select(VerificationTask).where(VerificationTask.sub_case_id.in_(ids))),
        *session.scalars(select(License).where(License.case_id == case.id)),
    ]


def _case_payload(case: Case, view: AcceptedCase, plan: Plan) -> dict[str, Any]:
    return {
        "number": case.number,
        "counter": case.counter,
        "applicant": view.applicant_code,
        "accepted_on": case.accepted_on,
        "catalog_version": plan.catalog_version,
        "scope": case.scope_codes,
        "answers": case.answers,
        "sub_cases": [
            {
                "id": s.id,
                "item": s.item_code,
                "route": s.route,
                "status": s.status,
                "statutory_deadline": s.statutory_deadline,
                "promised_deadline": s.promised_deadline,
                "provisional": s.deadline_provisional,
                "license": s.license_number,
            }
            for s in view.sub_cases
        ],
        "materials": [
            {"name": m.name, "proof_mode": m.proof_mode, "key": m.key} for m in plan.materials
        ],
    }
