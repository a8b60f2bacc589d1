"""Reading and checking a catalog file (format: ``docs/catalog-format.md``).

:func:`parse_catalog` returns plain data or raises :class:`ImportRejected` listing every
problem found, each with its place in the file and its reason. Nothing is written here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from hall.core.errors import ImportRejected
from hall.core.i18n import _
from hall.models.enums import FieldType, ItemLevel, ProofMode, ReformMode, Risk
from hall.services.catalog_views import FieldView, MaterialView
from hall.services.json_reader import JsonReader, load_json

FORMAT = "hall-catalog/1"
DEPARTMENT_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,15}$")
FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{1,47}$")
ITEM_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
SCOPE_CODE = re.compile(r"^[A-Z0-9]{2,12}$")
# A time limit of more than a year of working days is a typing error, not a law.
MAX_DAYS = 250


@dataclass(frozen=True)
class DepartmentData:
    code: str
    name: str


@dataclass(frozen=True)
class ItemData:
    code: str
    name: str
    department: str
    level: ItemLevel
    reform_mode: ReformMode
    legal_basis: str
    measure: str
    license_name: str | None
    validity_years: int | None
    statutory_days: int | None
    promised_days: int | None
    on_the_spot: bool
    verification_days: int | None
    risk: Risk
    fields: tuple[str, ...]
    materials: tuple[MaterialView, ...]
    conditions: tuple[str, ...]


@dataclass(frozen=True)
class ScopeData:
    code: str
    text: str
    licensed: bool
    items: tuple[str, ...]
    industry: str | None
    description: str | None


@dataclass(frozen=True)
class CatalogData:
    label: str
    published: date | None
    departments: tuple[DepartmentData, ...]
    fields: tuple[FieldView, ...]
    items: tuple[ItemData, ...]
    scope: tuple[ScopeData, ...]


def parse_catalog(raw: bytes) -> CatalogData:
    """Parse and check a catalog file's bytes. Raises ``ImportRejected`` with every problem."""
    document = load_json(raw, _("目录文件"))
    r = JsonReader()
    top = r.obj(
        document, "$", {"format", "label", "published", "departments", "fields", "items", "scope"}
    )
    if top is None:
        raise ImportRejected(_("目录文件内容不正确。"), r.problems)
    if top.get("format") != FORMAT:
        r.problem("$.format", _("应为“{expected}”").format(expected=FORMAT))
    label = r.text(top, "label", "$", max_length=200) or ""
    published = r.day(top, "published", "$")
    departments = _departments(r, top)
    fields_ = _fields(r, top)
    # References are checked against everything declared, valid or not, so one bad row
    # is reported once and not again by every row that names it.
    items = _items(
        r,
        top,
        _declared(r, top, "departments", "code", _("部门代码")),
        _declared(r, top, "fields", "key", _("字段键")),
    )
    scope = _scope(r, top, _declared(r, top, "items", "code", _("事项编码")))
    _declared(r, top, "scope", "code", _("经营范围代码"))
    _declared(r, top, "scope", "text", _("经营范围表述"))
    if not items:
        r.problem("$.items", _("目录中没有任何许可事项"))
    if r.problems:
        raise ImportRejected(
            _("目录文件有{n}处错误，未导入任何内容。").format(n=len(r.problems)), r.problems
        )
    return CatalogData(label, published, departments, fields_, items, scope)


def _declared(r: JsonReader, top: dict[str, Any], section: str, key: str, what: str) -> set[str]:
    """Every code declared in a section, with duplicates reported once here."""
    seen: list[tuple[str, str]] = []
    raw = top.get(section)
    for i, entry in enumerate(raw if isinstance(raw, list) else []):
        if isinstance(entry, dict) and isinstance(entry.get(key), str):
            seen.append((f"{section}[{i}].{key}", entry[key].strip()))
    r.unique(seen, what)
    return {value for _place, value in seen}


def _departments(r: JsonReader, top: dict[str, Any]) -> tuple[DepartmentData, ...]:
    out = []
    for i, raw in enumerate(r.items(top, "departments", "$")):
        place = f"departments[{i}]"
        obj = r.obj(raw, place, {"code", "name"})
        if obj is None:
            continue
        code = r.text(obj, "code", place, pattern=DEPARTMENT_CODE)
        name = r.text(obj, "name", place, max_length=100)
        if code and name:
            out.append((place, DepartmentData(code, name)))
    return tuple(d for _p, d in out)


_FIELD_KEYS = {
    "key",
    "label",
    "group",
    "type",
    "required",
    "min",
    "max",
    "max_length",
    "choices",
    "unit",
    "help",
}


