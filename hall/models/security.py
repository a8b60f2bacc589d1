"""The hall's signing keys (public halves only: private keys live in the OS keyring)
and the documents revoked since they were printed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hall.models.base import Base, UUIDKey


class SigningKey(UUIDKey, Base):
    """An Ed25519 public key and when it signed: from ``valid_from`` until ``valid_until``
    (None: the current key). Every counter keeps them all, to verify offline."""

    __tablename__ = "signing_key"

    key_id: Mapped[str] = mapped_column(String(16), unique=True)  # 8 hex digits
    algorithm: Mapped[str] = mapped_column(String(16), default="ed25519")
    public_key: Mapped[str] = mapped_column(String(64))  # 32 bytes, hex
    hall_code: Mapped[str] = mapped_column(String(32), default="")
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(64))
    # Set when the private key may have leaked: nothing it signed is trusted any more.
    revoked_at: Mapped[datetime | None]


class RevokedDocument(UUIDKey, Base):
    """A document whose code must no longer verify (a revoked license, say)."""

    __tablename__ = "revoked_document"
    __table_args__ = (UniqueConstraint("kind", "number"),)

    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(500))
    revoked_at: Mapped[datetime]
    revoked_by: Mapped[str] = mapped_column(String(64))
