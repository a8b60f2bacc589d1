"""Reading one case into its :class:`CaseDetail`: sub-cases with their days left,
materials, verification requests, supplement notices, history and what is pending.
Used by :func:`hall.services.cases.case_detail` and by every change, which returns the
case as it has just left it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.i18n import _
from hall.models import (
    Applicant,
    Case,
    ClockStop,
    Commitment,
    MaterialCheck,
    Pickup,
    SubCase,
    SupplementRequest,
    User,
    VerificationRequest,
    VerificationTask,
)
from hall.models.enums import (
    CaseStatus,
    MaterialStatus,
    RequestStatus,
    StopReason,
    SubCaseStatus,
    SupplementStatus,
    VerificationStatus,
)
from hall.services.audit import Actor
from hall.services.case_clock import days_left, standing_still, workdays_after
from hall.services.case_history import case_history
from hall.services.case_views import (
    CaseApplicant,
    CaseDetail,
    MaterialView,
    PickupView,
    SubCaseDetail,
    SupplementLine,
    SupplementView,
    VerificationRequestView,
)
from hall.services.context import AppContext
from hall.services.licenses import case_licenses
from hall.services.masking import shown_code, shown_phone
from hall.services.workdays import WorkdayCalendar


def build_detail(session: Session, ctx: AppContext, actor: Actor, case: Case) -> CaseDetail:
    """The :class:`CaseDetail` of ``case`` read in ``session`` (the caller's transaction:
    an action returns the case as it just left it)."""
    session.flush()
    today = local_today(ctx.clock)
    calendar = ctx.calendar()
    applicant = session.get_one(Applicant, case.applicant_id)
    subs = list(
        session.scalars(
            select(SubCase).where(SubCase.case_id == case.id).order_by(SubCase.position)
        )
    )
    sub_ids = [s.id for s in subs]
    materials = list(
        session.scalars(
            select(MaterialCheck)
            .where(MaterialCheck.case_id == case.id)
            .order_by(MaterialCheck.position)
        )
    )
    requests = list(
        session.scalars(
            select(VerificationRequest)
            .where(VerificationRequest.case_id == case.id)
            .order_by(VerificationRequest.requested_at)
        )
    )
    notices = list(
        session.scalars(
            select(SupplementRequest)
            .where(SupplementRequest.case_id == case.id)
            .order_by(SupplementRequest.requested_at)
        )
    )
    stops = list(session.scalars(select(ClockStop).where(ClockStop.sub_case_id.in_(sub_ids))))
    commitments = {
        c.sub_case_id: c
        for c in session.scalars(select(Commitment).where(Commitment.sub_case_id.in_(sub_ids)))
    }
    tasks = {
        t.sub_case_id: t
        for t in session.scalars(
            select(VerificationTask).where(VerificationTask.sub_case_id.in_(sub_ids))
        )
    }
    still = standing_still(stops)
    licenses = case_licenses(session, case.id)
    names = user_names(session, [n for s in subs for n in (s.claimed_by, s.decided_by) if n])
    sub_views = tuple(
        replace(
            _sub_view(
                s,
                calendar,
                today,
                still[s.id][0] if s.id in still else None,
                commitments.get(s.id),
                tasks.get(s.id),
            ),
            stop_reason=still[s.id][1] if s.id in still else None,
            claimed_by=s.claimed_by,
            claimed_by_name=names.get(s.claimed_by or "", ""),
            claimed_at=s.claimed_at,
            decided_by=s.decided_by,
            decided_by_name=names.get(s.decided_by or "", ""),
            decision_reason=s.decision_reason,
            decision_basis=s.decision_basis,
            license_number=next((v.number for v in licenses if v.item_code == s.item_code), None),
        )
        for s in subs
    )
    pickup = session.scalar(
        select(Pickup).where(Pickup.case_id == case.id).order_by(Pickup.at.desc()).limit(1)
    )
    material_names = {m.id: m.name for m in materials}
    items = {s.id: s.item_code for s in subs}
    notice_views = tuple(
        _supplement_view(n, case.number, [st for st in stops if st.supplement_id == n.id], items,
                        calendar, today)
        for n in notices
    )  # fmt: skip
    request_views = tuple(_request_view(r, material_names.get(r.material_id, "")) for r in requests)
    material_views = tuple(_material_view(m) for m in materials)
    ids = [
        case.id,
        *sub_ids,
        *material_names,
        *(r.id for r in requests),
        *(n.id for n in notices),
        *(t.id for t in tasks.values()),
    ]
    pickup_view = _pickup_view(actor, pickup) if pickup is not None else None
    detail = CaseDetail(
        id=case.id,
        number=case.number,
        counter=case.counter,
        accepted_at=case.accepted_at,
        accepted_on=case.accepted_on,
        accepted_by=case.accepted_by,
        status=case.status,
        withdrawn_at=case.withdrawn_at,
        withdrawn_reason=case.withdrawn_reason,
        scope_codes=tuple(case.scope_codes),
        applicant=CaseApplicant(
            applicant.id,
            applicant.kind,
            shown_code(actor, applicant.code, full_needed=True),
            applicant.name,
            applicant.legal_representative,
            applicant.address,
            shown_phone(actor, applicant.phone, full_needed=True),
        ),
        answers=MappingProxyType(dict(case.answers)),
        sub_cases=sub_views,
        materials=material_views,
        verification_requests=request_views,
        supplements=notice_views,
        history=case_history(session, ids),
        pending=pending_lines(case.status, sub_views, material_views, request_views,
                              notice_views, today),
        as_of=today,
        licenses=licenses,
        pickup=pickup_view,
    )  # fmt: skip
    if detail.ready_for_pickup:
        return replace(
            detail, pending=(*detail.pending, _("全部事项已办结，等待申请人领取证照和文书"))
        )
    return detail


def user_names(session: Session, usernames: Sequence[str]) -> dict[str, str]:
    """The display names of ``usernames`` (those that have an account)."""
    if not usernames:
        return {}
    rows = session.execute(
        select(User.username, User.display_name).where(User.username.in_(set(usernames)))
    )
    return {str(u): str(n) for u, n in rows.all()}


def _pickup_view(actor: Actor, row: Pickup) -> PickupView:
    return PickupView(
        at=row.at,
        by=row.by,
        counter=row.counter,
        collector_name=row.collector_name,
        collector_id_number=shown_code(actor, row.collector_id_number),
        collector_role=row.collector_role,
        documents=tuple((d.get("kind", ""), d.get("number", "")) for d in row.documents),
    )


def _sub_view(
    s: SubCase,
    calendar: WorkdayCalendar,
    today: date,
    stopped_since: date | None,
    commitment: Commitment | None,
    task: VerificationTask | None,
) -> SubCaseDetail:
    running = s.status is SubCaseStatus.under_review
    return SubCaseDetail(
        id=s.id,
        item_code=s.item_code,
        item_name=s.item_name,
        department_code=s.department_code,
        department_name=s.department_name,
        reform_mode=s.reform_mode,
        route=s.route,
        route_note=s.route_note,
        status=s.status,
        statutory_days=s.statutory_days,
        promised_days=s.promised_days,
        statutory_deadline=s.statutory_deadline,
        promised_deadline=s.promised_deadline,
        deadline_provisional=s.deadline_provisional,
        statutory_days_left=(
            days_left(calendar, s.statutory_deadline, today, stopped_since) if running else None
        ),
        promised_days_left=(
            days_left(calendar, s.promised_deadline, today, stopped_since) if running else None
        ),
        stopped_days=s.stopped_days,
        clock_stopped=stopped_since is not None,
        stopped_since=stopped_since,
        decided_at=s.decided_at,
        conditions=tuple(commitment.conditions) if commitment else (),
        verification_due=(
            task.due_date if task and task.status is VerificationStatus.open else None
        ),
        because_of=tuple(s.because_of),
    )


def _material_view(m: MaterialCheck) -> MaterialView:
    return MaterialView(
        m.id,
        m.name,
        m.proof_mode,
        m.status,
        m.key,
        m.source,
        m.due_date,
        m.note,
        tuple(m.item_codes),
        m.updated_at,
    )


def _request_view(r: VerificationRequest, material: str) -> VerificationRequestView:
    return VerificationRequestView(
        r.id,
        r.material_id,
        material,
        r.department,
        r.requested_at,
        r.requested_by,
        r.status,
        r.answered_at,
        r.answered_by,
        r.answer,
    )


def _supplement_view(
    n: SupplementRequest,
    case_number: str,
    stops: Sequence[ClockStop],
    items: dict[uuid.UUID, str],
    calendar: WorkdayCalendar,
    today: date,
) -> SupplementView:
    """The view of notice ``n`` with the clock stops it caused."""
    if n.status is SupplementStatus.open:
        days = max(0, workdays_after(calendar, n.requested_on, today))
    else:
        days = max((s.working_days or 0 for s in stops), default=0)
    return SupplementView(
        id=n.id,
        case_id=n.case_id,
        case_number=case_number,
        requested_on=n.requested_on,
        requested_at=n.requested_at,
        requested_by=n.requested_by,
        lines=tuple(SupplementLine(str(k), str(v)) for k, v in n.lines.items()),
        note=n.note,
        status=n.status,
        closed_on=n.closed_on,
        closed_by=n.closed_by,
        days_stopped=days,
        item_codes=tuple(sorted({items[s.sub_case_id] for s in stops if s.sub_case_id in items})),
    )


def pending_lines(
    status: CaseStatus,
    subs: Sequence[SubCaseDetail],
    materials: Sequence[MaterialView],
    requests: Sequence[VerificationRequestView],
    notices: Sequence[SupplementView],
    today: date,
) -> tuple[str, ...]:
    """What the hall still waits for, one line each, in the clerk's words."""
    if status is CaseStatus.withdrawn:
        return ()
    lines: list[str] = []
    for s in subs:
        if s.under_review:
            lines.append(_sub_case_line(s))
        elif s.verification_due is not None:
            lines.append(
                _("{name}：事后核查须于 {day} 前完成").format(
                    name=s.item_name, day=s.verification_due
                )
            )
    for n in notices:
        if n.status is SupplementStatus.open:
            lines.append(
                _("补正通知（{day}发出）：等待申请人补正 {names}").format(
                    day=n.requested_on, names=_("、").join(line.material for line in n.lines)
                )
            )
    for r in requests:
        if r.status is RequestStatus.pending:
            lines.append(
                _("{name}：已请{dept}核验，等待答复").format(
                    name=r.material_name, dept=r.department or _("有关部门")
                )
            )
    for m in materials:
        if m.status is MaterialStatus.deferred:
            late = _("（已逾期）") if m.due_date and m.due_date < today else ""
            lines.append(
                _("{name}：容缺受理，申请人承诺 {day} 前补交{late}").format(
                    name=m.name, day=m.due_date or "—", late=late
                )
            )
        elif m.status is MaterialStatus.not_confirmed:
            lines.append(_("{name}：核验未通过，须提交纸质材料").format(name=m.name))
        elif m.status is MaterialStatus.pending:
            lines.append(_("{name}：待数据核验").format(name=m.name))
    return tuple(lines)


