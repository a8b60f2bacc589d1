"""Read-only questions about the local SQLite file, answered with the standard library.

They keep SQLAlchemy and Alembic (a third of a second to import) off the start-up path:
the sign-in window appears first, and the full stack loads while the clerk types.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

#: The newest schema revision this program knows. A test keeps it equal to Alembic's head.
HEAD = "0001"


def _query_one(path: Path, sql: str) -> tuple[object, ...] | None:
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            row: tuple[object, ...] | None = conn.execute(sql).fetchone()
            return row
    except sqlite3.Error:
        return None


def sqlite_is_current(path: Path) -> bool:
    """True when the SQLite file exists and its schema is at :data:`HEAD`."""
    row = _query_one(path, "SELECT version_num FROM alembic_version")
    return row is not None and row[0] == HEAD


def sqlite_has_users(path: Path) -> bool:
    """True when at least one account exists (else the first run must create one)."""
    return _query_one(path, "SELECT 1 FROM user_account LIMIT 1") is not None
