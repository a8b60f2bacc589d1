"""People who sign in, with their role. Passwords are argon2 hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hall.models.base import Base, UUIDKey
from hall.models.enums import Role


class User(UUIDKey, Base):
    __tablename__ = "user_account"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    role: Mapped[Role]
    password_hash: Mapped[str] = mapped_column(String(200))
    departments: Mapped[list[str]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    # Failed sign-ins in a row; at the limit the account is locked until ``locked_until``.
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
