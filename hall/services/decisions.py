"""What a department's reviewer does with a sub-case in the inbox.

* **Claim and release.** A reviewer claims a sub-case before working on it; while it is
  held, no other reviewer may claim or decide it. Deciding an unclaimed sub-case claims
  it in the same transaction, so two reviewers never decide the same one: the second
  is told who holds it, or that it was decided. The holder releases it; a supervisor may
  release one left held by someone who is away.
* **Approve** (准予许可): the license is issued at once, numbered by the item and this
  installation, valid for the catalog's years, with its signed code. Not while the
  applicant owes a supplement or a material of the item is still awaited or being
  verified: the decision rests on the materials.
* **Reject** (不予许可): with the reason and the legal basis (the item's, unless the
  reviewer names another); the decision notice (不予许可决定书) tells the applicant
  both and their right to review or sue (行政许可法 art. 38).
* **Ask for a supplement** (补正): the notice of :mod:`hall.services.case_supplements`,
  given for this item only: its clock alone stops until the counter records the
  materials; the other departments' reviews go on.
* **On-site inspection** (现场核查, art. 45): the clock stops from today for the special
  procedure and restarts when the reviewer records it done (or decides).

A decided sub-case cannot be decided again. When the last sub-case of a case is
decided, the case is closed (办结) and waits at the counter for pickup. Every action is
one transaction with its audit entry; deadlines are counted as
:mod:`hall.services.case_clock` says.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import Conflict, NotFound, ValidationError
from hall.core.i18n import _
from hall.models import Case, ClockStop, MaterialCheck, SubCase, SubCaseEvent, User
from hall.models.enums import (
    CaseStatus,
    MaterialStatus,
    StopReason,
    SubCaseStatus,
    SupplementStatus,
)
from hall.services.audit import Actor, record
from hall.services.case_clock import end_stop
from hall.services.case_supplements import (
    OTHER,
    clean_lines,
    clean_note,
    close_notice,
    give_notice,
    open_notice,
    refuse_if_withdrawn,
)
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.inbox import ReviewDetail, parse_sub_case_id, read_review, sub_case_department
from hall.services.labels import material_status_name, sub_case_status_name
from hall.services.licenses import approve_sub_case
from hall.services.permissions import Permission, can, guarded, require

MAX_REASON = 500
#: A material of the item in one of these states holds its approval back. (One asked
#: for again by another department's supplement does not: the notice stops only the
#: clocks of the items it concerns, and this one's stands checked.)
_AWAITED = frozenset(
    {
        MaterialStatus.deferred,
        MaterialStatus.not_confirmed,
        MaterialStatus.pending,
        MaterialStatus.verification_requested,
    }
)


class Decision(StrEnum):
    """What ``hall inbox decide`` can do."""

    approve = "approve"
    reject = "reject"
    supplement = "supplement"
    inspection = "inspection"


def _department(ctx: AppContext, _actor: Actor, sub_id: uuid.UUID | str, *_a: object,
                **_k: object) -> str | None:  # fmt: skip
    return sub_case_department(ctx, sub_id)


def _text(value: str, what: str, *, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(_("请填写{what}。").format(what=what), field="reason")
    if len(text) > MAX_REASON:
        raise ValidationError(
            _("{what}不能超过{n}个字。").format(what=what, n=MAX_REASON), field="reason"
        )
    return text


def _names(session: Session, username: str) -> str:
    return session.scalar(select(User.display_name).where(User.username == username)) or username


def _load(session: Session, sub_id: uuid.UUID) -> tuple[SubCase, Case]:
    """The sub-case and its case, both locked (the case first, as every action on a case
    takes it): parallel decisions on one case follow each other, so the last one sees
    the others and closes the case."""
    case_id = session.scalar(select(SubCase.case_id).where(SubCase.id == sub_id))
    if case_id is None:
        raise NotFound(_("没有这个事项（可能已被删除，或编号有误）。"))
    case = session.scalars(select(Case).where(Case.id == case_id).with_for_update()).one()
    sub = session.scalars(select(SubCase).where(SubCase.id == sub_id).with_for_update()).one()
    return sub, case


def _refuse_decided(session: Session, sub: SubCase, case: Case) -> None:
    refuse_if_withdrawn(case)
    if sub.status is SubCaseStatus.under_review:
        return
    if sub.decided_by:
        raise Conflict(
            _("“{name}”已由{who}作出决定（{status}），不能再次决定。").format(
                name=sub.item_name,
                who=_names(session, sub.decided_by),
                status=sub_case_status_name(sub.status),
            )
        )
    raise Conflict(
        _("“{name}”的状态是“{status}”，不在审查中，不能决定。").format(
            name=sub.item_name, status=sub_case_status_name(sub.status)
        )
    )


def _take(session: Session, actor: Actor, sub: SubCase, case: Case, now: datetime) -> bool:
    """Make sure ``actor`` holds ``sub`` (claiming it if nobody does). True if it was
    claimed just now. Raises ``Conflict`` when another reviewer holds it."""
    _refuse_decided(session, sub, case)
    if sub.claimed_by == actor.username:
        return False
    if sub.claimed_by is not None:
        raise Conflict(
            _(
                "“{name}”已由{who}认领办理，您不能同时办理。如需接手，请对方释放或请值班长释放。"
            ).format(name=sub.item_name, who=_names(session, sub.claimed_by))
        )
    sub.claimed_by, sub.claimed_at = actor.username, now
    return True


def _record_claim(
    ctx: AppContext, session: Session, actor: Actor, sub: SubCase, case: Case
) -> None:
    record(
        session, ctx.clock, actor, "sub_case.claim", "sub_case", sub.id,
        after={"case": case.number, "item": sub.item_code}, rows=[sub],
    )  # fmt: skip


def _event(sub: SubCase, actor: Actor, now: datetime, to: SubCaseStatus, note: str) -> SubCaseEvent:
    return SubCaseEvent(
        sub_case_id=sub.id, at=now, by=actor.username, from_status=sub.status, to_status=to,
        note=note,
    )  # fmt: skip


def _open_stops(
    session: Session, sub: SubCase, reason: StopReason | None = None
) -> list[ClockStop]:
    stmt = select(ClockStop).where(ClockStop.sub_case_id == sub.id, ClockStop.ended_on.is_(None))
    if reason is not None:
        stmt = stmt.where(ClockStop.reason == reason)
    return list(session.scalars(stmt))


def _close_if_done(session: Session, case: Case) -> bool:
    """Close the case (办结) once none of its sub-cases is under review."""
    waiting = session.scalar(
        select(SubCase.id)
        .where(SubCase.case_id == case.id, SubCase.status == SubCaseStatus.under_review)
        .limit(1)
    )
    if waiting is None and case.status is CaseStatus.accepted:
        case.status = CaseStatus.closed
        return True
    return False


def _end_special(
    ctx: AppContext, session: Session, sub: SubCase, case: Case, today: date
) -> list[ClockStop]:
    stops = _open_stops(session, sub, StopReason.special_procedure)
    calendar = ctx.calendar()
    for stop in stops:
        end_stop(calendar, stop, sub, case.accepted_on, today)
    return stops


def _result(ctx: AppContext, actor: Actor, session: Session, sub: SubCase) -> ReviewDetail:
    return read_review(session, ctx, actor, sub.id)


@guarded(Permission.decide_sub_case, department=_department)
def claim(ctx: AppContext, actor: Actor, sub_id: uuid.UUID | str) -> tuple[ReviewDetail, Changes]:
    """Claim a sub-case of the reviewer's department, so no one else works on it.
    Raises ``Conflict`` when another reviewer holds it or it is decided."""
    key = parse_sub_case_id(sub_id)
    now = ctx.clock.now()
    ctx.calendar()
    with ctx.uow(write=True) as session:
        sub, case = _load(session, key)
        if _take(session, actor, sub, case, now):
            _record_claim(ctx, session, actor, sub, case)
        view = _result(ctx, actor, session, sub)
    return view, Changes(cases=True)


def release(ctx: AppContext, actor: Actor, sub_id: uuid.UUID | str) -> tuple[ReviewDetail, Changes]:
    """Give a claimed sub-case back to the inbox: by its holder, or by a supervisor for
    someone else's. Raises ``Conflict`` when nobody holds it, ``PermissionDenied`` for
    another reviewer's claim."""
    key = parse_sub_case_id(sub_id)
    department = sub_case_department(ctx, key)
    if department is None:
        raise NotFound(_("没有这个事项（可能已被删除，或编号有误）。"))
    ctx.calendar()
    with ctx.uow(write=True) as session:
        sub, case = _load(session, key)
        holder = sub.claimed_by
    if holder == actor.username:
        require(ctx, actor, Permission.decide_sub_case, department=department,
                action="decisions.release")  # fmt: skip
    else:
        require(ctx, actor, Permission.release_claims, action="decisions.release")
    with ctx.uow(write=True) as session:
        sub, case = _load(session, key)
        if sub.claimed_by is None or sub.status is not SubCaseStatus.under_review:
            raise Conflict(_("“{name}”目前没有人认领。").format(name=sub.item_name))
        before = {"claimed_by": sub.claimed_by}
        sub.claimed_by, sub.claimed_at = None, None
        record(
            session, ctx.clock, actor, "sub_case.release", "sub_case", sub.id,
            before=before, after={"case": case.number, "item": sub.item_code}, rows=[sub],
        )  # fmt: skip
        view = _result(ctx, actor, session, sub)
    return view, Changes(cases=True)


