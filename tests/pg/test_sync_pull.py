"""A pull takes each row's newest state, whatever order the server's transactions had,
and never brings back an older one of a row pushed from here."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update

from hall.models import (
    Ticket,
)
from hall.models.enums import (
    TicketStatus,
)
from hall.services.auth import sign_in
from hall.services.context import AppContext
from hall.services.queue import issue_ticket
from hall.services.queue_calls import (
    call_next,
    finish,
)

from .sync_support import (
    DAY,
    PASSWORD,
    join,
    libpq,
    open_counter,
)

pytestmark = pytest.mark.pg


@contextlib.contextmanager
def running_transaction(url: str) -> Iterator[None]:
    """A transaction of the hall's database that has written (it has an id) and stays
    open: the pull's horizon cannot pass it meanwhile."""
    import psycopg

    with psycopg.connect(libpq(url)) as conn:
        conn.execute("SELECT pg_current_xact_id()")
        yield
        conn.rollback()


def local_ticket(ctx: AppContext, number: str) -> Ticket:
    with ctx.uow() as session:
        row = session.scalar(select(Ticket).where(Ticket.number == number))
        assert row is not None
        session.expunge(row)
        return row


def test_a_pull_never_brings_back_an_older_state_of_a_row_pushed_from_here(
    hall_url: str, tmp_path: Path
) -> None:
    """The pull reads the changes of finished transactions only (up to the oldest still
    running): the ticket's older state may be in its window while the newer one, pushed
    from here meanwhile, is not yet. The counter must keep the newer one."""
    ctx = open_counter(tmp_path, "Q01", hall_url)
    try:
        join(ctx)
        clerk = sign_in(ctx, "clerk01", PASSWORD, "Q01")
        ctx.link.lost(RuntimeError("cable out"))  # type: ignore[union-attr]
        ticket, _ = issue_ticket(ctx, clerk, "A")
        with running_transaction(hall_url):
            join(ctx)  # the waiting ticket goes up; the pull stops before it
            second = running_transaction(hall_url)
            second.__enter__()
        try:
            ctx.link.lost(RuntimeError("cable out"))  # type: ignore[union-attr]
            call_next(ctx, clerk)
            finish(ctx, clerk, 5)
            join(ctx)  # the served ticket goes up; the pull reads the waiting one
            assert local_ticket(ctx, ticket.number).status is TicketStatus.served
        finally:
            second.__exit__(None, None, None)
        join(ctx)
        assert local_ticket(ctx, ticket.number).status is TicketStatus.served
    finally:
        ctx.close()


def test_a_pull_takes_the_newest_state_whatever_order_the_transactions_had(
    hall_url: str, tmp_path: Path
) -> None:
    """Two transactions on the server change one row, the older one (lower id) last:
    its change is the newest, and the pull window that holds it comes first. The
    counter ends with the server's row, not with the change read last."""
    import psycopg

    from hall.sync import pull

    ctx = open_counter(tmp_path, "Q02", hall_url)
    server = ctx.link.engine()  # type: ignore[union-attr]
    try:
        join(ctx)
        clerk = sign_in(ctx, "clerk01", PASSWORD, "Q02")
        ctx.link.lost(RuntimeError("cable out"))  # type: ignore[union-attr]
        ticket, _ = issue_ticket(ctx, clerk, "A")
        join(ctx)
        change = "UPDATE ticket SET rating_reason = %s WHERE number = %s"
        with (
            psycopg.connect(libpq(hall_url)) as older,
            psycopg.connect(libpq(hall_url), autocommit=True) as newer,
        ):
            older.execute("SELECT pg_current_xact_id()")  # the lower id
            with running_transaction(hall_url):
                newer.execute(change, ("first", ticket.number))  # a higher id, done
                older.execute(change, ("second", ticket.number))
                older.commit()  # the newest state, from the lower id
                pull.pull(ctx.engine, server, ctx.clock.now)
            pull.pull(ctx.engine, server, ctx.clock.now)
        with server.connect() as conn:
            on_server = conn.scalar(
                select(Ticket.rating_reason).where(Ticket.number == ticket.number)
            )
        assert on_server == "second"
        # (Another database's transaction may hold the horizon back a while: the pull
        # brings the rest later, but never "first" for good.)
        for _ in range(50):
            if local_ticket(ctx, ticket.number).rating_reason == "second":
                break
            time.sleep(0.1)
            pull.pull(ctx.engine, server, ctx.clock.now)
        assert local_ticket(ctx, ticket.number).rating_reason == "second"
    finally:
        ctx.close()


def test_a_pull_brings_the_rows_a_pulled_row_points_at(hall_url: str, tmp_path: Path) -> None:
    """A row changed in the window was changed again above it, to point at a row made
    there: the pull brings both (or, later, both), never the one without the other."""
    from hall.models import Appointment
    from hall.models.enums import AppointmentStatus
    from hall.sync import pull

    ctx = open_counter(tmp_path, "Q03", hall_url)
    server = ctx.link.engine()  # type: ignore[union-attr]
    try:
        join(ctx)
        clerk = sign_in(ctx, "clerk01", PASSWORD, "Q03")
        ctx.link.lost(RuntimeError("cable out"))  # type: ignore[union-attr]
        ticket, _ = issue_ticket(ctx, clerk, "A")
        join(ctx)
        with server.begin() as conn:  # in the window
            conn.execute(update(Ticket).where(Ticket.id == ticket.id).values(rating_reason="x"))
        booked = uuid.uuid4()
        with running_transaction(hall_url):
            with server.begin() as conn:  # above it
                conn.execute(
                    insert(Appointment).values(
                        id=booked, number="YYQ03-20261123-0001", day=DAY,
                        slot_start=datetime(2026, 11, 23, 9).time(),
                        slot_end=datetime(2026, 11, 23, 10).time(),
                        category_id=ticket.category.id, applicant_name="张伟",
                        status=AppointmentStatus.checked_in,
                        booked_at=ctx.clock.now(), booked_by="clerk01",
                    )
                )  # fmt: skip
                conn.execute(
                    update(Ticket).where(Ticket.id == ticket.id).values(appointment_id=booked)
                )
            pull.pull(ctx.engine, server, ctx.clock.now)
        for _ in range(50):
            if local_ticket(ctx, ticket.number).appointment_id == booked:
                break
            time.sleep(0.1)
            pull.pull(ctx.engine, server, ctx.clock.now)
        assert local_ticket(ctx, ticket.number).appointment_id == booked
        with ctx.uow() as session:
            assert session.get(Appointment, booked) is not None
    finally:
        ctx.close()


# -- the counter's process killed in the middle of a push ------------------------------------
