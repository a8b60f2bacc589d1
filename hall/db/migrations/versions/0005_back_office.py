"""back office: inboxes, decisions, scans, pickups

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 17:09:08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hall.models.base

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scan_file",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("stored_at", hall.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan_file")),
        sa.UniqueConstraint("sha256", name=op.f("uq_scan_file_sha256")),
    )
    op.create_table(
        "pickup",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("at", hall.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.Column("counter", sa.String(length=8), nullable=False),
        sa.Column("collector_name", sa.String(length=60), nullable=False),
        sa.Column("collector_id_number", sa.String(length=32), nullable=False),
        sa.Column("collector_role", sa.String(length=16), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_pickup_case_id_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pickup")),
    )
    with op.batch_alter_table("pickup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pickup_case_id"), ["case_id"], unique=False)

    op.create_table(
        "material_scan",
        sa.Column("material_id", sa.Uuid(), nullable=False),
        sa.Column("file_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("added_at", hall.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("removed_at", hall.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("removed_by", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"], ["scan_file.id"], name=op.f("fk_material_scan_file_id_scan_file")
        ),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["material_check.id"],
            name=op.f("fk_material_scan_material_id_material_check"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_material_scan")),
    )
    with op.batch_alter_table("material_scan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_material_scan_file_id"), ["file_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_material_scan_material_id"), ["material_id"], unique=False
        )

    with op.batch_alter_table("sub_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("claimed_at", hall.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("decided_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("decision_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("decision_basis", sa.Text(), nullable=True))

    with op.batch_alter_table("supplement_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_code", sa.String(length=16), nullable=True))

    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_ticket_case_id_case"), "case", ["case_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_ticket_case_id_case"), type_="foreignkey")
        batch_op.drop_column("case_id")

    with op.batch_alter_table("supplement_request", schema=None) as batch_op:
        batch_op.drop_column("department_code")

    with op.batch_alter_table("sub_case", schema=None) as batch_op:
        batch_op.drop_column("decision_basis")
        batch_op.drop_column("decision_reason")
        batch_op.drop_column("decided_by")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claimed_by")

    with op.batch_alter_table("material_scan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_material_scan_material_id"))
        batch_op.drop_index(batch_op.f("ix_material_scan_file_id"))

    op.drop_table("material_scan")
    with op.batch_alter_table("pickup", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pickup_case_id"))

    op.drop_table("pickup")
    op.drop_table("scan_file")
