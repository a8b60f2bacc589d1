"""Who a command acts as, and what it asks at the terminal: the account's password, a
new password, the secrets file's passphrase. Scripts give them in ``HALL_USER``,
``HALL_PASSWORD``, ``HALL_NEW_PASSWORD`` and ``HALL_SECRETS_PASSPHRASE``."""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from typing import TypeVar

from hall.core.errors import HallError
from hall.core.i18n import _
from hall.services.audit import Actor
from hall.services.context import AppContext


def operator_actor(ctx: AppContext) -> Actor:
    """The machine's operator, who sets an installation up before it has any account."""
    return Actor.as_operator(f"cli:{getpass.getuser()}", _("命令行"), ctx.counter)


def acting_actor(ctx: AppContext, args: argparse.Namespace, *, reads_only: bool = False) -> Actor:
    """Who a command that changes something acts as: a signed-in account, named by
    ``--user`` (or ``HALL_USER``), its password from ``HALL_PASSWORD`` or asked at the
    terminal. Sign-in failures count towards the lock-out like the window's. Only while
    the database has no account at all (being set up) does the operator act. A command
    that ``reads_only`` does not add a sign-in entry to the audit log (checking the log
    must work when it cannot be written)."""
    from hall.services.auth import has_accounts, sign_in

    if not has_accounts(ctx):
        return operator_actor(ctx)
    username, password = credentials(args)
    return sign_in(ctx, username, password, ctx.counter or "CLI", audited=not reads_only)


P = TypeVar("P", bound=argparse.ArgumentParser)


def credentials(args: argparse.Namespace) -> tuple[str, str]:
    username = getattr(args, "user", None) or os.environ.get("HALL_USER")
    if not username:
        raise HallError(_("请用 --user 指定办理此操作的账号（如 --user admin）。"))
    password = os.environ.get("HALL_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise HallError(
                _("需要账号 {user} 的密码：请在终端中运行，或设置环境变量 HALL_PASSWORD。").format(
                    user=username
                )
            )
        password = getpass.getpass(_("{user} 的密码：").format(user=username))
    return username, password


def signed(parser: P) -> P:
    """Add ``--user`` to a command that needs a signed-in account."""
    parser.add_argument(
        "--user", metavar=_("用户名"), help=_("办理此操作的账号（默认取环境变量 HALL_USER）")
    )
    return parser


def temporary_password() -> str:
    """A password to hand over once, e.g. ``k7mp-2qx9-w4dh``: the account must change it."""
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    while True:
        groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)]
        text = "-".join(groups)
        if any(ch.isdigit() for ch in text) and any(ch.isalpha() for ch in text):
            return text


def passphrase_from_terminal(creating: bool) -> str:
    """The secrets file's passphrase: ``HALL_SECRETS_PASSPHRASE``, else asked at the
    terminal (twice when the file is new). Says first why it is needed."""
    print(_("注意：签名密钥和服务器密码保存在由管理员口令加密的密钥文件中。"), file=sys.stderr)
    given = os.environ.get("HALL_SECRETS_PASSPHRASE")
    if given:
        return given
    if not sys.stdin.isatty():
        raise HallError(
            _("需要密钥文件的口令：请设置环境变量 HALL_SECRETS_PASSPHRASE，或在终端中运行。")
        )
    if not creating:
        return getpass.getpass(_("密钥文件口令："))
    first = getpass.getpass(_("为密钥文件设置口令（至少10位）："))
    if getpass.getpass(_("再次输入口令：")) != first:
        raise HallError(_("两次输入的口令不一致，未作任何改动。"))
    return first


def new_password_from_terminal(what: str) -> str:
    """A new password typed twice at the terminal (``HALL_NEW_PASSWORD`` for scripts)."""
    given = os.environ.get("HALL_NEW_PASSWORD")
    if given:
        return given
    if not sys.stdin.isatty():
        raise HallError(_("需要新密码：请在终端中运行，或设置环境变量 HALL_NEW_PASSWORD。"))
    first = getpass.getpass(_("{what}：").format(what=what))
    if getpass.getpass(_("再次输入：")) != first:
        raise HallError(_("两次输入的密码不一致，未作任何改动。"))
    return first
