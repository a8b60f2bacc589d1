"""A plan as plain text, for the command line."""

from __future__ import annotations

from hall.core.i18n import _
from hall.models.enums import Route
from hall.services.derive import Plan
from hall.services.labels import mode_name, proof_name, route_name
from hall.services.workdays import Deadline


def _deadline(d: Deadline | None) -> str:
    if d is None:
        return "—"
    return d.isoformat() + (_("（暂定）") if d.provisional else "")


def plan_as_text(plan: Plan) -> str:
    """The plan as the command line prints it for a clerk."""
    lines: list[str] = []
    if plan.applicant is not None:
        a = plan.applicant
        who = f"{a.code} {a.name or _('（未登记）')}"
        lines.append(_("申请人：{who}").format(who=who))
        for r in a.credit_records:
            lines.append(
                _("  ！失信主体：{reason}（{source}，{since}起）").format(
                    reason=r.reason, source=r.source, since=r.since
                )
            )
    lines.append(
        _("受理日期：{d}    目录版本：第{n}版").format(
            d=plan.acceptance_date, n=plan.catalog_version
        )
    )
    for s in plan.scope:
        kind = _("许可项目") if s.licensed else _("一般项目，无需许可")
        lines.append(
            _("经营范围：{code} {text}（{kind}）").format(code=s.code, text=s.text, kind=kind)
        )
    if not plan.items:
        lines.append("")
        lines.append(_("所选经营范围都是一般项目，不需要办理任何许可。"))
        return "\n".join(lines)
    lines.append("")
    lines.append(_("需办理的许可事项（{n}项）：").format(n=len(plan.items)))
    for p in plan.items:
        lines.append(f"  {p.item.code}  {p.item.name}  [{p.item.department_name}]")
        lines.append(
            _("    改革方式：{mode}    办理方式：{route}").format(
                mode=mode_name(p.item.reform_mode), route=route_name(p.route)
            )
        )
        if p.route is Route.cancelled:
            lines.append(_("    无需办理"))
        elif p.decided_on_the_spot:
            lines.append(_("    当场办结"))
        else:
            lines.append(
                _("    承诺办结：{p}    法定期限：{s}").format(
                    p=_deadline(p.promised_deadline), s=_deadline(p.statutory_deadline)
                )
            )
        if p.verification_due is not None:
            lines.append(_("    核查期限：{d}").format(d=_deadline(p.verification_due)))
        if p.because_of:
            lines.append(_("    由经营范围带出：{codes}").format(codes=_("、").join(p.because_of)))
        lines.append(f"    {p.note}")
    for item in plan.left_out:
        lines.append(_("  已排除（不适用）：{code}  {name}").format(code=item.code, name=item.name))
    if plan.fields:
        lines.append("")
        lines.append(_("合并表单（{n}项，每项只填一次）：").format(n=len(plan.fields)))
    group = None
    for f in plan.fields:
        if f.field.group != group:
            group = f.field.group
            lines.append(f"  【{group}】")
        lines.append(f"    {f.field.label}  ({', '.join(f.items)})")
    if plan.materials:
        lines.append("")
        lines.append(_("合并材料清单（{n}项）：").format(n=len(plan.materials)))
    for m in plan.materials:
        how = proof_name(m.proof_mode)
        if m.source:
            how = _("{name}：{what}").format(name=how, what=m.source)
        lines.append(f"  {m.name}  —  {how}  ({', '.join(m.items)})")
    return "\n".join(lines)
