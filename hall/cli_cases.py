"""`hall cases …`: find cases, show one, withdraw one. Registered by :mod:`hall.cli`.

Reading needs a signed-in account allowed to accept cases (a clerk or the supervisor);
it does not add a sign-in entry to the audit log. Withdrawing is an audited action.
"""

from __future__ import annotations

import argparse
from typing import Any

from hall.cli_auth import acting_actor, signed
from hall.cli_parser import iso_date, pad, print_json
from hall.core.i18n import _
from hall.models.enums import ApplicantKind, SubCaseStatus
from hall.services.case_views import CaseDetail, SubCaseDetail
from hall.services.context import AppContext


def cmd_cases_list(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.cases import search_cases
    from hall.services.labels import case_status_name

    actor = acting_actor(ctx, args, reads_only=True)
    found = search_cases(ctx, actor, args.query or "", on=args.date, limit=args.limit)
    if args.json:
        print_json([s.to_json() for s in found])
        return 0
    if not found:
        print(_("没有找到案件。"))
        return 0
    for s in found:
        deadline = _("期限 {day}").format(day=s.next_deadline) if s.next_deadline else ""
        print(
            f"{s.number:<20} {s.accepted_on}  {pad(case_status_name(s.status), 8)} "
            f"{s.applicant_code:<18}  {pad(s.applicant_name, 36)} {pad(deadline, 16)} "
            f"{s.pending_text()}".rstrip()
        )
    return 0


def _left(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return _("（已超期{n}个工作日）").format(n=-days)
    return _("（剩{n}个工作日）").format(n=days)


def _sub_case_lines(s: SubCaseDetail) -> list[str]:
    from hall.services.labels import route_name, sub_case_status_name

    lines = [
        f"  {s.item_code:<10} {pad(s.item_name, 30)} {pad(s.department_name, 16)} "
        f"{pad(route_name(s.route), 10)} {sub_case_status_name(s.status)}"
    ]
    indent = " " * 13
    if s.statutory_deadline or s.promised_deadline:
        provisional = _("（暂定）") if s.deadline_provisional else ""
        lines.append(
            indent
            + _("承诺期限 {p}{pl}    法定期限 {s}{sl}{prov}").format(
                p=s.promised_deadline or "—",
                pl=_left(s.promised_days_left),
                s=s.statutory_deadline or "—",
                sl=_left(s.statutory_days_left),
                prov=provisional,
            )
        )
    if s.clock_stopped:
        lines.append(indent + _("计时暂停中（自 {day} 起）").format(day=s.stopped_since))
    if s.stopped_days:
        lines.append(indent + _("已停止计时{n}个工作日").format(n=s.stopped_days))
    for condition in s.conditions:
        lines.append(indent + _("承诺条件：{text}").format(text=condition))
    if s.verification_due:
        lines.append(indent + _("事后核查期限：{day}").format(day=s.verification_due))
    return lines


def detail_as_text(d: CaseDetail, ctx: AppContext) -> str:
    """The case as ``hall cases show`` prints it for a clerk."""
    from hall.services.labels import (
        case_status_name,
        material_status_name,
        proof_name,
        request_status_name,
        supplement_status_name,
    )

    a = d.applicant
    kind = _("企业") if a.kind is ApplicantKind.enterprise else _("个人")
    lines = [
        _("案件 {n}（{status}）").format(n=d.number, status=case_status_name(d.status)),
        _("受理日期：{day}    窗口：{counter}    受理人：{by}").format(
            day=d.accepted_on, counter=d.counter, by=d.accepted_by
        ),
        _("申请人：{name}（{kind}，{code}）").format(name=a.name, kind=kind, code=a.code),
    ]
    more = [
        _("法定代表人：{v}").format(v=a.legal_representative) if a.legal_representative else "",
        _("地址：{v}").format(v=a.address) if a.address else "",
        _("电话：{v}").format(v=a.phone) if a.phone else "",
    ]
    if any(more):
        lines.append("  " + "    ".join(m for m in more if m))
    if d.withdrawn_reason:
        lines.append(_("撤回原因：{reason}").format(reason=d.withdrawn_reason))
    lines += ["", _("许可事项（{n}项）：").format(n=len(d.sub_cases))]
    for s in d.sub_cases:
        lines += _sub_case_lines(s)
    lines += ["", _("材料（{n}项）：").format(n=len(d.materials))]
    for m in d.materials:
        extra = _("承诺 {day} 前补交").format(day=m.due_date) if m.due_date else ""
        extra = "  ".join(x for x in (extra, m.note) if x)
        lines.append(
            f"  {pad(m.name, 28)} {pad(proof_name(m.proof_mode), 14)} "
            f"{pad(material_status_name(m.status), 16)} {extra}".rstrip()
        )
    if d.verification_requests:
        lines += ["", _("部门核验：")]
    for r in d.verification_requests:
        lines.append(
            f"  {pad(r.material_name, 28)} {pad(r.department, 16)} "
            f"{pad(request_status_name(r.status), 16)} {r.answer}".rstrip()
        )
    if d.supplements:
        lines += ["", _("补正通知：")]
    for n in d.supplements:
        lines.append(
            _("  {day}  {status}  停止计时{n}个工作日").format(
                day=n.requested_on, status=supplement_status_name(n.status), n=n.days_stopped
            )
        )
        for line in n.lines:
            lines.append("    " + _("{name}：{what}").format(name=line.material, what=line.problem))
    if d.licenses:
        lines += ["", _("证照：")]
    for v in d.licenses:
        until = v.valid_until.isoformat() if v.valid_until else _("长期")
        state = _("（已撤销）") if v.revoked else ""
        lines.append(f"  {pad(v.number, 26)} {pad(v.title, 28)} {_('有效期至')} {until}{state}")
    lines += ["", _("待办：")]
    lines += [f"  {p}" for p in d.pending] or [_("  无")]
    lines += ["", _("办理记录：")]
    for h in d.history:
        at = h.at.astimezone(ctx.clock.zone)
        who = f"{h.actor_name}（{h.actor}）" if h.actor_name else h.actor
        lines.append(f"  {at:%Y-%m-%d %H:%M}  {pad(who, 20)} {h.description}")
    return "\n".join(lines)


def cmd_cases_show(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.cases import case_detail

    detail = case_detail(ctx, acting_actor(ctx, args, reads_only=True), args.number)
    if args.json:
        print_json(detail.to_json())
    else:
        print(detail_as_text(detail, ctx))
    return 0


def cmd_cases_withdraw(args: argparse.Namespace, ctx: AppContext) -> int:
    from hall.services.case_actions import withdraw_case, withdraw_sub_case
    from hall.services.labels import case_status_name

    actor = acting_actor(ctx, args)
    if args.item:
        detail, _changes = withdraw_sub_case(ctx, actor, args.number, args.item, args.reason)
        code = args.item.strip().upper()
        sub = next(s for s in detail.sub_cases if s.item_code.upper() == code)
        print(
            _("已撤回案件 {n} 中的“{name}”；案件现为“{status}”。").format(
                n=detail.number, name=sub.item_name, status=case_status_name(detail.status)
            )
        )
        return 0
    detail, _changes = withdraw_case(ctx, actor, args.number, args.reason)
    print(_("已撤回案件 {n}。").format(n=detail.number))
    kept = [s for s in detail.sub_cases if s.status is not SubCaseStatus.withdrawn]
    if kept:
        print(
            _("已作出决定的事项不因撤回而失效：{items}").format(
                items=_("、").join(s.item_name for s in kept)
            )
        )
    return 0


def register(sub: Any) -> None:
    """Add the `cases` commands to the top-level subparsers."""
    cases = sub.add_parser("cases", help=_("案件查询和办理")).add_subparsers(
        dest="cases_command", required=True, metavar=_("子命令")
    )
    p = signed(cases.add_parser("list", help=_("按编号、申请人代码或名称、受理日期查找案件")))
    p.add_argument(
        "--query", "-q", metavar=_("关键词"),
        help=_("案件编号（或其开头）、统一社会信用代码、身份证号码或申请人名称的一部分"),
    )  # fmt: skip
    p.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help=_("只列出该日受理的案件"))
    p.add_argument(
        "--limit", type=int, default=200, metavar=_("件数"), help=_("最多列出几件（默认200）")
    )
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_cases_list)

    p = signed(cases.add_parser("show", help=_("显示一件案件的全部情况")))
    p.add_argument("number", metavar=_("案件编号"), help=_("如 C01-20261123-0001"))
    p.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    p.set_defaults(handler=cmd_cases_show)

    p = signed(cases.add_parser("withdraw", help=_("申请人撤回申请（或其中一个事项）")))
    p.add_argument("number", metavar=_("案件编号"), help=_("如 C01-20261123-0001"))
    p.add_argument("--reason", required=True, help=_("撤回原因"))
    p.add_argument("--item", metavar=_("事项编码"), help=_("只撤回这一个事项"))
    p.set_defaults(handler=cmd_cases_withdraw)
