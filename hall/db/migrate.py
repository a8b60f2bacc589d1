"""Bringing a database to the program's schema.

At start the program compares the database's revision with :data:`HEAD` using the
standard library alone (cheap); only when they differ is Alembic loaded. A SQLite file
is copied into ``backups/`` before any migration touches it. A database made by a newer
program is refused rather than damaged.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from hall.core.errors import DatabaseError
from hall.core.i18n import _
from hall.db.quick import HEAD, sqlite_is_current
from hall.db.uow import describe_database_error

__all__ = ["HEAD", "backup_sqlite", "current_revision", "sqlite_is_current", "upgrade"]

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
KEEP_BACKUPS = 10


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    except DBAPIError:
        return None
    return None if row is None else str(row[0])


def backup_sqlite(path: Path, backups: Path, revision: str | None) -> Path:
    """Copy a live SQLite database consistently (the backup API, not a file copy)."""
    backups.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backups / f"hall-{stamp}-rev{revision or 'none'}.sqlite3"
    if os.name == "posix":  # a copy of the same personal data: as private as the original
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(target)) as dest:
        source.backup(dest)
    old = sorted(backups.glob("hall-*.sqlite3"))
    for stale in old[:-KEEP_BACKUPS]:
        stale.unlink(missing_ok=True)
    log.info("backed up %s to %s before migrating", path, target)
    return target


def upgrade(
    engine: Engine, *, sqlite_path: Path | None = None, backups: Path | None = None
) -> bool:
    """Migrate the database behind ``engine`` to :data:`HEAD`.

    Returns True if anything was done. Raises :class:`DatabaseError` if the database
    was made by a newer program or the migration fails (the backup is then intact).
    """
    from alembic import command

    current = current_revision(engine)
    if current == HEAD:
        return False
    if current is not None and current not in known_revisions():
        raise DatabaseError(
            _(
                "数据库版本（{rev}）比本程序新，无法打开。请安装新版本的程序，"
                "或联系管理员。数据库未作任何改动。"
            ).format(rev=current)
        )
    backup = None
    if sqlite_path is not None and current is not None and sqlite_path.exists():
        backup = backup_sqlite(sqlite_path, backups or sqlite_path.parent / "backups", current)
    config = alembic_config()
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            raw = None
            if sqlite:
                # Batch migrations rebuild tables: with foreign keys on, rebuilding a parent
                # table fails. Off outside the transaction (SQLite ignores it inside), and
                # checked before committing instead.
                raw = connection.connection.driver_connection
                assert raw is not None
                raw.execute("PRAGMA foreign_keys=OFF")
            try:
                with connection.begin():
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
                    if sqlite:
                        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                        if broken:
                            raise DatabaseError(
                                _("数据库升级后有{n}处数据引用不一致，升级已撤销。").format(
                                    n=len(broken)
                                )
                            )
            finally:
                if raw is not None:  # the connection goes back to the pool: keys on again
                    raw.execute("PRAGMA foreign_keys=ON")
    except DBAPIError as exc:
        log.exception("migration failed")
        message = _("数据库无法升级到本程序的版本：{reason}").format(
            reason=describe_database_error(exc)
        )
        if backup is not None:
            message += _("升级前的备份：{path}").format(path=backup)
        raise DatabaseError(message) from exc
    return True
