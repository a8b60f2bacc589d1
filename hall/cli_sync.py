"""`hall server …` (the hall server's schema, set-up and password) and `hall sync …`
(one round or a loop of sync, what waits, retrying and escalating a refused change).
Registered by :mod:`hall.cli`."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
import time
from datetime import datetime
from typing import Any

from hall.cli_auth import acting_actor, new_password_from_terminal, signed
from hall.cli_parser import print_json
from hall.core.errors import HallError
from hall.core.i18n import _
from hall.core.paths import Paths
from hall.core.settings import Settings, effective_server_url
from hall.services.context import AppContext

log = logging.getLogger(__name__)


def _server_url(args: argparse.Namespace, settings: Settings) -> str:
    url = args.url or effective_server_url(settings)
    if not url:
        raise HallError(_("没有配置大厅服务器：请用 --url 指定，或设置环境变量 HALL_SERVER_URL。"))
    return str(url)


def cmd_server_init(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from hall.services.auth import has_accounts
    from hall.services.server import init_server, server_context_for, stored_password
    from hall.services.setup import initialise

    url = _server_url(args, settings)
    password = stored_password(paths, settings)
    before, after = init_server(url, password)
    if before == after:
        print(_("大厅服务器的数据库已是最新版本（{rev}）。").format(rev=after))
    elif before is None:
        print(_("已在大厅服务器上建立数据库结构（版本 {rev}）。").format(rev=after))
    else:
        print(_("大厅服务器的数据库已从版本 {old} 升级到 {rev}。").format(old=before, rev=after))
    ctx = server_context_for(paths, settings, url, password)
    try:
        admin, must_change = args.admin_password, True
        accounts = has_accounts(ctx)
        if admin is None and not args.demo and not accounts and sys.stdin.isatty():
            admin, must_change = new_password_from_terminal(_("管理员 admin 的密码")), False
        report = initialise(
            ctx,
            demo=args.demo,
            admin_password=admin,
            admin_must_change=must_change,
            signing_key=False,  # each counter's documents are signed by its own key
        )
        from hall.services.scans import scan_root
        from hall.sync.files import upload_held

        # The demo's scanned files were written here: the counters fetch them from the server.
        uploaded = upload_held(ctx.engine, scan_root(ctx), ctx.clock.now)
    finally:
        ctx.close()
    if uploaded:
        print(_("已把{n}个扫描件上传到大厅服务器。").format(n=uploaded))
    if report.catalog_imported:
        print(_("已在大厅服务器上导入内置许可事项目录。"))
    if report.users_created:
        print(_("已在大厅服务器上创建{n}个账号。").format(n=report.users_created))
    if report.demo_day is not None:
        print(_("已在大厅服务器上载入演示数据。"))
    print(_("各窗口设置 HALL_SERVER_URL（或在系统设置中填写服务器）后运行 hall init 加入。"))
    return 0


def cmd_server_password(args: argparse.Namespace, paths: Paths, settings: Settings) -> int:
    from hall.cli_auth import passphrase_from_terminal
    from hall.services.server import store_password

    password = os.environ.get("HALL_SERVER_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise HallError(_("请在终端中运行，或设置环境变量 HALL_SERVER_PASSWORD。"))
        password = getpass.getpass(_("大厅服务器的密码："))
    where = store_password(paths, settings, password, passphrase_from_terminal)
    print(_("大厅服务器的密码已保存在{store}。").format(store=where))
    return 0


def _when(ctx: AppContext, at: datetime | None) -> str:
    return at.astimezone(ctx.clock.zone).strftime("%m-%d %H:%M:%S") if at else "—"


def _report_line(ctx: AppContext, report: Any) -> str:
    from hall.sync.link import LinkState

    if report.state is LinkState.incompatible:
        return _("无法同步：{reason}").format(reason=report.reason)
    if report.state is not LinkState.online:
        return _("离线：{reason}").format(reason=report.reason)
    parts = [
        _("上传变更 {n}").format(n=report.pushed),
        _("下载记录 {n}").format(n=report.pulled),
    ]
    if report.files_up or report.files_down:
        parts.append(
            _("扫描件 上传 {up}、下载 {down}").format(up=report.files_up, down=report.files_down)
        )
    if report.set_aside:
        parts.append(_("被服务器拒收并搁置 {n}").format(n=report.set_aside))
    if report.flagged:
        parts.append(_("复核信用后提交主管：{cases}").format(cases=_("、").join(report.flagged)))
    return _("{time} 在线：").format(time=_when(ctx, ctx.clock.now())) + _("，").join(parts)


def cmd_sync(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.sync import sync_once
    from hall.sync.link import LinkState

    if args.sync_command == "status":
        return cmd_sync_status(args, ctx)
    while True:
        if args.once:
            report = sync_once(ctx)
            print(_report_line(ctx, report), flush=True)
            return 0 if report.state is LinkState.online else 1
        try:
            print(_report_line(ctx, sync_once(ctx)), flush=True)
        except KeyboardInterrupt:
            return 0
        except HallError as exc:  # kept running: the next round may go through
            print(_("同步出错：{error}").format(error=exc.message), file=sys.stderr, flush=True)
        except Exception as exc:  # logged whole; a counter without a window keeps syncing
            log.exception("sync round failed")
            print(_("同步出错（{kind}），详情已记入日志。").format(kind=type(exc).__name__),
                  file=sys.stderr, flush=True)  # fmt: skip
        try:
            time.sleep(args.interval)
        except KeyboardInterrupt:
            return 0


def cmd_sync_status(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.sync import sync_status
    from hall.services.sync_changes import waiting_changes

    if ctx.link is not None:
        ctx.link.check(time.monotonic())  # say how it stands now, not at start
    status = sync_status(ctx)
    changes = waiting_changes(ctx, limit=args.limit)
    if args.json:
        print_json({**status.to_json(), "changes": [c.to_json() for c in changes]})
        return 0
    if not status.configured:
        print(_("没有配置大厅服务器：本机是单机运行的大厅。"))
    else:
        state = {
            "online": _("在线"),
            "offline": _("离线"),
            "incompatible": _("无法同步"),
        }[status.state.value if status.state else "offline"]
        print(_("大厅服务器：{server}（{state}）").format(server=status.server, state=state))
        if status.reason:
            print("  " + status.reason)
        print(
            _("上次上传 {push}，上次下载 {pull}。").format(
                push=_when(ctx, status.pushed_at), pull=_when(ctx, status.pulled_at)
            )
        )
    print(
        _("待同步变更 {n} 条，其中被搁置 {aside} 条；待上传扫描件 {files} 个。").format(
            n=status.waiting, aside=status.set_aside, files=status.files_waiting
        )
    )
    now = ctx.clock.now()
    for c in changes:
        age = int((now - c.created_at).total_seconds() // 60)
        line = f"#{c.seq:<6} {_when(ctx, c.created_at)}  " + _("{age} 分钟前").format(age=age)
        line += f"  {c.action or c.entity}  {c.entity_id}"
        if c.set_aside_at:
            line += "  " + _("【已搁置】") + c.last_error
        if c.escalated_at:
            line += "  " + _("【已上报：{who}，{note}】").format(
                who=c.escalated_by, note=c.escalation_note
            )
        print(line)
    return 0


def cmd_sync_retry(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.sync_changes import retry_change

    retry_change(ctx, acting_actor(ctx, args), args.seq)
    print(_("变更 #{seq} 已重新排入同步队列。").format(seq=args.seq))
    return 0


def cmd_sync_escalate(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.sync_changes import escalate_change

    escalate_change(ctx, acting_actor(ctx, args), args.seq, args.note)
    print(_("变更 #{seq} 已标记为上报。").format(seq=args.seq))
    return 0


def register(sub: Any) -> None:
    """Add the `server` and `sync` commands to the top-level subparsers."""
    server = sub.add_parser("server", help=_("大厅服务器（PostgreSQL）")).add_subparsers(
        dest="server_command", required=True, metavar=_("子命令")
    )
    url_help = _("服务器地址（默认取环境变量 HALL_SERVER_URL 或设置）")
    p = server.add_parser(
        "init", help=_("在大厅服务器上建立或升级数据库结构，并导入目录、建立管理员账号")
    )
    p.add_argument("--url", metavar="postgresql://…", help=url_help)
    p.add_argument("--demo", action="store_true", help=_("同时载入演示账号和演示数据"))
    p.add_argument("--admin-password", metavar=_("密码"), help=_("管理员 admin 的初始密码"))
    p.set_defaults(standalone=cmd_server_init)
    p = server.add_parser(
        "password",
        help=_("把服务器密码保存到本机的密钥存储（系统密钥环）；也可用 HALL_SERVER_PASSWORD"),
    )
    p.set_defaults(standalone=cmd_server_password)

    sync = sub.add_parser("sync", help=_("与大厅服务器同步：上传本机变更、下载其他窗口的变更"))
    sync.add_argument(
        "--once", action="store_true", help=_("只同步一轮（默认持续同步，Ctrl+C 停止）")
    )
    sync.add_argument("--interval", type=float, default=5.0, metavar=_("秒"),
                      help=_("持续同步时每轮的间隔（默认 5 秒）"))  # fmt: skip
    sync.set_defaults(handler=cmd_sync, sync_command=None)
    commands = sync.add_subparsers(dest="sync_command", metavar=_("子命令"))
    p = commands.add_parser("status", help=_("待同步的变更、被搁置的原因和连接状态"))
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.add_argument("--limit", type=int, default=200, help=_("最多列出的变更条数"))
    p.set_defaults(handler=cmd_sync)
    p = signed(commands.add_parser("retry", help=_("重新发送一条被搁置的变更（管理员）")))
    p.add_argument("seq", type=int, metavar=_("编号"))
    p.set_defaults(handler=cmd_sync_retry)
    p = signed(commands.add_parser("escalate", help=_("把一条被搁置的变更标记为已上报（管理员）")))
    p.add_argument("seq", type=int, metavar=_("编号"))
    p.add_argument("--note", required=True, metavar=_("说明"), help=_("上报给谁、为什么"))
    p.set_defaults(handler=cmd_sync_escalate)
