from datetime import date

import pytest
from sqlalchemy import event, func, select, text

from hall.core.errors import DatabaseError
from hall.models import AuditEntry, Case, CreditRecord, OutboxEntry, SubCase
from hall.services import intake
from hall.services.applicants import ApplicantInput
from hall.services.credit import add_record
from hall.services.intake import accept_case, plan_application

CODE = "91320305MA1N428243"
ANSWERS = {
    "applicant_name": "味香居",
    "contact_mobile": "13800138000",
    "business_address": "贾汪区工农北路136号",
}


def counts(ctx) -> tuple[int, ...]:
    with ctx.uow() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(m))
            for m in (Case, SubCase, AuditEntry, OutboxEntry, CreditRecord)
        )


def test_a_failure_midway_leaves_nothing_half_written(ctx, actor, monkeypatch) -> None:
    plan = plan_application(ctx, scope=["F1040"], applicant_code=CODE, on=date(2026, 11, 23))
    before = counts(ctx)

    def broken_record(*args, **kwargs):
        raise RuntimeError("power cut between the rows and the audit entry")

    monkeypatch.setattr(intake, "record", broken_record)
    with pytest.raises(RuntimeError):
        accept_case(ctx, actor, plan, ApplicantInput(CODE, "味香居"), ANSWERS)
    assert counts(ctx) == before


def test_full_disk_is_told_plainly_and_nothing_is_written(ctx, operator) -> None:
    before = counts(ctx)

    @event.listens_for(ctx.engine, "connect")
    def tiny_disk(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        # Room for a few records (each about three pages with its audit and outbox rows).
        cursor.execute(f"PRAGMA max_page_count = {pages + 8}")
        cursor.close()

    ctx.engine.dispose()  # the pooled connections go: the next ones see the tiny disk
    with pytest.raises(DatabaseError, match="磁盘已满"):
        for n in range(200):  # fill the last free pages, then one more
            add_record(ctx, operator, CODE, reason="记录" * 240 + str(n))
    event.remove(ctx.engine, "connect", tiny_disk)
    ctx.engine.dispose()
    after = counts(ctx)
    added = [a - b for a, b in zip(after, before, strict=True)]
    # Whatever was committed before the disk filled is whole: each credit record has its
    # audit and outbox rows, and the action that hit the full disk left none of its own.
    assert added[4] >= 1
    assert added[2] == added[3] == added[4]


def test_foreign_keys_are_on_again_after_a_migration(tmp_path) -> None:
    """The migration turns them off on its connection; a pooled connection must not
    keep that."""
    from hall.db import migrate
    from hall.db.engine import make_engine, sqlite_url

    path = tmp_path / "m.sqlite3"
    engine = make_engine(sqlite_url(path))
    migrate.upgrade(engine, sqlite_path=path, backups=tmp_path / "backups")
    for _ in range(3):  # whichever pooled connection comes
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_a_write_transaction_holds_the_write_lock_from_its_start(ctx) -> None:
    """A read-then-write transaction must not lose its write to another writer that
    came in between (SQLite's snapshot cannot become a write): ``write=True`` takes the
    lock before the first read."""
    import sqlite3

    other = sqlite3.connect(ctx.engine.url.database, timeout=0, isolation_level=None)
    try:
        with ctx.uow(write=True) as session:
            session.execute(text("SELECT 1"))  # a read only, so far
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once it committed
        other.execute("ROLLBACK")
        with ctx.uow() as session:
            session.execute(text("SELECT 1"))
            other.execute("BEGIN IMMEDIATE")  # a plain transaction takes no lock to read
            other.execute("ROLLBACK")
    finally:
        other.close()
