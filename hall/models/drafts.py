"""Intake drafts: the counter's form as the clerk types, so a crash loses nothing."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hall.models.base import Base, UUIDKey
from hall.models.enums import DraftStatus


class IntakeDraft(UUIDKey, Base):
    """A combined application being taken; local to the counter, never replicated."""

    __tablename__ = "intake_draft"

    username: Mapped[str] = mapped_column(String(64), index=True)
    counter: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    status: Mapped[DraftStatus]
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case.id"))
    # Pre-review (预审): the guide's draft for a waiting ticket, handed to the counter
    # that calls it.
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    missing: Mapped[list[str]] = mapped_column(default=list)  # what the guide found missing
