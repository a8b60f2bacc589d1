"""One case as HTML for the Cases view: applicant, what is pending, sub-cases with
their deadlines, materials, verification requests, supplement notices, history."""

from __future__ import annotations

from datetime import tzinfo
from html import escape

from hall.core.i18n import _
from hall.models.enums import SubCaseStatus
from hall.services.case_reading import progress_text
from hall.services.case_views import CaseDetail, SubCaseDetail
from hall.services.labels import (
    case_status_name,
    material_status_name,
    proof_name,
    request_status_name,
    route_name,
    sub_case_status_name,
    supplement_status_name,
)
from hall.services.pickup import collector_role_name


def esc(value: object) -> str:
    return escape("" if value is None else str(value))


def html_table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th align='left'>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table cellspacing='0' cellpadding='3' border='1'><tr>{head}</tr>{body}</table>"


def deadline_text(s: SubCaseDetail) -> str:
    parts = []
    if s.promised_deadline is not None:
        left = (
            ""
            if s.promised_days_left is None
            else _("，剩{n}个工作日").format(n=s.promised_days_left)
        )
        parts.append(_("承诺{day}{left}").format(day=s.promised_deadline.isoformat(), left=left))
    if s.statutory_deadline is not None:
        left = (
            ""
            if s.statutory_days_left is None
            else _("，剩{n}个工作日").format(n=s.statutory_days_left)
        )
        parts.append(_("法定{day}{left}").format(day=s.statutory_deadline.isoformat(), left=left))
    if s.clock_stopped and s.stopped_since is not None:
        parts.append(_("自{day}起计时暂停").format(day=s.stopped_since.isoformat()))
    if s.stopped_days:
        parts.append(_("已暂停{n}个工作日").format(n=s.stopped_days))
    if s.verification_due is not None:
        parts.append(_("事后核查截止{day}").format(day=s.verification_due.isoformat()))
    return esc(_("；").join(parts))


def _decision_reason(s: SubCaseDetail) -> str:
    if s.status is SubCaseStatus.rejected and s.decision_reason:
        return "<br>" + esc(_("理由：{reason}").format(reason=s.decision_reason))
    return ""


def pickup_html(d: CaseDetail, zone: tzinfo) -> str:
    """Whether the applicant collected the case's documents, or is awaited."""
    p = d.pickup
    if p is not None:
        return (
            "<p>"
            + esc(
                _("证照已于{at}领取：{name}（{role}，{id}），共{n}份文书。").format(
                    at=p.at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                    name=p.collector_name,
                    role=collector_role_name(p.collector_role),
                    id=p.collector_id_number,
                    n=len(p.documents),
                )
            )
            + "</p>"
        )
    if d.ready_for_pickup:
        return (
            "<p><b style='color:#1b5e20'>"
            + esc(_("全部事项已办结，等待申请人领取（证照领取 Shift+F4）。"))
            + "</b></p>"
        )
    return ""


def case_html(d: CaseDetail, zone: tzinfo) -> str:
    a = d.applicant
    out = [
        f"<h3>{esc(d.number)} · {esc(case_status_name(d.status))}</h3>",
        "<p>"
        + esc(_("申请人：{name}（{code}）").format(name=a.name, code=a.code))
        + "<br>"
        + esc(
            _("受理：{day} 窗口{counter} {by}").format(
                day=d.accepted_on.isoformat(), counter=d.counter, by=d.accepted_by
            )
        )
        + "</p>",
    ]
    out.append(pickup_html(d, zone))
    if d.withdrawn_reason:
        out.append("<p>" + esc(_("撤回原因：{reason}").format(reason=d.withdrawn_reason)) + "</p>")
    if d.pending:
        items = "".join(f"<li>{esc(p)}</li>" for p in d.pending)
        out.append(f"<p><b>{esc(_('待办'))}</b></p><ul>{items}</ul>")
    out.append(f"<p><b>{esc(_('许可事项'))}</b></p>")
    out.append(
        html_table(
            [_("事项"), _("部门"), _("办理方式"), _("状态"), _("部门进度"), _("期限")],
            [
                [
                    esc(f"{s.item_code} {s.item_name}"),
                    esc(s.department_name),
                    esc(route_name(s.route)),
                    esc(sub_case_status_name(s.status))
                    + (f"<br>{esc(s.license_number)}" if s.license_number else ""),
                    esc(progress_text(s)) + _decision_reason(s),
                    deadline_text(s),
                ]
                for s in d.sub_cases
            ],
        )
    )
    out.append(f"<p><b>{esc(_('材料'))}</b></p>")
    out.append(
        html_table(
            [_("材料"), _("办理方式"), _("情况"), _("说明")],
            [
                [
                    esc(m.name + (_("（关键材料）") if m.key else "")),
                    esc(proof_name(m.proof_mode)),
                    esc(material_status_name(m.status))
                    + (
                        esc(_("，承诺{day}前补交").format(day=m.due_date.isoformat()))
                        if m.due_date
                        else ""
                    ),
                    esc(m.note),
                ]
                for m in d.materials
            ],
        )
    )
    if d.verification_requests:
        out.append(f"<p><b>{esc(_('部门核验'))}</b></p>")
        out.append(
            html_table(
                [_("材料"), _("核验部门"), _("状态"), _("答复")],
                [
                    [
                        esc(r.material_name),
                        esc(r.department),
                        esc(request_status_name(r.status)),
                        esc(r.answer),
                    ]
                    for r in d.verification_requests
                ],
            )
        )
    for n in d.supplements:
        lines = "".join(f"<li>{esc(line.material)}：{esc(line.problem)}</li>" for line in n.lines)
        out.append(
            "<p><b>"
            + esc(
                _("补正通知 {day}（{status}，计时暂停{n}个工作日）").format(
                    day=n.requested_on.isoformat(),
                    status=supplement_status_name(n.status),
                    n=n.days_stopped,
                )
            )
            + f"</b></p><ul>{lines}</ul>"
        )
    if d.history:
        out.append(f"<p><b>{esc(_('办理记录'))}</b></p>")
        out.append(
            html_table(
                [_("时间"), _("经办人"), _("事项")],
                [
                    [
                        esc(h.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")),
                        esc(h.actor_name or h.actor),
                        esc(h.description),
                    ]
                    for h in d.history
                ],
            )
        )
    return "".join(out)
