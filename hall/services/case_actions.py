"""What the counter may still do with an accepted case: withdraw it or one of its items
(here); take in a material that comes later, record a data check or a department's
answer (:mod:`hall.services.case_materials`, re-exported here); send and fulfil a
supplement notice (:mod:`hall.services.case_supplements`).

Each action is one transaction: its rows, one audit entry and its outbox entry. Each
returns the case as it now is (:class:`CaseDetail`) and ``Changes(cases=True)``. A
withdrawn case takes no further action, except a department's answer to a request it
was already sent (the answer is a fact, and closes the request).
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import Conflict, NotFound, ValidationError
from hall.core.i18n import _
from hall.models import (
    Case,
    ClockStop,
    SubCase,
    SubCaseEvent,
    SupplementRequest,
)
from hall.models.enums import (
    CaseStatus,
    SubCaseStatus,
    SupplementStatus,
)
from hall.services.audit import Actor, record
from hall.services.case_clock import end_stop
from hall.services.case_materials import (
    answer_verification_request,
    receive_material,
    record_data_check,
)
from hall.services.case_reading import build_detail
from hall.services.case_supplements import (
    close_notice,
    open_notice,
    refuse_if_withdrawn,
)
from hall.services.case_views import CaseDetail
from hall.services.cases import find_case
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.labels import sub_case_status_name
from hall.services.permissions import Permission, guarded
from hall.services.workdays import WorkdayCalendar

__all__ = [
    "answer_verification_request",
    "receive_material",
    "record_data_check",
    "withdraw_case",
    "withdraw_sub_case",
]

MAX_REASON = 500


def _clean_reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError(_("请填写撤回的原因。"), field="reason")
    if len(text) > MAX_REASON:
        raise ValidationError(_("撤回原因不能超过{n}个字。").format(n=MAX_REASON), field="reason")
    return text


def _sub_cases(session: Session, case: Case) -> list[SubCase]:
    return list(
        session.scalars(
            select(SubCase).where(SubCase.case_id == case.id).order_by(SubCase.position)
        )
    )


def _withdraw_one(sub: SubCase, *, by: str, now: datetime, reason: str) -> SubCaseEvent:
    event = SubCaseEvent(
        sub_case_id=sub.id,
        at=now,
        by=by,
        from_status=sub.status,
        to_status=SubCaseStatus.withdrawn,
        note=reason,
    )
    sub.status = SubCaseStatus.withdrawn
    return event


def _end_open_stops(
    session: Session,
    calendar: WorkdayCalendar,
    case: Case,
    subs: Sequence[SubCase],
    today: date,
) -> list[ClockStop]:
    by_id = {s.id: s for s in subs}
    stops = list(
        session.scalars(
            select(ClockStop)
            .where(ClockStop.sub_case_id.in_(list(by_id)))
            .where(ClockStop.ended_on.is_(None))
        )
    )
    for stop in stops:
        end_stop(calendar, stop, by_id[stop.sub_case_id], case.accepted_on, today)
    return stops


@guarded(Permission.accept_case)
def withdraw_case(
    ctx: AppContext, actor: Actor, case: str | uuid.UUID, reason: str
) -> tuple[CaseDetail, Changes]:
    """The applicant withdraws the application (撤回申请).

    Every sub-case still under review becomes withdrawn (with an event); sub-cases
    already decided stay as they are: a filing recorded, a permit approved on the spot
    or a license issued is **not** undone by a withdrawal (that is a revocation, another
    procedure). An open supplement notice is cancelled and its clock stops end today.
    Department verification requests already sent stay as they are: the department may
    still answer, and the answer can be recorded. The case becomes withdrawn with the
    reason. Raises ``ValidationError`` without a reason (or one over 500 characters),
    ``NotFound`` for an unknown case, ``Conflict`` when it is already withdrawn or has
    nothing under review.
    """
    text = _clean_reason(reason)
    now, today, calendar = ctx.clock.now(), local_today(ctx.clock), ctx.calendar()
    with ctx.uow() as session:
        row = find_case(session, case, for_update=True)
        refuse_if_withdrawn(row)
        subs = _sub_cases(session, row)
        open_subs = [s for s in subs if s.status is SubCaseStatus.under_review]
        if not open_subs:
            raise Conflict(
                _(
                    "案件{n}没有审查中的事项，无可撤回。已作出的决定不因撤回申请而失效，"
                    "撤销许可须另行办理。"
                ).format(n=row.number)
            )
        before = {"status": row.status, "sub_cases": {s.item_code: s.status for s in subs}}
        events = [_withdraw_one(s, by=actor.username, now=now, reason=text) for s in open_subs]
        stops = _end_open_stops(session, calendar, row, open_subs, today)
        notices: list[SupplementRequest] = []
        notice = open_notice(session, row)
        if notice is not None:
            more, _subs, _days = close_notice(
                session, calendar, row, notice, SupplementStatus.cancelled,
                by=actor.username, now=now, today=today,
            )  # fmt: skip
            notices.append(notice)
            stops += more
        row.status, row.withdrawn_at, row.withdrawn_reason = CaseStatus.withdrawn, now, text
        session.add_all(events)
        record(
            session,
            ctx.clock,
            actor,
            "case.withdraw",
            "case",
            row.id,
            before=before,
            after={
                "number": row.number,
                "status": row.status,
                "reason": text,
                "withdrawn": [s.item_code for s in open_subs],
                "kept": {s.item_code: s.status for s in subs if s not in open_subs},
                "supplement_cancelled": bool(notices),
            },
            rows=[row, *open_subs, *events, *notices, *stops],
        )
        view = build_detail(session, ctx, actor, row)
    return view, Changes(cases=True)


@guarded(Permission.accept_case)
def withdraw_sub_case(
    ctx: AppContext, actor: Actor, case: str | uuid.UUID, item_code: str, reason: str
) -> tuple[CaseDetail, Changes]:
    """The applicant withdraws one permit item of the application.

    Only a sub-case under review can be withdrawn; a decided one stays decided. Its open
    clock stops end today; a supplement notice that no longer stops any clock is
    cancelled. When it was the last sub-case under review, the case ends: withdrawn
    (with this reason) if every sub-case is now withdrawn, else closed (办结), since the
    others were decided. Raises ``ValidationError`` without a reason, ``NotFound`` for
    an unknown case or item, ``Conflict`` when the case is withdrawn or the sub-case is
    not under review.
    """
    text = _clean_reason(reason)
    code = unicodedata.normalize("NFKC", item_code).strip().upper()
    now, today, calendar = ctx.clock.now(), local_today(ctx.clock), ctx.calendar()
    with ctx.uow() as session:
        row = find_case(session, case, for_update=True)
        refuse_if_withdrawn(row)
        subs = _sub_cases(session, row)
        sub = next((s for s in subs if s.item_code.upper() == code), None)
        if sub is None:
            raise NotFound(
                _("案件{n}中没有事项“{code}”。").format(n=row.number, code=item_code.strip())
            )
        if sub.status is not SubCaseStatus.under_review:
            raise Conflict(
                _(
                    "“{name}”的状态是“{status}”：只有审查中的事项可以撤回，"
                    "已作出的决定不因撤回而失效。"
                ).format(name=sub.item_name, status=sub_case_status_name(sub.status))
            )
        before = {"status": sub.status, "case_status": row.status}
        event = _withdraw_one(sub, by=actor.username, now=now, reason=text)
        stops = _end_open_stops(session, calendar, row, [sub], today)
        notices: list[SupplementRequest] = []
        notice = open_notice(session, row)
        if notice is not None and not _stops_open(session, notice):
            close_notice(
                session, calendar, row, notice, SupplementStatus.cancelled,
                by=actor.username, now=now, today=today,
            )  # fmt: skip
            notices.append(notice)
        changed: list[object] = []
        if not any(s.status is SubCaseStatus.under_review for s in subs):
            if all(s.status is SubCaseStatus.withdrawn for s in subs):
                row.status, row.withdrawn_at, row.withdrawn_reason = (
                    CaseStatus.withdrawn,
                    now,
                    text,
                )
            else:
                row.status = CaseStatus.closed
            changed.append(row)
        session.add(event)
        record(
            session,
            ctx.clock,
            actor,
            "sub_case.withdraw",
            "sub_case",
            sub.id,
            before=before,
            after={
                "case": row.number,
                "item": sub.item_code,
                "name": sub.item_name,
                "reason": text,
                "case_status": row.status,
                "supplement_cancelled": bool(notices),
            },
            rows=[*changed, sub, event, *notices, *stops],
        )
        view = build_detail(session, ctx, actor, row)
    return view, Changes(cases=True)


def _stops_open(session: Session, notice: SupplementRequest) -> bool:
    return (
        session.scalar(
            select(ClockStop.id)
            .where(ClockStop.supplement_id == notice.id)
            .where(ClockStop.ended_on.is_(None))
            .limit(1)
        )
        is not None
    )
