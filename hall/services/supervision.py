"""Post-event verification (事中事后监管): "credit before the commitment, supervision
after it". A commitment decided on the spot leaves a verification task due within the
item's window (made at acceptance, :mod:`hall.services.intake`). The supervisor lists
the tasks by due date with the working days left, assigns an inspector, and records
each outcome (the rules are :mod:`hall.services.supervision_outcomes`): conditions met,
rectify by a date (a follow-up task), or a false commitment (the license revoked, a
credit record written, a revocation notice to print).

Several tasks of one applicant can be settled in one visit, a combined inspection
(综合查一次): planned for a day with an inspector, its outcomes recorded together in
one transaction, all or nothing.

Every function needs ``Permission.record_verification``; every change is one
transaction with its audit entries.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import Conflict, NotFound, ValidationError
from hall.core.i18n import _
from hall.models import Applicant, Inspection, User, VerificationTask
from hall.models.enums import Role, VerificationStatus
from hall.services.audit import Actor, record
from hall.services.case_reading import user_names
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.documents import DocumentRef, PrintKind, kind_title
from hall.services.identifiers import parse_applicant_code
from hall.services.masking import shown_code
from hall.services.permissions import Permission, guarded
from hall.services.supervision_outcomes import (
    MAX_NOTE,
    Loaded,
    Settled,
    clean_outcome,
    load_tasks,
    refuse_closed,
    settle,
)
from hall.services.supervision_views import (
    InspectionView,
    Outcome,
    OutcomeView,
    TaskView,
    read_tasks,
)

__all__ = [
    "InspectionView",
    "Outcome",
    "OutcomeView",
    "TaskView",
    "assign_inspector",
    "inspections",
    "plan_inspection",
    "record_inspection",
    "record_outcome",
    "verification_tasks",
]


def _applicant_filter(ctx: AppContext, code: str | None) -> list[ColumnElement[bool]]:
    if code is None or not code.strip():
        return []
    parsed = parse_applicant_code(code, today=local_today(ctx.clock))
    return [Applicant.code == parsed.code]


@guarded(Permission.record_verification)
def verification_tasks(
    ctx: AppContext,
    actor: Actor,
    *,
    include_closed: bool = False,
    applicant_code: str | None = None,
) -> tuple[TaskView, ...]:
    """The verification tasks, the earliest due first: the open ones (every one with
    ``include_closed``), of one applicant if ``applicant_code`` is given. Raises
    ``ValidationError`` for a code that is neither a credit code nor an ID number."""
    where = _applicant_filter(ctx, applicant_code)
    if not include_closed:
        where.append(VerificationTask.status == VerificationStatus.open)
    calendar, today = ctx.calendar(), local_today(ctx.clock)
    with ctx.uow() as session:
        return tuple(read_tasks(session, actor, calendar, today, *where))


def _ids(task_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    ids = list(dict.fromkeys(task_ids))
    if not ids:
        raise ValidationError(_("请选择核查任务。"), field="tasks")
    return ids


def _inspector(session: Session, inspector: str) -> str:
    """The username of an active account, or ``ValidationError``."""
    name = (inspector or "").strip()
    if not name:
        raise ValidationError(_("请选择核查人员。"), field="inspector")
    active = session.scalar(select(User.active).where(User.username == name))
    if not active:
        raise ValidationError(
            _("“{name}”不是本大厅在用的账号：核查人员须是在用的账号。").format(name=name),
            field="inspector",
        )
    return name


@guarded(Permission.record_verification)
def inspectors(ctx: AppContext, actor: Actor) -> tuple[tuple[str, str], ...]:
    """Who may be sent to inspect: every active account but the administrators', as
    ``(username, display name)``, by name."""
    with ctx.uow() as session:
        rows = session.execute(
            select(User.username, User.display_name)
            .where(User.active.is_(True), User.role != Role.admin)
            .order_by(User.display_name, User.username)
        )
        return tuple((r.username, r.display_name) for r in rows)


@guarded(Permission.record_verification)
def assign_inspector(
    ctx: AppContext, actor: Actor, task_ids: Sequence[uuid.UUID], inspector: str
) -> Changes:
    """Assign ``inspector`` (an active account's username) to the tasks, each audited.

    Raises ``ValidationError`` without tasks or for an unknown or disabled account,
    ``NotFound`` for an unknown task, ``Conflict`` for a closed task, one whose decision
    is no longer in force, or one planned in a combined inspection (whose inspector is
    the inspection's: plan it again instead)."""
    ids = _ids(task_ids)
    now = ctx.clock.now()
    with ctx.uow(write=True) as session:
        username = _inspector(session, inspector)
        loaded = load_tasks(session, ids)
        for row in loaded.values():
            refuse_closed(row)
            if row.task.inspection_id is not None:
                raise Conflict(
                    _("“{item}”已列入综合检查，核查人员随检查安排；请重新安排综合检查。").format(
                        item=row.sub.item_name
                    )
                )
        for task_id in ids:
            task = loaded[task_id].task
            before = {"inspector": task.inspector, "assigned_by": task.assigned_by}
            task.inspector, task.assigned_at, task.assigned_by = username, now, actor.username
            record(
                session, ctx.clock, actor, "verification.assign", "verification_task", task.id,
                before=before, after={"inspector": username, "assigned_by": actor.username},
                rows=[task],
            )  # fmt: skip
    return Changes(cases=True)


def _outcome_views(
    session: Session, ctx: AppContext, actor: Actor, settled: Sequence[Settled], today: date
) -> tuple[OutcomeView, ...]:
    ids = [s.task_id for s in settled] + [s.follow_up_id for s in settled if s.follow_up_id]
    views = {
        v.id: v
        for v in read_tasks(session, actor, ctx.calendar(), today, VerificationTask.id.in_(ids))
    }
    title = kind_title(PrintKind.revocation)
    out = []
    for s in settled:
        task = views[s.task_id]
        document = (
            DocumentRef(PrintKind.revocation, s.notice, f"{title} {task.item_name}")
            if s.notice
            else None
        )
        follow = views[s.follow_up_id] if s.follow_up_id else None
        out.append(OutcomeView(task, follow, s.revoked, s.credit, document))
    return tuple(out)


def _settle_all(
    ctx: AppContext,
    actor: Actor,
    outcomes: Mapping[uuid.UUID, Outcome],
    inspection_id: uuid.UUID | None = None,
) -> tuple[tuple[OutcomeView, ...], Changes]:
    """Check every outcome, then record each, in one transaction: all or nothing."""
    ids = _ids(list(outcomes))
    calendar, today = ctx.calendar(), local_today(ctx.clock)
    with ctx.uow(write=True) as session:
        if inspection_id is not None and session.get(Inspection, inspection_id) is None:
            raise NotFound(_("没有这次综合检查（可能已被删除，或编号有误）。"))
        loaded = load_tasks(session, ids)
        checked: list[tuple[Loaded, Outcome]] = []
        for task_id in ids:
            row = loaded[task_id]
            if inspection_id is not None and row.task.inspection_id != inspection_id:
                raise ValidationError(
                    _("“{item}”（{case}）不在这次综合检查中。").format(
                        item=row.sub.item_name, case=row.case.number
                    ),
                    field="tasks",
                )
            refuse_closed(row)
            checked.append((row, clean_outcome(outcomes[task_id], row, today)))
        settled = [
            settle(session, ctx, actor, row, outcome, calendar, today) for row, outcome in checked
        ]
        views = _outcome_views(session, ctx, actor, settled, today)
    credit = any(s.credit is not None for s in settled)
    return views, Changes(cases=True, credit=credit)


@guarded(Permission.record_verification)
def record_outcome(
    ctx: AppContext,
    actor: Actor,
    task_id: uuid.UUID,
    outcome: VerificationStatus,
    *,
    note: str,
    rectify_by: date | None = None,
) -> tuple[OutcomeView, Changes]:
    """Record what the verification of one task found (see
    :mod:`hall.services.supervision_outcomes` for each outcome's rules). Returns the
    closed task with what it brought about; for a false commitment, ``document`` names
    the revocation notice to print.

    Raises ``ValidationError`` for an outcome that breaks its rules (no date after today
    to rectify by, no facts of a false commitment), ``NotFound`` for an unknown task,
    ``Conflict`` for a closed task or one whose decision is no longer in force."""
    views, changes = _settle_all(ctx, actor, {task_id: Outcome(outcome, note, rectify_by)})
    return views[0], changes


def _clean_note(note: str) -> str:
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise ValidationError(_("说明最多{n}个字。").format(n=MAX_NOTE), field="note")
    return text


@guarded(Permission.record_verification)
def plan_inspection(
    ctx: AppContext,
    actor: Actor,
    task_ids: Sequence[uuid.UUID],
    *,
    planned_on: date,
    inspector: str,
    note: str = "",
) -> tuple[InspectionView, Changes]:
    """Plan one visit (综合查一次) to settle open tasks of one applicant on ``planned_on``
    by ``inspector``, who becomes each task's inspector. A task planned in an earlier
    inspection moves to this one. Raises ``ValidationError`` without tasks, for tasks of
    several applicants, a task not open (or whose decision is no longer in force), a day
    before today or an unknown inspector; ``NotFound`` for an unknown task."""
    ids = _ids(task_ids)
    text = _clean_note(note)
    if planned_on < local_today(ctx.clock):
        raise ValidationError(_("检查日期不能早于今天。"), field="planned_on")
    now = ctx.clock.now()
    ctx.calendar()  # read before the write lock is taken (the view counts days left)
    with ctx.uow(write=True) as session:
        username = _inspector(session, inspector)
        loaded = load_tasks(session, ids)
        rows = [loaded[i] for i in ids]
        for row in rows:
            try:
                refuse_closed(row)
            except Conflict as exc:
                raise ValidationError(str(exc), field="tasks") from None
        if len({row.applicant.id for row in rows}) > 1:
            names = _("、").join(dict.fromkeys(row.applicant.name for row in rows))
            raise ValidationError(
                _("综合检查只能安排同一申请人的核查任务，所选任务属于{names}。").format(
                    names=names
                ),
                field="tasks",
            )
        inspection = Inspection(
            applicant_id=rows[0].applicant.id,
            planned_on=planned_on,
            inspector=username,
            note=text,
            created_at=now,
            created_by=actor.username,
        )
        session.add(inspection)
        session.flush()
        before = {str(r.task.id): [r.task.inspector, r.task.inspection_id] for r in rows}
        for row in rows:
            row.task.inspection_id, row.task.inspector = inspection.id, username
            row.task.assigned_at, row.task.assigned_by = now, actor.username
        record(
            session, ctx.clock, actor, "inspection.plan", "inspection", inspection.id,
            before=before,
            after={"applicant": rows[0].applicant.code, "planned_on": planned_on,
                   "inspector": username, "note": text, "tasks": [str(i) for i in ids]},
            rows=[inspection, *(r.task for r in rows)],
        )  # fmt: skip
        [view] = _read_inspections(session, ctx, actor, Inspection.id == inspection.id)
    return view, Changes(cases=True)


@guarded(Permission.record_verification)
def record_inspection(
    ctx: AppContext,
    actor: Actor,
    inspection_id: uuid.UUID,
    outcomes: Mapping[uuid.UUID, Outcome],
) -> tuple[tuple[OutcomeView, ...], Changes]:
    """Record the outcomes of a combined inspection's visit, by task, in one
    transaction: each by the rules of :func:`record_outcome`, and if any is refused,
    none is recorded. Tasks of the visit left out stay open.

    Raises ``NotFound`` for an unknown inspection or task, ``ValidationError`` for a
    task not planned in it or an outcome that breaks its rules, ``Conflict`` for a
    closed task or one whose decision is no longer in force."""
    return _settle_all(ctx, actor, outcomes, inspection_id)


def _read_inspections(
    session: Session, ctx: AppContext, actor: Actor, *where: ColumnElement[bool]
) -> list[InspectionView]:
    found = session.execute(
        select(Inspection, Applicant)
        .join(Applicant, Applicant.id == Inspection.applicant_id)
        .where(*where)
        .order_by(Inspection.planned_on, Inspection.created_at)
    ).all()
    ids = [inspection.id for inspection, _a in found]
    tasks = read_tasks(
        session,
        actor,
        ctx.calendar(),
        local_today(ctx.clock),
        VerificationTask.inspection_id.in_(ids),
    )
    names = user_names(session, [inspection.inspector for inspection, _a in found])
    return [
        InspectionView(
            id=inspection.id,
            applicant_name=applicant.name,
            applicant_code=shown_code(actor, applicant.code, full_needed=True),
            planned_on=inspection.planned_on,
            inspector=inspection.inspector,
            inspector_name=names.get(inspection.inspector, inspection.inspector),
            note=inspection.note,
            created_at=inspection.created_at,
            created_by=inspection.created_by,
            tasks=tuple(t for t in tasks if t.inspection_id == inspection.id),
        )
        for inspection, applicant in found
    ]


@guarded(Permission.record_verification)
def inspections(
    ctx: AppContext,
    actor: Actor,
    *,
    include_closed: bool = False,
    applicant_code: str | None = None,
) -> tuple[InspectionView, ...]:
    """The combined inspections, the earliest planned first, each with its tasks: those
    with a task still open (every one with ``include_closed``), of one applicant if
    ``applicant_code`` is given."""
    where = _applicant_filter(ctx, applicant_code)
    if not include_closed:
        where.append(
            exists().where(
                VerificationTask.inspection_id == Inspection.id,
                VerificationTask.status == VerificationStatus.open,
            )
        )
    ctx.calendar()
    with ctx.uow() as session:
        return tuple(_read_inspections(session, ctx, actor, *where))