def _awaited_materials(session: Session, sub: SubCase, case: Case) -> list[str]:
    rows = session.scalars(
        select(MaterialCheck)
        .where(MaterialCheck.case_id == case.id)
        .where(MaterialCheck.status.in_(list(_AWAITED)))
        .order_by(MaterialCheck.position)
    )
    return [
        _("{name}（{status}）").format(name=m.name, status=material_status_name(m.status))
        for m in rows
        if sub.item_code in m.item_codes
    ]


@guarded(Permission.decide_sub_case, department=_department)
def approve(
    ctx: AppContext, actor: Actor, sub_id: uuid.UUID | str, note: str = ""
) -> tuple[ReviewDetail, Changes]:
    """Approve (准予许可) and issue the license. Returns the sub-case as decided (its
    license among the case's). Raises ``Conflict`` when it is decided, held by another
    reviewer, waiting for the applicant's supplement or for a material of the item."""
    key = parse_sub_case_id(sub_id)
    text = _text(note, _("审查意见"), required=False)
    now, today = ctx.clock.now(), local_today(ctx.clock)
    catalog = ctx.catalog()
    with ctx.uow(write=True) as session:
        sub, case = _load(session, key)
        claimed = _take(session, actor, sub, case, now)
        if _open_stops(session, sub, StopReason.supplement):
            raise Conflict(
                _("“{name}”正在等待申请人补正材料，补正到齐前不能准予许可。").format(
                    name=sub.item_name
                )
            )
        awaited = _awaited_materials(session, sub, case)
        if awaited:
            raise Conflict(
                _("“{name}”还有材料未到齐或未核验：{materials}。材料齐全后才能准予许可。").format(
                    name=sub.item_name, materials=_("、").join(awaited)
                )
            )
        stops = _end_special(ctx, session, sub, case, today)
        item = catalog.item(sub.item_code)
        issued, event = approve_sub_case(session, ctx, actor, sub, item, text)
        closed = _close_if_done(session, case)
        record(
            session, ctx.clock, actor, "sub_case.approve", "sub_case", sub.id,
            before={"status": SubCaseStatus.under_review},
            after={"case": case.number, "item": sub.item_code, "note": text,
                   "license": issued.number if issued else None, "claimed": claimed,
                   "case_closed": closed},
            rows=[*([case] if closed else []), sub, event, *stops,
                  *([issued] if issued else [])],
        )  # fmt: skip
        view = _result(ctx, actor, session, sub)
    return view, Changes(cases=True)


