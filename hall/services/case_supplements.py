"""Supplement notices (一次性告知补正) and the clock stops they cause.

The rules (行政许可法 art. 32 and 45, as the hall applies them):

* **One notice, everything at once.** A case has at most one open notice; a second one
  while it is open is refused. Every line names a material on the case's checklist, or
  is the one free line ``其他`` (for what no checklist line covers, e.g. a wrong answer
  on the form), and says what is missing or wrong.
* **Only what may be asked for.** A line may name a material that was received on paper,
  accepted with a gap (容缺, still to come) or not confirmed by a data check or its
  department. It may not name a proof that was cancelled or replaced by a commitment
  (the reform forbids asking for those), one already verified, one still waiting for a
  data check or a department's answer, or one whose items are all decided.
* **Whose clock stops.** Each sub-case under review whose item needs a listed material
  stops its clock from the day of the notice; a ``其他`` line stops every sub-case under
  review. Parallel reviews of other departments go on: the applicant's missing fire
  certificate does not give the health department more time.
* **Restarting.** The notice is fulfilled when the last listed material arrives
  (:func:`hall.services.case_actions.receive_material`), or when the clerk confirms that
  everything listed has arrived (:func:`fulfil_supplement`, which marks the listed
  materials still awaited as received; a notice with a ``其他`` line is always closed
  this way). Each clock then restarts and the deadlines move by the working days it
  stood still (rules in :mod:`hall.services.case_clock`).
* **No cancelling.** A notice given is a dated written notice to the applicant; the
  hall does not take it back. It ends when the materials arrive, or is cancelled when
  what it concerns is withdrawn.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import Conflict, ValidationError
from hall.core.i18n import N_, _
from hall.models import Case, ClockStop, MaterialCheck, SubCase, SupplementRequest
from hall.models.enums import (
    CaseStatus,
    MaterialStatus,
    StopReason,
    SubCaseStatus,
    SupplementStatus,
)
from hall.services.audit import Actor, record
from hall.services.case_clock import end_stop
from hall.services.case_reading import build_detail
from hall.services.case_views import CaseDetail
from hall.services.cases import find_case
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.labels import material_status_name
from hall.services.permissions import Permission, guarded
from hall.services.workdays import WorkdayCalendar

#: The free line of a notice, for what no checklist material covers (kept in the notice
#: as this key; shown translated).
OTHER = N_("其他")
MAX_LINES = 50
MAX_PROBLEM = 500
MAX_NOTE = 1000

#: What a material may have become for a notice to ask for it again.
SUPPLEMENTABLE = frozenset(
    {MaterialStatus.received, MaterialStatus.deferred, MaterialStatus.not_confirmed}
)
_WHY_NOT = {
    MaterialStatus.not_required: N_("是已取消的证明，不得要求提交"),
    MaterialStatus.covered_by_commitment: N_("已由申请人的承诺替代，不得要求提交"),
    MaterialStatus.verified: N_("已核验属实，无需补正"),
    MaterialStatus.pending: N_("尚待数据核验，请先核验"),
    MaterialStatus.verification_requested: N_("正在等待部门核验的答复"),
    MaterialStatus.supplement_requested: N_("已在补正通知中"),
}


def refuse_if_withdrawn(case: Case) -> None:
    """Raise ``Conflict`` for a withdrawn case: nothing more is done on it."""
    if case.status is CaseStatus.withdrawn:
        raise Conflict(_("案件{n}已撤回，不能再办理。").format(n=case.number))


def open_notice(session: Session, case: Case) -> SupplementRequest | None:
    return session.scalar(
        select(SupplementRequest)
        .where(SupplementRequest.case_id == case.id)
        .where(SupplementRequest.status == SupplementStatus.open)
    )


def close_notice(
    session: Session,
    calendar: WorkdayCalendar,
    case: Case,
    notice: SupplementRequest,
    status: SupplementStatus,
    *,
    by: str,
    now: datetime,
    today: date,
) -> tuple[list[ClockStop], list[SubCase], int]:
    """Close ``notice`` as ``status`` today and restart the clocks it stopped.

    Returns the stops ended, their sub-cases (deadlines moved) and the days stopped."""
    stops = list(
        session.scalars(
            select(ClockStop)
            .where(ClockStop.supplement_id == notice.id)
            .where(ClockStop.ended_on.is_(None))
        )
    )
    subs: list[SubCase] = []
    days = 0
    for stop in stops:
        sub = session.get_one(SubCase, stop.sub_case_id)
        days = max(days, end_stop(calendar, stop, sub, case.accepted_on, today))
        subs.append(sub)
    notice.status = status
    notice.closed_at, notice.closed_on, notice.closed_by = now, today, by
    return stops, subs, days


def fulfil_if_complete(
    session: Session,
    calendar: WorkdayCalendar,
    case: Case,
    *,
    by: str,
    now: datetime,
    today: date,
) -> tuple[SupplementRequest, list[ClockStop], list[SubCase], int] | None:
    """Fulfil the case's open notice if every material it lists has arrived (a notice
    with a ``其他`` line waits for the clerk to say so). Returns the notice, the stops
    ended, their sub-cases and the days stopped; ``None`` if the notice stays open."""
    notice = open_notice(session, case)
    if notice is None or OTHER in notice.lines:
        return None
    waiting = session.scalar(
        select(MaterialCheck.id)
        .where(MaterialCheck.case_id == case.id)
        .where(MaterialCheck.name.in_(list(notice.lines)))
        .where(MaterialCheck.status == MaterialStatus.supplement_requested)
        .limit(1)
    )
    if waiting is not None:
        return None
    stops, subs, days = close_notice(
        session, calendar, case, notice, SupplementStatus.fulfilled, by=by, now=now, today=today
    )
    return notice, stops, subs, days


def clean_lines(lines: Mapping[str, str]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for raw_name, raw_problem in lines.items():
        name, problem = str(raw_name).strip(), str(raw_problem or "").strip()
        if not name:
            raise ValidationError(_("补正通知的每一项都要写明材料名称。"), field="lines")
        if name in cleaned:
            raise ValidationError(
                _("补正通知中“{name}”出现了两次，请合并为一项。").format(name=name),
                field="lines",
            )
        if not problem:
            raise ValidationError(
                _("请写明“{name}”需要补正的内容。").format(name=name), field="lines"
            )
        if len(problem) > MAX_PROBLEM:
            raise ValidationError(
                _("“{name}”的补正内容不能超过{n}个字。").format(name=name, n=MAX_PROBLEM),
                field="lines",
            )
        cleaned[name] = problem
    if not cleaned:
        raise ValidationError(_("补正通知至少要列出一项需要补正的材料。"), field="lines")
    if len(cleaned) > MAX_LINES:
        raise ValidationError(_("一份补正通知最多列出{n}项。").format(n=MAX_LINES), field="lines")
    return cleaned


def clean_note(note: str) -> str:
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise ValidationError(_("备注不能超过{n}个字。").format(n=MAX_NOTE), field="note")
    return text


def _concerned(
    lines: Mapping[str, str], materials: Mapping[str, MaterialCheck], open_subs: Sequence[SubCase]
) -> list[SubCase]:
    """The sub-cases under review whose clocks the notice stops; raises
    ``ValidationError`` naming every line that may not be asked for."""
    unknown = [n for n in lines if n != OTHER and n not in materials]
    if unknown:
        raise ValidationError(
            _(
                "材料清单中没有：{names}。清单以外的材料不得要求提交；"
                "其他需要补正的内容请写在“{other}”一项中。"
            ).format(names=_("、").join(unknown), other=OTHER),
            field="lines",
        )
    problems: list[str] = []
    concerned: set[uuid.UUID] = set()
    for name in lines:
        if name == OTHER:
            concerned.update(s.id for s in open_subs)
            continue
        material = materials[name]
        if material.status not in SUPPLEMENTABLE:
            why = _WHY_NOT.get(material.status)
            problems.append(
                _("“{name}”{why}").format(name=name, why=_(why))
                if why
                else _("“{name}”的状态是“{status}”").format(
                    name=name, status=material_status_name(material.status)
                )
            )
            continue
        its = [s.id for s in open_subs if s.item_code in material.item_codes]
        if not its:
            problems.append(_("“{name}”所属的事项都已办结，不能要求补正").format(name=name))
        concerned.update(its)
    if problems:
        raise ValidationError(
            _("以下材料不能要求补正：{problems}。").format(problems=_("；").join(problems)),
            field="lines",
        )
    return [s for s in open_subs if s.id in concerned]


@guarded(Permission.accept_case)
def request_supplement(
    ctx: AppContext,
    actor: Actor,
    case: str | uuid.UUID,
    lines: Mapping[str, str],
    note: str = "",
) -> tuple[CaseDetail, Changes]:
    """Give the applicant one notice listing everything to supplement (一次性告知补正).

    ``lines`` maps each material (by its checklist name, or ``其他``) to what is missing
    or wrong, in the notice's order. The listed materials become "supplement requested"
    and the clocks of the sub-cases they concern stop from today (rules in the module's
    docstring). Returns the case, whose ``open_supplement`` is the new notice. Raises
    ``NotFound`` for an unknown case, ``ValidationError`` for a line that may not be
    asked for (naming every one), ``Conflict`` when the case is withdrawn, already has an
    open notice, or has nothing under review; nothing is written then.
    """
    wanted = clean_lines(lines)
    text = clean_note(note)
    ctx.calendar()  # loaded before the transaction: the case read back needs it
    with ctx.uow() as session:
        row = find_case(session, case, for_update=True)
        give_notice(session, ctx, actor, row, wanted, text)
        view = build_detail(session, ctx, actor, row)
    return view, Changes(cases=True)


def give_notice(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    row: Case,
    wanted: Mapping[str, str],
    text: str,
    *,
    only: SubCase | None = None,
) -> SupplementRequest:
    """Give the notice ``wanted`` on ``row`` inside the caller's transaction (rows,
    clock stops, audit). ``only``: a department's reviewer asks for their own item, whose
    clock alone stops (the ``其他`` line included); the other departments' reviews go on.
    Raises as :func:`request_supplement` does."""
    now, today = ctx.clock.now(), local_today(ctx.clock)
    refuse_if_withdrawn(row)
    existing = open_notice(session, row)
    if existing is not None:
        raise Conflict(
            _(
                "案件{n}已于{day}发出补正通知，尚未补正。补正须一次性告知，不能再发第二份通知。"
            ).format(n=row.number, day=existing.requested_on)
        )
    subs = list(
        session.scalars(select(SubCase).where(SubCase.case_id == row.id).order_by(SubCase.position))
    )
    open_subs = [s for s in subs if s.status is SubCaseStatus.under_review]
    if only is not None:
        open_subs = [s for s in open_subs if s.id == only.id]
    if not open_subs:
        raise Conflict(_("案件{n}没有审查中的事项，不能通知补正。").format(n=row.number))
    materials = {
        m.name: m
        for m in session.scalars(select(MaterialCheck).where(MaterialCheck.case_id == row.id))
    }
    stopped = _concerned(wanted, materials, open_subs)
    notice = SupplementRequest(
        case_id=row.id,
        requested_at=now,
        requested_on=today,
        requested_by=actor.username,
        lines=dict(wanted),
        note=text,
        status=SupplementStatus.open,
        department_code=only.department_code if only is not None else None,
    )
    session.add(notice)
    session.flush()
    listed = [materials[n] for n in wanted if n != OTHER]
    before = {m.name: m.status for m in listed}
    for m in listed:
        m.status, m.updated_at = MaterialStatus.supplement_requested, now
    stops = [
        ClockStop(
            sub_case_id=s.id,
            reason=StopReason.supplement,
            supplement_id=notice.id,
            started_on=today,
            note="",
        )
        for s in stopped
    ]
    session.add_all(stops)
    record(
        session,
        ctx.clock,
        actor,
        "supplement.request",
        "supplement_request",
        notice.id,
        before={"materials": before},
        after={
            "case": row.number,
            "lines": dict(wanted),
            "note": text,
            "items": [s.item_code for s in stopped],
            "requested_on": today,
            "department": notice.department_code,
        },
        rows=[notice, *listed, *stops],
    )
    return notice


@guarded(Permission.accept_case)
def fulfil_supplement(
    ctx: AppContext, actor: Actor, case: str | uuid.UUID
) -> tuple[CaseDetail, Changes]:
    """Record that everything the case's open notice lists has arrived.

    The listed materials still awaited become received, the notice is fulfilled today,
    each clock it stopped restarts and the deadlines move by the working days it stood
    still (0 when fulfilled the day it was given). Returns the case (the notice is the
    last of its ``supplements``). Raises ``NotFound`` for an unknown case, ``Conflict``
    when the case is withdrawn or has no open notice.
    """
    now, today, calendar = ctx.clock.now(), local_today(ctx.clock), ctx.calendar()
    with ctx.uow() as session:
        row = find_case(session, case, for_update=True)
        refuse_if_withdrawn(row)
        notice = open_notice(session, row)
        if notice is None:
            raise Conflict(_("案件{n}没有等待补正的通知。").format(n=row.number))
        awaited = list(
            session.scalars(
                select(MaterialCheck)
                .where(MaterialCheck.case_id == row.id)
                .where(MaterialCheck.name.in_(list(notice.lines)))
                .where(MaterialCheck.status == MaterialStatus.supplement_requested)
                .order_by(MaterialCheck.position)
            )
        )
        for m in awaited:
            m.status, m.updated_at = MaterialStatus.received, now
        stops, subs, days = close_notice(
            session, calendar, row, notice, SupplementStatus.fulfilled,
            by=actor.username, now=now, today=today,
        )  # fmt: skip
        record(
            session,
            ctx.clock,
            actor,
            "supplement.fulfil",
            "supplement_request",
            notice.id,
            before={"materials": {m.name: MaterialStatus.supplement_requested for m in awaited}},
            after={
                "case": row.number,
                "received": [m.name for m in awaited],
                "days_stopped": days,
                "deadlines": deadlines_payload(subs),
            },
            rows=[notice, *awaited, *subs, *stops],
        )
        view = build_detail(session, ctx, actor, row)
    return view, Changes(cases=True)


def deadlines_payload(subs: Sequence[SubCase]) -> dict[str, Any]:
    """The moved deadlines, for an audit entry."""
    return {
        s.item_code: {
            "statutory_deadline": s.statutory_deadline,
            "promised_deadline": s.promised_deadline,
            "stopped_days": s.stopped_days,
            "provisional": s.deadline_provisional,
        }
        for s in subs
    }
