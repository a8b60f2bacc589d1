"""Materials that come after acceptance: one brought on paper later (补交), a data
check's result (数据核验), a department's answer to a verification request (部门核验).

Each is one audited transaction and returns the case as it now is and
``Changes(cases=True)``. A withdrawn case takes none of them, except a department's
answer to a request it was already sent (the answer is a fact, and closes the request).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import Conflict, NotFound, ValidationError
from hall.core.i18n import _
from hall.models import (
    Case,
    MaterialCheck,
    VerificationRequest,
)
from hall.models.enums import (
    MaterialStatus,
    ProofMode,
    RequestStatus,
)
from hall.services.audit import Actor, record
from hall.services.case_reading import build_detail
from hall.services.case_supplements import (
    deadlines_payload,
    fulfil_if_complete,
    refuse_if_withdrawn,
)
from hall.services.case_views import CaseDetail
from hall.services.cases import find_case
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.intake_materials import ALLOWED_MATERIAL_STATUS
from hall.services.labels import material_status_name, proof_name
from hall.services.permissions import Permission, guarded

MAX_NOTE = 500
MAX_ANSWER = 1000

#: What a material may be when it arrives on paper later (补交).
RECEIVABLE = frozenset(
    {
        MaterialStatus.deferred,
        MaterialStatus.supplement_requested,
        MaterialStatus.not_confirmed,
        MaterialStatus.pending,
    }
)


def _clean(text: str, limit: int, field: str) -> str:
    cleaned = (text or "").strip()
    if len(cleaned) > limit:
        raise ValidationError(_("内容不能超过{n}个字。").format(n=limit), field=field)
    return cleaned


def _material(session: Session, case: Case, name: str) -> MaterialCheck:
    wanted = name.strip()
    row = session.scalar(
        select(MaterialCheck)
        .where(MaterialCheck.case_id == case.id)
        .where(MaterialCheck.name == wanted)
        .with_for_update()
    )
    if row is None:
        raise NotFound(_("案件{n}的材料清单中没有“{name}”。").format(n=case.number, name=wanted))
    return row


@guarded(Permission.accept_case)
def receive_material(
    ctx: AppContext,
    actor: Actor,
    case: str | uuid.UUID,
    material_name: str,
    note: str = "",
) -> tuple[CaseDetail, Changes]:
    """A material arrives on paper after acceptance (补交): one accepted with a gap
    (容缺), one asked for in a supplement notice, one a data check or department could
    not confirm, or one whose data check was not made. It becomes received (``note``,
    if given, replaces its note). When it was the last material an open supplement
    notice waited for, the notice is fulfilled and the clocks restart.

    Raises ``NotFound`` for an unknown case or material, ``Conflict`` when the case is
    withdrawn or the material is not awaited (already received, verified, covered by a
    commitment, not required, or waiting for a department's answer).
    """
    text = _clean(note, MAX_NOTE, "note")
    now, today, calendar = ctx.clock.now(), local_today(ctx.clock), ctx.calendar()
    with ctx.uow() as session:
        row = find_case(session, case, for_update=True)
        refuse_if_withdrawn(row)
        m = _material(session, row, material_name)
        if m.status is MaterialStatus.verification_requested:
            raise Conflict(
                _("“{name}”正在等待部门核验的答复，请先登记部门的答复。").format(name=m.name)
            )
        if (
            m.status not in RECEIVABLE
            or MaterialStatus.received not in ALLOWED_MATERIAL_STATUS[m.proof_mode]
        ):
            raise Conflict(
                _("“{name}”的状态是“{status}”，无需补交。").format(
                    name=m.name, status=material_status_name(m.status)
                )
            )
        was = m.status
        before = {"status": was, "note": m.note}
        m.status, m.updated_at = MaterialStatus.received, now
        if text:
            m.note = text
        session.flush()
        done = None
        if was is MaterialStatus.supplement_requested:
            done = fulfil_if_complete(
                session, calendar, row, by=actor.username, now=now, today=today
            )
        after = {
            "case": row.number,
            "material": m.name,
            "status": m.status,
            "note": m.note,
            "supplement_fulfilled": done is not None,
        }
        rows: list[object] = [m]
        if done is not None:
            notice, stops, subs, days = done
            after |= {"days_stopped": days, "deadlines": deadlines_payload(subs)}
            rows += [notice, *subs, *stops]
        record(
            session, ctx.clock, actor, "material.receive", "material_check", m.id,
            before=before, after=after, rows=rows,
        )  # fmt: skip
        view = build_detail(session, ctx, actor, row)
    return view, Changes(cases=True)


@guarded(Permission.accept_case)
def record_data_check(
    ctx: AppContext,
    actor: Actor,
    case: str | uuid.UUID,
    material_name: str,
    confirmed: bool,
    note: str = "",
) -> tuple[CaseDetail, Changes]:
    """Record what the data platform answered for a data-verification material (数据核验).

    Confirmed, it becomes verified; not confirmed, it must come on paper
    (:func:`receive_material`). A material not yet checked may be checked, and one not
    confirmed may be checked again (a check made offline is re-run after sync).
    ``note`` keeps what the platform said. Raises ``NotFound`` for an unknown case or
    material, ``Conflict`` when the case is withdrawn, the material is not handled by
    data verification, or it is neither waiting for a check nor unconfirmed.
    """
    text = _clean(note, MAX_NOTE, "note")
    now = ctx.clock.now()
    ctx.calendar()  # loaded before the transaction: the case read back needs it
    with ctx.uow() as session:
        row = find_case(session, case, for_update=True)
        refuse_if_withdrawn(row)
        m = _material(session, row, material_name)
        if m.proof_mode is not ProofMode.data_verification:
            raise Conflict(
                _("“{name}”的办理方式是{mode}，不是数据核验。").format(
                    name=m.name, mode=proof_name(m.proof_mode)
                )
            )
        if m.status not in (MaterialStatus.pending, MaterialStatus.not_confirmed):
            raise Conflict(
                _("“{name}”的状态是“{status}”，不需要核验。").format(
                    name=m.name, status=material_status_name(m.status)
                )
            )
        before = {"status": m.status, "note": m.note}
        m.status = MaterialStatus.verified if confirmed else MaterialStatus.not_confirmed
        m.updated_at = now
        if text:
            m.note = text
        record(
            session,
            ctx.clock,
            actor,
            "material.data_check",
            "material_check",
            m.id,
            before=before,
            after={"case": row.number, "material": m.name, "status": m.status, "note": m.note},
            rows=[m],
        )
        view = build_detail(session, ctx, actor, row)
    return view, Changes(cases=True)


@guarded(Permission.accept_case)
def answer_verification_request(
    ctx: AppContext,
    actor: Actor,
    request_id: str | uuid.UUID,
    confirmed: bool,
    answer: str,
) -> tuple[CaseDetail, Changes]:
    """Record a department's answer to a verification request (部门核验), as the
    department told the hall. Confirmed, the material becomes verified; denied, it is
    not confirmed and must come on paper. ``answer`` says what the department answered
    (required when it denies). Allowed on a withdrawn case too: the request was sent.

    Raises ``NotFound`` for an unknown request, ``ValidationError`` for a denial without
    an answer, ``Conflict`` when the request was already answered.
    """
    text = _clean(answer, MAX_ANSWER, "answer")
    if not confirmed and not text:
        raise ValidationError(_("部门答复不属实时，请写明部门答复的内容。"), field="answer")
    try:
        rid = request_id if isinstance(request_id, uuid.UUID) else uuid.UUID(str(request_id))
    except ValueError:
        rid = None
    now = ctx.clock.now()
    ctx.calendar()  # loaded before the transaction: the case read back needs it
    with ctx.uow() as session:
        req = (
            session.get(VerificationRequest, rid, with_for_update=True) if rid is not None else None
        )
        if req is None:
            raise NotFound(_("没有这条部门核验请求。"))
        row = session.get_one(Case, req.case_id)
        m = session.get_one(MaterialCheck, req.material_id)
        if req.status is not RequestStatus.pending:
            answered = req.answered_at.astimezone(ctx.clock.zone).date() if req.answered_at else ""
            raise Conflict(
                _("“{name}”的部门核验已于{day}登记了答复，不能再次登记。").format(
                    name=m.name, day=answered
                )
            )
        before = {"status": req.status, "material_status": m.status}
        req.status = RequestStatus.confirmed if confirmed else RequestStatus.denied
        req.answered_at, req.answered_by, req.answer = now, actor.username, text
        if m.status is MaterialStatus.verification_requested:
            m.status = MaterialStatus.verified if confirmed else MaterialStatus.not_confirmed
            m.updated_at = now
            if text:
                m.note = text
        record(
            session,
            ctx.clock,
            actor,
            "verification_request.answer",
            "verification_request",
            req.id,
            before=before,
            after={
                "case": row.number,
                "material": m.name,
                "department": req.department,
                "status": req.status,
                "answer": text,
                "material_status": m.status,
            },
            rows=[req, m],
        )
        view = build_detail(session, ctx, actor, row)
    return view, Changes(cases=True)
