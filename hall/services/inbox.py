"""The department inboxes (并联审批一键分办): every sub-case under review lands in the
inbox of its item's department the moment the case is accepted, so the departments
work in parallel. Items decided at the counter (cancelled approvals, filings,
commitments decided on the spot) never enter an inbox; a commitment item whose
applicant failed the credit gate goes through normal review, and so does.

A reviewer sees the inboxes of their own departments only; a supervisor may watch
every inbox. Deciding is :mod:`hall.services.decisions`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import NotFound, ValidationError
from hall.core.i18n import _
from hall.models import Applicant, Case, ClockStop, SubCase
from hall.models.enums import Route, StopReason, SubCaseStatus
from hall.services.audit import Actor
from hall.services.case_clock import days_left, standing_still
from hall.services.case_reading import build_detail, user_names
from hall.services.case_views import CaseDetail, SubCaseDetail
from hall.services.context import AppContext
from hall.services.masking import shown_code
from hall.services.permissions import Permission, can, require
from hall.services.scans import MaterialScans, materials_with_scans

#: Days left at or under which an item is "near its deadline" in the inbox.
NEAR_DAYS = 2


class InboxView(StrEnum):
    """The inbox's filters."""

    open = "open"  # everything under review
    unclaimed = "unclaimed"  # nobody holds it yet
    mine = "mine"  # held by the reviewer asking
    stopped = "stopped"  # the clock stands still: supplement or special procedure
    urgent = "urgent"  # near or past the promised deadline
    decided = "decided"  # decided by the department (the latest first)


@dataclass(frozen=True)
class InboxRow:
    """One sub-case in a department's inbox. Days left are working days to the
    promised and statutory deadlines, frozen while the clock stands still (None once
    decided)."""

    id: uuid.UUID
    case_id: uuid.UUID
    case_number: str
    item_code: str
    item_name: str
    department_code: str
    department_name: str
    applicant_name: str
    applicant_code: str
    accepted_on: date
    route: Route
    status: SubCaseStatus
    promised_deadline: date | None
    statutory_deadline: date | None
    promised_days_left: int | None
    statutory_days_left: int | None
    deadline_provisional: bool
    stop_reason: StopReason | None
    claimed_by: str | None
    claimed_by_name: str
    decided_at: datetime | None
    decided_by: str | None

    @property
    def days_left(self) -> int | None:
        if self.promised_days_left is not None:
            return self.promised_days_left
        return self.statutory_days_left

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def near(self) -> bool:
        return self.days_left is not None and 0 <= self.days_left <= NEAR_DAYS

    def to_json(self) -> dict[str, Any]:
        def day(value: date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": str(self.id),
            "case_number": self.case_number,
            "item": self.item_code,
            "name": self.item_name,
            "department_code": self.department_code,
            "department": self.department_name,
            "applicant": {"name": self.applicant_name, "code": self.applicant_code},
            "accepted_on": self.accepted_on.isoformat(),
            "route": self.route.value,
            "status": self.status.value,
            "promised_deadline": day(self.promised_deadline),
            "statutory_deadline": day(self.statutory_deadline),
            "promised_days_left": self.promised_days_left,
            "statutory_days_left": self.statutory_days_left,
            "days_left": self.days_left,
            "deadline_provisional": self.deadline_provisional,
            "clock_stopped": self.stop_reason is not None,
            "stop_reason": self.stop_reason.value if self.stop_reason else None,
            "claimed_by": self.claimed_by,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "decided_by": self.decided_by,
        }


@dataclass(frozen=True)
class ReviewDetail:
    """A sub-case opened in the inbox: its case (for the history and what the counter
    recorded), the form's answers its item asked for, and its materials with scans."""

    sub: SubCaseDetail
    case: CaseDetail
    answers: tuple[tuple[str, str], ...]  # (label, answer) of the item's own fields
    materials: tuple[MaterialScans, ...]
    legal_basis: str

    @property
    def id(self) -> uuid.UUID:
        return self.sub.id


