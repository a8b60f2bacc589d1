"""Accounts and sign-in. Passwords are stored as argon2 hashes, never in clear."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from hall.core.errors import AuthenticationFailed, Conflict, ValidationError
from hall.core.i18n import N_, _
from hall.core.settings import normalize_counter_code
from hall.models import User
from hall.models.enums import Role
from hall.services.audit import Actor, record
from hall.services.changes import Changes
from hall.services.context import AppContext

_hasher = PasswordHasher()

ROLE_NAMES = {
    Role.clerk: N_("窗口受理员"),
    Role.guide: N_("导办员"),
    Role.reviewer: N_("部门审批人员"),
    Role.supervisor: N_("值班长"),
    Role.admin: N_("系统管理员"),
}


def role_name(role: Role) -> str:
    return _(ROLE_NAMES[role])


@dataclass(frozen=True)
class UserView:
    id: uuid.UUID
    username: str
    display_name: str
    role: Role
    active: bool
    departments: tuple[str, ...]


def _view(u: User) -> UserView:
    return UserView(u.id, u.username, u.display_name, u.role, u.active, tuple(u.departments))


def create_user(
    ctx: AppContext,
    actor: Actor,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    *,
    departments: Sequence[str] = (),
    must_change_password: bool = False,
) -> tuple[UserView, Changes]:
    """Create an account with an argon2-hashed password; returns its view.

    Raises ``ValidationError`` for a malformed user name or an empty password and
    ``Conflict`` when the user name is taken.
    """
    name = username.strip().lower()
    if not name or not name.replace("_", "").replace(".", "").isalnum() or not name.isascii():
        raise ValidationError(_("用户名只能由字母、数字、点和下划线组成。"), field="username")
    if not password:
        raise ValidationError(_("请设置密码。"), field="password")
    with ctx.uow() as session:
        if session.scalar(select(User.id).where(User.username == name)) is not None:
            raise Conflict(_("用户名“{name}”已存在。").format(name=name))
        user = User(
            username=name,
            display_name=display_name.strip() or name,
            role=role,
            password_hash=_hasher.hash(password),
            departments=list(departments),
            active=True,
            must_change_password=must_change_password,
            created_at=ctx.clock.now(),
        )
        session.add(user)
        session.flush()
        view = _view(user)
        record(
            session,
            ctx.clock,
            actor,
            "user.create",
            "user",
            user.id,
            after={
                "username": name,
                "display_name": user.display_name,
                "role": role,
                "departments": list(departments),
            },
        )
    return view, Changes(users=True)


def sign_in(ctx: AppContext, username: str, password: str, counter: str) -> Actor:
    """Check the password; return who is signed in at which counter.

    Raises ``AuthenticationFailed`` with one message for a wrong name or password (so
    the message does not tell which), and ``ValidationError`` for a bad counter code.
    """
    code = normalize_counter_code(counter)
    with ctx.uow() as session:
        user = session.scalar(select(User).where(User.username == username.strip().lower()))
        if user is None or not user.active:
            _hasher.hash(password)  # same time as a real check: no user-name probing
            raise AuthenticationFailed(_("用户名或密码错误，或账号已停用。"))
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            raise AuthenticationFailed(_("用户名或密码错误，或账号已停用。")) from None
        actor = Actor(user.username, user.role, code, user.display_name)
        record(session, ctx.clock, actor, "user.sign_in", "user", user.id, after={"counter": code})
    return actor


def list_users(ctx: AppContext) -> list[UserView]:
    """Every account, by user name."""
    with ctx.uow() as session:
        return [_view(u) for u in session.scalars(select(User).order_by(User.username))]
