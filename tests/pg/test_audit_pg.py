"""The audit hash chain and its append-only triggers on the hall server's PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from hall.core.errors import DatabaseError
from hall.core.settings import Settings
from hall.db import migrate
from hall.db.engine import make_engine
from hall.db.uow import UnitOfWork
from hall.models import AuditEntry
from hall.models.enums import Role
from hall.services.audit_chain import verify_chain
from hall.services.auth import create_user, set_active
from hall.services.catalog import import_catalog
from hall.services.context import AppContext
from hall.services.credit import add_record

from ..conftest import SMALL_CATALOG, make_paths

pytestmark = pytest.mark.pg
PERSON = "32030519711203530X"


@pytest.fixture
def pg_ctx(pg_url: str, tmp_path: Path, clock, operator) -> Iterator[AppContext]:
    engine = make_engine(pg_url)
    migrate.upgrade(engine)
    ctx = AppContext(
        make_paths(tmp_path), Settings(counter_code="C01"), clock, engine, UnitOfWork(engine)
    )
    import_catalog(ctx, operator, SMALL_CATALOG.read_bytes(), SMALL_CATALOG.name)
    create_user(ctx, operator, "clerk01", "张敏", Role.clerk, "correct horse 1")
    add_record(ctx, operator, PERSON, reason="虚假承诺")
    set_active(ctx, operator, "clerk01", False)
    set_active(ctx, operator, "clerk01", True)
    yield ctx
    engine.dispose()


def entries(ctx: AppContext) -> list[AuditEntry]:
    with ctx.uow() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def attacker(ctx: AppContext, *statements: str) -> None:
    with ctx.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_entry")
        for statement in statements:
            conn.exec_driver_sql(statement)


def test_the_chain_is_intact_on_postgresql(pg_ctx, operator) -> None:
    report = verify_chain(pg_ctx, operator)
    assert report.intact and report.entries == len(entries(pg_ctx)) == 5


def test_an_edited_entry_is_found_on_postgresql(pg_ctx, operator) -> None:
    target = entries(pg_ctx)[2]
    attacker(pg_ctx, "UPDATE audit_entry SET actor = 'someone_else' WHERE seq = 3")
    broken = verify_chain(pg_ctx, operator).broken
    assert broken is not None and (broken.seq, broken.id) == (3, target.id)


def test_deleted_entries_are_found_on_postgresql(pg_ctx, operator) -> None:
    attacker(pg_ctx, "DELETE FROM audit_entry WHERE seq = 2")
    broken = verify_chain(pg_ctx, operator).broken
    assert broken is not None and broken.seq == 3 and "缺少第2条记录" in broken.reason


def test_the_newest_entry_deleted_is_found_on_postgresql(pg_ctx, operator) -> None:
    attacker(pg_ctx, "DELETE FROM audit_entry WHERE seq = 5")
    broken = verify_chain(pg_ctx, operator).broken
    assert broken is not None and broken.seq == 5 and broken.id is None


def test_postgresql_refuses_to_update_an_audit_entry(pg_ctx) -> None:
    first = entries(pg_ctx)[0]
    with pytest.raises(DatabaseError), pg_ctx.uow() as s:
        s.execute(update(AuditEntry).where(AuditEntry.id == first.id).values(actor="x"))
    assert entries(pg_ctx)[0].actor == first.actor


def test_postgresql_refuses_to_delete_or_truncate_the_log(pg_ctx) -> None:
    from sqlalchemy.exc import DBAPIError

    count = len(entries(pg_ctx))
    for statement in ("DELETE FROM audit_entry", "TRUNCATE audit_entry CASCADE"):
        with pytest.raises(DBAPIError, match="append-only"), pg_ctx.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    assert len(entries(pg_ctx)) == count


def test_a_0001_server_database_with_entries_is_chained_by_the_upgrade(
    pg_url: str, tmp_path: Path, clock, operator
) -> None:
    import uuid
    from datetime import UTC, datetime, timedelta

    from alembic import command
    from sqlalchemy import text

    engine = make_engine(pg_url)
    config = migrate.alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    start = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    with engine.begin() as conn:
        for n in range(5):
            conn.execute(
                text(
                    "INSERT INTO audit_entry (id, at, actor, counter, action, entity, entity_id,"
                    " before, after) VALUES (:id, :at, 'system', NULL, :action, 'x', :n,"
                    " NULL, CAST(:after AS JSON))"
                ),
                {"id": uuid.uuid4(), "at": start + timedelta(minutes=n), "action": f"old.{n}",
                 "n": str(n), "after": json.dumps({"n": n, "名": "旧记录"}, ensure_ascii=False)},
            )  # fmt: skip
    assert migrate.upgrade(engine)
    ctx = AppContext(
        make_paths(tmp_path), Settings(counter_code="C01"), clock, engine, UnitOfWork(engine)
    )
    try:
        with ctx.uow() as s:
            rows = list(s.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        assert [e.action for e in rows] == [f"old.{n}" for n in range(5)]  # in time order
        assert [e.seq for e in rows] == [1, 2, 3, 4, 5]
        report = verify_chain(ctx, operator)
        assert report.intact and report.entries == 5
        add_record(ctx, operator, PERSON, reason="升级后的新记录")
        assert verify_chain(ctx, operator).entries == 6
    finally:
        engine.dispose()
