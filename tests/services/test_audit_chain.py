"""The audit log is a hash chain: each kind of tampering is found, at the right entry.

The tampering is done the way an attacker with the database file would: triggers
dropped, rows changed with plain SQL. The program itself can only append.
"""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select, text, update

from hall.core.errors import DatabaseError, PermissionDenied
from hall.models import AuditEntry, AuditHead
from hall.models.audit import chain_hash
from hall.services.audit_chain import verify_chain
from hall.services.auth import create_user, set_active, sign_in
from hall.services.credit import add_record

from .conftest import PASSWORD

PERSON = "32030519711203530X"


@pytest.fixture
def logged(ctx, operator):
    """``ctx`` with a few more actions on its chain: seven entries in all."""
    from hall.models.enums import Role

    create_user(ctx, operator, "guide01", "王芳", Role.guide, PASSWORD)
    add_record(ctx, operator, PERSON, reason="虚假承诺")
    sign_in(ctx, "clerk01", PASSWORD, "C01")
    set_active(ctx, operator, "guide01", False)
    set_active(ctx, operator, "guide01", True)
    return ctx


def entries(ctx) -> list[AuditEntry]:
    with ctx.uow() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


TRIGGERS = (
    "audit_entry_no_update",
    "audit_entry_no_delete",
    "audit_entry_no_replace",
    "audit_head_forward",
    "audit_head_no_replace",
    "audit_head_no_delete",
)


def attacker(ctx, *statements: str, params: tuple = ()) -> None:
    """Someone with the file: the append-only triggers dropped, then plain SQL."""
    with ctx.engine.begin() as conn:
        for trigger in TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in statements:
            conn.exec_driver_sql(statement, params)


def test_the_chain_is_intact_after_a_series_of_actions(logged, operator) -> None:
    stored = entries(logged)
    report = verify_chain(logged, operator)
    assert report.intact and report.broken is None
    assert [e.action for e in stored] == [
        "catalog.import", "user.create", "user.create", "credit.add", "user.sign_in",
        "user.disable", "user.enable",
    ]  # fmt: skip
    assert report.entries == len(stored) and report.chains == 1
    assert [e.seq for e in stored] == list(range(1, len(stored) + 1))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(stored))
    with logged.uow() as s:
        head = s.scalar(select(AuditHead).where(AuditHead.local))
    assert (head.seq, head.hash) == (stored[-1].seq, stored[-1].hash)


def test_a_new_database_has_an_empty_intact_chain(empty_ctx, operator) -> None:
    report = verify_chain(empty_ctx, operator)
    assert report.intact and report.entries == 0


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor", "'someone_else'"),
        ("action", "'user.sign_in'"),
        ("after", '\'{"reason": "无"}\''),
        ("at", "'2026-01-01 00:00:00.000000'"),
        ("counter", "NULL"),
    ],
)
def test_an_edited_field_is_found_at_that_entry(logged, operator, column, value) -> None:
    target = entries(logged)[3]
    attacker(logged, f"UPDATE audit_entry SET {column} = {value} WHERE seq = {target.seq}")
    broken = verify_chain(logged, operator).broken
    assert broken is not None
    assert (broken.seq, broken.id) == (target.seq, target.id)
    assert "内容或位置被改动" in broken.reason


def test_an_edit_with_a_recomputed_hash_breaks_the_link_to_the_next_entry(logged, operator) -> None:
    target = entries(logged)[3]
    forged = chain_hash(
        prev_hash=target.prev_hash, chain=target.chain, seq=target.seq, id=target.id,
        at=target.at, actor="someone_else", counter=target.counter, action=target.action,
        entity=target.entity, entity_id=target.entity_id, before=target.before,
        after=target.after,
    )  # fmt: skip
    attacker(
        logged,
        f"UPDATE audit_entry SET actor = 'someone_else', hash = '{forged}' "
        f"WHERE seq = {target.seq}",
    )
    broken = verify_chain(logged, operator).broken
    assert broken is not None and broken.seq == target.seq + 1
    assert "接不上" in broken.reason


def test_a_deleted_middle_entry_is_found_at_the_gap(logged, operator) -> None:
    stored = entries(logged)
    attacker(logged, "DELETE FROM audit_entry WHERE seq = 4")
    report = verify_chain(logged, operator)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.id) == (5, stored[4].id)
    assert "第3" not in report.broken.reason and "第4" in report.broken.reason


