"""Read-only questions about the local SQLite file, answered with the standard library.

They keep SQLAlchemy and Alembic (a third of a second to import) off the start-up path:
the sign-in window appears first, and the full stack loads while the clerk types.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

#: The newest schema revision this program knows. A test keeps it equal to Alembic's head.
HEAD = "0008"


def _query_one(path: Path, sql: str) -> tuple[object, ...] | None:
    if not path.exists():
        return None
    try:
        # as_uri() escapes '#', '%' and '?', which a raw "file:" address would misread.
        with sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True) as conn:
            row: tuple[object, ...] | None = conn.execute(sql).fetchone()
            return row
    except sqlite3.Error:
        return None


def sqlite_is_current(path: Path) -> bool:
    """True when the SQLite file exists and its schema is at :data:`HEAD`."""
    row = _query_one(path, "SELECT version_num FROM alembic_version")
    return row is not None and row[0] == HEAD


def sqlite_revision(path: Path) -> str | None:
    """The schema revision of the SQLite file, or None (missing, unreadable, not ours)."""
    row = _query_one(path, "SELECT version_num FROM alembic_version")
    return None if row is None else str(row[0])


def sqlite_has_users(path: Path) -> bool:
    """True when at least one account exists (else the first run must create one)."""
    return _query_one(path, "SELECT 1 FROM user_account LIMIT 1") is not None


SQLITE_HEADER = b"SQLite format 3\x00"


def sqlite_file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be this program's database, or None (a missing file is fine)."""
    from hall.core.i18n import _

    if not path.exists():
        return None
    if not path.is_file():
        return _("{path} 不是文件。").format(path=path)
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        from hall.core.errors import os_reason

        return _("无法读取数据库文件 {path}：{reason}。").format(path=path, reason=os_reason(exc))
    if header and header != SQLITE_HEADER:
        return _(
            "{path} 已损坏，或不是本程序的数据库（文件内容不是 SQLite 数据库）。"
            "文件未作任何改动；请联系管理员从备份恢复。"
        ).format(path=path)
    return None
