"""The permit catalog: departments, permit items, their materials, conditions and form
fields, and the standard business-scope entries that map onto them. Every import makes a
new :class:`CatalogVersion`; rows belong to exactly one version and are never edited."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hall.models.base import Base, UUIDKey
from hall.models.enums import FieldType, ItemLevel, ProofMode, ReformMode, Risk


class CatalogVersion(UUIDKey, Base):
    __tablename__ = "catalog_version"

    number: Mapped[int] = mapped_column(unique=True)
    label: Mapped[str] = mapped_column(String(200))
    published: Mapped[date | None]
    imported_at: Mapped[datetime]
    imported_by: Mapped[str] = mapped_column(String(64))
    source_name: Mapped[str] = mapped_column(String(260))
    sha256: Mapped[str] = mapped_column(String(64))
    is_current: Mapped[bool] = mapped_column(default=False)


class Department(UUIDKey, Base):
    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("catalog_version.id"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))


item_field = Table(
    "item_field",
    Base.metadata,
    Column("item_id", ForeignKey("permit_item.id"), primary_key=True),
    Column("field_id", ForeignKey("form_field.id"), primary_key=True),
    Column("position", Integer, nullable=False),
)

scope_item = Table(
    "scope_item",
    Base.metadata,
    Column("scope_id", ForeignKey("scope_entry.id"), primary_key=True),
    Column("item_id", ForeignKey("permit_item.id"), primary_key=True),
    Column("position", Integer, nullable=False),
)


class FormField(UUIDKey, Base):
    __tablename__ = "form_field"
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("catalog_version.id"), index=True)
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(48))
    label: Mapped[str] = mapped_column(String(100))
    group: Mapped[str] = mapped_column(String(60))
    type: Mapped[FieldType]
    required: Mapped[bool] = mapped_column(default=True)
    min_value: Mapped[float | None]
    max_value: Mapped[float | None]
    max_length: Mapped[int | None]
    choices: Mapped[list[str] | None]
    unit: Mapped[str | None] = mapped_column(String(20))
    help: Mapped[str | None] = mapped_column(Text)


class PermitItem(UUIDKey, Base):
    __tablename__ = "permit_item"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("catalog_version.id"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    initials: Mapped[str] = mapped_column(String(200), default="")
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("department.id"))
    level: Mapped[ItemLevel]
    reform_mode: Mapped[ReformMode]
    legal_basis: Mapped[str] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(Text, default="")
    license_name: Mapped[str | None] = mapped_column(String(200))
    validity_years: Mapped[int | None]
    statutory_days: Mapped[int | None]
    promised_days: Mapped[int | None]
    on_the_spot: Mapped[bool]
    verification_days: Mapped[int | None]
    risk: Mapped[Risk]

    department: Mapped[Department] = relationship()
    materials: Mapped[list[ItemMaterial]] = relationship(
        order_by="ItemMaterial.position", cascade="all, delete-orphan"
    )
    conditions: Mapped[list[ItemCondition]] = relationship(
        order_by="ItemCondition.position", cascade="all, delete-orphan"
    )


class ItemMaterial(UUIDKey, Base):
    __tablename__ = "item_material"

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("permit_item.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    proof_mode: Mapped[ProofMode]
    source: Mapped[str | None] = mapped_column(String(200))
    key: Mapped[bool] = mapped_column(default=False)  # a key material cannot be deferred


class ItemCondition(UUIDKey, Base):
    __tablename__ = "item_condition"

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("permit_item.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)


class ScopeEntry(UUIDKey, Base):
    __tablename__ = "scope_entry"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("catalog_version.id"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(String(300))
    initials: Mapped[str] = mapped_column(String(300), default="")
    licensed: Mapped[bool]
    industry: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