def _inbox_departments(ctx: AppContext, actor: Actor, department: str | None) -> tuple[str, ...]:
    """The departments whose inbox ``actor`` asks for: ``department``, or all of their
    own. Raises ``PermissionDenied`` (audited) for another department's inbox."""
    if department:
        code = department.strip().upper()
        if not code:
            raise ValidationError(_("请指定部门编码。"), field="department")
        if can(actor, Permission.view_inboxes):
            require(ctx, actor, Permission.view_inboxes, action="inbox.list_inbox")
        else:
            require(ctx, actor, Permission.decide_sub_case, department=code,
                    action="inbox.list_inbox")  # fmt: skip
        return (code,)
    if can(actor, Permission.view_inboxes):
        require(ctx, actor, Permission.view_inboxes, action="inbox.list_inbox")
        return tuple(ctx.catalog().departments)
    if not actor.departments:
        require(ctx, actor, Permission.decide_sub_case, action="inbox.list_inbox")
    for code in actor.departments:
        require(ctx, actor, Permission.decide_sub_case, department=code,
                action="inbox.list_inbox")  # fmt: skip
    return tuple(actor.departments)


def _filtered(
    stmt: Select[SubCase, Case, Applicant], actor: Actor, view: InboxView
) -> Select[SubCase, Case, Applicant]:
    if view is InboxView.decided:
        return stmt.where(
            SubCase.decided_by.is_not(None),
            SubCase.status.in_([SubCaseStatus.approved, SubCaseStatus.rejected]),
        ).order_by(SubCase.decided_at.desc())
    stmt = stmt.where(SubCase.status == SubCaseStatus.under_review)
    if view is InboxView.unclaimed:
        stmt = stmt.where(SubCase.claimed_by.is_(None))
    elif view is InboxView.mine:
        stmt = stmt.where(SubCase.claimed_by == actor.username)
    return stmt.order_by(Case.accepted_at, SubCase.position)


def list_inbox(
    ctx: AppContext,
    actor: Actor,
    department: str | None = None,
    view: InboxView = InboxView.open,
    *,
    query: str = "",
    limit: int = 500,
) -> list[InboxRow]:
    """The sub-cases in the inbox of ``department`` (every department of the reviewer's
    when None), the nearest deadline first; ``decided`` lists the latest decisions.
    ``query`` narrows to a case number or an applicant's code or name.

    Raises ``PermissionDenied`` for a department that is not the reviewer's."""
    departments = _inbox_departments(ctx, actor, department)
    today = local_today(ctx.clock)
    calendar = ctx.calendar()
    with ctx.uow() as session:
        stmt = (
            select(SubCase, Case, Applicant)
            .join(Case, Case.id == SubCase.case_id)
            .join(Applicant, Applicant.id == Case.applicant_id)
            .where(SubCase.department_code.in_(departments))
        )
        text = query.strip()
        if text:
            like = f"%{text}%"
            stmt = stmt.where(
                or_(
                    Case.number.like(f"{text.upper()}%"),
                    Applicant.code == text.upper(),
                    Applicant.name.like(like),
                    SubCase.item_name.like(like),
                )
            )
        if view is InboxView.urgent:
            # Near or past the deadline, as counted below, means a deadline at most
            # NEAR_DAYS working days away (a stopped clock froze an earlier one): read
            # only those, so the limit never drops an urgent one for an older calm one.
            bound = calendar.add_workdays(today, NEAR_DAYS).day
            stmt = stmt.where(
                func.coalesce(SubCase.promised_deadline, SubCase.statutory_deadline) <= bound
            )
        found = list(session.execute(_filtered(stmt, actor, view).limit(limit)).all())
        stops = _open_stops(session, [s.id for s, _c, _a in found])
        names = user_names(session, [s.claimed_by for s, _c, _a in found if s.claimed_by])
    rows = []
    for sub, case, applicant in found:
        stop = stops.get(sub.id)
        since = stop[0] if stop else None
        running = sub.status is SubCaseStatus.under_review
        rows.append(
            InboxRow(
                id=sub.id,
                case_id=case.id,
                case_number=case.number,
                item_code=sub.item_code,
                item_name=sub.item_name,
                department_code=sub.department_code,
                department_name=sub.department_name,
                applicant_name=applicant.name,
                applicant_code=shown_code(actor, applicant.code),
                accepted_on=case.accepted_on,
                route=sub.route,
                status=sub.status,
                promised_deadline=sub.promised_deadline,
                statutory_deadline=sub.statutory_deadline,
                promised_days_left=(
                    days_left(calendar, sub.promised_deadline, today, since) if running else None
                ),
                statutory_days_left=(
                    days_left(calendar, sub.statutory_deadline, today, since) if running else None
                ),
                deadline_provisional=sub.deadline_provisional,
                stop_reason=stop[1] if stop else None,
                claimed_by=sub.claimed_by,
                claimed_by_name=names.get(sub.claimed_by or "", ""),
                decided_at=sub.decided_at,
                decided_by=sub.decided_by,
            )
        )
    if view is InboxView.stopped:
        rows = [r for r in rows if r.stop_reason is not None]
    elif view is InboxView.urgent:
        rows = [r for r in rows if r.overdue or r.near]
    if view is not InboxView.decided:
        far = 10**6
        rows.sort(key=lambda r: (r.days_left if r.days_left is not None else far, r.accepted_on))
    return rows


