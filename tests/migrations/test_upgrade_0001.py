"""A counter's database from revision 0001 (before the trust features) is upgraded in
place: a backup first, every row kept, the old audit entries put on a hash chain."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from hall.db import migrate
from hall.models import AuditEntry, AuditHead, CatalogVersion, CreditRecord, User
from hall.models.enums import Role
from hall.services.audit_chain import verify_chain
from hall.services.auth import sign_in
from hall.services.context import AppContext, open_context
from hall.services.credit import add_record

from ..conftest import make_paths

STORED = Path(__file__).parent / "data" / "rev0001-small.sqlite3"


@pytest.fixture
def old_database(tmp_path: Path) -> Path:
    paths = make_paths(tmp_path / "counter")
    shutil.copyfile(STORED, paths.database)
    return paths.data


@pytest.fixture
def upgraded(old_database: Path, clock) -> Iterator[AppContext]:
    ctx = open_context(make_paths(old_database), clock=clock)
    yield ctx
    ctx.close()


def test_the_stored_file_really_is_from_revision_0001() -> None:
    with sqlite3.connect(f"file:{STORED}?mode=ro", uri=True) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        columns = {row[1] for row in db.execute("PRAGMA table_info(audit_entry)")}
    db.close()
    assert "hash" not in columns


def test_opening_migrates_after_a_backup_named_for_the_old_revision(upgraded) -> None:
    assert upgraded.migrated
    assert migrate.current_revision(upgraded.engine) == migrate.HEAD
    [backup] = list(upgraded.paths.backups.glob("*.sqlite3"))
    assert "rev0001" in backup.name
    if os.name == "posix":  # the copy holds the same personal data as the original
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
        assert stat.S_IMODE(upgraded.paths.backups.stat().st_mode) == 0o700
        assert stat.S_IMODE(upgraded.paths.database.stat().st_mode) == 0o600
    with sqlite3.connect(backup) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    db.close()


def test_users_credit_records_and_catalog_are_kept(upgraded) -> None:
    with upgraded.uow() as s:
        users = {u.username: u for u in s.scalars(select(User))}
        [record] = s.scalars(select(CreditRecord))
        [version] = s.scalars(select(CatalogVersion))
    assert set(users) == {"clerk01", "admin"}
    assert users["clerk01"].role is Role.clerk and users["admin"].role is Role.admin
    assert users["admin"].must_change_password and not users["clerk01"].must_change_password
    assert all(u.failed_attempts == 0 and u.locked_until is None for u in users.values())
    assert record.subject_code == "91320305MADYPWT69T"
    assert record.reason == "测试记录 <b>&</b>"
    assert version.label == "测试用小目录" and version.is_current
    assert "SAMR-001" in upgraded.catalog().items


def test_the_old_audit_entries_are_chained_and_intact(upgraded, operator) -> None:
    report = verify_chain(upgraded, operator)
    assert report.intact and report.entries == 4 and report.chains == 1
    with upgraded.uow() as s:
        entries = list(s.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        head = s.scalar(select(AuditHead).where(AuditHead.local))
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert sorted(e.action for e in entries) == sorted(
        ["catalog.import", "user.create", "user.create", "credit.add"]
    )
    assert {e.chain for e in entries} == {head.chain}
    assert (head.seq, head.hash) == (4, entries[-1].hash)


def test_new_actions_append_to_the_migrated_chain(upgraded, operator) -> None:
    add_record(upgraded, operator, "32030519711203530X", reason="虚假承诺")
    with upgraded.uow() as s:
        newest = s.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
    assert newest.seq == 5 and newest.action == "credit.add"
    report = verify_chain(upgraded, operator)
    assert report.intact and report.entries == 5


def test_the_migrated_log_is_append_only(upgraded) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError, match="append-only"), upgraded.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_entry SET actor = 'x' WHERE seq = 1")


def test_old_accounts_can_still_sign_in_and_lock(upgraded) -> None:
    # The password of the stored clerk is unknown here: a wrong one must be counted.
    from hall.core.errors import AuthenticationFailed

    with pytest.raises(AuthenticationFailed):
        sign_in(upgraded, "clerk01", "not the password 1", "C01")
    with upgraded.uow() as s:
        assert s.scalar(select(User.failed_attempts).where(User.username == "clerk01")) == 1


def test_opening_again_does_not_migrate_or_back_up_again(old_database, clock) -> None:
    open_context(make_paths(old_database), clock=clock).close()
    again = open_context(make_paths(old_database), clock=clock)
    try:
        assert not again.migrated
        assert len(list(again.paths.backups.glob("*.sqlite3"))) == 1
    finally:
        again.close()
