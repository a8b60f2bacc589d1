"""Time arithmetic in SQL that reads the same on SQLite and PostgreSQL, for the reports'
aggregates: minutes between two stored instants, and an instant's hour or date in the
hall's zone.

Stored instants are UTC (``hall.models.base.UTCDateTime``): SQLite keeps them as text
that ``julianday`` and ``strftime`` read; PostgreSQL as ``timestamptz``. On SQLite the
zone is applied as a fixed offset (the hall's zone has no daylight saving time); on
PostgreSQL by its name.
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from typing import Any

from sqlalchemy import Date, Float, Integer, SQLColumnExpression, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


def _offset_hours(zone: tzinfo) -> float:
    offset = datetime.combine(date(2026, 1, 1), time(), zone).utcoffset()
    return offset.total_seconds() / 3600 if offset else 0.0


def _zone_name(zone: tzinfo) -> str:
    name = getattr(zone, "key", None) or str(zone)
    return name.replace("'", "")


class minutes_between(FunctionElement[float]):  # noqa: N801 - reads like a SQL function
    """``end - start`` in minutes (a float), NULL when either is NULL."""

    type = Float()
    inherit_cache = True
    name = "minutes_between"


@compiles(minutes_between, "sqlite")
def _minutes_sqlite(element: minutes_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    # julianday is a float of days: rounded to the millisecond, 5.5 minutes is 5.5.
    return f"(ROUND((julianday({end}) - julianday({start})) * 86400000.0) / 60000.0)"


@compiles(minutes_between, "postgresql")
def _minutes_pg(element: minutes_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 60.0)"


class _InZone(FunctionElement[Any]):
    """An instant with the zone written into the SQL beside it (part of the statement's
    cache key): as an offset for SQLite, by name for PostgreSQL."""

    inherit_cache = True

    def __init__(self, instant: SQLColumnExpression[datetime | None], zone: tzinfo) -> None:
        super().__init__(
            instant,
            literal_column(f"'{_offset_hours(zone):+.4f} hours'"),
            literal_column(f"'{_zone_name(zone)}'"),
        )


class local_hour(_InZone):  # noqa: N801
    """The hour (0–23) of an instant on the hall's clock."""

    type = Integer()
    name = "local_hour"
    inherit_cache = True


class local_date(_InZone):  # noqa: N801
    """The day of an instant on the hall's calendar."""

    type = Date()
    name = "local_date"
    inherit_cache = True


def _parts(element: _InZone, compiler: SQLCompiler, **kw: Any) -> tuple[str, str, str]:
    """The instant, the SQLite modifier and the zone's name, as SQL."""
    instant, modifier, name = (compiler.process(c, **kw) for c in element.clauses)
    return instant, modifier, name


@compiles(local_hour, "sqlite")
def _hour_sqlite(element: local_hour, compiler: SQLCompiler, **kw: Any) -> str:
    instant, modifier, _name = _parts(element, compiler, **kw)
    return f"CAST(strftime('%H', {instant}, {modifier}) AS INTEGER)"


@compiles(local_hour, "postgresql")
def _hour_pg(element: local_hour, compiler: SQLCompiler, **kw: Any) -> str:
    instant, _modifier, name = _parts(element, compiler, **kw)
    return f"CAST(EXTRACT(HOUR FROM ({instant} AT TIME ZONE {name})) AS INTEGER)"


@compiles(local_date, "sqlite")
def _date_sqlite(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    instant, modifier, _name = _parts(element, compiler, **kw)
    return f"date({instant}, {modifier})"


@compiles(local_date, "postgresql")
def _date_pg(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    instant, _modifier, name = _parts(element, compiler, **kw)
    return f"CAST(({instant} AT TIME ZONE {name}) AS DATE)"