@guarded(Permission.decide_sub_case, department=_department)
def reject(
    ctx: AppContext, actor: Actor, sub_id: uuid.UUID | str, reason: str, basis: str = ""
) -> tuple[ReviewDetail, Changes]:
    """Refuse the permit (不予许可) with ``reason`` and the legal ``basis`` (the item's
    own by default). Open clock stops end today; a supplement notice that stopped only
    this item is cancelled. Raises ``ValidationError`` without a reason, ``Conflict``
    when it is decided or held by another reviewer."""
    key = parse_sub_case_id(sub_id)
    why = _text(reason, _("不予许可的理由"), required=True)
    law = _text(basis, _("法律依据"), required=False)
    now, today = ctx.clock.now(), local_today(ctx.clock)
    catalog, calendar = ctx.catalog(), ctx.calendar()
    with ctx.uow(write=True) as session:
        sub, case = _load(session, key)
        claimed = _take(session, actor, sub, case, now)
        item = catalog.items.get(sub.item_code)
        law = law or (item.legal_basis if item is not None else "")
        stops = _open_stops(session, sub)
        for stop in stops:
            end_stop(calendar, stop, sub, case.accepted_on, today)
        cancelled: list[object] = []
        notice = open_notice(session, case)
        if notice is not None and not _notice_still_stops(session, notice.id):
            close_notice(
                session, calendar, case, notice, SupplementStatus.cancelled,
                by=actor.username, now=now, today=today,
            )  # fmt: skip
            cancelled.append(notice)
        event = _event(sub, actor, now, SubCaseStatus.rejected, why)
        sub.status, sub.decided_at, sub.decided_by = SubCaseStatus.rejected, now, actor.username
        sub.decision_reason, sub.decision_basis = why, law
        session.add(event)
        closed = _close_if_done(session, case)
        record(
            session, ctx.clock, actor, "sub_case.reject", "sub_case", sub.id,
            before={"status": SubCaseStatus.under_review},
            after={"case": case.number, "item": sub.item_code, "reason": why, "basis": law,
                   "claimed": claimed, "case_closed": closed,
                   "supplement_cancelled": bool(cancelled)},
            rows=[*([case] if closed else []), sub, event, *stops, *cancelled],
        )  # fmt: skip
        view = _result(ctx, actor, session, sub)
    return view, Changes(cases=True)


