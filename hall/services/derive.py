"""The one-form engine (一照通行): from business scope and permit items to one plan.

:func:`derive` is pure: it reads the in-memory catalog and calendar and the applicant's
credit records handed to it, and returns a frozen :class:`Plan`: the permit items needed
(each once, with the scope entries that brought it in), the merged form (each field key
asked once), the merged materials checklist, and per item the route actually applied,
its deadlines and what it means at the counter.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from hall.core.errors import ValidationError
from hall.core.i18n import _
from hall.models.enums import ApplicantKind, ProofMode, ReformMode, Route
from hall.services.catalog_views import CatalogSnapshot, FieldView, ItemView, ScopeView
from hall.services.credit import CreditRecordView
from hall.services.json_reader import MAX_YEAR, MIN_YEAR
from hall.services.workdays import Deadline, WorkdayCalendar

# A material needed by several items is handled the strictest way any of them needs.
PROOF_STRICTNESS = {
    ProofMode.cancelled: 0,
    ProofMode.commitment: 1,
    ProofMode.data_verification: 2,
    ProofMode.department_verification: 3,
    ProofMode.paper: 4,
}


@dataclass(frozen=True)
class PlanApplicant:
    code: str
    kind: ApplicantKind
    name: str | None
    credit_records: tuple[CreditRecordView, ...]

    @property
    def dishonest(self) -> bool:
        return bool(self.credit_records)


@dataclass(frozen=True)
class PlannedItem:
    item: ItemView
    route: Route
    decided_on_the_spot: bool
    statutory_deadline: Deadline | None
    promised_deadline: Deadline | None
    verification_due: Deadline | None
    because_of: tuple[str, ...]
    requested_directly: bool
    note: str

    @property
    def deadline_provisional(self) -> bool:
        return any(
            d is not None and d.provisional
            for d in (self.statutory_deadline, self.promised_deadline, self.verification_due)
        )


@dataclass(frozen=True)
class PlannedField:
    field: FieldView
    items: tuple[str, ...]


@dataclass(frozen=True)
class PlannedMaterial:
    name: str
    proof_mode: ProofMode
    source: str | None
    items: tuple[str, ...]
    key: bool = False  # key for any item that needs it: cannot be deferred (容缺)


@dataclass(frozen=True)
class Plan:
    acceptance_date: date
    catalog_version: int
    catalog_version_id: uuid.UUID
    applicant: PlanApplicant | None
    scope: tuple[ScopeView, ...]
    items: tuple[PlannedItem, ...]
    fields: tuple[PlannedField, ...]
    materials: tuple[PlannedMaterial, ...]
    left_out: tuple[ItemView, ...] = ()

    @property
    def general_scope(self) -> tuple[ScopeView, ...]:
        """Scope entries that need no permit (一般项目)."""
        return tuple(s for s in self.scope if not s.licensed)

    def to_json(self) -> dict[str, Any]:
        """The ``derive --json`` contract."""
        return plan_to_json(self)


def derive(
    catalog: CatalogSnapshot,
    calendar: WorkdayCalendar,
    *,
    scope: Sequence[ScopeView] = (),
    items: Sequence[str] = (),
    applicant: PlanApplicant | None = None,
    acceptance_date: date,
    normal_route: Iterable[str] = (),
    without: Iterable[str] = (),
) -> Plan:
    """Plan one combined application.

    ``scope`` are resolved scope entries, ``items`` permit item codes asked for directly,
    ``normal_route`` item codes whose applicant chose the ordinary procedure instead of
    commitment, ``without`` item codes a scope entry brought in that do not apply to this
    applicant (a standard entry lists every permit it may need, e.g. the foreign-invested
    variant). Raises ``NotFound`` for an unknown item and ``ValidationError`` when
    nothing was asked for or a code names an item not in the application.
    """
    if not scope and not items:
        raise ValidationError(_("请至少选择一项经营范围或许可事项。"))
    if not MIN_YEAR <= acceptance_date.year <= MAX_YEAR:
        raise ValidationError(
            _("受理日期 {day} 超出可办理的范围（{a}至{b}年）。").format(
                day=acceptance_date.isoformat(), a=MIN_YEAR, b=MAX_YEAR
            )
        )
    wanted: dict[str, list[str]] = {}
    direct: set[str] = set()
    for entry in scope:
        for code in entry.items:
            reasons = wanted.setdefault(code, [])
            if entry.code not in reasons:
                reasons.append(entry.code)
    for raw in items:
        code = catalog.item(raw).code
        wanted.setdefault(code, [])
        direct.add(code)
    left_out = []
    for raw in without:
        code = catalog.item(raw).code
        if code not in wanted:
            raise ValidationError(_("事项“{code}”不在本次申请中，无需排除。").format(code=code))
        if code in direct:
            raise ValidationError(_("事项“{code}”是直接申请的，不能同时排除。").format(code=code))
        del wanted[code]
        left_out.append(catalog.items[code])
    declined = {catalog.item(raw).code for raw in normal_route}
    for code in sorted(declined):
        if code not in wanted:
            raise ValidationError(
                _("事项“{code}”不在本次申请中，无法选择按一般程序办理。").format(code=code)
            )
        if catalog.items[code].reform_mode is not ReformMode.commitment:
            raise ValidationError(
                _("事项“{code}”不是告知承诺事项，本来就不需要承诺。").format(code=code)
            )
    planned = tuple(
        _plan_item(
            catalog.items[code],
            tuple(reasons),
            code in direct,
            applicant,
            code in declined,
            calendar,
            acceptance_date,
        )
        for code, reasons in wanted.items()
    )
    return Plan(
        acceptance_date=acceptance_date,
        catalog_version=catalog.number,
        catalog_version_id=catalog.version_id,
        applicant=applicant,
        scope=tuple(scope),
        items=planned,
        fields=_merge_fields(catalog, planned),
        materials=_merge_materials(planned, applicant),
        left_out=tuple(left_out),
    )


def _plan_item(
    item: ItemView,
    because_of: tuple[str, ...],
    direct: bool,
    applicant: PlanApplicant | None,
    declined: bool,
    calendar: WorkdayCalendar,
    day: date,
) -> PlannedItem:
    mode = item.reform_mode
    statutory = promised = verification = None
    if mode is ReformMode.cancelled:
        route, on_spot = Route.cancelled, True
        note = _("该事项已直接取消审批，无需办理；不得要求申请人提供相关许可证件或证明材料。")
    elif mode is ReformMode.filing:
        route, on_spot = Route.filing, True
        note = _("审批改为备案：材料齐全的当场办理备案，不得作出不予备案的决定。")
    elif mode is ReformMode.commitment and applicant is not None and applicant.dishonest:
        route, on_spot = Route.normal, False
        first = applicant.credit_records[0]
        note = _(
            "申请人在失信主体名单中（{reason}，{source}，自{since}起），不适用告知承诺，"
            "按一般程序审批，法定时限{days}个工作日。"
        ).format(
            reason=first.reason,
            source=first.source,
            since=first.since.isoformat(),
            days=item.statutory_days,
        )
    elif mode is ReformMode.commitment and declined:
        route, on_spot = Route.normal, False
        note = _("申请人选择不采用告知承诺，按一般程序审批，法定时限{days}个工作日。").format(
            days=item.statutory_days
        )
    elif mode is ReformMode.commitment:
        route, on_spot = Route.commitment, True
        verification = calendar.add_workdays(day, item.verification_days or 0)
        note = _(
            "告知承诺：申请人书面承诺符合许可条件后当场作出许可决定；"
            "决定后{days}个工作日内开展核查，虚假承诺将撤销许可并记入信用记录。"
        ).format(days=item.verification_days)
        if applicant is None:
            note += _("受理前须核验申请人信用。")
    else:
        route, on_spot = Route.optimized, item.on_the_spot
        if on_spot:
            note = _("优化审批服务：当场办结。")
        else:
            note = _(
                "优化审批服务：受理后{promised}个工作日内办结（法定{statutory}个工作日）。"
            ).format(promised=item.promised_days, statutory=item.statutory_days)
    if not on_spot:
        statutory = calendar.add_workdays(day, item.statutory_days or 0)
        if route is Route.optimized and item.promised_days is not None:
            promised = calendar.add_workdays(day, item.promised_days)
    if any(d is not None and d.provisional for d in (statutory, promised, verification)):
        note += _("（期限为暂定：所跨年份的法定节假日安排尚未导入，按周一至周五计算。）")
    return PlannedItem(
        item, route, on_spot, statutory, promised, verification, because_of, direct, note
    )


def _merge_fields(
    catalog: CatalogSnapshot, planned: tuple[PlannedItem, ...]
) -> tuple[PlannedField, ...]:
    needed: dict[str, list[str]] = {}
    for p in planned:  # a cancelled item has no fields (the catalog import sees to it)
        for key in p.item.fields:
            needed.setdefault(key, []).append(p.item.code)
    group_order: dict[str, int] = {}
    position: dict[str, int] = {}
    for n, (key, view) in enumerate(catalog.fields.items()):
        group_order.setdefault(view.group, len(group_order))
        position[key] = n
    keys = sorted(needed, key=lambda k: (group_order[catalog.fields[k].group], position[k]))
    return tuple(PlannedField(catalog.fields[k], tuple(needed[k])) for k in keys)


def _merge_materials(
    planned: tuple[PlannedItem, ...], applicant: PlanApplicant | None
) -> tuple[PlannedMaterial, ...]:
    dishonest = applicant is not None and applicant.dishonest
    merged: dict[str, tuple[ProofMode, str | None, list[str]]] = {}
    key: set[str] = set()
    for p in planned:
        for m in p.item.materials:
            mode = m.proof_mode
            # A proof may be replaced by a commitment (证明事项告知承诺) whatever the item's
            # mode; not for a dishonest subject, nor where the applicant declined to commit.
            if mode is ProofMode.commitment and (dishonest or p.route is Route.normal):
                mode = ProofMode.paper
            if m.key:
                key.add(m.name)
            current = merged.get(m.name)
            if current is None:
                merged[m.name] = (mode, m.source, [p.item.code])
                continue
            best, source, codes = current
            if PROOF_STRICTNESS[mode] > PROOF_STRICTNESS[best]:
                best, source = mode, m.source or source
            merged[m.name] = (best, source, [*codes, p.item.code])
    return tuple(
        PlannedMaterial(name, mode, source, tuple(codes), name in key)
        for name, (mode, source, codes) in merged.items()
    )


def _day(deadline: Deadline | None) -> str | None:
    return deadline.isoformat() if deadline is not None else None


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The ``derive --json`` contract (keys may be added, never removed)."""
    applicant = None
    if plan.applicant is not None:
        applicant = {
            "code": plan.applicant.code,
            "kind": plan.applicant.kind.value,
            "name": plan.applicant.name,
            "dishonest": plan.applicant.dishonest,
            "credit_records": [r.to_json() for r in plan.applicant.credit_records],
        }
    return {
        "acceptance_date": plan.acceptance_date.isoformat(),
        "catalog_version": plan.catalog_version,
        "applicant": applicant,
        "scope": [{"code": s.code, "text": s.text, "licensed": s.licensed} for s in plan.scope],
        "items": [
            {
                "code": p.item.code,
                "name": p.item.name,
                "department": p.item.department_name,
                "reform_mode": p.item.reform_mode.value,
                "route": p.route.value,
                "decided_on_the_spot": p.decided_on_the_spot,
                "statutory_deadline": _day(p.statutory_deadline),
                "promised_deadline": _day(p.promised_deadline),
                "verification_due": _day(p.verification_due),
                "deadline_provisional": p.deadline_provisional,
                "because_of": list(p.because_of),
                "requested_directly": p.requested_directly,
                "note": p.note,
            }
            for p in plan.items
        ],
        "fields": [
            {
                "key": f.field.key,
                "label": f.field.label,
                "group": f.field.group,
                "type": f.field.type.value,
                "required": f.field.required,
                "items": list(f.items),
            }
            for f in plan.fields
        ],
        "left_out": [{"code": i.code, "name": i.name} for i in plan.left_out],
        "materials": [
            {
                "name": m.name,
                "proof_mode": m.proof_mode.value,
                "source": m.source,
                "items": list(m.items),
                "key": m.key,
            }
            for m in plan.materials
        ],
    }
