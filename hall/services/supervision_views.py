"""What the supervision screens show (事中事后监管): verification tasks, the outcome of
one, and combined inspections, as frozen views; and how they are read, with a few
joined queries whatever the number of tasks (see :mod:`hall.services.supervision`)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from hall.models import Applicant, Case, License, SubCase, VerificationTask
from hall.models.enums import SubCaseStatus, VerificationStatus
from hall.services.audit import Actor
from hall.services.case_clock import days_left
from hall.services.case_reading import user_names
from hall.services.credit import CreditRecordView
from hall.services.decision_data import notice_number
from hall.services.documents import DocumentRef
from hall.services.masking import shown_code
from hall.services.workdays import WorkdayCalendar


def _day(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class TaskView:
    """A post-event verification task of a commitment decision. ``days_left`` are the
    working days to the due date (0 on the day, negative once overdue), None once the
    task is closed or moot."""

    id: uuid.UUID
    sub_case_id: uuid.UUID
    case_number: str
    item_code: str
    item_name: str
    department_code: str
    department_name: str
    applicant_name: str
    applicant_code: str  # masked unless the reader may see it in full
    due_date: date
    due_provisional: bool  # in a year whose official calendar is not loaded yet
    days_left: int | None
    status: VerificationStatus
    sub_case_status: SubCaseStatus
    inspector: str | None
    inspector_name: str
    assigned_at: datetime | None
    assigned_by: str | None
    rectify_by: date | None
    follow_up_of: uuid.UUID | None
    inspection_id: uuid.UUID | None
    outcome_note: str
    closed_at: datetime | None
    closed_by: str | None
    license_numbers: tuple[str, ...]
    # The revocation notice (撤销行政许可决定书) a false commitment brought about.
    notice_number: str | None = None

    @property
    def closed(self) -> bool:
        return self.status is not VerificationStatus.open

    @property
    def moot(self) -> bool:
        """Open, but its decision is no longer in force (revoked or withdrawn): nothing is
        left to verify, and no outcome can be recorded."""
        return not self.closed and self.sub_case_status is not SubCaseStatus.approved

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "case_number": self.case_number,
            "item": self.item_code,
            "name": self.item_name,
            "department_code": self.department_code,
            "department": self.department_name,
            "applicant": {"name": self.applicant_name, "code": self.applicant_code},
            "due_date": self.due_date.isoformat(),
            "due_provisional": self.due_provisional,
            "days_left": self.days_left,
            "overdue": self.overdue,
            "status": self.status.value,
            "sub_case_status": self.sub_case_status.value,
            "inspector": self.inspector,
            "assigned_at": _day(self.assigned_at),
            "assigned_by": self.assigned_by,
            "rectify_by": _day(self.rectify_by),
            "follow_up_of": str(self.follow_up_of) if self.follow_up_of else None,
            "inspection_id": str(self.inspection_id) if self.inspection_id else None,
            "outcome_note": self.outcome_note,
            "closed_at": _day(self.closed_at),
            "closed_by": self.closed_by,
            "licenses": list(self.license_numbers),
        }


@dataclass(frozen=True)
class Outcome:
    """What a verification found, as the supervisor records it: ``note`` is what needs
    rectifying, or the facts of a false commitment; ``rectify_by`` the day to rectify by."""

    outcome: VerificationStatus
    note: str = ""
    rectify_by: date | None = None


@dataclass(frozen=True)
class OutcomeView:
    """A task as its outcome left it, and what the outcome brought about: the follow-up
    task of a rectification; for a false commitment, the licenses revoked, the credit
    record written and the revocation notice to print."""

    task: TaskView
    follow_up: TaskView | None = None
    revoked_licenses: tuple[str, ...] = ()
    credit_record: CreditRecordView | None = None
    document: DocumentRef | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "task": self.task.to_json(),
            "follow_up": self.follow_up.to_json() if self.follow_up else None,
            "revoked_licenses": list(self.revoked_licenses),
            "credit_record": self.credit_record.to_json() if self.credit_record else None,
            "document": (
                {"kind": self.document.kind.value, "number": self.document.number}
                if self.document
                else None
            ),
        }


@dataclass(frozen=True)
class InspectionView:
    """A combined inspection (综合查一次): one visit to one applicant for several tasks."""

    id: uuid.UUID
    applicant_name: str
    applicant_code: str
    planned_on: date
    inspector: str
    inspector_name: str
    note: str
    created_at: datetime
    created_by: str
    tasks: tuple[TaskView, ...]

    @property
    def open(self) -> bool:
        """Some task of the visit still waits for its outcome."""
        return any(not t.closed for t in self.tasks)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "applicant": {"name": self.applicant_name, "code": self.applicant_code},
            "planned_on": self.planned_on.isoformat(),
            "inspector": self.inspector,
            "note": self.note,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "open": self.open,
            "tasks": [t.to_json() for t in self.tasks],
        }


def read_tasks(
    session: Session,
    actor: Actor,
    calendar: WorkdayCalendar,
    today: date,
    *where: ColumnElement[bool],
) -> list[TaskView]:
    """The tasks matching ``where``, the earliest due first, in three queries: the tasks
    with their sub-cases, cases and applicants; their licenses; the inspectors' names."""
    found = session.execute(
        select(VerificationTask, SubCase, Case, Applicant)
        .join(SubCase, SubCase.id == VerificationTask.sub_case_id)
        .join(Case, Case.id == SubCase.case_id)
        .join(Applicant, Applicant.id == Case.applicant_id)
        .where(*where)
        .order_by(VerificationTask.due_date, Case.number, SubCase.position)
    ).all()
    numbers: dict[uuid.UUID, list[str]] = defaultdict(list)
    sub_ids = list({sub.id for _t, sub, _c, _a in found})
    if sub_ids:
        for sub_id, number in session.execute(
            select(License.sub_case_id, License.number)
            .where(License.sub_case_id.in_(sub_ids))
            .order_by(License.number)
        ).all():
            numbers[sub_id].append(number)
    names = user_names(session, [t.inspector for t, _s, _c, _a in found if t.inspector])
    views = []
    for task, sub, case, applicant in found:
        running = task.status is VerificationStatus.open and sub.status is SubCaseStatus.approved
        views.append(
            TaskView(
                id=task.id,
                sub_case_id=sub.id,
                case_number=case.number,
                item_code=sub.item_code,
                item_name=sub.item_name,
                department_code=sub.department_code,
                department_name=sub.department_name,
                applicant_name=applicant.name,
                applicant_code=shown_code(actor, applicant.code, full_needed=True),
                due_date=task.due_date,
                due_provisional=task.due_provisional,
                days_left=days_left(calendar, task.due_date, today, None) if running else None,
                status=task.status,
                sub_case_status=sub.status,
                inspector=task.inspector,
                inspector_name=names.get(task.inspector or "", task.inspector or ""),
                assigned_at=task.assigned_at,
                assigned_by=task.assigned_by,
                rectify_by=task.rectify_by,
                follow_up_of=task.follow_up_of,
                inspection_id=task.inspection_id,
                outcome_note=task.outcome_note,
                closed_at=task.closed_at,
                closed_by=task.closed_by,
                license_numbers=tuple(numbers.get(sub.id, ())),
                notice_number=(
                    notice_number(case, sub)
                    if task.status is VerificationStatus.false_commitment
                    else None
                ),
            )
        )
    return views