def _fields(r: JsonReader, top: dict[str, Any]) -> tuple[FieldView, ...]:
    out = []
    for i, raw in enumerate(r.items(top, "fields", "$")):
        place = f"fields[{i}]"
        obj = r.obj(raw, place, _FIELD_KEYS)
        if obj is None:
            continue
        before = len(r.problems)
        key = r.text(obj, "key", place, pattern=FIELD_KEY)
        label = r.text(obj, "label", place, max_length=100)
        group = r.text(obj, "group", place, max_length=60)
        ftype = r.choice(obj, "type", place, FieldType)
        required = r.boolean(obj, "required", place, default=True)
        minimum, maximum = r.number(obj, "min", place), r.number(obj, "max", place)
        max_length = r.integer(obj, "max_length", place, maximum=10_000)
        choices = r.strings(obj, "choices", place) if "choices" in obj else None
        unit = r.text(obj, "unit", place, required=False, max_length=20)
        help_ = r.text(obj, "help", place, required=False)
        if ftype is FieldType.choice and not choices:
            r.problem(f"{place}.choices", _("选择类字段必须列出可选项"))
        if ftype is not FieldType.choice and choices is not None:
            r.problem(f"{place}.choices", _("只有选择类字段可以有可选项"))
        numeric = ftype in (FieldType.integer, FieldType.decimal)
        if ftype is not None and (minimum is not None or maximum is not None) and not numeric:
            r.problem(place, _("只有数字类字段可以设上下限"))
        if minimum is not None and maximum is not None and minimum > maximum:
            r.problem(f"{place}.min", _("下限大于上限"))
        if len(r.problems) == before and key and label and group and ftype:
            out.append(
                (
                    place,
                    FieldView(
                        key,
                        label,
                        group,
                        ftype,
                        bool(required),
                        minimum,
                        maximum,
                        max_length,
                        choices,
                        unit,
                        help_,
                    ),
                )
            )
    return tuple(f for _p, f in out)


_ITEM_KEYS = {
    "code",
    "name",
    "department",
    "level",
    "reform_mode",
    "legal_basis",
    "measure",
    "license_name",
    "validity_years",
    "statutory_days",
    "promised_days",
    "on_the_spot",
    "verification_days",
    "risk",
    "fields",
    "materials",
    "conditions",
}


def _items(
    r: JsonReader, top: dict[str, Any], departments: set[str], field_keys: set[str]
) -> tuple[ItemData, ...]:
    out = []
    for i, raw in enumerate(r.items(top, "items", "$")):
        place = f"items[{i}]"
        obj = r.obj(raw, place, _ITEM_KEYS)
        if obj is None:
            continue
        before = len(r.problems)
        code = r.text(obj, "code", place, pattern=ITEM_CODE)
        name = r.text(obj, "name", place, max_length=200)
        department = r.text(obj, "department", place)
        if department and department not in departments:
            r.problem(
                f"{place}.department", _("部门“{code}”不在 departments 中").format(code=department)
            )
        level = r.choice(obj, "level", place, ItemLevel)
        mode = r.choice(obj, "reform_mode", place, ReformMode)
        legal_basis = r.text(obj, "legal_basis", place)
        measure = r.text(obj, "measure", place, required=False) or ""
        license_name = r.text(obj, "license_name", place, required=False, max_length=200)
        validity = r.integer(obj, "validity_years", place, maximum=100)
        statutory = r.integer(obj, "statutory_days", place, maximum=MAX_DAYS)
        promised = r.integer(obj, "promised_days", place, maximum=MAX_DAYS)
        on_the_spot = r.boolean(obj, "on_the_spot", place)
        verification = r.integer(obj, "verification_days", place, maximum=MAX_DAYS)
        risk = r.choice(obj, "risk", place, Risk)
        fields_ = r.strings(obj, "fields", place)
        for j, key in enumerate(fields_):
            if key not in field_keys:
                r.problem(f"{place}.fields[{j}]", _("字段“{key}”不在 fields 中").format(key=key))
        r.unique([(f"{place}.fields[{j}]", k) for j, k in enumerate(fields_)], _("字段"))
        materials = _materials(r, obj, place)
        conditions = r.strings(obj, "conditions", place)
        _mode_rules(
            r,
            place,
            mode,
            statutory=statutory,
            promised=promised,
            on_the_spot=on_the_spot,
            verification=verification,
            fields=fields_,
            materials=materials,
            conditions=conditions,
        )
        if (
            len(r.problems) == before
            and code
            and name
            and department
            and level
            and mode
            and legal_basis
            and risk
            and on_the_spot is not None
        ):
            out.append(
                (
                    place,
                    ItemData(
                        code,
                        name,
                        department,
                        level,
                        mode,
                        legal_basis,
                        measure,
                        license_name,
                        validity,
                        statutory,
                        promised,
                        on_the_spot,
                        verification,
                        risk,
                        fields_,
                        materials,
                        conditions,
                    ),
                )
            )
    return tuple(item for _p, item in out)


