"""Reading typed values out of parsed JSON, collecting every problem with its place
instead of stopping at the first: an import file is then refused with the whole list."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, TypeVar

from hall.core.errors import Problem
from hall.core.i18n import _
from hall.models.enums import FieldType, ItemLevel, ProofMode, ReformMode, Risk

E = TypeVar("E", ReformMode, ItemLevel, Risk, ProofMode, FieldType)


class JsonReader:
    """Reads typed values out of JSON objects, collecting problems instead of stopping."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, place: str, reason: str) -> None:
        self.problems.append(Problem(place, reason))

    def obj(self, value: Any, place: str, allowed: set[str]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(place, _("应为对象（{...}）"))
            return None
        for key in sorted(set(value) - allowed):
            self.problem(f"{place}.{key}", _("未知的键"))
        return value

    def items(self, obj: dict[str, Any], key: str, place: str, required: bool = True) -> list[Any]:
        value = obj.get(key)
        if value is None:
            if required:
                self.problem(f"{place}.{key}", _("缺少此项"))
            return []
        if not isinstance(value, list):
            self.problem(f"{place}.{key}", _("应为列表"))
            return []
        return value

    def text(
        self,
        obj: dict[str, Any],
        key: str,
        place: str,
        *,
        required: bool = True,
        pattern: re.Pattern[str] | None = None,
        max_length: int | None = None,
    ) -> str | None:
        value = obj.get(key)
        where = f"{place}.{key}"
        if value is None:
            if required:
                self.problem(where, _("缺少此项"))
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(where, _("应为非空文本"))
            return None
        value = value.strip()
        if pattern is not None and not pattern.match(value):
            self.problem(
                where,
                _("“{value}”格式不符（应匹配 {pattern}）").format(
                    value=value, pattern=pattern.pattern
                ),
            )
            return None
        if max_length is not None and len(value) > max_length:
            self.problem(where, _("过长（最多{n}个字符）").format(n=max_length))
            return None
        return value

    def integer(
        self, obj: dict[str, Any], key: str, place: str, *, required: bool = False, minimum: int = 1
    ) -> int | None:
        value = obj.get(key)
        where = f"{place}.{key}"
        if value is None:
            if required:
                self.problem(where, _("缺少此项"))
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(where, _("应为整数"))
            return None
        if value < minimum:
            self.problem(where, _("应不小于{n}").format(n=minimum))
            return None
        return value

    def number(self, obj: dict[str, Any], key: str, place: str) -> float | None:
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(f"{place}.{key}", _("应为数字"))
            return None
        return float(value)

    def boolean(
        self, obj: dict[str, Any], key: str, place: str, *, default: bool | None = None
    ) -> bool | None:
        value = obj.get(key)
        if value is None:
            if default is None:
                self.problem(f"{place}.{key}", _("缺少此项"))
            return default
        if not isinstance(value, bool):
            self.problem(f"{place}.{key}", _("应为 true 或 false"))
            return default
        return value

    def choice(self, obj: dict[str, Any], key: str, place: str, enum: type[E]) -> E | None:
        value = obj.get(key)
        if value is None:
            self.problem(f"{place}.{key}", _("缺少此项"))
            return None
        try:
            return enum(value)
        except ValueError:
            allowed = "、".join(m.value for m in enum)
            self.problem(
                f"{place}.{key}",
                _("“{value}”不是可选值（{allowed}）").format(value=value, allowed=allowed),
            )
            return None

    def day(self, obj: dict[str, Any], key: str, place: str) -> date | None:
        value = obj.get(key)
        if value is None:
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.problem(f"{place}.{key}", _("“{value}”不是 YYYY-MM-DD 日期").format(value=value))
            return None

    def strings(self, obj: dict[str, Any], key: str, place: str) -> tuple[str, ...]:
        out: list[str] = []
        for i, value in enumerate(self.items(obj, key, place, required=False)):
            if not isinstance(value, str) or not value.strip():
                self.problem(f"{place}.{key}[{i}]", _("应为非空文本"))
            else:
                out.append(value.strip())
        return tuple(out)

    def unique(self, values: list[tuple[str, str]], what: str) -> None:
        seen: dict[str, str] = {}
        for place, value in values:
            if value in seen:
                self.problem(
                    place,
                    _("{what}“{value}”重复（已在 {first} 出现）").format(
                        what=what, value=value, first=seen[value]
                    ),
                )
            else:
                seen[value] = place
