"""A sub-case opened in the inbox, as HTML: the applicant, its deadlines and progress,
the form's answers its item asked for, its materials (how each was settled, scans),
commitments, verification requests, supplement notices and the case's history."""

from __future__ import annotations

from datetime import tzinfo

from hall.core.i18n import _
from hall.services.case_reading import progress_text
from hall.services.inbox import ReviewDetail
from hall.services.labels import (
    material_status_name,
    request_status_name,
    route_name,
    sub_case_status_name,
    supplement_status_name,
)
from hall.ui.case_details import deadline_text, esc, html_table


def review_html(r: ReviewDetail, zone: tzinfo) -> str:
    s, c = r.sub, r.case
    a = c.applicant
    out = [
        f"<h3>{esc(s.item_code)} {esc(s.item_name)} · {esc(sub_case_status_name(s.status))}</h3>",
        "<p>"
        + esc(_("案件：{number}    申请人：{name}（{code}）").format(
            number=c.number, name=a.name, code=a.code))
        + "<br>"
        + esc(_("受理：{day} 窗口{counter}    办理方式：{route}").format(
            day=c.accepted_on.isoformat(), counter=c.counter, route=route_name(s.route)))
        + "<br>"
        + esc(_("进度：{progress}").format(progress=progress_text(s) or "—"))
        + "<br>"
        + deadline_text(s)
        + "</p>",
    ]  # fmt: skip
    if s.route_note:
        out.append(f"<p>{esc(s.route_note)}</p>")
    if s.decision_reason or s.decision_basis:
        out.append(
            "<p>"
            + esc(_("决定理由：{reason}").format(reason=s.decision_reason or "—"))
            + "<br>"
            + esc(_("法律依据：{basis}").format(basis=s.decision_basis or "—"))
            + "</p>"
        )
    out.append(f"<p><b>{esc(_('申请表（本事项）'))}</b></p>")
    out.append(
        html_table([_("项目"), _("填报内容")], [[esc(k), esc(v)] for k, v in r.answers])
        if r.answers
        else f"<p>{esc(_('本事项没有表单项目。'))}</p>"
    )
    out.append(f"<p><b>{esc(_('材料'))}</b></p>")
    rows = []
    for m in r.materials:
        if m.scans:
            pages = sum(x.pages for x in m.scans)
            scanned = _("扫描件{n}份，共{p}页（双击下方缩略图查看）").format(
                n=len(m.scans), p=pages
            )
        elif m.scannable:
            scanned = _("已收取纸质材料，未扫描")
        else:
            scanned = m.settled_as or material_status_name(m.status)
        rows.append([esc(m.name), esc(material_status_name(m.status)), esc(scanned)])
    out.append(html_table([_("材料"), _("情况"), _("电子材料")], rows))
    if s.conditions:
        items = "".join(f"<li>{esc(x)}</li>" for x in s.conditions)
        out.append(f"<p><b>{esc(_('申请人承诺的条件'))}</b></p><ol>{items}</ol>")
    names = {m.name for m in r.materials}
    requests = [q for q in c.verification_requests if q.material_name in names]
    if requests:
        out.append(f"<p><b>{esc(_('部门核验'))}</b></p>")
        out.append(
            html_table(
                [_("材料"), _("核验部门"), _("状态"), _("答复")],
                [[esc(q.material_name), esc(q.department), esc(request_status_name(q.status)),
                  esc(q.answer)] for q in requests],
            )
        )  # fmt: skip
    for n in c.supplements:
        if s.item_code not in n.item_codes and not any(x.material in names for x in n.lines):
            continue
        lines = "".join(f"<li>{esc(x.material)}：{esc(x.problem)}</li>" for x in n.lines)
        head = _("补正通知 {day}（{status}）").format(
            day=n.requested_on.isoformat(), status=supplement_status_name(n.status)
        )
        out.append(f"<p><b>{esc(head)}</b></p><ul>{lines}</ul>")
    if c.history:
        out.append(f"<p><b>{esc(_('办理记录'))}</b></p>")
        out.append(
            html_table(
                [_("时间"), _("经办人"), _("事项")],
                [[esc(h.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")),
                  esc(h.actor_name or h.actor), esc(h.description)] for h in c.history],
            )
        )  # fmt: skip
    return "".join(out)
