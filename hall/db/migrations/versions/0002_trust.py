"""trust: audit hash chain, sign-in lockout, signing keys, revoked documents

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 19:27:07.686143
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

import hall.models.base
from hall.models.audit import GENESIS, chain_hash

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# SQLite's batch mode rebuilds a table and loses its triggers: a later migration that
# alters audit_entry or audit_head in batch must create these triggers again.
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
    "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
    # INSERT OR REPLACE would delete the old row without the DELETE trigger firing.
    "CREATE TRIGGER audit_entry_no_replace BEFORE INSERT ON audit_entry "
    "WHEN EXISTS (SELECT 1 FROM audit_entry WHERE id = NEW.id "
    "OR (chain = NEW.chain AND seq = NEW.seq)) "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
    # A chain's head only moves forward, keeps its chain and its place, and is never
    # removed or replaced; there is one local chain.
    "CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head "
    "WHEN NEW.seq <= OLD.seq OR NEW.chain != OLD.chain OR NEW.local != OLD.local "
    "BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END",
    "CREATE TRIGGER audit_head_no_replace BEFORE INSERT ON audit_head "
    "WHEN EXISTS (SELECT 1 FROM audit_head WHERE chain = NEW.chain OR (NEW.local AND local)) "
    "BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END",
    "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
    "BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END",
)
PG_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION hall_audit_append_only() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$",
    "CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION hall_audit_append_only()",
    "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
    "FOR EACH STATEMENT EXECUTE FUNCTION hall_audit_append_only()",
    "CREATE OR REPLACE FUNCTION hall_audit_head_forward() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (NEW.seq <= OLD.seq "
    "OR NEW.chain <> OLD.chain OR NEW.local <> OLD.local)) OR (TG_OP = 'INSERT' AND "
    "EXISTS (SELECT 1 FROM audit_head WHERE chain = NEW.chain OR (NEW.local AND local))) "
    "THEN RAISE EXCEPTION 'the audit head only moves forward'; END IF; RETURN NEW; END $$",
    "CREATE TRIGGER audit_head_forward BEFORE INSERT OR UPDATE OR DELETE ON audit_head "
    "FOR EACH ROW EXECUTE FUNCTION hall_audit_head_forward()",
    "CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head "
    "FOR EACH STATEMENT EXECUTE FUNCTION hall_audit_append_only()",
)


def create_append_only_triggers() -> None:
    for statement in SQLITE_TRIGGERS if op.get_context().dialect.name == "sqlite" else PG_TRIGGERS:
        op.execute(statement)


def drop_append_only_triggers() -> None:
    if op.get_context().dialect.name == "sqlite":
        for name in (
            "audit_entry_no_update",
            "audit_entry_no_delete",
            "audit_entry_no_replace",
            "audit_head_forward",
            "audit_head_no_replace",
            "audit_head_no_delete",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_entry")
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry")
        op.execute("DROP TRIGGER IF EXISTS audit_head_forward ON audit_head")
        op.execute("DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_head")
        op.execute("DROP FUNCTION IF EXISTS hall_audit_head_forward()")
        op.execute("DROP FUNCTION IF EXISTS hall_audit_append_only()")


def upgrade() -> None:
    head = op.create_table(
        "audit_head",
        sa.Column("chain", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("local", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "revoked_document",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("revoked_at", hall.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revoked_document")),
        sa.UniqueConstraint("kind", "number", name=op.f("uq_revoked_document_kind")),
    )
    op.create_table(
        "signing_key",
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("hall_code", sa.String(length=32), nullable=False),
        sa.Column("valid_from", hall.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("valid_until", hall.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("revoked_at", hall.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_key")),
        sa.UniqueConstraint("key_id", name=op.f("uq_signing_key_key_id")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True)
        )
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))

    chain, seq, last = _chain_existing_entries()
    op.bulk_insert(head, [{"chain": chain, "seq": seq, "hash": last, "local": True}])

    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.alter_column("chain", existing_type=sa.String(length=32), nullable=False)
        batch_op.alter_column(
            "seq",
            existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        )
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_entry_chain"), ["chain", "seq"])
    create_append_only_triggers()

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("locked_until", hall.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "password_changed_at", hall.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )


def _chain_existing_entries() -> tuple[str, int, str]:
    """Put the entries made before the chain existed on a new local chain, oldest first."""
    entries = sa.table(
        "audit_entry",
        sa.column("id", sa.Uuid()),
        sa.column("at", hall.models.base.UTCDateTime(timezone=True)),
        sa.column("actor", sa.String()),
        sa.column("counter", sa.String()),
        sa.column("action", sa.String()),
        sa.column("entity", sa.String()),
        sa.column("entity_id", sa.String()),
        sa.column("before", sa.JSON()),
        sa.column("after", sa.JSON()),
        sa.column("chain", sa.String()),
        sa.column("seq", sa.Integer()),
        sa.column("prev_hash", sa.String()),
        sa.column("hash", sa.String()),
    )
    bind = op.get_bind()
    chain = uuid.uuid4().hex
    prev, seq = GENESIS, 0
    # Entries of the same instant in the order they were written: SQLite's rowid says it.
    tiebreak = sa.literal_column("rowid") if bind.dialect.name == "sqlite" else entries.c.id
    rows = bind.execute(sa.select(entries).order_by(entries.c.at, tiebreak)).mappings().all()
    for row in rows:
        seq += 1
        digest = chain_hash(
            prev_hash=prev,
            chain=chain,
            seq=seq,
            id=row["id"],
            at=row["at"],
            actor=row["actor"],
            counter=row["counter"],
            action=row["action"],
            entity=row["entity"],
            entity_id=row["entity_id"],
            before=row["before"],
            after=row["after"],
        )
        bind.execute(
            entries.update()
            .where(entries.c.id == row["id"])
            .values(chain=chain, seq=seq, prev_hash=prev, hash=digest)
        )
        prev = digest
    return chain, seq, prev


def downgrade() -> None:
    drop_append_only_triggers()
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("password_changed_at")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_attempts")

    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_entry_chain"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
        batch_op.drop_column("chain")

    op.drop_table("signing_key")
    op.drop_table("revoked_document")
    op.drop_table("audit_head")