def _notice_still_stops(session: Session, notice_id: uuid.UUID) -> bool:
    return (
        session.scalar(
            select(ClockStop.id)
            .where(ClockStop.supplement_id == notice_id, ClockStop.ended_on.is_(None))
            .limit(1)
        )
        is not None
    )


@guarded(Permission.decide_sub_case, department=_department)
def ask_supplement(
    ctx: AppContext,
    actor: Actor,
    sub_id: uuid.UUID | str,
    lines: Mapping[str, str],
    note: str = "",
) -> tuple[ReviewDetail, Changes]:
    """Ask the applicant, through the counter, for what the item's review needs (补正):
    ``lines`` maps each of the item's materials (or ``其他``) to what is missing or
    wrong. The counter sees the notice among the case's pending work; this item's clock
    stops until the materials arrive. Raises ``ValidationError`` for a line that is not
    one of the item's materials or may not be asked for, ``Conflict`` when the case
    already waits for a supplement, or the sub-case is decided or held by another."""
    key = parse_sub_case_id(sub_id)
    wanted = clean_lines(lines)
    text = clean_note(note)
    now = ctx.clock.now()
    ctx.calendar()
    with ctx.uow(write=True) as session:
        sub, case = _load(session, key)
        claimed = _take(session, actor, sub, case, now)
        own = {
            m.name
            for m in session.scalars(select(MaterialCheck).where(MaterialCheck.case_id == case.id))
            if sub.item_code in m.item_codes
        }
        foreign = [name for name in wanted if name != OTHER and name not in own]
        if foreign:
            raise ValidationError(
                _("“{names}”不是“{item}”所需的材料，不能由本部门要求补正。").format(
                    names=_("、").join(foreign), item=sub.item_name
                ),
                field="lines",
            )
        give_notice(session, ctx, actor, case, wanted, text, only=sub)
        if claimed:
            _record_claim(ctx, session, actor, sub, case)
        view = _result(ctx, actor, session, sub)
    return view, Changes(cases=True)


