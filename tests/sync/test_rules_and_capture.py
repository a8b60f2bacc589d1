"""Which table goes where, and every change of a replicated table reaching the outbox
whoever made it (without a hall server: the counter's own file)."""

from __future__ import annotations

import importlib.util
import uuid
from datetime import datetime

from sqlalchemy import func, select

from hall.db import migrate
from hall.models import Applicant, Base, OutboxEntry, QueueCategory, SyncState, Ticket
from hall.models.enums import Priority, TicketStatus
from hall.models.parties import applicant_id
from hall.services.queue import issue_ticket
from hall.sync import rules
from hall.sync.codec import decode, row_values


def test_every_table_has_a_rule_and_the_server_logs_exactly_the_pulled_ones() -> None:
    assert set(Base.metadata.tables) | {"alembic_version"} == set(rules.RULES)
    logged: set[str] = set()
    for name in ("0007_sync", "0008_supervision"):
        path = migrate.MIGRATIONS / "versions" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        logged |= set(module.PULLED)
    # The triggers made by the migrations are the tables the counters pull.
    assert logged == set(rules.PULLED)
    assert rules.rule("outbox_entry").pushed is False
    assert rules.rule("audit_entry").pushed and not rules.rule("audit_entry").pulled
    assert rules.rule("user_account").owner is rules.Owner.server
    assert rules.rule("no_such_table").owner is rules.Owner.local


def entries(ctx) -> list[OutboxEntry]:
    with ctx.uow() as s:
        return list(s.scalars(select(OutboxEntry).order_by(OutboxEntry.seq)))


def test_a_change_no_service_named_still_reaches_the_outbox(demo_ctx, actor) -> None:
    ctx = demo_ctx
    ticket, _ = issue_ticket(ctx, actor, "A")
    before = len(entries(ctx))
    with ctx.uow() as s:  # a change made behind the services' back
        row = s.scalar(select(Ticket).where(Ticket.id == ticket.id))
        row.priority = Priority.elderly
    [entry] = entries(ctx)[before:]
    assert entry.payload["action"] == "change" and entry.op == "upsert"
    [change] = entry.payload["rows"]
    assert change["table"] == "ticket" and change["values"]["priority"] == "elderly"
    # The values are the row's final ones, and read back as the columns take them.
    assert decode("ticket", change["values"])["status"] is TicketStatus.waiting


def test_an_action_carries_its_rows_at_their_final_values(demo_ctx, actor) -> None:
    ctx = demo_ctx
    ticket, _ = issue_ticket(ctx, actor, "A")
    entry = entries(ctx)[-1]
    tables = [r["table"] for r in entry.payload["rows"]]
    # The ticket the service named, and its event, which it did not.
    assert tables[0] == "ticket" and "queue_event" in tables
    values = {r["table"]: r["values"] for r in entry.payload["rows"]}
    assert values["ticket"]["number"] == ticket.number


def test_local_tables_and_rolled_back_work_leave_no_trace(demo_ctx) -> None:
    ctx = demo_ctx
    before = len(entries(ctx))
    with ctx.uow() as s:
        s.add(SyncState(name="x", value={"a": 1}))  # never leaves the machine
    assert len(entries(ctx)) == before
    try:
        with ctx.uow() as s:
            category = s.scalar(select(QueueCategory).where(QueueCategory.letter == "A"))
            category.name = "改了又撤销"
            s.flush()
            raise RuntimeError("the action fails")
    except RuntimeError:
        pass
    assert len(entries(ctx)) == before
    with ctx.uow() as s:  # and the next transaction does not inherit what was seen
        s.add(SyncState(name="y", value={}))
    assert len(entries(ctx)) == before


def test_a_deleted_row_travels_as_its_key(ctx) -> None:
    with ctx.uow() as s:
        s.add(SyncState(name="z", value={}))
        category = QueueCategory(letter="Z", name="临时", position=9)
        s.add(category)
    with ctx.uow() as s:
        s.delete(s.scalar(select(QueueCategory).where(QueueCategory.letter == "Z")))
    [change] = entries(ctx)[-1].payload["rows"]
    assert change == {
        "table": "queue_category",
        "delete": True,
        "values": {"id": str(category.id)},
    }


def test_an_applicant_has_the_same_id_on_every_machine(ctx, operator) -> None:
    now = datetime(2026, 11, 23, 1, 0).astimezone()
    with ctx.uow() as s:
        s.add(
            Applicant(
                kind="enterprise", code="91320305MA1N428243", name="味香居",
                registered_scope=[], created_at=now, updated_at=now,
            )
        )  # fmt: skip
    with ctx.uow() as s:
        row = s.scalar(select(Applicant).where(Applicant.code == "91320305MA1N428243"))
        assert row.id == applicant_id("91320305MA1N428243")
        assert row.id == uuid.uuid5(uuid.UUID("6f1d2a4e-5c3b-4e8a-9d7f-2b1c0a9e8d71"), row.code)
        assert row_values(row)["id"] == str(row.id)
    with ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(Applicant)) == 1
