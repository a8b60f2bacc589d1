"""Reading typed values out of parsed JSON, collecting every problem with its place
instead of stopping at the first: an import file is then refused with the whole list."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, TypeVar

from hall.core.errors import ImportRejected, Problem
from hall.core.i18n import _
from hall.models.enums import FieldType, ItemLevel, ProofMode, ReformMode, Risk

E = TypeVar("E", ReformMode, ItemLevel, Risk, ProofMode, FieldType)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_iso_date(text: str) -> date:
    """A ``YYYY-MM-DD`` date between 2000 and 2100; ``ValueError`` (in the clerk's words)."""
    value = str(text).strip()
    if not _ISO_DATE.match(value):
        raise ValueError(_("“{text}”不是 YYYY-MM-DD 格式的日期").format(text=value))
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(_("“{text}”不是有效的日期").format(text=value)) from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(
            _("日期 {text} 超出可办理的范围（{a}至{b}年）").format(
                text=value, a=MIN_YEAR, b=MAX_YEAR
            )
        )
    return day


def load_json(raw: bytes, what: str) -> Any:
    """Parse an import file's bytes; ``ImportRejected`` says in Chinese what is wrong.

    A byte-order mark (Windows Notepad writes one) is accepted.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            _("{what}不是 UTF-8 编码的文本。").format(what=what),
            [Problem(_("第{pos}字节").format(pos=exc.start), _("不是有效的 UTF-8 字符"))],
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRejected(
            _("{what}不是有效的 JSON。").format(what=what),
            [
                Problem(
                    _("第{line}行第{col}列").format(line=exc.lineno, col=exc.colno),
                    _("JSON 语法错误（缺少或多余的括号、引号、逗号等）"),
                )
            ],
        ) from None
    except RecursionError:
        raise ImportRejected(
            _("{what}不是有效的 JSON。").format(what=what), [Problem("$", _("嵌套层次过深"))]
        ) from None


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
        self,
        obj: dict[str, Any],
        key: str,
        place: str,
        *,
        required: bool = False,
        minimum: int = 1,
        maximum: int = 100_000,
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
        if not minimum <= value <= maximum:
            self.problem(where, _("应在{a}至{b}之间").format(a=minimum, b=maximum))
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
            allowed = _("、").join(m.value for m in enum)
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
            return parse_iso_date(str(value))
        except ValueError as exc:
            self.problem(f"{place}.{key}", str(exc))
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
