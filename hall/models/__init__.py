"""SQLAlchemy tables, grouped by concern. Importing this package registers them all."""

from hall.models.audit import AuditEntry, AuditHead, OutboxEntry
from hall.models.base import Base
from hall.models.calendar import CalendarDay, CalendarYear
from hall.models.cases import (
    Case,
    ClockStop,
    Commitment,
    Inspection,
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
from hall.models.documents import DocumentPrint, License, Pickup
from hall.models.drafts import IntakeDraft
from hall.models.parties import Applicant, CreditRecord
from hall.models.queue import Appointment, QueueCategory, QueueEvent, ServiceCounter, Ticket
from hall.models.scans import MaterialScan, ScanFile
from hall.models.security import RevokedDocument, SigningKey
from hall.models.sync import (
    FileBlob,
    FileChunk,
    SupervisorFlag,
    SyncChange,
    SyncFile,
    SyncReceipt,
    SyncState,
)
from hall.models.users import User

__all__ = [
    "Applicant",
    "Appointment",
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
    "DocumentPrint",
    "FileBlob",
    "FileChunk",
    "FormField",
    "Inspection",
    "IntakeDraft",
    "ItemCondition",
    "ItemMaterial",
    "License",
    "MaterialCheck",
    "MaterialScan",
    "OutboxEntry",
    "PermitItem",
    "Pickup",
    "QueueCategory",
    "QueueEvent",
    "RevokedDocument",
    "ScanFile",
    "ScopeEntry",
    "ServiceCounter",
    "SigningKey",
    "SubCase",
    "SubCaseEvent",
    "SupervisorFlag",
    "SupplementRequest",
    "SyncChange",
    "SyncFile",
    "SyncReceipt",
    "SyncState",
    "Ticket",
    "User",
    "VerificationRequest",
    "VerificationTask",
    "item_field",
    "scope_item",
]
