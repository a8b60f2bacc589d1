"""SQLAlchemy tables, grouped by concern. Importing this package registers them all."""

from hall.models.audit import AuditEntry, AuditHead, OutboxEntry
from hall.models.base import Base
from hall.models.calendar import CalendarDay, CalendarYear
from hall.models.cases import (
    Case,
    ClockStop,
    Commitment,
    MaterialCheck,
    SubCase,
    SubCaseEvent,
    SupplementRequest,
    VerificationRequest,
    VerificationTask,
)
from hall.models.catalog import (
    CatalogVersion,
    Department,
    FormField,
    ItemCondition,
    ItemMaterial,
    PermitItem,
    ScopeEntry,
    item_field,
    scope_item,
)
from hall.models.drafts import IntakeDraft
from hall.models.parties import Applicant, CreditRecord
from hall.models.security import RevokedDocument, SigningKey
from hall.models.users import User

__all__ = [
    "Applicant",
    "AuditEntry",
    "AuditHead",
    "Base",
    "CalendarDay",
    "CalendarYear",
    "Case",
    "CatalogVersion",
    "ClockStop",
    "Commitment",
    "CreditRecord",
    "Department",
    "FormField",
    "IntakeDraft",
    "ItemCondition",
    "ItemMaterial",
    "MaterialCheck",
    "OutboxEntry",
    "PermitItem",
    "RevokedDocument",
    "ScopeEntry",
    "SigningKey",
    "SubCase",
    "SubCaseEvent",
    "SupplementRequest",
    "User",
    "VerificationRequest",
    "VerificationTask",
    "item_field",
    "scope_item",
]
