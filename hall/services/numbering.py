"""People-facing numbers: a prefix that names where and when (the counter's code keeps
numbers made at different counters, or offline, apart) and a sequence after it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session


def next_number(
    session: Session, column: InstrumentedAttribute[str], prefix: str, width: int
) -> str:
    """``prefix`` and the sequence after the highest number in ``column`` that starts
    with it, zero-padded to ``width`` (``C01-20261123-`` → ``C01-20261123-0007``)."""
    last = session.scalar(select(func.max(column)).where(column.like(prefix + "%")))
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:0{width}d}"
