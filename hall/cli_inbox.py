"""`hall inbox …`: a department's inbox and its decisions, for scripts and checks, and
`hall pickup …`: what waits at the counter and the hand-over. Registered by
:mod:`hall.cli`.

``hall inbox list`` reads as the signed-in reviewer (or a supervisor) without a sign-in
entry in the audit log; deciding, claiming and recording a pickup are audited actions.
"""

from __future__ import annotations

import argparse
from typing import Any

from hall.cli_auth import acting_actor, signed
from hall.cli_parser import pad, print_json
from hall.core.i18n import _
from hall.services.context import AppContext


def _left(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return _("超期{n}日").format(n=-days)
    return _("剩{n}日").format(n=days)


def cmd_inbox_list(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.inbox import InboxView, list_inbox
    from hall.services.labels import route_name, sub_case_status_name

    actor = acting_actor(ctx, args, reads_only=True)
    rows = list_inbox(ctx, actor, args.department, InboxView(args.view), query=args.query or "")
    if args.json:
        print_json([r.to_json() for r in rows])
        return 0
    if not rows:
        print(_("没有待办事项。"))
        return 0
    for r in rows:
        stopped = ""
        if r.stop_reason is not None:
            stopped = _("计时暂停")
        holder = r.claimed_by_name or r.claimed_by or ""
        deadline = r.promised_deadline or r.statutory_deadline
        print(
            f"{r.id}  {r.case_number:<20} {r.item_code:<10} {pad(r.item_name, 28)} "
            f"{pad(r.applicant_name, 30)} {pad(route_name(r.route), 8)} "
            f"{pad(sub_case_status_name(r.status), 8)} {deadline or ''!s:<10} "
            f"{pad(_left(r.days_left), 8)} {pad(stopped, 8)} {holder}".rstrip()
        )
    return 0


def cmd_inbox_decide(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.decisions import Decision, decide
    from hall.services.labels import sub_case_status_name

    actor = acting_actor(ctx, args)
    detail, _changes = decide(ctx, actor, args.sub_case, Decision(args.decision), args.reason or "")
    sub = detail.sub
    if args.json:
        print_json({"case": detail.case.to_json(), "sub_case": sub.to_json()})
        return 0
    print(
        _("{case} {item} {name}：{status}").format(
            case=detail.case.number, item=sub.item_code, name=sub.item_name,
            status=sub_case_status_name(sub.status),
        )
    )  # fmt: skip
    if sub.license_number:
        print(_("已核发证照 {number}").format(number=sub.license_number))
    if sub.clock_stopped:
        print(_("计时已暂停（自 {day} 起）").format(day=sub.stopped_since))
    return 0


def cmd_inbox_claim(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.decisions import claim, release

    actor = acting_actor(ctx, args)
    if args.release:
        detail, _changes = release(ctx, actor, args.sub_case)
        print(_("已释放：{case} {item}").format(case=detail.case.number, item=detail.sub.item_code))
    else:
        detail, _changes = claim(ctx, actor, args.sub_case)
        print(_("已认领：{case} {item}").format(case=detail.case.number, item=detail.sub.item_code))
    return 0


def cmd_pickup_list(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.pickup import counter_work

    work = counter_work(ctx, acting_actor(ctx, args, reads_only=True))
    if args.json:
        print_json(
            {
                "ready": [r.to_json() for r in work.ready],
                "supplements": [
                    {"case_number": s.case_number, "applicant": s.applicant_name,
                     "department": s.department, "requested_on": s.requested_on.isoformat(),
                     "materials": list(s.materials)}
                    for s in work.supplements
                ],
            }
        )  # fmt: skip
        return 0
    print(_("待领取（{n}件）：").format(n=len(work.ready)))
    for r in work.ready:
        print(
            f"  {r.case_number:<20} {pad(r.applicant_name, 36)} "
            + _("证照{n}份，不予许可{m}项").format(n=r.licenses, m=r.rejections)
        )
    print(_("部门要求补正、待申请人补交（{n}件）：").format(n=len(work.supplements)))
    for s in work.supplements:
        print(
            f"  {s.case_number:<20} {pad(s.applicant_name, 36)} {pad(s.department, 16)} "
            + _("、").join(s.materials)
        )
    return 0


def cmd_pickup_record(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.pickup import CollectorRole, pickup_documents, record_pickup

    actor = acting_actor(ctx, args)
    refs = tuple(d.ref for d in pickup_documents(ctx, actor, args.number))
    role = CollectorRole.agent if args.agent else CollectorRole.applicant
    detail, _changes = record_pickup(
        ctx, actor, args.number, args.collector, args.id_number, role, refs, args.note or ""
    )
    print(
        _("已登记领取：案件 {n}，领取人 {name}，文书{count}份。").format(
            n=detail.number, name=args.collector.strip(), count=len(refs)
        )
    )
    return 0


def register(sub: Any) -> None:
    """Add the `inbox` and `pickup` commands to the top-level subparsers."""
    from hall.services.decisions import Decision
    from hall.services.inbox import InboxView

    inbox = sub.add_parser("inbox", help=_("部门审批：待办事项和审批决定")).add_subparsers(
        dest="inbox_command", required=True, metavar=_("子命令")
    )
    p = signed(inbox.add_parser("list", help=_("列出一个部门的待办事项（最紧的期限在前）")))
    p.add_argument("department", nargs="?", metavar=_("部门编码"),
                   help=_("如 SAMR；不写则列出本人所属的全部部门"))  # fmt: skip
    p.add_argument(
        "--view", choices=[v.value for v in InboxView], default=InboxView.open.value,
        help=_("open 全部待审，unclaimed 未认领，mine 本人认领，stopped 计时暂停，"
               "urgent 临近或超过期限，decided 已作出决定"),
    )  # fmt: skip
    p.add_argument("--query", "-q", metavar=_("关键词"), help=_("案件编号、申请人代码或名称"))
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_inbox_list)

    p = signed(inbox.add_parser("decide", help=_("对一个事项作出决定")))
    p.add_argument("sub_case", metavar=_("事项编号"), help=_("hall inbox list 列出的 id"))
    p.add_argument(
        "decision", choices=[d.value for d in Decision],
        help=_("approve 准予许可，reject 不予许可，supplement 要求补正，inspection 现场核查"),
    )  # fmt: skip
    p.add_argument(
        "--reason", metavar=_("理由"),
        help=_("不予许可的理由、需要补正的内容或核查内容（这三种决定必填）"),
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_inbox_decide)

    p = signed(inbox.add_parser("claim", help=_("认领一个事项（--release 释放）")))
    p.add_argument("sub_case", metavar=_("事项编号"), help=_("hall inbox list 列出的 id"))
    p.add_argument("--release", action="store_true", help=_("释放认领"))
    p.set_defaults(handler=cmd_inbox_claim)

    pickup = sub.add_parser("pickup", help=_("证照领取")).add_subparsers(
        dest="pickup_command", required=True, metavar=_("子命令")
    )
    p = signed(pickup.add_parser("list", help=_("待领取的案件和部门要求的补正")))
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_pickup_list)
    p = signed(pickup.add_parser("record", help=_("登记申请人领取证照和文书")))
    p.add_argument("number", metavar=_("案件编号"), help=_("如 C01-20261123-0001"))
    p.add_argument("--collector", required=True, metavar=_("姓名"), help=_("领取人姓名"))
    p.add_argument(
        "--id-number", required=True, metavar=_("身份证号码"), help=_("领取人身份证号码")
    )
    p.add_argument("--agent", action="store_true", help=_("领取人是委托代理人"))
    p.add_argument("--note", help=_("备注"))
    p.set_defaults(handler=cmd_pickup_record)
