"""``hall settings``: the administrator's settings from the command line — ``show``
them, ``set`` one (checked, saved and audited as in the settings dialog), and keep the
hall server's ``server-password``. Registered by :mod:`hall.cli`."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import asdict, fields
from typing import Any

from hall.cli_auth import acting_actor, signed
from hall.cli_parser import print_json
from hall.core.errors import HallError, ValidationError
from hall.core.i18n import _
from hall.core.settings import Settings
from hall.services.context import AppContext

TRUE, FALSE = ("true", "yes", "1", "on"), ("false", "no", "0", "off")


def typed_value(name: str, text: str) -> Any:
    """``text`` as the type of the setting ``name`` (its default's type)."""
    default = getattr(Settings(), name, None)
    if isinstance(default, bool):
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise ValidationError(_("设置项 {name} 的值应为 true 或 false。").format(name=name))
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError:
            raise ValidationError(
                _("设置项 {name} 的值应为整数。").format(name=name), field=name
            ) from None
    return text


def cmd_settings_show(args: argparse.Namespace, ctx: AppContext) -> int:
    values = asdict(ctx.settings)
    if args.json:
        print_json(values)
        return 0
    docs = {f.name: f.metadata.get("doc", "") for f in fields(Settings)}
    for name, value in values.items():
        print(f"{name} = {value!r}    # {docs.get(name, '')}")
    return 0


def cmd_settings_set(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.settings_admin import EDITABLE, change_settings

    if args.name not in EDITABLE:
        raise ValidationError(
            _("不能在这里修改设置项 {name}；可修改的有：{names}").format(
                name=args.name, names=", ".join(EDITABLE)
            )
        )
    actor = acting_actor(ctx, args)
    change_settings(ctx, actor, **{args.name: typed_value(args.name, args.value)})
    print(
        _("已设置 {name} = {value}。").format(
            name=args.name, value=getattr(ctx.settings, args.name)
        )
    )
    return 0


def cmd_settings_server_password(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.settings_admin import store_server_password

    actor = acting_actor(ctx, args)
    password = os.environ.get("HALL_SERVER_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise HallError(
                _("需要服务器密码：请在终端中运行，或设置环境变量 HALL_SERVER_PASSWORD。")
            )
        password = getpass.getpass(_("大厅服务器（PostgreSQL）的密码："))
    store_server_password(ctx, actor, password)
    print(_("大厅服务器的密码已保存在{store}。").format(store=ctx.secrets().description))
    return 0


def register(sub: Any) -> None:
    """Add ``hall settings`` to the ``hall`` parser's subcommands."""
    settings = sub.add_parser("settings", help=_("系统设置（管理员）")).add_subparsers(
        dest="settings_command", required=True, metavar=_("子命令")
    )
    p = settings.add_parser("show", help=_("列出本机的设置"))
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_settings_show)
    p = signed(settings.add_parser("set", help=_("修改一项设置（记入审计日志）")))
    p.add_argument("name", help=_("设置项，如 language、hall_name、idle_lock_minutes"))
    p.add_argument("value", help=_("新的值，如 en"))
    p.set_defaults(handler=cmd_settings_set)
    p = signed(
        settings.add_parser("server-password", help=_("保存大厅服务器的密码（存入系统密钥环）"))
    )
    p.set_defaults(handler=cmd_settings_server_password)
