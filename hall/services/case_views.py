"""What the Cases view shows of a case: frozen values, never ORM rows.

Made by :mod:`hall.services.cases` (queries) and returned by
:mod:`hall.services.case_actions` and :mod:`hall.services.case_supplements` (changes).
``to_json`` is the ``hall cases … --json`` contract: keys may be added, never removed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hall.core.i18n import _
from hall.models.enums import (
    ApplicantKind,
    CaseStatus,
    MaterialStatus,
    ProofMode,
    ReformMode,
    RequestStatus,
    Route,
    StopReason,
    SubCaseStatus,
    SupplementStatus,
)
from hall.services.audit import jsonable
from hall.services.licenses import LicenseView


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class CaseSummary:
    """One line of the case list. The applicant's code is as the actor may see it in a
    list (a person's ID number masked). The pending counts are what the hall still waits
    for; a withdrawn case waits for nothing and shows zeros."""

    id: uuid.UUID
    number: str
    accepted_on: date
    accepted_at: datetime
    counter: str
    applicant_kind: ApplicantKind
    applicant_code: str
    applicant_name: str
    status: CaseStatus
    sub_cases: int
    under_review: int  # sub-cases still under review
    pending_verifications: int  # department verification requests not yet answered
    deferred_materials: int  # 容缺: materials still to be brought by a promised date
    open_supplement: bool  # a supplement notice (补正) waits for the applicant
    next_deadline: date | None  # the earliest promised (else statutory) deadline under review
    ready_for_pickup: bool = False  # decided by the departments, waiting for the applicant

    @property
    def has_pending(self) -> bool:
        return bool(
            self.under_review
            or self.pending_verifications
            or self.deferred_materials
            or self.open_supplement
        )

    def pending_text(self) -> str:
        """What the hall still waits for, in a few words (the list's last column)."""
        parts = []
        if self.under_review:
            parts.append(_("审查中{n}项").format(n=self.under_review))
        if self.open_supplement:
            parts.append(_("待补正"))
        if self.pending_verifications:
            parts.append(_("待部门核验{n}项").format(n=self.pending_verifications))
        if self.deferred_materials:
            parts.append(_("容缺待补{n}项").format(n=self.deferred_materials))
        if self.ready_for_pickup:
            parts.append(_("待领取"))
        return _("，").join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "number": self.number,
            "accepted_on": self.accepted_on.isoformat(),
            "counter": self.counter,
            "status": self.status.value,
            "applicant": {
                "code": self.applicant_code,
                "name": self.applicant_name,
                "kind": self.applicant_kind.value,
            },
            "sub_cases": self.sub_cases,
            "pending": {
                "under_review": self.under_review,
                "verification_requests": self.pending_verifications,
                "deferred_materials": self.deferred_materials,
                "open_supplement": self.open_supplement,
            },
            "next_deadline": _day(self.next_deadline),
            "ready_for_pickup": self.ready_for_pickup,
        }


@dataclass(frozen=True)
class CaseApplicant:
    """The applicant as the case detail shows it (the code and phone in full where the
    actor may see them)."""

    id: uuid.UUID
    kind: ApplicantKind
    code: str
    name: str
    legal_representative: str | None
    address: str | None
    phone: str


@dataclass(frozen=True)
class SubCaseDetail:
    """One permit item of the case. The days left are counted from ``CaseDetail.as_of``
    on the hall's calendar, only while the sub-case is under review (``None`` otherwise),
    and stay frozen while its clock is stopped (see :mod:`hall.services.case_clock`)."""

    id: uuid.UUID
    item_code: str
    item_name: str
    department_code: str
    department_name: str
    reform_mode: ReformMode
    route: Route
    route_note: str
    status: SubCaseStatus
    statutory_days: int | None
    promised_days: int | None
    statutory_deadline: date | None
    promised_deadline: date | None
    deadline_provisional: bool
    statutory_days_left: int | None
    promised_days_left: int | None
    stopped_days: int  # working days the clock stood still in stops already ended
    clock_stopped: bool
    stopped_since: date | None
    decided_at: datetime | None
    conditions: tuple[str, ...]  # the commitment's conditions (告知承诺), if any
    verification_due: date | None  # the post-event verification task's due date, if any
    because_of: tuple[str, ...]
    # Its progress in the department (并联审批): who holds it, why its clock stands still,
    # and the decision made after review (None where the counter decided on the spot).
    stop_reason: StopReason | None = None
    claimed_by: str | None = None
    claimed_by_name: str = ""
    claimed_at: datetime | None = None
    decided_by: str | None = None
    decided_by_name: str = ""
    decision_reason: str | None = None
    decision_basis: str | None = None
    license_number: str | None = None

    @property
    def decided_by_department(self) -> bool:
        return self.decided_by is not None

    @property
    def days_left(self) -> int | None:
        """The days left to the deadline the hall promised (the statutory one if none)."""
        if self.promised_days_left is not None:
            return self.promised_days_left
        return self.statutory_days_left

    @property
    def under_review(self) -> bool:
        return self.status is SubCaseStatus.under_review

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "item": self.item_code,
            "name": self.item_name,
            "department": self.department_name,
            "department_code": self.department_code,
            "reform_mode": self.reform_mode.value,
            "route": self.route.value,
            "status": self.status.value,
            "statutory_deadline": _day(self.statutory_deadline),
            "promised_deadline": _day(self.promised_deadline),
            "deadline_provisional": self.deadline_provisional,
            "days_left": self.days_left,
            "statutory_days_left": self.statutory_days_left,
            "promised_days_left": self.promised_days_left,
            "stopped_days": self.stopped_days,
            "clock_stopped": self.clock_stopped,
            "stopped_since": _day(self.stopped_since),
            "conditions": list(self.conditions),
            "verification_due": _day(self.verification_due),
            "stop_reason": self.stop_reason.value if self.stop_reason else None,
            "claimed_by": self.claimed_by,
            "decision": self.decision_json(),
            "license": self.license_number,
        }

    def decision_json(self) -> dict[str, Any] | None:
        """The decision on this item: the department's after review, or the counter's
        made on the spot (``by`` null); null while it is still under review."""
        if self.status is SubCaseStatus.under_review:
            return None
        return {
            "outcome": self.status.value,
            "at": self.decided_at.isoformat() if self.decided_at else None,
            "by": self.decided_by,
            "reason": self.decision_reason,
            "basis": self.decision_basis,
        }


