import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from hall.core.errors import DatabaseError
from hall.db import migrate
from hall.db.engine import make_engine, sqlite_url
from hall.models import Base
from hall.services.context import open_context

from ..conftest import make_paths


def test_head_constant_matches_the_migration_scripts() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert script.get_current_head() == migrate.HEAD


def test_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "m.sqlite3"))
    migrate.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_local_database_pragmas(tmp_path: Path) -> None:
    ctx = open_context(make_paths(tmp_path))
    with ctx.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    ctx.close()


def test_a_database_from_a_newer_program_is_refused_untouched(tmp_path: Path) -> None:
    paths = make_paths(tmp_path)
    open_context(paths).close()
    with sqlite3.connect(paths.database) as db:
        db.execute("UPDATE alembic_version SET version_num = 'f00dfeed'")
    before = paths.database.read_bytes()
    with pytest.raises(DatabaseError, match="比本程序新"):
        open_context(paths)
    assert paths.database.read_bytes() == before


def test_a_database_at_no_revision_is_brought_up_to_date(tmp_path: Path) -> None:
    paths = make_paths(tmp_path)
    engine = make_engine(sqlite_url(paths.database))
    # A database from before any table existed: only Alembic's bookkeeping at no revision.
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.exec_driver_sql("CREATE TABLE kept (x INTEGER)")
        conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('0001')")
        conn.exec_driver_sql("DELETE FROM alembic_version")
    assert not migrate.sqlite_is_current(paths.database)
    ctx = open_context(paths)
    assert migrate.sqlite_is_current(paths.database)
    ctx.close()


def test_backup_is_a_consistent_copy(tmp_path: Path) -> None:
    paths = make_paths(tmp_path)
    open_context(paths).close()
    copy = migrate.backup_sqlite(paths.database, paths.backups, migrate.HEAD)
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == (migrate.HEAD,)
