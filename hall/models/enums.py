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


class SubCaseStatus(StrEnum):
    informed = "informed"  # cancelled item: the applicant was told no approval is needed
    recorded = "recorded"  # filing recorded on the spot
    approved = "approved"  # decided (commitment on the spot, or after review)
    under_review = "under_review"
    rejected = "rejected"
    revoked = "revoked"


class MaterialStatus(StrEnum):
    not_required = "not_required"
    pending = "pending"
    received = "received"
    covered_by_commitment = "covered_by_commitment"
    verified = "verified"
    verification_requested = "verification_requested"


class VerificationStatus(StrEnum):
    open = "open"
    conditions_met = "conditions_met"
    rectify = "rectify"
    false_commitment = "false_commitment"
