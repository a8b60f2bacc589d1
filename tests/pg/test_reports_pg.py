"""The daily report on the hall server (PostgreSQL): the same figures as on a counter's
copy (SQLite) once synced, and the work done offline counted as such; a false
commitment found on a counter offline reaches the hall server and every counter's
credit gate."""

# ruff: noqa: F811 - the fixtures of test_sync are imported and named as parameters

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hall.models.enums import Role
from hall.services.audit import Actor
from hall.services.queue import issue_ticket
from hall.services.queue_calls import call_next, finish, start_serving
from hall.services.reports import daily_report

from .sync_support import accept_a_case
from .test_sync import clock, come_back, go_offline, hall, synced  # noqa: F401 - fixtures

DAY = date(2026, 11, 23)
SUPER = Actor("super01", Role.supervisor, "C11", "刘洋")


def _serve(ctx, clerk: Actor, clock, minutes: int, rating: int | None) -> None:
    called, _ = call_next(ctx, clerk)
    assert called is not None
    clock.advance(timedelta(minutes=2))
    start_serving(ctx, clerk)
    clock.advance(timedelta(minutes=minutes))
    finish(ctx, clerk, rating, "没有说清楚" if rating and rating <= 2 else "")


def test_the_servers_report_counts_offline_work_and_equals_a_counters_copy(hall, clock) -> None:
    c11, c12 = hall.counter("C11"), hall.counter("C12")
    clerk1 = Actor("clerk01", Role.clerk, "C11", "张敏")
    clerk2 = Actor("clerk02", Role.clerk, "C12", "李娜")
    before = daily_report(c11, SUPER, DAY)
    assert before.source == "大厅服务器"

    for _ in range(3):
        issue_ticket(c11, clerk1, "A")
    clock.advance(timedelta(minutes=7))
    _serve(c11, clerk1, clock, 6, 5)  # online: decided on the server
    go_offline(c12)
    issue_ticket(c12, clerk2, "B")
    clock.advance(timedelta(minutes=4))
    _serve(c12, clerk2, clock, 9, 1)  # its own offline ticket
    accept_a_case(c12, clerk2)
    come_back(c12, hall.url)
    synced(c12)
    synced(c11)

    on_server = daily_report(c11, SUPER, DAY)
    counters = {f.key: f for f in on_server.counters}
    assert (counters["C11"].served, counters["C11"].offline_work) == (1, 0)
    assert (counters["C12"].served, counters["C12"].cases_accepted) == (1, 1)
    assert (counters["C12"].work, counters["C12"].offline_work) == (2, 2)
    assert on_server.hall.served == before.hall.served + 2
    assert on_server.hall.offline_work == before.hall.offline_work + 2
    assert on_server.hall.low_ratings == before.hall.low_ratings + 1
    assert counters["C12"].handle.mean == 9

    # The counter's own copy, read while the server is out of reach, says the same.
    go_offline(c11)
    local = daily_report(c11, SUPER, DAY)
    assert local.source != on_server.source
    assert replace(local, made_at=on_server.made_at, source=on_server.source) == on_server


def test_a_false_commitment_found_offline_reaches_the_hall_and_every_credit_gate(
    hall,
    clock,
) -> None:
    from sqlalchemy import select

    from hall.models import Inspection
    from hall.models.enums import VerificationStatus
    from hall.services.credit import records_in_force
    from hall.services.supervision import (
        Outcome,
        plan_inspection,
        record_inspection,
        verification_tasks,
    )

    hotel = "91320305MA1XUTJN0M"  # the demo hotel: several commitment items
    c11, c12 = hall.counter("C11"), hall.counter("C12")
    supervisor = Actor("super01", Role.supervisor, "C12", "刘洋")
    tasks = [t for t in verification_tasks(c12, supervisor) if t.applicant_code == hotel]
    assert len(tasks) >= 2
    go_offline(c12)  # the visit is recorded on a counter cut off from the server
    visit, _ = plan_inspection(
        c12, supervisor, [t.id for t in tasks], planned_on=DAY, inspector="reviewer05"
    )
    found = Outcome(VerificationStatus.false_commitment, "消防设施与承诺不符")
    record_inspection(c12, supervisor, visit.id, {tasks[0].id: found})
    come_back(c12, hall.url)
    synced(c12)
    synced(c11)

    assert hall.rows("SELECT status FROM sub_case WHERE id = :i", i=tasks[0].sub_case_id) == [
        ("revoked",)
    ]
    assert hall.rows("SELECT count(*) FROM inspection") == [(1,)]
    with c11.uow() as s:  # the other counter's gate sees the record at once
        assert s.scalar(select(Inspection.inspector)) == "reviewer05"
        assert records_in_force(s, hotel, DAY)
    with hall.server.uow() as s:
        assert any("消防设施与承诺不符" in r.reason for r in records_in_force(s, hotel, DAY))