def test_the_newest_entry_deleted_is_found_by_the_head(logged, operator) -> None:
    last = entries(logged)[-1].seq
    attacker(logged, f"DELETE FROM audit_entry WHERE seq = {last}")
    broken = verify_chain(logged, operator).broken
    assert broken is not None and broken.seq == last and broken.id is None
    assert f"链尾应为第{last}条" in broken.reason


def test_the_newest_entries_deleted_are_found_by_the_head(logged, operator) -> None:
    last = entries(logged)[-1].seq
    attacker(logged, f"DELETE FROM audit_entry WHERE seq > {last - 3}")
    broken = verify_chain(logged, operator).broken
    assert broken is not None and broken.seq == last - 2
    assert f"实际只到第{last - 3}条" in broken.reason


def test_the_newest_entries_deleted_with_the_head_row_are_found(logged, operator) -> None:
    last = entries(logged)[-1].seq
    attacker(logged, f"DELETE FROM audit_entry WHERE seq > {last - 2}", "DELETE FROM audit_head")
    assert not verify_chain(logged, operator).intact


def test_every_entry_deleted_is_found(logged, operator) -> None:
    total = len(entries(logged))
    attacker(logged, "DELETE FROM audit_entry")
    report = verify_chain(logged, operator)
    assert report.entries == 0 and report.broken is not None
    assert report.broken.seq == 1 and f"全部{total}条" in report.broken.reason


def test_two_entries_swapped_in_order_are_found_at_the_first(logged, operator) -> None:
    stored = entries(logged)
    attacker(
        logged,
        "UPDATE audit_entry SET seq = -1 WHERE seq = 3",
        "UPDATE audit_entry SET seq = 3 WHERE seq = 4",
        "UPDATE audit_entry SET seq = 4 WHERE seq = -1",
    )
    broken = verify_chain(logged, operator).broken
    assert broken is not None
    assert (broken.seq, broken.id) == (3, stored[3].id)  # the old fourth, now third


def test_two_entries_contents_swapped_are_found_at_the_first(logged, operator) -> None:
    stored = entries(logged)
    second, fifth = stored[1], stored[4]
    attacker(
        logged,
        "UPDATE audit_entry SET action = ?, actor = ? WHERE seq = ?",
        params=(fifth.action, fifth.actor, second.seq),
    )
    broken = verify_chain(logged, operator).broken
    assert broken is not None and broken.seq == second.seq


def test_a_forged_entry_at_the_end_is_found_even_with_a_correct_hash(logged, operator) -> None:
    import uuid

    last = entries(logged)[-1]
    fake_id = uuid.uuid4()
    digest = chain_hash(
        prev_hash=last.hash, chain=last.chain, seq=last.seq + 1, id=fake_id, at=last.at,
        actor="clerk01", counter="C01", action="case.accept", entity="case",
        entity_id="C01-20261123-0099", before=None, after=None,
    )  # fmt: skip
    attacker(
        logged,
        "INSERT INTO audit_entry (id, chain, seq, at, actor, counter, action, entity, "
        "entity_id, before, after, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, 'clerk01', 'C01', 'case.accept', 'case', "
        "'C01-20261123-0099', NULL, NULL, ?, ?)",
        params=(
            fake_id.hex, last.chain, last.seq + 1, last.at.strftime("%Y-%m-%d %H:%M:%S.%f"),
            last.hash, digest,
        ),
    )  # fmt: skip
    assert len(entries(logged)) == last.seq + 1  # the row is really there
    broken = verify_chain(logged, operator).broken
    assert broken is not None and broken.seq == last.seq + 1
    assert "链头" in broken.reason


def test_a_forged_entry_in_the_middle_is_found_where_it_was_put(logged, operator) -> None:
    stored = entries(logged)
    moved = [e.seq for e in stored if e.seq >= 4]
    statements = [f"UPDATE audit_entry SET seq = {s + 1000} WHERE seq = {s}" for s in moved]
    statements += [f"UPDATE audit_entry SET seq = {s + 1} WHERE seq = {s + 1000}" for s in moved]
    statements.append(
        "INSERT INTO audit_entry (id, chain, seq, at, actor, counter, action, entity, "
        f"entity_id, before, after, prev_hash, hash) SELECT '{'ab' * 16}', chain, 4, at, "
        "actor, counter, 'credit.remove', entity, entity_id, before, after, hash, hash "
        "FROM audit_entry WHERE seq = 3"
    )
    attacker(logged, *statements)
    broken = verify_chain(logged, operator).broken
    assert broken is not None and broken.seq == 4 and broken.action == "credit.remove"


