"""How the next migrations will run: on a counter's database full of data, rebuilding a
parent table (SQLite's batch mode), atomically, after a backup."""

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hall.core.errors import DatabaseError
from hall.db import migrate
from hall.db.engine import make_engine, sqlite_url
from hall.models import PermitItem

HEAD = migrate.HEAD

NEXT = f"{int(migrate.HEAD) + 1:04d}"
REVISION_NEXT = '''"""test: rebuild catalog_version"""
import sqlalchemy as sa
from alembic import op

revision = "{next}"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("catalog_version", recreate="always") as batch:
        batch.add_column(sa.Column("note", sa.String(50), nullable=True))
    {tail}


def downgrade() -> None:
    pass
'''


@pytest.fixture
def next_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def make(tail: str = "pass") -> None:
        scripts = tmp_path / "migrations"
        shutil.copytree(migrate.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
        (scripts / "versions" / f"{NEXT}_test.py").write_text(
            REVISION_NEXT.format(tail=tail, next=NEXT, head=migrate.HEAD)
        )
        monkeypatch.setattr(migrate, "MIGRATIONS", scripts)
        monkeypatch.setattr(migrate, "HEAD", NEXT)

    return make


def table_columns(path: Path, table: str) -> list[str]:
    with sqlite3.connect(path) as db:
        return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]


def test_rebuilding_a_parent_table_with_data_works_and_is_backed_up(ctx, next_revision) -> None:
    next_revision()
    path = ctx.paths.database
    assert migrate.upgrade(ctx.engine, sqlite_path=path, backups=ctx.paths.backups)
    assert "note" in table_columns(path, "catalog_version")
    with ctx.uow() as s:  # the children still point at their parent
        assert s.scalar(select(func.count()).select_from(PermitItem)) == 6
    backups = list(ctx.paths.backups.glob(f"hall-*-rev{HEAD}.sqlite3"))
    assert len(backups) == 1
    assert "note" not in table_columns(backups[0], "catalog_version")


def test_a_migration_failing_midway_leaves_the_database_as_it_was(ctx, next_revision) -> None:
    next_revision(tail='raise RuntimeError("power cut")')
    path = ctx.paths.database
    before = table_columns(path, "catalog_version")
    with pytest.raises(RuntimeError):
        migrate.upgrade(ctx.engine, sqlite_path=path, backups=ctx.paths.backups)
    assert table_columns(path, "catalog_version") == before
    assert migrate.current_revision(make_engine(sqlite_url(path))) == HEAD
    with sqlite3.connect(path) as db:
        leftovers = db.execute(
            "SELECT name FROM sqlite_master WHERE name LIKE '_alembic_tmp%'"
        ).fetchall()
    assert leftovers == []


def test_a_migration_that_breaks_references_is_undone(ctx, next_revision) -> None:
    next_revision(tail='op.execute("DELETE FROM catalog_version")')
    with pytest.raises(DatabaseError, match="引用不一致"):
        migrate.upgrade(ctx.engine, sqlite_path=ctx.paths.database, backups=ctx.paths.backups)
    with ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(PermitItem)) == 6
