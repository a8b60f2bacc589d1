"""sync: outbox states, change log, receipts, file chunks, supervisor flags

On PostgreSQL (the hall server) every pulled table gets triggers that log its changes
in ``sync_change`` with the id of the transaction that made them (the pull cursor).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 03:04:17
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hall.models.base

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


# The tables counters pull (hall.sync.rules.PULLED when this revision was made: a later
# revision that adds a pulled table adds its triggers).
PULLED = (
    "applicant", "case", "sub_case", "sub_case_event", "material_check", "commitment",
    "verification_task", "verification_request", "supplement_request", "clock_stop",
    "license", "document_print", "pickup", "intake_draft", "scan_file", "material_scan",
    "supervisor_flag", "signing_key", "revoked_document", "appointment", "ticket",
    "queue_event", "catalog_version", "department", "form_field", "permit_item",
    "item_material", "item_condition", "item_field", "scope_entry", "scope_item",
    "credit_record", "user_account", "queue_category", "service_counter", "calendar_year",
    "calendar_day",
)  # fmt: skip

# One function for every table and operation: the changed rows come in the statement's
# transition table, logged once per statement (a bulk import stays one INSERT … SELECT).
# The origin is the pushing counter's code, set by the push for its transaction.
LOG_FUNCTION = """
CREATE FUNCTION hall_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_change (xid, table_name, op, origin, row_data)
  SELECT pg_current_xact_id()::text::bigint, TG_TABLE_NAME, lower(TG_OP),
         coalesce(current_setting('hall.origin', true), ''), row_to_json(changed)
  FROM changed;
  RETURN NULL;
END $$
"""


def _log_triggers(table: str) -> list[str]:
    return [
        f'CREATE TRIGGER hall_log_{op.lower()} AFTER {op} ON "{table}" '
        f"REFERENCING {'OLD' if op == 'DELETE' else 'NEW'} TABLE AS changed "
        "FOR EACH STATEMENT EXECUTE FUNCTION hall_log_change()"
        for op in ("INSERT", "UPDATE", "DELETE")
    ]


def upgrade() -> None:
    op.create_table(
        "file_blob",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("verified_at", hall.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_file_blob")),
    )
    op.create_table(
        "file_chunk",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "idx", name=op.f("pk_file_chunk")),
    )
    op.create_table(
        "sync_change",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("xid", sa.BigInteger(), nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("row_data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_sync_change")),
    )
    with op.batch_alter_table("sync_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_change_xid"), ["xid"], unique=False)

    op.create_table(
        "sync_file",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", hall.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("downloaded_at", hall.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_sync_file")),
    )
    op.create_table(
        "sync_receipt",
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("received_at", hall.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_sync_receipt")),
    )
    op.create_table(
        "sync_state",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sync_state")),
    )
    op.create_table(
        "supervisor_flag",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raised_at", hall.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("raised_by", sa.String(length=64), nullable=False),
        sa.Column("cleared_at", hall.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cleared_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_supervisor_flag_case_id_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervisor_flag")),
    )
    with op.batch_alter_table("supervisor_flag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervisor_flag_case_id"), ["case_id"], unique=False)

    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("credit_as_of", hall.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "credit_rechecked_at", hall.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )

    # Offline ticket numbers carry the counter's code (up to 8 characters): C03-A005.
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.alter_column(
            "number", existing_type=sa.String(length=12), type_=sa.String(length=16)
        )

    with op.batch_alter_table("outbox_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("last_tried_at", hall.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("set_aside_at", hall.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("escalated_at", hall.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("escalated_by", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("escalation_note", sa.Text(), nullable=False, server_default="")
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(LOG_FUNCTION)
        for table in PULLED:
            for statement in _log_triggers(table):
                op.execute(statement)
            # A server of 6/10 already holds the hall's data: logged once, as inserted,
            # so that a counter joining it pulls everything.
            op.execute(
                "INSERT INTO sync_change (xid, table_name, op, origin, row_data) "
                f"SELECT pg_current_xact_id()::text::bigint, '{table}', 'insert', '', "
                f'row_to_json(t) FROM "{table}" t'
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in PULLED:
            for kind in ("insert", "update", "delete"):
                op.execute(f'DROP TRIGGER IF EXISTS hall_log_{kind} ON "{table}"')
        op.execute("DROP FUNCTION IF EXISTS hall_log_change()")
    with op.batch_alter_table("outbox_entry", schema=None) as batch_op:
        batch_op.drop_column("escalation_note")
        batch_op.drop_column("escalated_by")
        batch_op.drop_column("escalated_at")
        batch_op.drop_column("set_aside_at")
        batch_op.drop_column("last_error")
        batch_op.drop_column("last_tried_at")
        batch_op.drop_column("attempts")

    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("credit_rechecked_at")
        batch_op.drop_column("credit_as_of")

    with op.batch_alter_table("supervisor_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervisor_flag_case_id"))

    op.drop_table("supervisor_flag")
    op.drop_table("sync_state")
    op.drop_table("sync_receipt")
    op.drop_table("sync_file")
    with op.batch_alter_table("sync_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_change_xid"))

    op.drop_table("sync_change")
    op.drop_table("file_chunk")
    op.drop_table("file_blob")
