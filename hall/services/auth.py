"""Accounts and sign-in. Passwords are stored as argon2 hashes, never in clear.

Five failed attempts in a row (``Settings.lockout_attempts``) lock an account for 15
minutes (``lockout_minutes``); an account an administrator created or reset must change
its password at the next sign-in, and until it has, every guarded service refuses it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import (
    AccountLocked,
    AuthenticationFailed,
    Conflict,
    NotFound,
    ValidationError,
)
from hall.core.i18n import N_, _
from hall.core.settings import normalize_counter_code
from hall.models import User
from hall.models.enums import Role
from hall.services import passwords
from hall.services.audit import Actor, record
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.permissions import Permission, guarded

ROLE_NAMES = {
    Role.clerk: N_("窗口受理员"),
    Role.guide: N_("导办员"),
    Role.reviewer: N_("部门审批人员"),
    Role.supervisor: N_("值班长"),
    Role.admin: N_("系统管理员"),
}

WRONG = N_("用户名或密码错误，或账号已停用。")
USERNAME = re.compile(r"^[a-z0-9._]{1,64}$")


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
    must_change_password: bool = False
    locked_until: datetime | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role.value,
            "active": self.active,
            "departments": list(self.departments),
            "must_change_password": self.must_change_password,
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
        }


def _view(u: User) -> UserView:
    return UserView(
        u.id,
        u.username,
        u.display_name,
        u.role,
        u.active,
        tuple(u.departments),
        u.must_change_password,
        u.locked_until,
    )


def _clean_username(username: str) -> str:
    name = username.strip().lower()
    if (
        not name
        or len(name) > 64
        or not name.replace("_", "").replace(".", "").isalnum()
        or not name.isascii()
        or name.startswith(("cli", "system"))
    ):
        raise ValidationError(
            _("用户名只能由字母、数字、点和下划线组成（不能以 cli 或 system 开头）。"),
            field="username",
        )
    return name


@guarded(Permission.manage_users)
def create_user(
    ctx: AppContext,
    actor: Actor,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    *,
    departments: Sequence[str] = (),
    must_change_password: bool = True,
    allow_demo_password: bool = False,
) -> tuple[UserView, Changes]:
    """Create an account with an argon2-hashed password; returns its view.

    By default the new account must choose its own password at its first sign-in.
    Raises ``ValidationError`` for a malformed user name, a password that breaks the
    rules or a reviewer without a department, and ``Conflict`` when the name is taken.
    """
    name = _clean_username(username)
    passwords.check_rules(password, name, allow_demo=allow_demo_password)
    depts = sorted({d.strip().upper() for d in departments if d.strip()})
    if role is Role.reviewer and not depts:
        raise ValidationError(
            _("部门审批人员须指定所属部门（部门代码，如 SAMR）。"), field="departments"
        )
    with ctx.uow() as session:
        if session.scalar(select(User.id).where(User.username == name)) is not None:
            raise Conflict(_("用户名“{name}”已存在。").format(name=name))
        user = User(
            username=name,
            display_name=display_name.strip()[:60] or name,
            role=role,
            password_hash=passwords.hash_password(password),
            departments=depts,
            active=True,
            must_change_password=must_change_password,
            created_at=ctx.clock.now(),
            failed_attempts=0,
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
                "departments": depts,
            },
        )
    return view, Changes(users=True)


def _locked_message(ctx: AppContext, until: datetime) -> str:
    local = until.astimezone(ctx.clock.zone)
    same_day = local.date() == local_today(ctx.clock)
    when = f"{local:%H:%M}" if same_day else f"{local:%Y-%m-%d %H:%M}"
    return _("登录失败次数过多，账号已锁定至 {time}。请稍后再试，或请管理员重置密码。").format(
        time=when
    )


def _check_password(
    session: Session, ctx: AppContext, user: User, password: str, counter: str | None
) -> AuthenticationFailed | None:
    """Check ``password`` for ``user`` in ``session``, counting a failure towards the
    lock-out; returns the error to raise once the session is committed, or None."""
    now = ctx.clock.now()
    if user.locked_until is not None and user.locked_until > now:
        passwords.waste_time(password)
        return AccountLocked(_locked_message(ctx, user.locked_until), user.locked_until)
    if passwords.verify_password(user.password_hash, password):
        user.failed_attempts = 0
        user.locked_until = None
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        return None
    user.failed_attempts += 1
    actor = Actor(user.username, user.role, counter, user.display_name)
    if user.failed_attempts >= ctx.settings.lockout_attempts:
        user.failed_attempts = 0
        user.locked_until = now + timedelta(minutes=ctx.settings.lockout_minutes)
        record(
            session,
            ctx.clock,
            actor,
            "user.locked",
            "user",
            user.id,
            after={"until": user.locked_until, "counter": counter},
        )
        return AccountLocked(_locked_message(ctx, user.locked_until), user.locked_until)
    record(
        session,
        ctx.clock,
        actor,
        "user.sign_in_failed",
        "user",
        user.id,
        after={"counter": counter, "attempt": user.failed_attempts},
    )
    return AuthenticationFailed(_(WRONG))


def sign_in(
    ctx: AppContext, username: str, password: str, counter: str, *, audited: bool = True
) -> Actor:
    """Check the password; return who is signed in at which counter.

    Raises ``AuthenticationFailed`` with one message for a wrong name or password (so
    the message does not tell which), ``AccountLocked`` after too many failures, and
    ``ValidationError`` for a bad counter code. Failures are counted and audited; a
    success is audited unless ``audited`` is False (a command that only reads, such as
    checking the audit log itself, which must run even when the log cannot be written).
    """
    code = normalize_counter_code(counter)
    name = username.strip().lower()[:64]
    # What was typed goes into the append-only log only if it could be a user name (a
    # password typed into the wrong field must not be kept for ever).
    logged_name = name if USERNAME.match(name) else "?"
    with ctx.uow() as session:
        user = session.scalar(select(User).where(User.username == name).with_for_update())
        if user is None or not user.active:
            # The same work as a real failure (a hash, an audit entry): the time does not
            # tell whether the account exists, and guessing at names leaves a trace.
            passwords.waste_time(password)
            record(
                session,
                ctx.clock,
                Actor(logged_name, Role.clerk, code),
                "user.sign_in_failed",
                "user",
                logged_name,
                after={"counter": code, "known": False},
            )
            error: AuthenticationFailed | None = AuthenticationFailed(_(WRONG))
        else:
            error = _check_password(session, ctx, user, password, code)
        if error is None:
            assert user is not None
            actor = Actor(
                user.username, user.role, code, user.display_name, tuple(user.departments)
            )
            if audited:
                record(
                    session,
                    ctx.clock,
                    actor,
                    "user.sign_in",
                    "user",
                    user.id,
                    after={"counter": code},
                )
    if error is not None:
        raise error
    return actor


def unlock(ctx: AppContext, actor: Actor, password: str) -> None:
    """Check the signed-in person's password to unlock an idle-locked window.

    Failures count towards the lock-out like sign-in failures. Raises
    ``AuthenticationFailed`` / ``AccountLocked``; the account being disabled meanwhile
    raises ``AuthenticationFailed`` too.
    """
    with ctx.uow() as session:
        user = session.scalar(select(User).where(User.username == actor.username).with_for_update())
        if user is None or not user.active:
            raise AuthenticationFailed(_("账号已停用，请注销后由其他人员登录。"))
        error = _check_password(session, ctx, user, password, actor.counter)
        if error is None:
            record(session, ctx.clock, actor, "user.unlock", "user", user.id)
    if type(error) is AuthenticationFailed:
        raise AuthenticationFailed(_("密码不正确。"))
    if error is not None:
        raise error


def must_change_password(ctx: AppContext, actor: Actor) -> bool:
    """Whether the account must choose a new password before it may work."""
    with ctx.uow() as session:
        flag = session.scalar(
            select(User.must_change_password).where(User.username == actor.username)
        )
    return bool(flag)


def change_password(ctx: AppContext, actor: Actor, old: str, new: str) -> Changes:
    """The signed-in person changes their own password (the old one is asked again).

    Raises ``AuthenticationFailed`` for a wrong old password (counted towards the
    lock-out) and ``ValidationError`` when the new one breaks the rules or is the old one.
    """
    passwords.check_rules(new, actor.username)
    if new == old:
        raise ValidationError(_("新密码不能与原密码相同。"), field="new_password")
    with ctx.uow() as session:
        user = session.scalar(select(User).where(User.username == actor.username).with_for_update())
        if user is None or not user.active:
            raise AuthenticationFailed(_(WRONG))
        error = _check_password(session, ctx, user, old, actor.counter)
        if error is None:
            user.password_hash = passwords.hash_password(new)
            user.must_change_password = False
            user.password_changed_at = ctx.clock.now()
            record(session, ctx.clock, actor, "user.password_change", "user", user.id)
    if error is not None:
        if type(error) is AuthenticationFailed:
            error = AuthenticationFailed(_("原密码不正确。"))
        raise error
    return Changes(users=True)


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(_("没有用户名为“{name}”的账号。").format(name=username.strip()))
    return user


@guarded(Permission.manage_users)
def reset_password(
    ctx: AppContext, actor: Actor, username: str, new_password: str
) -> tuple[UserView, Changes]:
    """Give an account a new password, to be changed at its next sign-in; this also
    lifts a lock-out. Raises ``NotFound`` and ``ValidationError``."""
    with ctx.uow() as session:
        user = _user(session, username)
        passwords.check_rules(new_password, user.username)
        user.password_hash = passwords.hash_password(new_password)
        user.must_change_password = True
        user.failed_attempts = 0
        user.locked_until = None
        record(session, ctx.clock, actor, "user.reset_password", "user", user.id)
        view = _view(user)
    return view, Changes(users=True)


@guarded(Permission.manage_users)
def set_active(
    ctx: AppContext, actor: Actor, username: str, active: bool
) -> tuple[UserView, Changes]:
    """Disable (or enable again) an account. A disabled account cannot sign in, and a
    session it already has is refused at its next action. The last active administrator
    and one's own account cannot be disabled (``Conflict``)."""
    with ctx.uow() as session:
        user = _user(session, username)
        if not active and user.username == actor.username:
            raise Conflict(_("不能停用自己正在使用的账号。"))
        if not active and user.role is Role.admin and user.active:
            admins = session.scalar(
                select(func.count()).where(User.role == Role.admin, User.active)
            )
            if (admins or 0) <= 1:
                raise Conflict(_("这是最后一个可用的管理员账号，不能停用。"))
        if user.active != active:
            user.active = active
            record(
                session,
                ctx.clock,
                actor,
                "user.enable" if active else "user.disable",
                "user",
                user.id,
                before={"active": not active},
                after={"active": active},
            )
        view = _view(user)
    return view, Changes(users=True)


def has_accounts(ctx: AppContext) -> bool:
    """Whether any account exists (before the first one, the installation is being set up)."""
    with ctx.uow() as session:
        return session.scalar(select(User.id).limit(1)) is not None


@guarded(Permission.manage_users)
def list_users(ctx: AppContext, actor: Actor) -> list[UserView]:
    """Every account, by user name."""
    with ctx.uow() as session:
        return [_view(u) for u in session.scalars(select(User).order_by(User.username))]
