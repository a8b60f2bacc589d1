"""The closed vocabularies of the domain. Values are stored as these strings."""

from __future__ import annotations

from enum import StrEnum


class ReformMode(StrEnum):
    """The reform mode of a permit item (证照分离)."""

    cancelled = "cancelled"  # 直接取消审批
    filing = "filing"  # 审批改为备案
    commitment = "commitment"  # 实行告知承诺
    optimized = "optimized"  # 优化审批服务


class Route(StrEnum):
    """The procedure actually applied to a sub-case after the credit gate."""

    cancelled = "cancelled"
    filing = "filing"
    commitment = "commitment"
    optimized = "optimized"
    normal = "normal"  # 一般程序: a commitment item whose applicant may not commit


class ItemLevel(StrEnum):
    central = "central"
    provincial = "provincial"
    local = "local"


class Risk(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class ProofMode(StrEnum):
    """How a required proof is handled (无证明城市), in order of preference."""

    cancelled = "cancelled"
    commitment = "commitment"
    data_verification = "data_verification"
    department_verification = "department_verification"
    paper = "paper"


class FieldType(StrEnum):
    text = "text"
    multiline = "multiline"
    integer = "integer"
    decimal = "decimal"
    date = "date"
    mobile = "mobile"
    phone = "phone"
    uscc = "uscc"
    id_number = "id_number"
    choice = "choice"
    boolean = "boolean"


class ApplicantKind(StrEnum):
    enterprise = "enterprise"
    person = "person"


class Role(StrEnum):
    clerk = "clerk"  # 窗口受理员
    guide = "guide"  # 导办/帮办
    reviewer = "reviewer"  # 部门审批人员
    supervisor = "supervisor"  # 值班长
    admin = "admin"  # 系统管理员


class CaseStatus(StrEnum):
    accepted = "accepted"
    closed = "closed"
    withdrawn = "withdrawn"  # the applicant withdrew the whole application


class SubCaseStatus(StrEnum):
    informed = "informed"  # cancelled item: the applicant was told no approval is needed
    recorded = "recorded"  # filing recorded on the spot
    approved = "approved"  # decided (commitment on the spot, or after review)
    under_review = "under_review"
    rejected = "rejected"
    revoked = "revoked"
    withdrawn = "withdrawn"  # the applicant withdrew this item


class MaterialStatus(StrEnum):
    not_required = "not_required"
    pending = "pending"
    received = "received"
    covered_by_commitment = "covered_by_commitment"
    verified = "verified"
    verification_requested = "verification_requested"
    # 容缺受理: a non-key material missing at acceptance, promised by a date.
    deferred = "deferred"
    # asked for again in a supplement notice (补正), not yet arrived.
    supplement_requested = "supplement_requested"
    # the data platform or the department found nothing: to be brought on paper.
    not_confirmed = "not_confirmed"


class VerificationStatus(StrEnum):
    open = "open"
    conditions_met = "conditions_met"
    rectify = "rectify"
    false_commitment = "false_commitment"


class RequestStatus(StrEnum):
    """A department verification request (部门核验)."""

    pending = "pending"
    confirmed = "confirmed"
    denied = "denied"


class SupplementStatus(StrEnum):
    """A supplement notice (一次性告知补正)."""

    open = "open"
    fulfilled = "fulfilled"
    cancelled = "cancelled"


class StopReason(StrEnum):
    """Why a deadline's clock is stopped."""

    supplement = "supplement"  # 补正: waiting for the applicant's materials
    special_procedure = "special_procedure"  # art. 45: hearing, testing, on-site check


class DraftStatus(StrEnum):
    open = "open"
    accepted = "accepted"
    discarded = "discarded"


class TicketStatus(StrEnum):
    waiting = "waiting"
    called = "called"
    serving = "serving"
    parked = "parked"
    served = "served"
    no_show = "no_show"
    transferred = "transferred"


class AppointmentStatus(StrEnum):
    booked = "booked"
    checked_in = "checked_in"
    cancelled = "cancelled"
    no_show = "no_show"  # released: not checked in within the grace time


class QueueEventKind(StrEnum):
    """What happened to a ticket; the reports are rebuilt from these rows."""

    issued = "issued"
    called = "called"
    recalled = "recalled"
    started = "started"  # the citizen came to the counter
    parked = "parked"
    resumed = "resumed"
    transferred = "transferred"
    served = "served"
    no_show = "no_show"


class Priority(StrEnum):
    """Who is called first (a flag set when the ticket is issued)."""

    none = ""
    elderly = "elderly"
    disabled = "disabled"
    pregnant = "pregnant"
    appointment = "appointment"
