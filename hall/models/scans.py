"""Scanned materials: each file stored once under the data folder, named by its SHA-256,
and the pages of a case's materials that refer to it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hall.models.base import Base, UUIDKey

#: A file's row id is made from its content, so that two counters that scan the same
#: paper while offline make the same row (the server's unique SHA-256 never refuses it).
SCAN_NAMESPACE = uuid.UUID("0b9f3c52-7d1e-4a6b-9e2f-5c8d1a7b3e64")


def scan_file_id(sha256: str) -> uuid.UUID:
    return uuid.uuid5(SCAN_NAMESPACE, sha256)


def _id_from_sha(context: Any) -> uuid.UUID:
    return scan_file_id(context.get_current_parameters()["sha256"])


class ScanFile(Base):
    """One file's content, kept once however many materials refer to it."""

    __tablename__ = "scan_file"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=_id_from_sha)

    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(40))  # application/pdf, image/jpeg …
    pages: Mapped[int] = mapped_column(default=1)
    stored_at: Mapped[datetime]


class MaterialScan(UUIDKey, Base):
    """A file scanned in for one line of a case's materials checklist, in page order.
    Taking one out keeps the row (``removed_at``): what was shown once stays on record."""

    __tablename__ = "material_scan"

    material_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("material_check.id"), index=True)
    file_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scan_file.id"), index=True)
    position: Mapped[int]
    original_name: Mapped[str] = mapped_column(String(255), default="")
    added_at: Mapped[datetime]
    added_by: Mapped[str] = mapped_column(String(64))
    removed_at: Mapped[datetime | None]
    removed_by: Mapped[str | None] = mapped_column(String(64))
