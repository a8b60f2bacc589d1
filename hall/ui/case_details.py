"""One case as HTML for the Cases view: applicant, what is pending, sub-cases with
their deadlines, materials, verification requests, supplement notices, history."""

from __future__ import annotations

from datetime import tzinfo
from html import escape

from hall.core.i18n import _
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


def _e(value: object) -> str:
    return escape("" if value is None else str(value))


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th align='left'>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table cellspacing='0' cellpadding='3' border='1'><tr>{head}</tr>{body}</table>"


def _deadline(s: SubCaseDetail) -> str:
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
    return _e("；".join(parts))


def case_html(d: CaseDetail, zone: tzinfo) -> str:
    a = d.applicant
    out = [
        f"<h3>{_e(d.number)} · {_e(case_status_name(d.status))}</h3>",
        "<p>"
        + _e(_("申请人：{name}（{code}）").format(name=a.name, code=a.code))
        + "<br>"
        + _e(
            _("受理：{day} 窗口{counter} {by}").format(
                day=d.accepted_on.isoformat(), counter=d.counter, by=d.accepted_by
            )
        )
        + "</p>",
    ]
    if d.withdrawn_reason:
        out.append("<p>" + _e(_("撤回原因：{reason}").format(reason=d.withdrawn_reason)) + "</p>")
    if d.pending:
        items = "".join(f"<li>{_e(p)}</li>" for p in d.pending)
        out.append(f"<p><b>{_e(_('待办'))}</b></p><ul>{items}</ul>")
    out.append(f"<p><b>{_e(_('许可事项'))}</b></p>")
    out.append(
        _table(
            [_("事项"), _("部门"), _("办理方式"), _("状态"), _("期限")],
            [
                [
                    _e(f"{s.item_code} {s.item_name}"),
                    _e(s.department_name),
                    _e(route_name(s.route)),
                    _e(sub_case_status_name(s.status)),
                    _deadline(s),
                ]
                for s in d.sub_cases
            ],
        )
    )
    out.append(f"<p><b>{_e(_('材料'))}</b></p>")
    out.append(
        _table(
            [_("材料"), _("办理方式"), _("情况"), _("说明")],
            [
                [
                    _e(m.name + (_("（关键材料）") if m.key else "")),
                    _e(proof_name(m.proof_mode)),
                    _e(material_status_name(m.status))
                    + (
                        _e(_("，承诺{day}前补交").format(day=m.due_date.isoformat()))
                        if m.due_date
                        else ""
                    ),
                    _e(m.note),
                ]
                for m in d.materials
            ],
        )
    )
    if d.verification_requests:
        out.append(f"<p><b>{_e(_('部门核验'))}</b></p>")
        out.append(
            _table(
                [_("材料"), _("核验部门"), _("状态"), _("答复")],
                [
                    [
                        _e(r.material_name),
                        _e(r.department),
                        _e(request_status_name(r.status)),
                        _e(r.answer),
                    ]
                    for r in d.verification_requests
                ],
            )
        )
    for n in d.supplements:
        lines = "".join(f"<li>{_e(line.material)}：{_e(line.problem)}</li>" for line in n.lines)
        out.append(
            "<p><b>"
            + _e(
                _("补正通知 {day}（{status}，计时暂停{n}个工作日）").format(
                    day=n.requested_on.isoformat(),
                    status=supplement_status_name(n.status),
                    n=n.days_stopped,
                )
            )
            + f"</b></p><ul>{lines}</ul>"
        )
    if d.history:
        out.append(f"<p><b>{_e(_('办理记录'))}</b></p>")
        out.append(
            _table(
                [_("时间"), _("经办人"), _("事项")],
                [
                    [
                        _e(h.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")),
                        _e(h.actor_name or h.actor),
                        _e(h.description),
                    ]
                    for h in d.history
                ],
            )
        )
    return "".join(out)
