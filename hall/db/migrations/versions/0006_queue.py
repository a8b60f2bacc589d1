"""queue: counters, calls, events, pre-review (existing rows get the defaults)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 23:53:31
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hall.models.base

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_counter",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("window", sa.String(length=8), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("opened_at", hall.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_counter")),
        sa.UniqueConstraint("code", name=op.f("uq_service_counter_code")),
    )
    op.create_table(
        "queue_event",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "issued",
                "called",
                "recalled",
                "started",
                "parked",
                "resumed",
                "transferred",
                "served",
                "no_show",
                name="queueeventkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("at", hall.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("counter", sa.String(length=8), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name=op.f("fk_queue_event_ticket_id_ticket")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_event")),
    )
    with op.batch_alter_table("queue_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_queue_event_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_queue_event_ticket_id"), ["ticket_id"], unique=False)

    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("checked_in_at", hall.models.base.UTCDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("intake_draft", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ticket_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("missing", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.create_index(batch_op.f("ix_intake_draft_ticket_id"), ["ticket_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_intake_draft_ticket_id_ticket"), "ticket", ["ticket_id"], ["id"]
        )

    with op.batch_alter_table("queue_category", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("slot_minutes", sa.Integer(), nullable=False, server_default="30")
        )
        batch_op.add_column(
            sa.Column("slot_capacity", sa.Integer(), nullable=False, server_default="4")
        )

    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("for_counter", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("called_counter", sa.String(length=8), nullable=True))
        batch_op.add_column(
            sa.Column("called_by", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("first_called_at", hall.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("last_called_at", hall.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("calls", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("started_at", hall.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("finished_at", hall.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("rating", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("rating_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.create_index("ix_ticket_waiting", ["day", "status", "issued_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_waiting")
        batch_op.drop_column("rating_reason")
        batch_op.drop_column("rating")
        batch_op.drop_column("finished_at")
        batch_op.drop_column("started_at")
        batch_op.drop_column("calls")
        batch_op.drop_column("last_called_at")
        batch_op.drop_column("first_called_at")
        batch_op.drop_column("called_by")
        batch_op.drop_column("called_counter")
        batch_op.drop_column("for_counter")

    with op.batch_alter_table("queue_category", schema=None) as batch_op:
        batch_op.drop_column("slot_capacity")
        batch_op.drop_column("slot_minutes")

    with op.batch_alter_table("intake_draft", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_intake_draft_ticket_id_ticket"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_intake_draft_ticket_id"))
        batch_op.drop_column("missing")
        batch_op.drop_column("ticket_id")

    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_column("checked_in_at")

    with op.batch_alter_table("queue_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_queue_event_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_queue_event_day"))

    op.drop_table("queue_event")
    op.drop_table("service_counter")
