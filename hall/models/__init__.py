"""SQLAlchemy tables, grouped by concern. Importing this package registers them all."""

from hall.models.audit import AuditEntry, AuditHead, OutboxEntry
from hall.models.base import Base
from hall.models.calendar import CalendarDay, CalendarYear
from hall.models.cases import (
    Case,
    Commitment,
    MaterialCheck,
    SubCase,
    SubCaseEvent,
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
    "Commitment",
    "CreditRecord",
    "Department",
    "FormField",
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
    "User",
    "VerificationTask",
    "item_field",
    "scope_item",
]