def _materials(r: JsonReader, obj: dict[str, Any], place: str) -> tuple[MaterialView, ...]:
    out = []
    for j, raw in enumerate(r.items(obj, "materials", place, required=False)):
        where = f"{place}.materials[{j}]"
        mobj = r.obj(raw, where, {"name", "proof_mode", "source", "key"})
        if mobj is None:
            continue
        name = r.text(mobj, "name", where, max_length=200)
        mode = r.choice(mobj, "proof_mode", where, ProofMode)
        source = r.text(mobj, "source", where, required=False, max_length=200)
        key = r.boolean(mobj, "key", where, default=False)
        if name and mode:
            out.append((where, MaterialView(name, mode, source, bool(key))))
    r.unique([(f"{p}.name", m.name) for p, m in out], _("材料"))
    return tuple(m for _p, m in out)


def _mode_rules(
    r: JsonReader,
    place: str,
    mode: ReformMode | None,
    *,
    statutory: int | None,
    promised: int | None,
    on_the_spot: bool | None,
    verification: int | None,
    fields: tuple[str, ...],
    materials: tuple[MaterialView, ...],
    conditions: tuple[str, ...],
) -> None:
    """The rules each reform mode puts on an item."""

    def need(ok: bool, key: str, reason: str) -> None:
        if not ok:
            r.problem(f"{place}.{key}", reason)

    if mode is ReformMode.cancelled:
        need(not materials, "materials", _("已取消审批的事项不得要求提交材料"))
        need(not fields, "fields", _("已取消审批的事项不需要填写表单"))
        need(
            statutory is None and promised is None,
            "statutory_days",
            _("已取消审批的事项没有办理时限"),
        )
    if mode in (ReformMode.filing, ReformMode.commitment):
        need(on_the_spot is True, "on_the_spot", _("备案和告知承诺事项应当场办结"))
    if mode is ReformMode.commitment:
        need(bool(conditions), "conditions", _("告知承诺事项必须列出可量化的许可条件"))
        need(verification is not None, "verification_days", _("告知承诺事项必须有核查时限"))
        need(
            statutory is not None,
            "statutory_days",
            _("告知承诺事项必须有法定时限（不适用承诺时按一般程序办理）"),
        )
    elif mode is not None and conditions:
        r.problem(f"{place}.conditions", _("只有告知承诺事项可以列出承诺条件"))
    if mode not in (None, ReformMode.commitment) and verification is not None:
        r.problem(f"{place}.verification_days", _("只有告知承诺事项有核查时限"))
    if mode is ReformMode.optimized:
        need(statutory is not None, "statutory_days", _("优化审批服务事项必须有法定时限"))
        need(promised is not None, "promised_days", _("优化审批服务事项必须有承诺时限"))
    if statutory is not None and promised is not None and promised > statutory:
        r.problem(f"{place}.promised_days", _("承诺时限不得长于法定时限"))


def _scope(r: JsonReader, top: dict[str, Any], item_codes: set[str]) -> tuple[ScopeData, ...]:
    out = []
    for i, raw in enumerate(r.items(top, "scope", "$")):
        place = f"scope[{i}]"
        obj = r.obj(raw, place, {"code", "text", "licensed", "items", "industry", "description"})
        if obj is None:
            continue
        before = len(r.problems)
        code = r.text(obj, "code", place, pattern=SCOPE_CODE)
        text = r.text(obj, "text", place, max_length=300)
        licensed = r.boolean(obj, "licensed", place)
        items = r.strings(obj, "items", place)
        r.unique([(f"{place}.items[{j}]", code) for j, code in enumerate(items)], _("事项"))
        for j, item in enumerate(items):
            if item not in item_codes:
                r.problem(f"{place}.items[{j}]", _("事项“{code}”不在 items 中").format(code=item))
        if licensed is True and not items:
            r.problem(f"{place}.items", _("许可类经营范围必须列出所需的许可事项"))
        if licensed is False and items:
            r.problem(f"{place}.items", _("一般经营项目不需要许可事项"))
        industry = r.text(obj, "industry", place, required=False)
        description = r.text(obj, "description", place, required=False)
        if len(r.problems) == before and code and text and licensed is not None:
            out.append((place, ScopeData(code, text, licensed, items, industry, description)))
    return tuple(s for _p, s in out)