@dataclass(frozen=True)
class MaterialView:
    """One line of the case's materials checklist."""

    id: uuid.UUID
    name: str
    proof_mode: ProofMode
    status: MaterialStatus
    key: bool
    source: str | None
    due_date: date | None  # 容缺: the date the applicant promised to bring it by
    note: str
    item_codes: tuple[str, ...]
    updated_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "proof_mode": self.proof_mode.value,
            "status": self.status.value,
            "key": self.key,
            "source": self.source,
            "due_date": _day(self.due_date),
            "note": self.note,
            "items": list(self.item_codes),
        }


@dataclass(frozen=True)
class VerificationRequestView:
    """A request to the department that owns a fact (部门核验)."""

    id: uuid.UUID
    material_id: uuid.UUID
    material_name: str
    department: str
    requested_at: datetime
    requested_by: str
    status: RequestStatus
    answered_at: datetime | None
    answered_by: str | None
    answer: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "material": self.material_name,
            "department": self.department,
            "status": self.status.value,
            "requested_at": self.requested_at.isoformat(),
            "answered_at": self.answered_at.isoformat() if self.answered_at else None,
            "answer": self.answer,
        }


@dataclass(frozen=True)
class SupplementLine:
    """One line of a supplement notice: a checklist material (or ``其他``) and what is
    missing or wrong."""

    material: str
    problem: str


@dataclass(frozen=True)
class SupplementView:
    """A supplement notice (一次性告知补正). ``days_stopped`` is the working days the
    clock has stood still because of it: so far while it is open, in all once closed.
    ``item_codes`` are the sub-cases whose clocks it stopped."""

    id: uuid.UUID
    case_id: uuid.UUID
    case_number: str
    requested_on: date
    requested_at: datetime
    requested_by: str
    lines: tuple[SupplementLine, ...]
    note: str
    status: SupplementStatus
    closed_on: date | None
    closed_by: str | None
    days_stopped: int
    item_codes: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "requested_on": self.requested_on.isoformat(),
            "requested_by": self.requested_by,
            "status": self.status.value,
            "lines": [{"material": line.material, "problem": line.problem} for line in self.lines],
            "note": self.note,
            "closed_on": _day(self.closed_on),
            "days_stopped": self.days_stopped,
            "items": list(self.item_codes),
        }


