"""The administrator's trust commands: ``hall users``, ``hall keys``, ``hall verify``,
``hall audit verify`` and ``hall documents revoke``.
Registered by :mod:`hall.cli`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hall.cli_auth import (
    acting_actor,
    credentials,
    new_password_from_terminal,
    signed,
    temporary_password,
)
from hall.cli_parser import print_json
from hall.core.errors import ValidationError
from hall.core.i18n import _
from hall.models.enums import Role
from hall.services.context import AppContext

Handler = Callable[[argparse.Namespace, AppContext], int]


# --- users ---------------------------------------------------------------------------------


def cmd_users_add(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.auth import create_user, role_name

    password = args.password or temporary_password()
    view, _changes = create_user(
        ctx,
        acting_actor(ctx, args),
        args.username,
        args.name or args.username,
        Role(args.role),
        password,
        departments=args.department,
    )
    print(
        _("已创建账号 {user}（{name}，{role}）。").format(
            user=view.username, name=view.display_name, role=role_name(view.role)
        )
    )
    if not args.password:
        print(_("初始密码：{password}（首次登录时须修改）").format(password=password))
    return 0


def cmd_users_passwd(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.auth import change_password, sign_in

    username, old = credentials(args)
    actor = sign_in(ctx, username, old, ctx.counter or "CLI")
    change_password(ctx, actor, old, new_password_from_terminal(_("新密码")))
    print(_("账号 {user} 的密码已修改。").format(user=actor.username))
    return 0


def cmd_users_list(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.cli_parser import pad
    from hall.services.auth import list_users, role_name

    users = list_users(ctx, acting_actor(ctx, args, reads_only=True))
    if args.json:
        print_json([u.to_json() for u in users])
        return 0
    now = ctx.clock.now()
    for u in users:
        state = [] if u.active else [_("已停用")]
        if u.locked_until and u.locked_until > now:
            until = u.locked_until.astimezone(ctx.clock.zone)
            state.append(_("锁定至 {time}").format(time=f"{until:%H:%M}"))
        if u.must_change_password:
            state.append(_("待改密码"))
        depts = ",".join(u.departments)
        print(
            f"{u.username:<16} {pad(u.display_name, 12)} {pad(role_name(u.role), 14)} "
            f"{pad(depts, 10)} {_('，').join(state)}".rstrip()
        )
    return 0


def cmd_users_disable(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.auth import set_active

    view, _changes = set_active(ctx, acting_actor(ctx, args), args.username, False)
    print(_("账号 {user} 已停用。").format(user=view.username))
    return 0


def cmd_users_enable(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.auth import set_active

    view, _changes = set_active(ctx, acting_actor(ctx, args), args.username, True)
    print(_("账号 {user} 已启用。").format(user=view.username))
    return 0


def cmd_users_reset(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.auth import reset_password

    password = args.password or temporary_password()
    view, _changes = reset_password(ctx, acting_actor(ctx, args), args.username, password)
    print(_("账号 {user} 的密码已重置，锁定已解除。").format(user=view.username))
    if not args.password:
        print(_("临时密码：{password}（登录时须修改）").format(password=password))
    return 0


# --- keys ----------------------------------------------------------------------------------


def _print_key(key: Any, ctx: AppContext) -> None:
    zone = ctx.clock.zone
    since = key.valid_from.astimezone(zone)
    until = key.valid_until.astimezone(zone) if key.valid_until else None
    if key.revoked_at is not None:
        state = _("已吊销 {time}").format(time=f"{key.revoked_at.astimezone(zone):%Y-%m-%d %H:%M}")
    elif key.current:
        state = _("当前")
    else:
        state = _("已停用 {time}").format(time=f"{until:%Y-%m-%d %H:%M}")
    print(_("密钥 {key}（Ed25519，{state}，启用于 {since}）").format(
        key=key.key_id, state=state, since=f"{since:%Y-%m-%d %H:%M}"
    ))  # fmt: skip
    print(f"  {key.public_key}")


def cmd_keys_init(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.signing import init_keys

    key, _changes = init_keys(ctx, acting_actor(ctx, args))
    print(_("已生成本大厅的签名密钥，私钥保存在{store}。").format(store=ctx.secrets().description))
    _print_key(key, ctx)
    return 0


def cmd_keys_rotate(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.signing import rotate_keys

    key, _changes = rotate_keys(
        ctx, acting_actor(ctx, args), args.reason or "", compromised=args.compromised
    )
    if args.compromised:
        print(
            _("已更换并吊销旧的签名密钥：旧密钥签发的所有文书今后核验为“密钥已吊销”，请重新出具。")
        )
    else:
        print(_("已更换签名密钥；旧密钥签发的文书仍可核验。"))
    _print_key(key, ctx)
    return 0


def cmd_keys_revoke(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.signing import revoke_key

    key, _changes = revoke_key(ctx, acting_actor(ctx, args), args.key_id, args.reason)
    print(
        _("已吊销签名密钥 {key}：它签发的所有文书今后核验为“密钥已吊销”，请重新出具。").format(
            key=key.key_id
        )
    )
    return 0


def cmd_keys_show(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.signing import list_keys

    keys = list_keys(ctx)
    if args.json:
        print_json([k.to_json() for k in keys])
        return 0
    if not keys:
        print(_("还没有签名密钥。管理员可运行“hall keys init”生成。"))
        return 1
    for key in keys:
        _print_key(key, ctx)
    return 0


# --- verify, audit, revoke -----------------------------------------------------------------


def cmd_verify(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.verification import fact_rows, facts_heading, verify_payload

    if args.image is not None:
        text = _code_in_image(Path(args.image))
    elif args.payload is None:
        raise ValidationError(_("请给出二维码内容，或用 --image 指定二维码图片。"))
    else:
        text = sys.stdin.read() if args.payload == "-" else args.payload
    # A scanner ends with Enter; a terminal may add spaces. Nothing else is forgiven.
    result = verify_payload(ctx, text.strip())
    if args.json:
        print_json(result.to_json())
        return 0 if result.valid else 1
    print(result.message)
    rows = fact_rows(result, ctx.clock.zone)
    if rows:
        print(facts_heading(result))
    for label, value in rows:
        print("  " + _("{name}：{what}").format(name=label, what=value))
    return 0 if result.valid else 1


def _code_in_image(path: Path) -> str:
    """The document code in a picture: ours first, else whatever code it shows."""
    from hall.services.code_image import payload_of, read_codes_from_file

    code = payload_of(read_codes_from_file(path))
    if code is None:
        raise ValidationError(_("图片中没有找到二维码。请拍清楚、拍完整后再试。"))
    return code


def cmd_audit_verify(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.audit_chain import verify_chain

    report = verify_chain(ctx, acting_actor(ctx, args, reads_only=True))
    if args.json:
        print_json(
            {
                "intact": report.intact,
                "entries": report.entries,
                "chains": report.chains,
                "broken": report.broken.to_json() if report.broken else None,
            }
        )
        return 0 if report.intact else 1
    if report.broken is None:
        print(_("审计日志完整：{n}条记录，未发现改动。").format(n=report.entries))
        return 0
    b = report.broken
    print(_("审计日志已被改动！第一处问题在第{seq}条记录：{reason}").format(
        seq=b.seq, reason=b.reason
    ))  # fmt: skip
    if b.id is not None:
        at = b.at.astimezone(ctx.clock.zone) if b.at else None
        print(
            _("  记录 {id}，{time}，{actor}，{action}").format(
                id=b.id, time=f"{at:%Y-%m-%d %H:%M:%S}" if at else "", actor=b.actor,
                action=b.action,
            )
        )  # fmt: skip
    return 1


def cmd_documents_revoke(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.payload import DocumentKind
    from hall.services.verification import kind_name, revoke_document

    kind = DocumentKind(args.kind)
    revoke_document(ctx, acting_actor(ctx, args), kind, args.number, args.reason)
    print(_("已撤销{kind} {number}；其二维码今后核验为“已撤销”。").format(
        kind=kind_name(kind), number=args.number.strip()
    ))  # fmt: skip
    return 0


def register(sub: Any) -> None:
    """Add the trust commands to the ``hall`` parser's subcommands."""
    from hall.services.payload import DocumentKind

    roles = [r.value for r in Role]

    users = sub.add_parser("users", help=_("账号管理（管理员）")).add_subparsers(
        dest="users_command", required=True, metavar=_("子命令")
    )
    p = signed(users.add_parser("add", help=_("新建账号（首次登录须修改密码）")))
    p.add_argument("username", help=_("用户名：字母、数字、点和下划线"))
    p.add_argument("--name", help=_("姓名"))
    p.add_argument(
        "--role", required=True, choices=roles,
        help=_("角色：clerk 窗口受理员、guide 导办员、reviewer 部门审批人员、"
               "supervisor 值班长、admin 系统管理员"),
    )  # fmt: skip
    p.add_argument(
        "--department", nargs="+", default=[], metavar=_("部门代码"),
        help=_("部门审批人员所属的部门，如 SAMR"),
    )  # fmt: skip
    p.add_argument("--password", help=_("初始密码（不填则生成一个临时密码）"))
    p.set_defaults(handler=cmd_users_add)
    p = signed(users.add_parser("passwd", help=_("修改自己的密码（初始密码须先修改）")))
    p.set_defaults(handler=cmd_users_passwd)
    p = signed(users.add_parser("list", help=_("列出账号")))
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_users_list)
    p = signed(users.add_parser("disable", help=_("停用账号")))
    p.add_argument("username", help=_("用户名"))
    p.set_defaults(handler=cmd_users_disable)
    p = signed(users.add_parser("enable", help=_("重新启用账号")))
    p.add_argument("username", help=_("用户名"))
    p.set_defaults(handler=cmd_users_enable)
    p = signed(users.add_parser("reset-password", help=_("重置密码并解除锁定（登录时须修改）")))
    p.add_argument("username", help=_("用户名"))
    p.add_argument("--password", help=_("新的临时密码（不填则自动生成）"))
    p.set_defaults(handler=cmd_users_reset)

    keys = sub.add_parser("keys", help=_("文书签名密钥（管理员）")).add_subparsers(
        dest="keys_command", required=True, metavar=_("子命令")
    )
    p = signed(keys.add_parser("init", help=_("生成本大厅的签名密钥")))
    p.set_defaults(handler=cmd_keys_init)
    p = keys.add_parser("show-public", help=_("显示公钥（当前和已停用的）"))
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_keys_show)
    p = signed(keys.add_parser("rotate", help=_("更换签名密钥（旧密钥签发的文书仍有效）")))
    p.add_argument("--reason", help=_("更换原因"))
    p.add_argument(
        "--compromised",
        action="store_true",
        help=_("旧私钥可能已泄露（如电脑丢失）：旧密钥签发的文书一律不再可信"),
    )
    p.set_defaults(handler=cmd_keys_rotate)
    p = signed(keys.add_parser("revoke", help=_("吊销可能泄露的密钥（当前的或已停用的）")))
    p.add_argument("key_id", help=_("密钥编号（8位，见 hall keys show-public）"))
    p.add_argument("--reason", required=True, help=_("吊销原因，如“窗口电脑丢失”"))
    p.set_defaults(handler=cmd_keys_revoke)

    p = sub.add_parser("verify", help=_("核验文书二维码的内容（离线）"))
    p.add_argument("payload", nargs="?", help=_("扫码得到的文字；“-”表示从标准输入读取"))
    p.add_argument("--image", metavar=_("图片"), help=_("从文书的照片或扫描件中读取二维码"))
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_verify)

    audit = sub.add_parser("audit", help=_("审计日志")).add_subparsers(
        dest="audit_command", required=True, metavar=_("子命令")
    )
    p = signed(audit.add_parser("verify", help=_("核验审计日志的哈希链，指出第一条被改动的记录")))
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_audit_verify)

    docs = sub.add_parser("documents", help=_("已出具的文书")).add_subparsers(
        dest="documents_command", required=True, metavar=_("子命令")
    )
    p = signed(docs.add_parser("revoke", help=_("撤销文书：其二维码今后核验为“已撤销”")))
    p.add_argument("kind", choices=[k.value for k in DocumentKind], help=_("文书种类"))
    p.add_argument("number", help=_("文书编号"))
    p.add_argument("--reason", required=True, help=_("撤销原因"))
    p.set_defaults(handler=cmd_documents_revoke)