@guarded(Permission.decide_sub_case, department=_department)
def start_inspection(
    ctx: AppContext, actor: Actor, sub_id: uuid.UUID | str, note: str
) -> tuple[ReviewDetail, Changes]:
    """Order an on-site inspection (现场核查, art. 45): the item's clock stops from
    today. ``note`` says what is to be inspected. Raises ``ValidationError`` without a
    note, ``Conflict`` when one is already under way or the sub-case is decided or held
    by another reviewer."""
    key = parse_sub_case_id(sub_id)
    text = _text(note, _("核查内容"), required=True)
    now, today = ctx.clock.now(), local_today(ctx.clock)
    ctx.calendar()
    with ctx.uow(write=True) as session:
        sub, case = _load(session, key)
        claimed = _take(session, actor, sub, case, now)
        if _open_stops(session, sub, StopReason.special_procedure):
            raise Conflict(_("“{name}”的现场核查尚未结束。").format(name=sub.item_name))
        stop = ClockStop(
            sub_case_id=sub.id, reason=StopReason.special_procedure, started_on=today, note=text
        )
        session.add(stop)
        record(
            session, ctx.clock, actor, "sub_case.inspection_start", "sub_case", sub.id,
            after={"case": case.number, "item": sub.item_code, "note": text, "since": today,
                   "claimed": claimed},
            rows=[sub, stop] if claimed else [stop],
        )  # fmt: skip
        view = _result(ctx, actor, session, sub)
    return view, Changes(cases=True)


@guarded(Permission.decide_sub_case, department=_department)
def end_inspection(
    ctx: AppContext, actor: Actor, sub_id: uuid.UUID | str, note: str = ""
) -> tuple[ReviewDetail, Changes]:
    """Record the on-site inspection done (``note``: what was found): the clock restarts
    and the deadlines move by the working days it stood still. Raises ``Conflict`` when
    no inspection is under way."""
    key = parse_sub_case_id(sub_id)
    text = _text(note, _("核查结果"), required=False)
    now, today = ctx.clock.now(), local_today(ctx.clock)
    with ctx.uow(write=True) as session:
        sub, case = _load(session, key)
        claimed = _take(session, actor, sub, case, now)
        stops = _end_special(ctx, session, sub, case, today)
        if not stops:
            raise Conflict(_("“{name}”没有进行中的现场核查。").format(name=sub.item_name))
        for stop in stops:
            stop.note = "\n".join(v for v in (stop.note, text) if v)
        record(
            session, ctx.clock, actor, "sub_case.inspection_end", "sub_case", sub.id,
            after={"case": case.number, "item": sub.item_code, "note": text,
                   "days_stopped": sum(s.working_days or 0 for s in stops), "claimed": claimed,
                   "statutory_deadline": sub.statutory_deadline,
                   "promised_deadline": sub.promised_deadline},
            rows=[sub, *stops],
        )  # fmt: skip
        view = _result(ctx, actor, session, sub)
    return view, Changes(cases=True)


def decide(
    ctx: AppContext,
    actor: Actor,
    sub_id: uuid.UUID | str,
    decision: Decision,
    reason: str = "",
) -> tuple[ReviewDetail, Changes]:
    """One decision by name, as ``hall inbox decide`` gives it: a reason is required to
    reject, to ask for a supplement (the ``其他`` line of the notice) and to order an
    inspection (what is inspected)."""
    if decision is Decision.approve:
        return approve(ctx, actor, sub_id, reason)
    if decision is Decision.reject:
        return reject(ctx, actor, sub_id, reason)
    if decision is Decision.supplement:
        text = _text(reason, _("需要补正的内容"), required=True)
        return ask_supplement(ctx, actor, sub_id, {OTHER: text})
    return start_inspection(ctx, actor, sub_id, reason)


def may_decide(actor: Actor, department: str) -> bool:
    """Whether ``actor``'s role lets them decide for ``department`` (for the GUI)."""
    return can(actor, Permission.decide_sub_case, department=department)
