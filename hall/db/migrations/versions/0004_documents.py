"""documents: licenses, document prints, queue categories, tickets, appointments

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 00:33:47.363818
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hall.models.base

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_print",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("copy", sa.Integer(), nullable=False),
        sa.Column("at", hall.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.Column("counter", sa.String(length=8), nullable=False),
        sa.Column("how", sa.String(length=16), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_print")),
        sa.UniqueConstraint("kind", "number", "copy", name=op.f("uq_document_print_kind")),
    )
    with op.batch_alter_table("document_print", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_print_number"), ["number"], unique=False)

    op.create_table(
        "queue_category",
        sa.Column("letter", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("first_number", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.Column("bring", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_category")),
        sa.UniqueConstraint("letter", name=op.f("uq_queue_category_letter")),
    )
    op.create_table(
        "appointment",
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("slot_start", sa.Time(), nullable=False),
        sa.Column("slot_end", sa.Time(), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.Column("applicant_name", sa.String(length=200), nullable=False),
        sa.Column("applicant_code", sa.String(length=32), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "booked",
                "checked_in",
                "cancelled",
                "no_show",
                name="appointmentstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("booked_at", hall.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("booked_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["queue_category.id"],
            name=op.f("fk_appointment_category_id_queue_category"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment")),
        sa.UniqueConstraint("number", name=op.f("uq_appointment_number")),
    )
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appointment_day"), ["day"], unique=False)

    op.create_table(
        "ticket",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("number", sa.String(length=12), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.Column("issued_at", hall.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.Column("counter", sa.String(length=8), nullable=False),
        sa.Column(
            "priority",
            sa.Enum(
                "",
                "elderly",
                "disabled",
                "pregnant",
                "appointment",
                name="priority",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "waiting",
                "called",
                "serving",
                "parked",
                "served",
                "no_show",
                "transferred",
                name="ticketstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("appointment_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_ticket_appointment_id_appointment"),
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["queue_category.id"],
            name=op.f("fk_ticket_category_id_queue_category"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket")),
        sa.UniqueConstraint("day", "number", name=op.f("uq_ticket_day")),
    )
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_day"), ["day"], unique=False)

    op.create_table(
        "license",
        sa.Column("number", sa.String(length=48), nullable=False),
        sa.Column("sub_case_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("item_code", sa.String(length=32), nullable=False),
        sa.Column("item_name", sa.String(length=200), nullable=False),
        sa.Column("holder_name", sa.String(length=200), nullable=False),
        sa.Column("holder_code", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("authority", sa.String(length=200), nullable=False),
        sa.Column("issued_at", hall.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("qr_payload", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_license_case_id_case")),
        sa.ForeignKeyConstraint(
            ["sub_case_id"], ["sub_case.id"], name=op.f("fk_license_sub_case_id_sub_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_license")),
        sa.UniqueConstraint("number", name=op.f("uq_license_number")),
        sa.UniqueConstraint("sub_case_id", name=op.f("uq_license_sub_case_id")),
    )
    with op.batch_alter_table("license", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_license_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("license", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_license_case_id"))

    op.drop_table("license")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_day"))

    op.drop_table("ticket")
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appointment_day"))

    op.drop_table("appointment")
    op.drop_table("queue_category")
    with op.batch_alter_table("document_print", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_print_number"))

    op.drop_table("document_print")