def test_new_actions_after_an_intact_check_keep_the_chain_intact(logged, operator) -> None:
    before = verify_chain(logged, operator).entries
    add_record(logged, operator, PERSON, reason="又一次虚假承诺")
    report = verify_chain(logged, operator)
    assert report.intact and report.entries == before + 1


def test_the_program_cannot_update_an_audit_entry(logged) -> None:
    first = entries(logged)[0]
    with pytest.raises(DatabaseError), logged.uow() as s:
        s.execute(update(AuditEntry).where(AuditEntry.id == first.id).values(actor="x"))
    assert entries(logged)[0].actor == first.actor


def test_the_program_cannot_delete_an_audit_entry(logged) -> None:
    count = len(entries(logged))
    with pytest.raises(DatabaseError), logged.uow() as s:
        s.delete(s.scalar(select(AuditEntry).limit(1)))
    assert len(entries(logged)) == count


def test_plain_sql_cannot_change_the_log_while_the_triggers_are_there(logged) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError, match="append-only"), logged.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit_entry WHERE seq = 1")


def test_a_clerk_may_not_check_the_chain(logged, actor) -> None:
    with pytest.raises(PermissionDenied):
        verify_chain(logged, actor)


def test_the_broken_entry_can_be_reported_as_json(logged, operator) -> None:
    target = entries(logged)[2]
    attacker(logged, f"UPDATE audit_entry SET actor = 'x' WHERE seq = {target.seq}")
    data = verify_chain(logged, operator).broken.to_json()
    assert data["seq"] == target.seq and data["id"] == str(target.id)
    assert data["actor"] == "x" and data["reason"]


def test_the_program_cannot_replace_an_entry_or_move_the_head_back(logged) -> None:
    first = entries(logged)[0]
    with pytest.raises(DatabaseError), logged.uow() as s:
        s.execute(
            text(
                "INSERT OR REPLACE INTO audit_entry (id, chain, seq, at, actor, action, entity,"
                " entity_id, prev_hash, hash) SELECT id, chain, seq, at, 'mallory', action,"
                " entity, entity_id, prev_hash, hash FROM audit_entry WHERE seq = 1"
            )
        )
    with pytest.raises(DatabaseError), logged.uow() as s:
        s.execute(text("UPDATE audit_head SET seq = seq - 1"))
    with pytest.raises(DatabaseError), logged.uow() as s:
        s.execute(text("DELETE FROM audit_head"))
    assert entries(logged)[0].actor == first.actor


def test_a_chain_without_a_head_is_reported_as_forged(logged, operator) -> None:
    """A whole chain made up by someone who knows the hash: it has no head."""
    import uuid
    from datetime import UTC, datetime

    at = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)
    entry_id = uuid.uuid4()
    fields = {"actor": "admin", "counter": None, "action": "user.create", "entity": "user",
              "entity_id": "x", "before": None, "after": None}  # fmt: skip
    digest = chain_hash(prev_hash="0" * 64, chain="forged", seq=1, id=entry_id, at=at, **fields)
    attacker(
        logged,
        "INSERT INTO audit_entry (id, chain, seq, at, actor, action, entity, entity_id,"
        " prev_hash, hash) VALUES (?, 'forged', 1, ?, 'admin', 'user.create', 'user', 'x', ?, ?)",
        params=(entry_id.hex, "2026-11-23 01:30:00.000000", "0" * 64, digest),
    )
    report = verify_chain(logged, operator)
    assert not report.intact and "伪造" in report.broken.reason


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT OR REPLACE INTO audit_head (chain, seq, hash, local)"
        " SELECT chain, seq - 1, hash, local FROM audit_head",
        "UPDATE audit_head SET hash = '0000'",  # the same place, another entry
        "UPDATE audit_head SET local = 0",
        "INSERT INTO audit_head (chain, seq, hash, local) VALUES ('second', 0, 'x', 1)",
    ],
)
def test_the_head_cannot_be_rewritten_by_the_program(logged, statement) -> None:
    with logged.uow() as s:
        before = s.execute(text("SELECT * FROM audit_head")).all()
    with pytest.raises(DatabaseError), logged.uow() as s:
        s.execute(text(statement))
    with logged.uow() as s:
        assert s.execute(text("SELECT * FROM audit_head")).all() == before