def _open_stops(
    session: Session, sub_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[date, StopReason]]:
    """For each sub-case whose clock stands still: since when, and why."""
    if not sub_ids:
        return {}
    return standing_still(
        session.scalars(
            select(ClockStop).where(
                and_(ClockStop.sub_case_id.in_(sub_ids), ClockStop.ended_on.is_(None))
            )
        )
    )


def sub_case_department(ctx: AppContext, sub_id: uuid.UUID | str) -> str | None:
    """The department of a sub-case (None if there is no such sub-case): what the
    permission to decide it, or read it, is checked against."""
    key = parse_sub_case_id(sub_id)
    with ctx.uow() as session:
        return session.scalar(select(SubCase.department_code).where(SubCase.id == key))


def parse_sub_case_id(value: uuid.UUID | str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise ValidationError(
            _("“{value}”不是事项编号（hall inbox list 列出的 id）。").format(value=value.strip())
        ) from None


def _require_reader(ctx: AppContext, actor: Actor, sub_id: uuid.UUID) -> None:
    """A sub-case is read by its department's reviewers, supervisors and the counter."""
    department = sub_case_department(ctx, sub_id)
    if department is None:
        raise NotFound(_("没有这个事项（可能已被删除，或编号有误）。"))
    if can(actor, Permission.decide_sub_case, department=department):
        require(ctx, actor, Permission.decide_sub_case, department=department,
                action="inbox.review_detail")  # fmt: skip
    elif can(actor, Permission.view_inboxes):
        require(ctx, actor, Permission.view_inboxes, action="inbox.review_detail")
    elif can(actor, Permission.accept_case):
        require(ctx, actor, Permission.accept_case, action="inbox.review_detail")
    else:  # refused, and the refusal audited
        require(ctx, actor, Permission.decide_sub_case, department=department,
                action="inbox.review_detail")  # fmt: skip


def review_detail(ctx: AppContext, actor: Actor, sub_id: uuid.UUID | str) -> ReviewDetail:
    """A sub-case as its reviewer reads it. Raises ``NotFound`` for an unknown sub-case,
    ``PermissionDenied`` (audited) for another department's."""
    key = parse_sub_case_id(sub_id)
    _require_reader(ctx, actor, key)
    ctx.calendar()
    with ctx.uow() as session:
        return read_review(session, ctx, actor, key)


def read_review(session: Session, ctx: AppContext, actor: Actor, sub_id: uuid.UUID) -> ReviewDetail:
    """The :class:`ReviewDetail` read in the caller's transaction."""
    sub = session.get(SubCase, sub_id)
    if sub is None:
        raise NotFound(_("没有这个事项（可能已被删除，或编号有误）。"))
    case = session.get_one(Case, sub.case_id)
    detail = build_detail(session, ctx, actor, case)
    catalog = ctx.catalog()
    item = catalog.items.get(sub.item_code)
    keys = item.fields if item is not None else tuple(case.answers)
    answers = []
    for key in keys:
        if key not in case.answers:
            continue
        field = catalog.fields.get(key)
        value = case.answers[key]
        answers.append((field.label if field else key, _answer_text(value)))
    return ReviewDetail(
        sub=detail.sub_case(sub.item_code),
        case=detail,
        answers=tuple(answers),
        materials=materials_with_scans(session, ctx, case, sub.item_code),
        legal_basis=item.legal_basis if item is not None else "",
    )


def _answer_text(value: object) -> str:
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return _("、").join(str(v) for v in value)
    return str(value)