@dataclass(frozen=True)
class HistoryEntry:
    """One audited action on the case, its sub-cases, materials, requests or notices."""

    at: datetime
    action: str
    actor: str  # the account's user name
    actor_name: str  # its display name ("" when it is not an account of this hall)
    description: str

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "action": self.action,
            "actor": self.actor,
            "description": self.description,
        }


@dataclass(frozen=True)
class PickupView:
    """Who collected the case's documents, and which (the ID number as the actor may
    see it)."""

    at: datetime
    by: str
    counter: str
    collector_name: str
    collector_id_number: str
    collector_role: str
    documents: tuple[tuple[str, str], ...]  # (kind, number)

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "by": self.by,
            "counter": self.counter,
            "collector_name": self.collector_name,
            "collector_id_number": self.collector_id_number,
            "collector_role": self.collector_role,
            "documents": [{"kind": k, "number": n} for k, n in self.documents],
        }


@dataclass(frozen=True)
class CaseDetail:
    """Everything the Cases view shows of one case, as of the day ``as_of``.

    ``pending`` says in the clerk's words what the hall still waits for (nothing for a
    withdrawn case); ``history`` is in time order.
    """

    id: uuid.UUID
    number: str
    counter: str
    accepted_at: datetime
    accepted_on: date
    accepted_by: str
    status: CaseStatus
    withdrawn_at: datetime | None
    withdrawn_reason: str | None
    scope_codes: tuple[str, ...]
    applicant: CaseApplicant
    answers: Mapping[str, Any]
    sub_cases: tuple[SubCaseDetail, ...]
    materials: tuple[MaterialView, ...]
    verification_requests: tuple[VerificationRequestView, ...]
    supplements: tuple[SupplementView, ...]
    history: tuple[HistoryEntry, ...]
    pending: tuple[str, ...]
    as_of: date
    licenses: tuple[LicenseView, ...] = ()
    pickup: PickupView | None = None

    @property
    def ready_for_pickup(self) -> bool:
        """Every item decided, some by a department after review, and nothing collected
        yet: the applicant comes back for the licenses and notices (证照领取)."""
        return (
            self.status is CaseStatus.closed
            and self.pickup is None
            and any(s.decided_by_department for s in self.sub_cases)
            and not any(s.under_review for s in self.sub_cases)
        )

    @property
    def open_supplement(self) -> SupplementView | None:
        return next((s for s in self.supplements if s.status is SupplementStatus.open), None)

    def sub_case(self, item_code: str) -> SubCaseDetail:
        """The sub-case of ``item_code`` (``KeyError`` if the case has none)."""
        for sub in self.sub_cases:
            if sub.item_code == item_code:
                return sub
        raise KeyError(item_code)

    def material(self, name: str) -> MaterialView:
        """The checklist line named ``name`` (``KeyError`` if there is none)."""
        for material in self.materials:
            if material.name == name:
                return material
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        """The ``hall cases show --json`` contract."""
        a = self.applicant
        return {
            "id": str(self.id),
            "number": self.number,
            "accepted_on": self.accepted_on.isoformat(),
            "accepted_at": self.accepted_at.isoformat(),
            "accepted_by": self.accepted_by,
            "counter": self.counter,
            "status": self.status.value,
            "withdrawn_at": self.withdrawn_at.isoformat() if self.withdrawn_at else None,
            "withdrawn_reason": self.withdrawn_reason,
            "as_of": self.as_of.isoformat(),
            "applicant": {
                "code": a.code,
                "name": a.name,
                "kind": a.kind.value,
                "legal_representative": a.legal_representative,
                "address": a.address,
                "phone": a.phone,
            },
            "scope": list(self.scope_codes),
            "answers": jsonable(dict(self.answers)),
            "sub_cases": [s.to_json() for s in self.sub_cases],
            "materials": [m.to_json() for m in self.materials],
            "verification_requests": [r.to_json() for r in self.verification_requests],
            "supplements": [s.to_json() for s in self.supplements],
            "pending": list(self.pending),
            "history": [h.to_json() for h in self.history],
            "licenses": [v.to_json() for v in self.licenses],
            "ready_for_pickup": self.ready_for_pickup,
            "pickup": self.pickup.to_json() if self.pickup else None,
        }
