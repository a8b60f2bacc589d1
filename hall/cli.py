"""The command line: the same services as the GUI, for work without a screen.

Every error ends the command with status 1 and one clear line on stderr (an import that
was refused lists its problems below that line). ``--json`` output is a contract.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from hall import __version__
from hall.cli_auth import (
    acting_actor,
    new_password_from_terminal,
    passphrase_from_terminal,
    signed,
)
from hall.cli_parser import HallParser, iso_date, pad, print_json
from hall.core.clock import local_today
from hall.core.errors import HallError, ImportRejected, os_reason
from hall.core.i18n import _, effective_language, set_language
from hall.core.logconfig import setup_logging
from hall.core.paths import Paths, resolve_paths
from hall.core.settings import Settings, effective_counter, load_settings
from hall.services.context import AppContext, open_context

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace, AppContext], int]
Standalone = Callable[[argparse.Namespace, Paths, Settings], int]


def cmd_init(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.auth import has_accounts
    from hall.services.setup import initialise

    if ctx.link is not None:
        return _join_server(args, ctx)

    accounts = has_accounts(ctx)
    password, must_change = args.admin_password, True  # typed into a shell's history
    if password is None and not args.demo and not accounts and sys.stdin.isatty():
        password, must_change = new_password_from_terminal(_("管理员 admin 的密码")), False
    if accounts and args.admin_password:
        print(_("数据库中已有账号，--admin-password 未使用；修改密码请用 hall users passwd。"))
    report = initialise(
        ctx,
        demo=args.demo,
        counter=args.counter,
        admin_password=password,
        admin_must_change=must_change,
        # Set-up acts unsigned: once accounts exist, keys are made by a signed-in admin.
        signing_key=None if not accounts or args.demo else False,
    )
    if report.demo_refused:
        print(_("这是正式安装的数据库（已有账号），未添加演示账号和演示数据。"))
    print(_("数据库已就绪：{path}").format(path=ctx.paths.database))
    if report.catalog_imported:
        print(_("已导入内置许可事项目录。"))
    if report.users_created:
        print(_("已创建{n}个账号。").format(n=report.users_created))
    if report.applicants_loaded:
        print(
            _("已载入演示市场主体{n}户、失信记录{m}条。").format(
                n=report.applicants_loaded, m=report.credit_records_loaded
            )
        )
    if report.demo_day is not None:
        day = report.demo_day
        print(
            _("演示：已受理案件{n}件（{cases}），排队号 {tickets}，预约号 {appointments}。").format(
                n=len(day.cases), cases=_("、").join(day.cases), tickets=_("、").join(day.tickets),
                appointments=_("、").join(day.appointments),
            )
        )  # fmt: skip
    if report.key_created:
        print(_("已生成文书签名密钥，私钥保存在{store}。").format(store=ctx.secrets().description))
    else:
        from hall.services.signing import current_key

        if current_key(ctx) is None:
            print(_("未生成文书签名密钥；管理员可运行“hall keys init --user admin”。"))
    print(_("本机窗口编号：{counter}").format(counter=report.counter or _("（未设置）")))
    return 0


def _join_server(args: argparse.Namespace, ctx: AppContext) -> int:
    """A counter of a hall server: the catalog, accounts and the rest come from there."""
    from hall.core.settings import normalize_counter_code
    from hall.services.sync import join_server

    if args.counter:
        ctx.settings.counter_code = normalize_counter_code(args.counter)
        ctx.save_settings()
    if args.demo or args.admin_password:
        print(
            _(
                "本机连接大厅服务器 {server}：账号和演示数据在服务器上建立（hall server init）。"
            ).format(server=ctx.server)
        )
    report = join_server(ctx)
    print(_("数据库已就绪：{path}").format(path=ctx.paths.database))
    print(_("已从大厅服务器 {server} 取得 {n} 条记录。").format(server=ctx.server, n=report.pulled))
    print(_("本机窗口编号：{counter}").format(counter=ctx.counter or _("（未设置）")))
    return 0


def cmd_db_upgrade(args: argparse.Namespace, ctx: AppContext) -> int:
    # open_context already migrated; say where the database stands.
    from hall.db.migrate import HEAD

    if ctx.migrated:
        print(_("数据库已升级到版本 {rev}：{path}").format(rev=HEAD, path=ctx.paths.database))
    else:
        print(_("数据库已是最新版本（{rev}）：{path}").format(rev=HEAD, path=ctx.paths.database))
    return 0


def cmd_catalog_import(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.catalog import import_catalog, read_catalog_file

    path = Path(args.file)
    version, _changes = import_catalog(
        ctx, acting_actor(ctx, args), read_catalog_file(path), str(path)
    )
    print(
        _("已导入目录第{n}版“{label}”：许可事项{items}项，经营范围{scope}条。").format(
            n=version.number, label=version.label, items=version.items, scope=version.scope
        )
    )
    return 0


def cmd_catalog_show(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.labels import mode_name, time_limit_text

    catalog = ctx.catalog()
    if args.json:
        print_json(catalog.to_json())
        return 0
    print(
        _("目录第{n}版：{label}（许可事项{items}项，经营范围{scope}条）").format(
            n=catalog.number,
            label=catalog.label,
            items=len(catalog.items),
            scope=len(catalog.scope),
        )
    )
    for item in catalog.items.values():
        limits = time_limit_text(item)
        print(
            f"  {item.code:<12} {pad(mode_name(item.reform_mode), 14)} {item.name}"
            f"（{item.department_name}，{limits}）"
        )
    return 0


def cmd_calendar_import(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.calendar import import_calendar

    path = Path(args.file)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise HallError(
            _("无法读取日历文件 {path}：{reason}").format(path=path, reason=os_reason(exc))
        ) from exc
    imported, _changes = import_calendar(ctx, acting_actor(ctx, args), raw, str(path))
    schedule = imported.schedule
    print(
        _("已导入{year}年节假日安排：放假{h}天，调休上班{w}天。").format(
            year=schedule.year, h=schedule.holidays, w=schedule.adjusted_workdays
        )
    )
    if imported.recounted:
        print(_("已按新日历重新计算{n}个暂定期限。").format(n=imported.recounted))
    return 0


def cmd_credit_add(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.credit import add_record

    view, _changes = add_record(
        ctx,
        acting_actor(ctx, args),
        args.code,
        reason=args.reason,
        source=args.source or "",
        since=args.since,
        until=args.until,
    )
    print(
        _("已列入失信主体名单：{code} {name}（{since} 至 {until}）").format(
            code=view.subject_code,
            name=view.subject_name or "",
            since=view.since,
            until=view.until or _("长期"),
        )
    )
    return 0


def cmd_credit_list(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.credit import list_records
    from hall.services.masking import mask_applicant_code

    on = None if args.all else local_today(ctx.clock)
    records = list_records(ctx, in_force_on=on)
    # A list: persons' ID numbers masked (enterprises' credit codes are public).
    if args.json:
        rows = [r.to_json() for r in records]
        for row in rows:
            row["code"] = mask_applicant_code(str(row["code"]))
        print_json(rows)
        return 0
    if not records:
        print(_("失信主体名单中没有记录。"))
    for r in records:
        print(
            f"{mask_applicant_code(r.subject_code)}  {pad(r.subject_name or '', 32)} {r.since} ~ "
            f"{pad(str(r.until or _('长期')), 10)}  {r.reason}（{r.source}）"
        )
    return 0


def cmd_derive(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.derive_text import plan_as_text
    from hall.services.intake import plan_application

    plan = plan_application(
        ctx,
        scope=args.scope,
        items=args.item,
        applicant_code=args.applicant,
        on=args.date,
        normal_route=args.normal_route,
        without=args.without,
    )
    if args.json:
        print_json(plan.to_json())
    else:
        print(plan_as_text(plan))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = HallParser(
        prog="hall", description=_("政务服务大厅“一窗受理”窗口程序。不带参数运行时打开图形界面。")
    )
    parser.add_argument(
        "--version", action="version", version=f"hall {__version__}", help=_("显示版本并退出")
    )
    sub = parser.add_subparsers(dest="command", metavar=_("命令"))

    p = sub.add_parser("init", help=_("初始化本机数据库（可带演示数据）"))
    p.add_argument("--demo", action="store_true", help=_("载入演示账号、市场主体和失信名单"))
    p.add_argument("--counter", help=_("本机窗口编号，如 C01"))
    p.add_argument(
        "--admin-password",
        help=_("非演示安装时管理员 admin 的初始密码（首次登录须修改；不填则在终端中输入）"),
    )
    p.set_defaults(handler=cmd_init)

    db = sub.add_parser("db", help=_("数据库维护")).add_subparsers(
        dest="db_command", required=True, metavar=_("子命令")
    )
    p = db.add_parser("upgrade", help=_("把数据库升级到本程序的版本（先备份）"))
    p.set_defaults(handler=cmd_db_upgrade)

    cat = sub.add_parser("catalog", help=_("许可事项目录")).add_subparsers(
        dest="catalog_command", required=True, metavar=_("子命令")
    )
    p = signed(cat.add_parser("import", help=_("导入目录文件，成为新的目录版本")))
    p.add_argument("file", help=_("目录文件（JSON，格式见 docs/catalog-format.md）"))
    p.set_defaults(handler=cmd_catalog_import)
    p = cat.add_parser("show", help=_("显示当前目录"))
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_catalog_show)

    cal = sub.add_parser("calendar", help=_("法定节假日安排")).add_subparsers(
        dest="calendar_command", required=True, metavar=_("子命令")
    )
    p = signed(cal.add_parser("import", help=_("导入某一年的节假日安排（优先于内置数据）")))
    p.add_argument("file", help=_("日历文件（JSON，格式见 docs/calendar-format.md）"))
    p.set_defaults(handler=cmd_calendar_import)

    credit = sub.add_parser("credit", help=_("失信主体名单")).add_subparsers(
        dest="credit_command", required=True, metavar=_("子命令")
    )
    p = signed(credit.add_parser("add", help=_("列入失信主体名单")))
    p.add_argument("code", help=_("统一社会信用代码或身份证号码"))
    p.add_argument("--reason", required=True, help=_("列入原因"))
    p.add_argument("--source", help=_("信息来源"))
    p.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD", help=_("起始日期（默认今天）"))
    p.add_argument("--until", type=iso_date, metavar="YYYY-MM-DD", help=_("截止日期（默认长期）"))
    p.set_defaults(handler=cmd_credit_add)
    p = credit.add_parser("list", help=_("列出当前有效的失信记录"))
    p.add_argument("--all", action="store_true", help=_("包括已过期的记录"))
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_credit_list)

    p = sub.add_parser("derive", help=_("由经营范围和许可事项生成一表申办方案"))
    p.add_argument(
        "--scope",
        nargs="+",
        default=[],
        metavar=_("代码或表述"),
        help=_("经营范围：代码、规范表述或可唯一确定的关键词"),
    )
    p.add_argument(
        "--item", nargs="+", default=[], metavar=_("事项编码"), help=_("直接申请的许可事项")
    )
    p.add_argument("--applicant", metavar=_("代码"), help=_("申请人统一社会信用代码或身份证号码"))
    p.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help=_("受理日期（默认今天）"))
    p.add_argument(
        "--normal-route",
        nargs="+",
        default=[],
        metavar=_("事项编码"),
        help=_("申请人选择不采用告知承诺、按一般程序办理的事项"),
    )
    p.add_argument(
        "--without",
        nargs="+",
        default=[],
        metavar=_("事项编码"),
        help=_("经营范围带出、但对该申请人不适用的事项（如外商投资、出口等情形）"),
    )
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_derive)

    from hall import (
        cli_cases,
        cli_display,
        cli_documents,
        cli_inbox,
        cli_queue,
        cli_registry,
        cli_report,
        cli_settings,
        cli_sync,
        cli_trust,
    )

    cli_registry.register(sub)
    cli_queue.register(sub)
    cli_sync.register(sub)
    cli_display.add_display_command(sub)
    cli_cases.register(sub)
    cli_inbox.register(sub)
    cli_documents.register(sub)
    cli_report.register(sub)
    cli_trust.register(sub)
    cli_settings.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    paths = resolve_paths()
    settings = load_settings(paths.settings_file)
    set_language(effective_language(settings.language))
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    # Commands that open what they need themselves (the hall server before its schema
    # exists, the hall display's window).
    standalone: Standalone | None = getattr(args, "standalone", None)
    if handler is None and standalone is None:
        parser.print_help()
        return 2
    try:
        try:
            paths.ensure()  # before the log folder: a new data folder is made private
            setup_logging(paths.logs)
        except OSError as exc:
            raise HallError(
                _("无法使用数据文件夹 {path}：{reason}。").format(
                    path=paths.data, reason=os_reason(exc)
                )
            ) from exc
        effective_counter(settings)  # a malformed HALL_COUNTER is reported like any error
        if standalone is not None:
            return standalone(args, paths, settings)
        assert handler is not None
        ctx = open_context(paths, settings=settings)
        ctx.passphrase = passphrase_from_terminal
        try:
            return handler(args, ctx)
        finally:
            ctx.close()
    except ImportRejected as exc:
        print(_("hall：错误：{message}").format(message=exc.message), file=sys.stderr)
        for problem in exc.problems[:200]:
            print(f"  {problem}", file=sys.stderr)
        if len(exc.problems) > 200:
            print(_("  ……另有{n}处").format(n=len(exc.problems) - 200), file=sys.stderr)
        return 1
    except HallError as exc:
        print(_("hall：错误：{message}").format(message=exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``hall credit list | head``): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # the last line of defence: one line, details in the log
        log.exception("unexpected error in %s", args.command)
        print(
            _("hall：内部错误：{kind}（详情见日志 {path}）").format(
                kind=type(exc).__name__, path=paths.logs / "hall.log"
            ),
            file=sys.stderr,
        )
        return 1
