"""counter: intake drafts, supplement notices, clock stops, department verification
requests, deferred materials, withdrawals, the registry's status and name index

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 21:14:47.187813
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hall.models.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_draft",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("counter", sa.String(length=8), nullable=False),
        sa.Column("created_at", hall.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hall.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open", "accepted", "discarded", name="draftstatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_intake_draft_case_id_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_draft")),
    )
    with op.batch_alter_table("intake_draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_draft_username"), ["username"], unique=False)

    op.create_table(
        "supplement_request",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("requested_at", hall.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "fulfilled",
                "cancelled",
                name="supplementstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("closed_at", hall.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_supplement_request_case_id_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplement_request")),
    )
    with op.batch_alter_table("supplement_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supplement_request_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "clock_stop",
        sa.Column("sub_case_id", sa.Uuid(), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(
                "supplement", "special_procedure", name="stopreason", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("supplement_id", sa.Uuid(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("working_days", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sub_case_id"], ["sub_case.id"], name=op.f("fk_clock_stop_sub_case_id_sub_case")
        ),
        sa.ForeignKeyConstraint(
            ["supplement_id"],
            ["supplement_request.id"],
            name=op.f("fk_clock_stop_supplement_id_supplement_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clock_stop")),
    )
    with op.batch_alter_table("clock_stop", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_clock_stop_sub_case_id"), ["sub_case_id"], unique=False
        )

    op.create_table(
        "verification_request",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("material_id", sa.Uuid(), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("requested_at", hall.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "confirmed", "denied", name="requeststatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("answered_at", hall.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.String(length=64), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_verification_request_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["material_check.id"],
            name=op.f("fk_verification_request_material_id_material_check"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_request")),
    )
    with op.batch_alter_table("verification_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_verification_request_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_verification_request_material_id"), ["material_id"], unique=False
        )

    with op.batch_alter_table("applicant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f("ix_applicant_name"), ["name"], unique=False)

    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("withdrawn_at", hall.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("withdrawn_reason", sa.Text(), nullable=True))

    with op.batch_alter_table("item_material", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("key", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("material_check", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("key", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("source", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("due_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("updated_at", hall.models.base.UTCDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("sub_case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("stopped_days", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("sub_case", schema=None) as batch_op:
        batch_op.drop_column("stopped_days")

    with op.batch_alter_table("material_check", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("due_date")
        batch_op.drop_column("source")
        batch_op.drop_column("key")

    with op.batch_alter_table("item_material", schema=None) as batch_op:
        batch_op.drop_column("key")

    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_reason")
        batch_op.drop_column("withdrawn_at")

    with op.batch_alter_table("applicant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applicant_name"))
        batch_op.drop_column("status")

    with op.batch_alter_table("verification_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verification_request_material_id"))
        batch_op.drop_index(batch_op.f("ix_verification_request_case_id"))

    op.drop_table("verification_request")
    with op.batch_alter_table("clock_stop", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clock_stop_sub_case_id"))

    op.drop_table("clock_stop")
    with op.batch_alter_table("supplement_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supplement_request_case_id"))

    op.drop_table("supplement_request")
    with op.batch_alter_table("intake_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_draft_username"))

    op.drop_table("intake_draft")
