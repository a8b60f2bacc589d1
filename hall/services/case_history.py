"""A case's history, told from the audit log: every entry about the case or one of its
sub-cases, materials, verification requests, supplement notices or verification tasks,
in time order, with a short description in the clerk's words."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.core.i18n import _
from hall.models import AuditEntry, User
from hall.models.enums import MaterialStatus, RequestStatus
from hall.services.case_views import HistoryEntry
from hall.services.labels import material_status_name, request_status_name


def _text(after: dict[str, Any], key: str) -> str:
    value = after.get(key)
    return "" if value is None else str(value)


def _accept(after: dict[str, Any]) -> str:
    return _("受理申请（{n}个事项）").format(n=len(after.get("sub_cases") or []))


def _recount(after: dict[str, Any]) -> str:
    return _("按新导入的日历重算期限：法定期限 {s}，承诺期限 {p}").format(
        s=_text(after, "statutory_deadline") or "—", p=_text(after, "promised_deadline") or "—"
    )


def _due_recount(after: dict[str, Any]) -> str:
    return _("按新导入的日历重算事后核查期限：{d}").format(d=_text(after, "due_date") or "—")


def _withdraw(after: dict[str, Any]) -> str:
    return _("申请人撤回申请：{reason}").format(reason=_text(after, "reason"))


def _withdraw_sub(after: dict[str, Any]) -> str:
    return _("申请人撤回“{name}”：{reason}").format(
        name=_text(after, "name"), reason=_text(after, "reason")
    )


def _restarted(after: dict[str, Any]) -> str:
    return _("补正材料已齐，恢复计时（计时停止{n}个工作日）").format(
        n=after.get("days_stopped") or 0
    )


def _receive(after: dict[str, Any]) -> str:
    text = _("收到材料“{name}”").format(name=_text(after, "material"))
    if after.get("supplement_fulfilled"):
        text += _("；") + _restarted(after)
    return text


def _status_name(after: dict[str, Any]) -> str:
    try:
        return material_status_name(MaterialStatus(_text(after, "status")))
    except ValueError:
        return _text(after, "status")


def _data_check(after: dict[str, Any]) -> str:
    return _("数据核验“{name}”：{result}").format(
        name=_text(after, "material"), result=_status_name(after)
    )


def _answer(after: dict[str, Any]) -> str:
    try:
        result = request_status_name(RequestStatus(_text(after, "status")))
    except ValueError:
        result = _text(after, "status")
    return _("登记部门核验答复“{name}”：{result}").format(
        name=_text(after, "material"), result=result
    )


def _supplement(after: dict[str, Any]) -> str:
    names = _("、").join(str(k) for k in (after.get("lines") or {}))
    if after.get("department"):
        return _("审批部门要求补正（{item}）：{names}").format(
            item=_("、").join(str(i) for i in after.get("items") or []), names=names
        )
    return _("一次性告知补正：{names}").format(names=names)


def _approve(after: dict[str, Any]) -> str:
    licence = _text(after, "license")
    text = _("部门审查通过：{item}").format(item=_text(after, "item"))
    return text + (_("，核发证照 {number}").format(number=licence) if licence else "")


def _reject(after: dict[str, Any]) -> str:
    return _("部门不予许可：{item}，理由：{reason}").format(
        item=_text(after, "item"), reason=_text(after, "reason")
    )


def _claim(after: dict[str, Any]) -> str:
    return _("审批部门认领办理：{item}").format(item=_text(after, "item"))


def _release(after: dict[str, Any]) -> str:
    return _("释放认领，退回部门待办：{item}").format(item=_text(after, "item"))


def _inspection_start(after: dict[str, Any]) -> str:
    return _("{item}：现场核查，计时暂停（{note}）").format(
        item=_text(after, "item"), note=_text(after, "note")
    )


def _inspection_end(after: dict[str, Any]) -> str:
    text = _("{item}：现场核查结束，恢复计时（暂停{n}个工作日）").format(
        item=_text(after, "item"), n=after.get("days_stopped") or 0
    )
    note = _text(after, "note")
    return text + (_("，{note}").format(note=note) if note else "")


def _scan(after: dict[str, Any]) -> str:
    files = after.get("files") or []
    pages = sum(int(f.get("pages") or 0) for f in files if isinstance(f, dict))
    return _("扫描材料“{name}”：{n}个文件，共{pages}页").format(
        name=_text(after, "material"), n=len(files), pages=pages
    )


def _scan_remove(after: dict[str, Any]) -> str:
    return _("移除材料“{name}”的扫描件 {file}").format(
        name=_text(after, "material"), file=_text(after, "name")
    )


def _pickup(after: dict[str, Any]) -> str:
    return _("证照已领取：领取人 {name}，{n}份文书").format(
        name=_text(after, "collector"), n=len(after.get("documents") or [])
    )


_DESCRIBE: dict[str, Callable[[dict[str, Any]], str]] = {
    "sub_case.approve": _approve,
    "sub_case.reject": _reject,
    "sub_case.claim": _claim,
    "sub_case.release": _release,
    "sub_case.inspection_start": _inspection_start,
    "sub_case.inspection_end": _inspection_end,
    "material.scan": _scan,
    "material.scan_remove": _scan_remove,
    "case.pickup": _pickup,
    "case.accept": _accept,
    "sub_case.deadline_recount": _recount,
    "verification_task.due_recount": _due_recount,
    "case.withdraw": _withdraw,
    "sub_case.withdraw": _withdraw_sub,
    "material.receive": _receive,
    "material.data_check": _data_check,
    "verification_request.answer": _answer,
    "supplement.request": _supplement,
    "supplement.fulfil": _restarted,
}


def describe(action: str, after: dict[str, Any] | None) -> str:
    """A short description of one audited action (its name if it is not known here)."""
    describe_one = _DESCRIBE.get(action)
    return describe_one(after or {}) if describe_one else action


def case_history(session: Session, ids: Collection[uuid.UUID]) -> tuple[HistoryEntry, ...]:
    """The audit entries about any of ``ids``, oldest first."""
    keys = [str(i) for i in ids]
    entries = list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_id.in_(keys))
            .order_by(AuditEntry.at, AuditEntry.chain, AuditEntry.seq)
        )
    )
    actors = {e.actor for e in entries}
    names = {
        row.username: row.display_name
        for row in session.execute(
            select(User.username, User.display_name).where(User.username.in_(actors))
        )
    }
    return tuple(
        HistoryEntry(e.at, e.action, e.actor, names.get(e.actor, ""), describe(e.action, e.after))
        for e in entries
    )
