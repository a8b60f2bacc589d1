"""`hall queue …`: tickets and calls for kiosks, scripts and checks. Registered by
:mod:`hall.cli`.

A counter's commands take the counter's code (``C03``), or the installation's own from
its settings or ``HALL_COUNTER``.
"""

from __future__ import annotations

import argparse
from typing import Any

from hall.cli_auth import acting_actor, signed
from hall.cli_parser import pad, print_json
from hall.core.i18n import _
from hall.models.enums import Priority
from hall.services.context import AppContext


def _ticket_json(ticket: Any) -> dict[str, Any] | None:
    if ticket is None:
        return None
    return {
        "number": ticket.number,
        "category": ticket.letter,
        "priority": ticket.priority.value or None,
        "status": ticket.status.value,
        "calls": ticket.calls,
        "issued_at": ticket.issued_at.isoformat(),
        "case": ticket.case_number,
        "prereview_draft": str(ticket.draft_id) if ticket.draft_id else None,
        "missing": list(ticket.missing),
    }


def cmd_issue(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.queue import issue_ticket

    priority = Priority(args.priority) if args.priority else Priority.none
    ticket, _changes = issue_ticket(ctx, acting_actor(ctx, args), args.category, priority)
    if args.json:
        print_json(
            {"number": ticket.number, "category": ticket.category.letter,
             "people_ahead": ticket.people_ahead, "priority": priority.value or None}
        )  # fmt: skip
    else:
        print(ticket.number)
    return 0


def _print_called(args: argparse.Namespace, ticket: Any, none_text: str) -> int:
    if args.json:
        print_json({"ticket": _ticket_json(ticket)})
    elif ticket is None:
        print(none_text)
    else:
        print(ticket.number)
    return 0


def cmd_call(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.queue_calls import CalledTicket, call_next, call_number

    actor = acting_actor(ctx, args)
    ticket: CalledTicket | None
    if args.number:
        ticket, _changes = call_number(ctx, actor, args.number, args.counter)
    else:
        ticket, _changes = call_next(ctx, actor, args.counter)
    return _print_called(args, ticket, _("没有等候的号。"))


def cmd_recall(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.queue_calls import recall

    ticket, _changes = recall(ctx, acting_actor(ctx, args), args.counter)
    return _print_called(args, ticket, "")


def cmd_finish(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.queue_calls import finish

    ticket, _changes = finish(
        ctx, acting_actor(ctx, args), args.rating, args.reason or "", args.counter
    )
    return _print_called(args, ticket, "")


def cmd_no_show(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.queue_calls import mark_no_show

    ticket, _changes = mark_no_show(ctx, acting_actor(ctx, args), args.counter)
    return _print_called(args, ticket, "")


def cmd_open(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.queue_calls import close_counter, open_counter

    actor = acting_actor(ctx, args)
    if args.queue_command == "close":
        view, _changes = close_counter(ctx, actor, args.counter)
        print(_("窗口 {code} 已关闭。").format(code=view.code))
    else:
        categories = [c for c in (args.categories or "").split(",") if c.strip()] or None
        view, _changes = open_counter(ctx, actor, args.counter, categories)
        print(
            _("窗口 {code}（{window} 号窗口）已开放，办理：{letters}").format(
                code=view.code, window=view.window, letters=_("、").join(view.categories)
            )
        )
    return 0


def cmd_status(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.queue_status import queue_status

    status = queue_status(ctx)
    if args.json:
        print_json(
            {
                "categories": [
                    {"letter": c.letter, "name": c.name, "waiting": c.waiting,
                     "open_counters": c.open_counters, "handling_minutes": c.handling_minutes,
                     "estimated_wait_minutes": c.estimated_wait_minutes}
                    for c in status.categories
                ],
                "counters": [
                    {"counter": code, "window": window, "open": is_open, "current": current}
                    for code, window, is_open, current in status.counters
                ],
                "served": status.served_today,
                "no_show": status.no_show_today,
            }
        )  # fmt: skip
        return 0
    print(f"{pad(_('类别'), 16)}{pad(_('等候'), 6)}{pad(_('开放窗口'), 10)}{_('预计等候')}")
    for c in status.categories:
        wait = _("约{n}分钟").format(n=c.estimated_wait_minutes)
        print(f"{pad(c.letter + ' ' + c.name, 16)}{pad(str(c.waiting), 6)}"
              f"{pad(str(c.open_counters), 10)}{wait}")  # fmt: skip
    for code, window, is_open, current in status.counters:
        state = _("开放") if is_open else _("已关闭")
        print(
            _("窗口 {code}（{window}号）{state}  {current}")
            .format(code=code, window=window, state=state, current=current or "")
            .rstrip()
        )
    print(_("今日已办结 {served}，未到 {no_show}。").format(
        served=status.served_today, no_show=status.no_show_today))  # fmt: skip
    return 0


def register(sub: Any) -> None:
    """Add the `queue` commands to the top-level subparsers."""
    queue = sub.add_parser(
        "queue", help=_("排队叫号：取号、叫号、办结、未到、状态")
    ).add_subparsers(dest="queue_command", required=True, metavar=_("子命令"))
    counter_help = _("窗口编号，如 C03（默认本机窗口：设置或环境变量 HALL_COUNTER）")

    p = signed(queue.add_parser("issue", help=_("取一个排队号（输出号码）")))
    p.add_argument("category", metavar=_("类别"), help=_("业务类别的字母，如 A"))
    p.add_argument(
        "--priority", nargs="?", const=Priority.elderly.value, default=None,
        choices=[p.value for p in Priority if p not in (Priority.none, Priority.appointment)],
        help=_("优先群体：elderly 老年人（默认）、disabled 残疾人、pregnant 孕妇"),
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_issue)

    p = signed(queue.add_parser("call", help=_("为窗口叫下一个号（或指定的号）")))
    p.add_argument("counter", nargs="?", metavar=_("窗口"), help=counter_help)
    p.add_argument("--number", metavar=_("排队号"), help=_("叫指定的号，如 A012"))
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_call)

    p = signed(queue.add_parser("recall", help=_("重呼窗口当前的号")))
    p.add_argument("counter", nargs="?", metavar=_("窗口"), help=counter_help)
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_recall)

    p = signed(queue.add_parser("finish", help=_("办结窗口当前的号，可带群众评价")))
    p.add_argument("counter", nargs="?", metavar=_("窗口"), help=counter_help)
    p.add_argument("--rating", type=int, choices=range(1, 6), metavar="1-5",
                   help=_("好差评：1 非常不满意 … 5 非常满意"))  # fmt: skip
    p.add_argument("--reason", metavar=_("原因"), help=_("差评（1、2 分）的原因"))
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_finish)

    p = signed(queue.add_parser("no-show", help=_("窗口当前叫的号未到")))
    p.add_argument("counter", nargs="?", metavar=_("窗口"), help=counter_help)
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_no_show)

    p = signed(queue.add_parser("open", help=_("开放窗口，可指定办理的业务类别")))
    p.add_argument("counter", nargs="?", metavar=_("窗口"), help=counter_help)
    p.add_argument("--categories", metavar="A,B", help=_("办理的业务类别字母，逗号分隔"))
    p.set_defaults(handler=cmd_open)
    p = signed(queue.add_parser("close", help=_("关闭窗口")))
    p.add_argument("counter", nargs="?", metavar=_("窗口"), help=counter_help)
    p.set_defaults(handler=cmd_open)

    p = queue.add_parser("status", help=_("各类别等候人数、预计等候时间和窗口状态"))
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_status)
