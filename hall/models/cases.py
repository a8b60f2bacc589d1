"""Cases: one combined application, one sub-case per permit item, with the material
checks, commitments, verification tasks and every status transition."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hall.models.base import Base, UUIDKey
from hall.models.enums import (
    CaseStatus,
    MaterialStatus,
    ProofMode,
    ReformMode,
    RequestStatus,
    Route,
    StopReason,
    SubCaseStatus,
    SupplementStatus,
    VerificationStatus,
)


class Case(UUIDKey, Base):
    __tablename__ = "case"

    number: Mapped[str] = mapped_column(String(40), unique=True)
    applicant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applicant.id"), index=True)
    counter: Mapped[str] = mapped_column(String(8))
    accepted_at: Mapped[datetime]
    accepted_on: Mapped[date] = mapped_column(index=True)
    accepted_by: Mapped[str] = mapped_column(String(64))
    catalog_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("catalog_version.id"))
    scope_codes: Mapped[list[str]] = mapped_column(default=list)
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[CaseStatus]
    withdrawn_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    # Accepted on a counter of a hall server: how old its copy of the credit list was
    # (checked again once synced, see ``hall.services.sync_checks``).
    credit_as_of: Mapped[datetime | None]
    credit_rechecked_at: Mapped[datetime | None]
    # Accepted while this counter could not reach its hall server (the daily report's
    # share of work done offline).
    offline: Mapped[bool] = mapped_column(default=False)

    sub_cases: Mapped[list[SubCase]] = relationship(
        back_populates="case", order_by="SubCase.position", cascade="all, delete-orphan"
    )
    materials: Mapped[list[MaterialCheck]] = relationship(
        order_by="MaterialCheck.position", cascade="all, delete-orphan"
    )


class SubCase(UUIDKey, Base):
    """One permit item of a case, with its reform mode and deadlines as at acceptance."""

    __tablename__ = "sub_case"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    position: Mapped[int]
    item_code: Mapped[str] = mapped_column(String(32))
    item_name: Mapped[str] = mapped_column(String(200))
    department_code: Mapped[str] = mapped_column(String(16), index=True)
    department_name: Mapped[str] = mapped_column(String(100))
    reform_mode: Mapped[ReformMode]
    route: Mapped[Route]
    route_note: Mapped[str] = mapped_column(Text, default="")
    because_of: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[SubCaseStatus]
    # The limits in working days as at acceptance: the dates are recounted from them when
    # a provisional deadline's year is loaded.
    statutory_days: Mapped[int | None]
    promised_days: Mapped[int | None]
    statutory_deadline: Mapped[date | None]
    promised_deadline: Mapped[date | None]
    deadline_provisional: Mapped[bool] = mapped_column(default=False)
    decided_at: Mapped[datetime | None]
    # Working days the clock stood still (补正, art. 45); the deadlines include them.
    stopped_days: Mapped[int] = mapped_column(default=0)
    # The department's inbox: who holds it now (so two reviewers never decide it both).
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    # A department's decision after review (None for what the counter decided on the spot).
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decision_basis: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="sub_cases")


# The overdue watch and the daily report read the undecided sub-cases by deadline, the
# sub-cases due on a day, and those decided on a day.
Index("ix_sub_case_open", SubCase.status, SubCase.promised_deadline)
Index("ix_sub_case_decided_at", SubCase.decided_at)
Index("ix_sub_case_promised_deadline", SubCase.promised_deadline)


class SubCaseEvent(UUIDKey, Base):
    """A transition of a sub-case, so its history can be told and reports rebuilt."""

    __tablename__ = "sub_case_event"

    sub_case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sub_case.id"), index=True)
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(64))
    from_status: Mapped[SubCaseStatus | None]
    to_status: Mapped[SubCaseStatus]
    note: Mapped[str] = mapped_column(Text, default="")


class MaterialCheck(UUIDKey, Base):
    """One line of a case's merged materials checklist and what became of it."""

    __tablename__ = "material_check"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    proof_mode: Mapped[ProofMode]
    status: Mapped[MaterialStatus]
    item_codes: Mapped[list[str]] = mapped_column(default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    key: Mapped[bool] = mapped_column(default=False)  # a key material cannot be deferred
    source: Mapped[str | None] = mapped_column(String(200))
    due_date: Mapped[date | None]  # 容缺: the date the applicant promised to bring it by
    updated_at: Mapped[datetime | None]


class Commitment(UUIDKey, Base):
    """The applicant's written commitment for one commitment-mode sub-case."""

    __tablename__ = "commitment"

    sub_case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sub_case.id"), unique=True)
    conditions: Mapped[list[str]] = mapped_column(default=list)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(64))


class Inspection(UUIDKey, Base):
    """A combined inspection (综合查一次): one visit to one applicant that settles the
    verification tasks of several of its items."""

    __tablename__ = "inspection"

    applicant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applicant.id"), index=True)
    planned_on: Mapped[date]
    inspector: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))


class VerificationTask(UUIDKey, Base):
    """Post-event verification of a commitment decision, due within the item's window."""

    __tablename__ = "verification_task"

    sub_case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sub_case.id"), index=True)
    due_date: Mapped[date] = mapped_column(index=True)
    window_days: Mapped[int]
    due_provisional: Mapped[bool] = mapped_column(default=False)
    status: Mapped[VerificationStatus]
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    rectify_by: Mapped[date | None]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(64))
    # The inspector (an account's username) who visits, and who assigned them.
    inspector: Mapped[str | None] = mapped_column(String(64))
    assigned_at: Mapped[datetime | None]
    assigned_by: Mapped[str | None] = mapped_column(String(64))
    # A follow-up after "rectify by a date" names the task that ordered it.
    follow_up_of: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("verification_task.id"))
    # Settled in a combined inspection with the applicant's other items.
    inspection_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspection.id"))


class VerificationRequest(UUIDKey, Base):
    """A request to the department that owns a fact (部门核验), pending until answered."""

    __tablename__ = "verification_request"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    material_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("material_check.id"), index=True)
    department: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime]
    requested_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[RequestStatus]
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[str | None] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(Text, default="")


class SupplementRequest(UUIDKey, Base):
    """One notice listing everything the applicant must supplement (一次性告知补正)."""

    __tablename__ = "supplement_request"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    requested_at: Mapped[datetime]
    requested_on: Mapped[date]
    requested_by: Mapped[str] = mapped_column(String(64))
    # {"material name": "what is missing or wrong", ...} in the notice's order.
    lines: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[SupplementStatus]
    # The department whose reviewer asked for it (None: the counter's own notice).
    department_code: Mapped[str | None] = mapped_column(String(16))
    closed_at: Mapped[datetime | None]
    closed_on: Mapped[date | None]
    closed_by: Mapped[str | None] = mapped_column(String(64))


class ClockStop(UUIDKey, Base):
    """A stretch during which a sub-case's deadlines do not run."""

    __tablename__ = "clock_stop"

    sub_case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sub_case.id"), index=True)
    reason: Mapped[StopReason]
    supplement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("supplement_request.id"))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    working_days: Mapped[int | None]  # counted when the clock restarts
    note: Mapped[str] = mapped_column(Text, default="")
