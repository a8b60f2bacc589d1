"""Rows as JSON and back: how a row travels in the outbox and in the server's change log.

``row_values`` turns an ORM row into JSON values; ``decode`` turns JSON values (from the
outbox, or PostgreSQL's ``to_jsonb``) back into what the table's columns take.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import JSON, Date, Table, Time, Uuid
from sqlalchemy import Enum as SAEnum
from sqlalchemy import inspect as sa_inspect

from hall.models import Base
from hall.models.base import UTCDateTime


def jsonable(value: Any) -> Any:
    """Turn dates, UUIDs, enums and containers into JSON values."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    json.dumps(value)  # raises for anything else: better here than in the outbox
    return value


def row_values(row: object) -> dict[str, Any]:
    """Every column of an ORM row, as JSON values (what a replica needs to upsert it)."""
    mapper = sa_inspect(row).mapper
    return {attr.columns[0].name: jsonable(getattr(row, attr.key)) for attr in mapper.column_attrs}


def row_key(row: object) -> tuple[str, str]:
    """``(table, primary key as text)`` of an ORM row."""
    state = sa_inspect(row)
    identity = state.identity or state.mapper.primary_key_from_instance(row)
    return state.mapper.local_table.name, key_text(identity)


def key_text(values: Any) -> str:
    """A primary key (one value or several) as one string, the same on every machine."""
    if not isinstance(values, list | tuple):
        values = (values,)
    return "|".join(str(jsonable(v)) for v in values)


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def values_key(name: str, values: Mapping[str, Any]) -> str:
    """The primary key text of a row of table ``name`` given as JSON values."""
    return key_text([values[c.name] for c in table(name).primary_key.columns])


def _datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value[:10])


def _time(value: Any) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _converter(column_type: Any) -> Callable[[Any], Any] | None:
    if isinstance(column_type, UTCDateTime):
        return _datetime
    if isinstance(column_type, Date):
        return _date
    if isinstance(column_type, Time):
        return _time
    if isinstance(column_type, Uuid):
        return _uuid
    if isinstance(column_type, SAEnum) and column_type.enum_class is not None:
        enum_class = column_type.enum_class
        return lambda v: v if isinstance(v, enum_class) else enum_class(v)
    if isinstance(column_type, JSON):
        return None
    return None


@functools.cache
def _converters(name: str) -> dict[str, Callable[[Any], Any] | None]:
    return {c.name: _converter(c.type) for c in table(name).columns}


def decode(name: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """JSON ``values`` of a row of table ``name`` as the column types take them. Columns
    this program does not know are dropped (a newer machine's row still fits)."""
    converters = _converters(name)
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in converters:
            continue
        convert = converters[key]
        out[key] = convert(value) if convert is not None and value is not None else value
    return out
