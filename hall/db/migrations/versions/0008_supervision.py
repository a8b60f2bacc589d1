"""supervision: combined inspections, verification tasks' inspectors and follow-ups,
work marked as done offline, indexes for the overdue watch and the daily report

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 05:29:23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hall.models.base

# The new table counters pull: logged on the hall server like those of 0007.
PULLED = ("inspection",)


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _log_triggers(table: str) -> list[str]:
    return [
        f'CREATE TRIGGER hall_log_{op.lower()} AFTER {op} ON "{table}" '
        f"REFERENCING {'OLD' if op == 'DELETE' else 'NEW'} TABLE AS changed "
        "FOR EACH STATEMENT EXECUTE FUNCTION hall_log_change()"
        for op in ("INSERT", "UPDATE", "DELETE")
    ]


def upgrade() -> None:
    op.create_table(
        "inspection",
        sa.Column("applicant_id", sa.Uuid(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("inspector", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", hall.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"], ["applicant.id"], name=op.f("fk_inspection_applicant_id_applicant")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection")),
    )
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_applicant_id"), ["applicant_id"], unique=False
        )

    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("offline", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("queue_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("offline", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("sub_case", schema=None) as batch_op:
        batch_op.create_index("ix_sub_case_decided_at", ["decided_at"], unique=False)
        batch_op.create_index("ix_sub_case_open", ["status", "promised_deadline"], unique=False)
        batch_op.create_index("ix_sub_case_promised_deadline", ["promised_deadline"], unique=False)

    with op.batch_alter_table("verification_task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("inspector", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("assigned_at", hall.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("assigned_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("follow_up_of", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("inspection_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_verification_task_follow_up_of_verification_task"),
            "verification_task",
            ["follow_up_of"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_verification_task_inspection_id_inspection"),
            "inspection",
            ["inspection_id"],
            ["id"],
        )

    if op.get_bind().dialect.name == "postgresql":
        for table in PULLED:
            for statement in _log_triggers(table):
                op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in PULLED:
            for kind in ("insert", "update", "delete"):
                op.execute(f'DROP TRIGGER IF EXISTS hall_log_{kind} ON "{table}"')
    with op.batch_alter_table("verification_task", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_verification_task_inspection_id_inspection"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_verification_task_follow_up_of_verification_task"), type_="foreignkey"
        )
        batch_op.drop_column("inspection_id")
        batch_op.drop_column("follow_up_of")
        batch_op.drop_column("assigned_by")
        batch_op.drop_column("assigned_at")
        batch_op.drop_column("inspector")
        batch_op.drop_column("closed_by")

    with op.batch_alter_table("sub_case", schema=None) as batch_op:
        batch_op.drop_index("ix_sub_case_promised_deadline")
        batch_op.drop_index("ix_sub_case_open")
        batch_op.drop_index("ix_sub_case_decided_at")

    with op.batch_alter_table("queue_event", schema=None) as batch_op:
        batch_op.drop_column("offline")

    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("offline")

    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_applicant_id"))

    op.drop_table("inspection")
