"""Changing the hall's settings, for the administrator: each change checked against the
setting's declared type and range, saved atomically, and audited. The hall server's
password goes to the secret store, never into the settings file."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from hall.core.errors import HallError, ValidationError, os_reason
from hall.core.i18n import LANGUAGES, _
from hall.core.settings import Settings, normalize_counter_code, normalize_hall_code
from hall.services.audit import Actor, record
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.permissions import Permission, guarded
from hall.services.secrets import SERVER_PASSWORD
from hall.sync.link import parse_server_url

#: What the administrator may change here (the file's version is the program's).
EDITABLE = (
    "counter_code",
    "hall_name",
    "hall_code",
    "language",
    "timezone",
    "lockout_attempts",
    "lockout_minutes",
    "idle_lock_minutes",
    "scanner_folder",
    "scan_max_mb",
)


def _checked(name: str, value: Any) -> Any:
    spec = next(f for f in fields(Settings) if f.name == name)
    default = getattr(Settings(), name)
    expected = str if default is None else type(default)
    if type(value) is not expected:
        raise ValidationError(_("设置项 {name} 的值类型不对。").format(name=name), field=name)
    low, high = spec.metadata.get("min"), spec.metadata.get("max")
    if low is not None and high is not None and not low <= value <= high:
        raise ValidationError(
            _("设置项 {name} 应在 {low} 到 {high} 之间。").format(name=name, low=low, high=high),
            field=name,
        )
    if name == "counter_code":
        return normalize_counter_code(value)
    if name == "hall_code":
        return normalize_hall_code(value)
    if name == "hall_name" and not value.strip():
        raise ValidationError(_("请填写大厅名称。"), field=name)
    if name == "language" and value not in LANGUAGES:
        raise ValidationError(_("没有这种语言：{name}").format(name=value), field=name)
    return value.strip() if isinstance(value, str) else value


@guarded(Permission.change_settings)
def change_settings(ctx: AppContext, actor: Actor, /, **changes: Any) -> Changes:
    """Apply ``changes`` (setting name → value) to the settings and save them.

    Raises ``ValidationError`` for an unknown setting or a bad value; then nothing is
    changed."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationError(_("没有这个设置项：{names}").format(names=_("、").join(unknown)))
    checked = {name: _checked(name, value) for name, value in changes.items()}
    before = {name: getattr(ctx.settings, name) for name in checked}
    with ctx.uow() as session:
        record(
            session, ctx.clock, actor, "settings.change", "settings", "local",
            before=before, after=checked,
        )  # fmt: skip
        for name, value in checked.items():
            setattr(ctx.settings, name, value)
        try:
            ctx.save_settings()
        except OSError as exc:  # the audit entry is rolled back with it
            for name, value in before.items():
                setattr(ctx.settings, name, value)
            raise HallError(
                _("无法保存设置：{reason}。设置未改动。").format(reason=os_reason(exc))
            ) from exc
    return Changes(settings=True)


@guarded(Permission.change_settings)
def store_server_password(ctx: AppContext, actor: Actor, password: str) -> Changes:
    """Keep the hall server's password in the secret store (the keyring)."""
    if not password:
        raise ValidationError(_("请填写服务器密码。"), field="password")
    store = ctx.secrets()  # opened (a passphrase asked, perhaps) before the transaction
    with ctx.uow() as session:
        record(session, ctx.clock, actor, "settings.server_password", "settings", "server")
        store.set(SERVER_PASSWORD, password)  # if it fails, the entry is rolled back
    return Changes(settings=True)


def server_password(ctx: AppContext) -> str | None:
    return ctx.secrets().get(SERVER_PASSWORD)


def checked_server_address(url: str) -> str:
    """The hall server's address as it will be kept. Raises ``ValidationError`` for an
    empty one, one that is not PostgreSQL's, or one that carries a password (it would
    be written into the settings file)."""
    text = url.strip()
    if not text:
        raise ValidationError(_("请填写大厅服务器的地址。"), field="server_url")
    if parse_server_url(text).password is not None:
        raise ValidationError(
            _("不要把密码写在服务器地址里：设置文件不保存密码，请填在“密码”一栏。"),
            field="server_url",
        )
    return text


@guarded(Permission.change_settings)
def set_server_url(ctx: AppContext, actor: Actor, url: str) -> Changes:
    """Name the hall server this counter syncs with (empty: a hall of one counter), as a
    PostgreSQL URL without its password. The link is made at start, so the new server
    is used from the next start on.

    Raises ``ValidationError`` for a URL that is not PostgreSQL's or carries a password
    (it would be written into the settings file); then nothing is changed."""
    text = checked_server_address(url) if url.strip() else ""
    before = ctx.settings.server_url
    with ctx.uow() as session:
        record(
            session, ctx.clock, actor, "settings.server_url", "settings", "server",
            before={"server_url": before}, after={"server_url": text},
        )  # fmt: skip
        ctx.settings.server_url = text
        try:
            ctx.save_settings()
        except OSError as exc:  # the audit entry is rolled back with it
            ctx.settings.server_url = before
            raise HallError(
                _("无法保存设置：{reason}。设置未改动。").format(reason=os_reason(exc))
            ) from exc
    return Changes(settings=True)