def _sub_case_line(s: SubCaseDetail) -> str:
    deadline = s.promised_deadline or s.statutory_deadline
    left = s.days_left
    if deadline is None or left is None:
        when = _("无期限")
    elif left < 0:
        when = _("{day}，已超期{n}个工作日").format(day=deadline, n=-left)
    else:
        when = _("{day}，剩{n}个工作日").format(day=deadline, n=left)
    return _("{name}：{progress}，期限 {when}{stopped}").format(
        name=s.item_name, progress=progress_text(s), when=when, stopped=_stopped_text(s)
    )


def _stopped_text(s: SubCaseDetail) -> str:
    if not s.clock_stopped:
        return ""
    if s.stop_reason is StopReason.special_procedure:
        return _("（现场核查等特别程序中，计时暂停）")
    return _("（计时暂停中）")


def progress_text(s: SubCaseDetail) -> str:
    """Where a sub-case stands in its department, in a few words (并联审批进度)."""
    if s.under_review:
        if s.claimed_by:
            who = s.claimed_by_name or s.claimed_by
            return _("{dept}审查中（{who}办理）").format(dept=s.department_name, who=who)
        return _("已分送{dept}，待认领").format(dept=s.department_name)
    if s.decided_by:
        who = s.decided_by_name or s.decided_by
        if s.status is SubCaseStatus.rejected:
            return _("{dept}不予许可（{who}）").format(dept=s.department_name, who=who)
        return _("{dept}准予许可（{who}）").format(dept=s.department_name, who=who)
    return ""
