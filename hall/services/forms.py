"""Validating the merged form's answers by each field's declared type."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from hall.core.errors import ValidationError
from hall.core.i18n import _
from hall.models.enums import FieldType
from hall.services.catalog_views import FieldView
from hall.services.identifiers import (
    validate_mobile,
    validate_phone,
    validate_resident_id,
    validate_uscc,
)

_TRUE = {"true", "1", "yes", "y", "是", "有"}
_FALSE = {"false", "0", "no", "n", "否", "无"}


def clean_value(field: FieldView, raw: Any, *, today: date) -> Any:
    """The stored form of one answer, or ``ValidationError`` naming the field."""
    label = field.label
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if field.required:
            raise ValidationError(_("“{label}”为必填项。").format(label=label), field=field.key)
        return None
    kind = field.type
    text = raw.strip() if isinstance(raw, str) else raw
    if isinstance(text, str) and kind not in (FieldType.text, FieldType.multiline):
        # Typed with a Chinese input method: fullwidth digits, dashes and letters.
        text = unicodedata.normalize("NFKC", text)
    try:
        if kind in (FieldType.text, FieldType.multiline):
            value = str(text)
            if field.max_length is not None and len(value) > field.max_length:
                raise ValidationError(
                    _("“{label}”最多{n}个字符。").format(label=label, n=field.max_length),
                    field=field.key,
                )
            return value
        if kind is FieldType.integer:
            number: int | Decimal = int(str(text))
        elif kind is FieldType.decimal:
            number = Decimal(str(text))
            if not number.is_finite():
                raise InvalidOperation
        elif kind is FieldType.date:
            return date.fromisoformat(str(text)).isoformat()
        elif kind is FieldType.mobile:
            return validate_mobile(str(text))
        elif kind is FieldType.phone:
            return validate_phone(str(text))
        elif kind is FieldType.uscc:
            return validate_uscc(str(text))
        elif kind is FieldType.id_number:
            return validate_resident_id(str(text), today=today)
        elif kind is FieldType.choice:
            if str(text) not in (field.choices or ()):
                raise ValidationError(
                    _("“{label}”只能选择：{choices}。").format(
                        label=label, choices=_("、").join(field.choices or ())
                    ),
                    field=field.key,
                )
            return str(text)
        else:  # boolean
            if isinstance(text, bool):
                return text
            folded = str(text).lower()
            if folded in _TRUE or folded in _FALSE:
                return folded in _TRUE
            raise ValidationError(
                _("“{label}”应为“是”或“否”。").format(label=label), field=field.key
            )
    except ValidationError as exc:
        if exc.field is None or exc.field != field.key:
            raise ValidationError(
                _("{name}：{what}").format(name=label, what=exc.message), field=field.key
            ) from None
        raise
    except (ValueError, InvalidOperation):
        expected = {
            FieldType.integer: _("整数"),
            FieldType.decimal: _("数字"),
            FieldType.date: _("日期（YYYY-MM-DD）"),
        }[kind]
        raise ValidationError(
            _("“{label}”应为{expected}。").format(label=label, expected=expected), field=field.key
        ) from None
    if field.min_value is not None and number < field.min_value:
        raise ValidationError(
            _("“{label}”不能小于{n}。").format(label=label, n=_num(field.min_value)),
            field=field.key,
        )
    if field.max_value is not None and number > field.max_value:
        raise ValidationError(
            _("“{label}”不能大于{n}。").format(label=label, n=_num(field.max_value)),
            field=field.key,
        )
    return int(number) if kind is FieldType.integer else str(number)


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


class FormErrors(ValidationError):
    """Several answers are wrong; ``errors`` maps each field key to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(
            _("表单有{n}处需要更正：").format(n=len(errors)) + _("；").join(errors.values())
        )
        self.errors = errors


def clean_answers(
    fields: Iterable[FieldView], answers: Mapping[str, Any], *, today: date
) -> dict[str, Any]:
    """Every answer checked; all problems reported together, not one at a time."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        try:
            value = clean_value(field, answers.get(field.key), today=today)
        except ValidationError as exc:
            errors[field.key] = exc.message
            continue
        if value is not None:
            cleaned[field.key] = value
    if errors:
        raise FormErrors(errors)
    return cleaned
