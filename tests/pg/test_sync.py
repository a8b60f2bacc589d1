"""Several counters on one hall server, each on its own file: what one does reaches the
others, offline work arrives whole when the link comes back, scanned files travel in
checked chunks, and a change the server refuses is set aside without stopping the rest.
(Cuts, kills and restarts in the middle of a push: ``test_sync_faults``.)"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import event, func, select, text

from hall.core.clock import HALL_ZONE, FixedClock
from hall.core.errors import Offline
from hall.core.settings import Settings
from hall.models import Case, License, OutboxEntry, ScanFile, SupervisorFlag, Ticket
from hall.models.enums import CaseStatus, Role, SubCaseStatus, TicketStatus
from hall.services import decisions
from hall.services.audit import Actor
from hall.services.context import AppContext, open_context
from hall.services.credit import add_record
from hall.services.demo_cases import accept_demo_case
from hall.services.documents import PrintKind, prepare_document
from hall.services.inbox import review_detail
from hall.services.intake_flow import look_up_applicant
from hall.services.pickup import pickup_documents
from hall.services.queue import issue_ticket
from hall.services.queue_calls import call_next, call_number, finish
from hall.services.scans import add_scans, stored_path
from hall.services.server import init_server, server_context
from hall.services.setup import initialise
from hall.services.signing import init_keys
from hall.services.sync import (
    SyncReport,
    sync_once,
    sync_status,
)
from hall.services.sync_changes import escalate_change, retry_change
from hall.services.verification import Verdict, verify_payload
from hall.sync import files
from hall.sync.codec import row_values
from hall.sync.link import LinkState

from ..conftest import make_paths
from ..services.backoffice import CLERK, CULTURE, FIRE, RESTAURANT_CASE, SAMR
from ..services.backoffice import REPRESENTATIVE as PERSON

pytestmark = pytest.mark.pg

ADMIN_PASSWORD = "Hall server 2026"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 9, 30, tzinfo=HALL_ZONE))


@pytest.fixture
def hall(pg_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Hall]:
    """A hall server seeded with the demo hall, and a way to add counters to it."""
    init_server(pg_url)
    made = Hall(pg_url, tmp_path, clock)
    seed = made.counter("SEED", join=False)
    server = server_context(seed, pg_url)
    initialise(server, demo=True, signing_key=False, demo_history=False)
    made.server = server
    yield made
    for ctx in made.counters:
        ctx.close()
    server.close()


class Hall:
    def __init__(self, url: str, root: Path, clock: FixedClock) -> None:
        self.url, self.root, self.clock = url, root, clock
        self.counters: list[AppContext] = []
        self.server: AppContext

    def counter(self, code: str, *, join: bool = True) -> AppContext:
        paths = make_paths(self.root / code)
        paths.ensure()
        settings = Settings(counter_code=code, server_url=self.url)
        ctx = open_context(paths, clock=self.clock, settings=settings)
        # Each counter's own secrets file (no OS keyring here): its own signing key.
        ctx.passphrase = lambda _creating: "counter passphrase 2026"
        self.counters.append(ctx)
        if join:
            report = sync_once(ctx)
            assert report.state is LinkState.online, report.reason
        return ctx

    def rows(self, sql: str, **params: object) -> list[tuple[object, ...]]:
        with self.server.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]


def go_offline(ctx: AppContext) -> None:
    """The network cable out: the link points at a port where nothing listens."""
    assert ctx.link is not None
    ctx.link.url = "postgresql://postgres@127.0.0.1:9/hall"
    ctx.link.close()
    ctx.link.check()
    assert ctx.offline


def come_back(ctx: AppContext, url: str) -> None:
    assert ctx.link is not None
    ctx.link.url = url
    ctx.link.close()


def synced(ctx: AppContext) -> SyncReport:
    """One round that must reach the server and leave nothing refused."""
    report = sync_once(ctx)
    assert report.state is LinkState.online, report.reason
    assert report.set_aside == 0, report
    return report


def unsent(ctx: AppContext) -> int:
    with ctx.uow() as s:
        return s.scalar(select(func.count()).where(OutboxEntry.sent_at.is_(None))) or 0


def test_two_counters_offline_at_once_both_arrive_with_distinct_numbers(hall) -> None:
    # Counters of their own (the demo day's tickets were issued at C01).
    c01, c02 = hall.counter("C11"), hall.counter("C12")
    clerk1 = Actor("clerk01", Role.clerk, "C11", "张敏")
    clerk2 = Actor("clerk02", Role.clerk, "C12", "李娜")
    online, _ = issue_ticket(c01, clerk1, "A")  # decided on the server: the hall's series
    assert online.number.startswith("A") and "-" not in online.number
    for ctx in (c01, c02):
        go_offline(ctx)
    made = {
        "C11": [issue_ticket(c01, clerk1, letter)[0].number for letter in "AAB"],
        "C12": [issue_ticket(c02, clerk2, letter)[0].number for letter in "AAB"],
    }
    assert made == {
        "C11": ["C11-A001", "C11-A002", "C11-B001"],
        "C12": ["C12-A001", "C12-A002", "C12-B001"],
    }
    # Offline, a counter calls its own tickets only (the server's may be called
    # elsewhere meanwhile) and serves them.
    called, _ = call_next(c01, clerk1)
    assert called is not None and called.number == "C11-A001"
    finish(c01, clerk1, rating=5)
    # The server went on issuing meanwhile (the guide's desk).
    hall_ticket, _ = issue_ticket(hall.server, CLERK, "A")
    assert hall_ticket.number == f"A{int(online.number[1:]) + 1:03d}"

    for ctx in (c01, c02):
        come_back(ctx, hall.url)
        report = sync_once(ctx)
        assert report.state is LinkState.online and report.set_aside == 0
        assert unsent(ctx) == 0
    synced(c01)  # and C12's tickets come down to C11

    numbers = [n for (n,) in hall.rows("SELECT number FROM ticket WHERE day = '2026-11-23'")]
    assert len(numbers) == len(set(numbers))
    for made_here in made.values():
        assert set(made_here) <= set(numbers)
    assert hall.rows("SELECT status, calls FROM ticket WHERE number = 'C11-A001'") == [
        ("served", 1)
    ]
    with c01.uow() as s:
        here = set(s.scalars(select(Ticket.number).where(Ticket.day == hall.clock.now().date())))
    assert set(numbers) == here  # converged: the same tickets on the server and here


def test_a_ticket_served_offline_stays_served_whatever_arrives_later(hall) -> None:
    c01, c02 = hall.counter("C01"), hall.counter("C02")
    ticket, _ = issue_ticket(c01, CLERK, "B")
    synced(c02)
    go_offline(c02)
    # C02 knows the ticket and serves it by number while the link is down.
    clerk2 = Actor("clerk02", Role.clerk, "C02", "李娜")
    call_number(c02, clerk2, ticket.number)
    finish(c02, clerk2, rating=4)
    # Meanwhile, online, C01 calls it too and gives it up as a no-show later; then
    # the server gets C02's "served", and an older "waiting" copy pushed by anyone
    # cannot bring it back to the queue.
    come_back(c02, hall.url)
    assert synced(c02).pushed > 0
    synced(c01)
    assert hall.rows("SELECT status FROM ticket WHERE number = :n", n=ticket.number) == [
        ("served",)
    ]
    with c01.uow() as s:  # an old state of it, waiting in C01's outbox
        row = s.scalar(select(Ticket).where(Ticket.number == ticket.number))
        stale = {**row_values(row), "status": "waiting", "calls": 0, "finished_at": None}
        s.add(
            OutboxEntry(
                created_at=hall.clock.now(), entity="ticket", entity_id=str(row.id), op="upsert",
                payload={"action": "test.stale", "rows": [{"table": "ticket", "values": stale}]},
            )
        )  # fmt: skip
    report = sync_once(c01)
    assert report.set_aside == 0
    assert hall.rows("SELECT status FROM ticket WHERE number = :n", n=ticket.number) == [
        ("served",)
    ]
    with c01.uow() as s:  # and the pull put C01's copy right again
        assert s.scalar(select(Ticket.status).where(Ticket.number == ticket.number)) == (
            TicketStatus.served
        )


def noise_png(path: Path, side: int = 700) -> Path:
    """A scan of about 1.4 MB (random pixels do not compress): several chunks."""
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(path)
    return path


def test_a_case_accepted_here_is_decided_there_and_collected_at_a_third_counter(
    hall, tmp_path
) -> None:
    c01, desk, c03 = hall.counter("C01"), hall.counter("R01"), hall.counter("C03")
    number = accept_demo_case(c01, RESTAURANT_CASE, PERSON)
    assert number is not None
    scan = noise_png(tmp_path / "plan.png")
    digest = hashlib.sha256(scan.read_bytes()).hexdigest()
    add_scans(c01, CLERK, number, "经营场所平面布局图", [scan])
    assert scan.stat().st_size > 3 * files.CHUNK
    report = sync_once(c01)
    assert report.files_up == 1 and report.set_aside == 0 and unsent(c01) == 0
    size = scan.stat().st_size
    stored = hall.rows(
        "SELECT count(*), sum(length(data)) FROM file_chunk WHERE sha256 = :s", s=digest
    )
    assert stored == [(-(-size // files.CHUNK), size)]

    # The reviewers' machine: the case and its scan come down, checked.
    report = synced(desk)
    assert report.files_down >= 1
    assert hashlib.sha256(stored_path(desk, digest).read_bytes()).hexdigest() == digest
    with desk.uow() as s:
        case = s.scalar(select(Case).where(Case.number == number))
        assert case is not None
        subs = {sub.item_code: sub.id for sub in case.sub_cases}
    from hall.services.case_actions import answer_verification_request

    for request in review_detail(desk, SAMR, subs["SAMR-002"]).case.verification_requests:
        if request.answered_at is None:  # the departments' answers, recorded at the desk
            answer_verification_request(desk, CLERK, request.id, True, "核验属实")
    for actor, item in ((SAMR, "SAMR-002"), (FIRE, "FIRE-001"), (CULTURE, "MCT-001")):
        decisions.approve(desk, actor, subs[item], "符合条件")
    assert review_detail(desk, CULTURE, subs["MCT-001"]).case.status is CaseStatus.closed
    synced(desk)

    # The third counter prints the licenses the reviewers' machine numbered.
    synced(c03)
    documents = pickup_documents(c03, Actor("clerk01", Role.clerk, "C03"), number)
    licenses = [d.ref.number for d in documents if d.ref.kind.value == "license"]
    assert len(licenses) == 3 and all("-R01-" in n for n in licenses)
    assert stored_path(c03, digest).read_bytes() == scan.read_bytes()
    # Each counter signs with a key of its own; every counter verifies every other's.
    admin = Actor.as_operator("admin", "管理员")
    for ctx in (c01, c03):
        init_keys(ctx, admin)
    clerk03 = Actor("clerk01", Role.clerk, "C03", "张敏")
    license_pdf = prepare_document(c03, clerk03, PrintKind.license, licenses[0])
    assert license_pdf.pdf.startswith(b"%PDF")
    with c03.uow() as s:
        signed = s.scalar(select(License.qr_payload).where(License.number == licenses[0]))
    assert signed
    synced(c03)
    # …and the first counter sees the case decided, and the license's code verifies there.
    synced(c01)
    assert verify_payload(c01, signed).verdict is Verdict.valid
    with c01.uow() as s:
        assert s.scalar(select(Case.status).where(Case.number == number)) is CaseStatus.closed
    statuses = hall.rows(
        'SELECT s.status FROM sub_case s JOIN "case" c ON c.id = s.case_id '
        "WHERE c.number = :n AND s.item_code IN ('SAMR-002', 'FIRE-001', 'MCT-001')",
        n=number,
    )
    assert {s for (s,) in statuses} == {SubCaseStatus.approved.value}


def test_scanned_files_resume_where_they_stopped_and_are_checked(hall, tmp_path) -> None:
    c01 = hall.counter("C01")
    scan = noise_png(tmp_path / "big.png")
    data = scan.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    engine = c01.link.engine()
    # Two chunks made it before the cut.
    with engine.begin() as conn:
        for idx in (0, 1):
            conn.execute(
                text("INSERT INTO file_chunk (sha256, idx, data) VALUES (:s, :i, :d)"),
                {"s": digest, "i": idx, "d": data[idx * files.CHUNK : (idx + 1) * files.CHUNK]},
            )
    sent: list[int] = []

    def count(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if statement.startswith("INSERT INTO file_chunk"):
            sent.append(parameters["idx"])

    event.listen(engine, "before_cursor_execute", count)
    try:
        files.upload_file(engine, scan, digest, hall.clock.now())
    finally:
        event.remove(engine, "before_cursor_execute", count)
    chunks = -(-len(data) // files.CHUNK)
    assert sent == list(range(2, chunks))  # only the rest went
    assert hall.rows("SELECT chunks FROM file_blob WHERE sha256 = :s", s=digest) == [(chunks,)]

    # Down: a partial file from a cut download is resumed; a damaged one is refused.
    target = tmp_path / "down" / digest[:2] / digest
    target.parent.mkdir(parents=True)
    part = target.with_name(f".{digest}.part")
    part.write_bytes(data[: files.CHUNK + 1000])  # a chunk and a bit: the bit is fetched again
    files.download_file(engine, target, digest, chunks)
    assert target.read_bytes() == data and not part.exists()
    target.unlink()
    part.write_bytes(b"\0" * files.CHUNK)  # wrong bytes in the first chunk
    with pytest.raises(ValueError, match="damaged"):
        files.download_file(engine, target, digest, chunks)
    assert not target.exists() and not part.exists()
    files.download_file(engine, target, digest, chunks)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == digest


def test_a_refused_change_is_set_aside_and_the_rest_goes_on(hall) -> None:
    c01 = hall.counter("C01")
    admin = Actor.as_operator("admin", "管理员")
    go_offline(c01)
    first, _ = issue_ticket(c01, CLERK, "A")
    with c01.uow() as s:  # a change the server cannot take: a ticket of no category
        ticket = s.scalar(select(Ticket).where(Ticket.number == first.number))
        bad = dict(ticket.__dict__)
        s.add(
            OutboxEntry(
                created_at=hall.clock.now(), entity="ticket", entity_id="bad", op="upsert",
                payload={"action": "test.bad", "rows": [{"table": "ticket", "values": {
                    "id": "00000000-0000-4000-8000-000000000001", "day": "2026-11-23",
                    "number": "ZZ1", "category_id": "00000000-0000-4000-8000-000000000002",
                    "issued_at": bad["issued_at"].isoformat(), "issued_by": "x",
                    "counter": "C01", "priority": "", "status": "waiting", "calls": 0,
                    "called_by": "", "rating_reason": ""}}]},
            )
        )  # fmt: skip
    later, _ = issue_ticket(c01, CLERK, "B")
    come_back(c01, hall.url)
    report = sync_once(c01)
    assert report.set_aside == 1 and report.pushed >= 2
    numbers = {n for (n,) in hall.rows("SELECT number FROM ticket")}
    assert {first.number, later.number} <= numbers and "ZZ1" not in numbers
    status = sync_status(c01)
    assert (status.waiting, status.set_aside) == (1, 1)
    with c01.uow() as s:
        entry = s.scalar(select(OutboxEntry).where(OutboxEntry.set_aside_at.is_not(None)))
        assert entry is not None and "大厅服务器拒收" in entry.last_error
        seq = entry.seq
    assert sync_once(c01).set_aside == 0  # set aside: not tried again by itself
    escalate_change(c01, admin, seq, "已报信息中心：类别不存在")
    retry_change(c01, admin, seq)
    assert sync_once(c01).set_aside == 1  # still refused, still listed, with its note
    with c01.uow() as s:
        entry = s.get(OutboxEntry, seq)
        assert entry.escalation_note.startswith("已报信息中心") and entry.attempts == 2


def test_a_case_accepted_on_an_old_credit_list_is_flagged_after_sync(hall) -> None:
    c01 = hall.counter("C01")
    assert look_up_applicant(c01, RESTAURANT_CASE.applicant).list_note == ""  # fresh, online
    go_offline(c01)
    # The clerk is told the list checked is the copy of the last sync.
    note = look_up_applicant(c01, RESTAURANT_CASE.applicant).list_note
    assert "本机离线" in note and "11-23 09:30" in note
    number = accept_demo_case(c01, RESTAURANT_CASE, PERSON)  # commits for two items
    # Meanwhile the supervisor puts the restaurant on the dishonest list, on the server.
    supervisor = Actor.as_operator("super01", "刘洋")
    add_record(hall.server, supervisor, RESTAURANT_CASE.applicant, reason="虚假承诺")
    hall.clock.advance(timedelta(minutes=5))
    come_back(c01, hall.url)
    report = sync_once(c01)
    assert report.flagged == (number,)
    with c01.uow() as s:
        flag = s.scalar(select(SupervisorFlag))
        assert flag is not None and flag.kind == "credit" and "虚假承诺" in flag.reason
        assert s.scalar(select(Case.credit_rechecked_at).where(Case.number == number))
    assert sync_once(c01).flagged == ()  # checked once
    assert hall.rows("SELECT count(*) FROM supervisor_flag") == [(1,)]  # the supervisor sees it


def test_a_newer_server_is_left_alone_and_the_counter_works_offline(hall) -> None:
    c01 = hall.counter("C01")
    with hall.server.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    before = hall.rows("SELECT count(*) FROM ticket")
    report = sync_once(c01)
    assert report.state is LinkState.incompatible and "比本程序新" in report.reason
    ticket, _ = issue_ticket(c01, CLERK, "A")
    assert ticket.number.startswith("C01-")  # an offline number, on the counter's file
    assert sync_once(c01).state is LinkState.incompatible
    assert hall.rows("SELECT count(*) FROM ticket") == before
    assert unsent(c01) > 0  # kept for when the program is updated


def test_a_pull_leaves_a_change_waiting_here_alone(hall) -> None:
    c01, c02 = hall.counter("C01"), hall.counter("C02")
    ticket, _ = issue_ticket(c01, CLERK, "D")
    synced(c02)
    go_offline(c02)
    clerk2 = Actor("clerk02", Role.clerk, "C02", "李娜")
    call_number(c02, clerk2, ticket.number)  # waiting in C02's outbox
    # Online, the server's copy changes (the ticket is transferred to C05, say).
    with hall.server.engine.begin() as conn:
        conn.execute(text("UPDATE ticket SET for_counter = 'C05' WHERE number = :n"),
                     {"n": ticket.number})  # fmt: skip
    come_back(c02, hall.url)
    from hall.sync.pull import pull

    result = pull(c02.engine, c02.link.engine(), hall.clock.now)
    assert result.kept_local >= 1
    with c02.uow() as s:
        row = s.scalar(select(Ticket).where(Ticket.number == ticket.number))
        assert row.status is TicketStatus.called and row.for_counter is None
    synced(c02)  # the local change goes up; then the server's outcome comes down
    assert hall.rows("SELECT status, called_counter FROM ticket WHERE number = :n",
                     n=ticket.number) == [("called", "C02")]  # fmt: skip


def test_the_counters_join_with_the_servers_accounts_and_catalog(hall) -> None:
    c07 = hall.counter("C07")
    from hall.services.auth import sign_in

    actor = sign_in(c07, "clerk01", "hall-demo-2026", "C07")
    assert actor.username == "clerk01"
    assert c07.catalog().items  # the bundled catalog, pulled
    with c07.uow() as s:
        assert s.scalar(select(func.count()).select_from(ScanFile)) >= 1
    assert sync_status(c07).waiting >= 1  # the sign-in itself, to be pushed
    synced(c07)
    assert sync_status(c07).waiting == 0


def test_a_counter_syncs_with_one_server_only(hall) -> None:
    c01 = hall.counter("C01")
    # The administrator points it at another hall's server (here: this one renamed).
    with hall.server.engine.begin() as conn:
        conn.execute(text("UPDATE sync_state SET value = '{\"id\": \"another\"}' "
                          "WHERE name = 'hall_server'"))  # fmt: skip
    before = hall.rows("SELECT count(*) FROM sync_receipt")
    issue_ticket(c01, CLERK, "A")
    report = sync_once(c01)
    assert report.state is LinkState.incompatible and "另一台大厅服务器" in report.reason
    assert hall.rows("SELECT count(*) FROM sync_receipt") == before  # nothing pushed
    # …and nothing else goes there either: the queue works on the counter's own file.
    assert c01.link.status().state is LinkState.incompatible and c01.offline
    assert issue_ticket(c01, CLERK, "A")[0].number.startswith("C01-")


def test_a_standalone_counters_file_does_not_join_a_server(hall, demo_ctx) -> None:
    from hall.sync.link import ServerLink

    demo_ctx.link = ServerLink(hall.url, None, hall.clock)
    report = sync_once(demo_ctx)
    assert report.state is LinkState.incompatible and "单机运行时建立" in report.reason
    assert hall.rows("SELECT count(*) FROM sync_receipt") == [(0,)]
    demo_ctx.link.close()


def test_a_catalog_imported_at_a_counter_goes_to_the_server_and_every_counter(
    hall, tmp_path
) -> None:
    from hall.services.catalog import import_catalog, read_catalog_file
    from hall.services.setup import BUNDLED_CATALOG

    c01, c02 = hall.counter("C01"), hall.counter("C02")
    admin = Actor("admin", Role.admin, "C01", "管理员")
    before = c02.catalog().version_id
    data = json.loads(read_catalog_file(BUNDLED_CATALOG))
    data["label"], data["published"] = "本地实施目录（2026年修订）", "2026-11-20"
    revised = json.dumps(data, ensure_ascii=False).encode()
    version, _ = import_catalog(c01, admin, revised, "2026.json")
    assert version.number == 2
    assert c01.catalog().version_id == version.id  # pulled at once
    assert hall.rows("SELECT count(*) FROM catalog_version WHERE is_current") == [(1,)]
    synced(c02)
    assert c02.catalog().version_id == version.id != before
    go_offline(c01)
    with pytest.raises(Offline):
        import_catalog(c01, admin, revised.replace(b"2026-11-20", b"2026-11-21"), "x.json")


def test_an_offline_counter_never_undoes_what_the_administrator_changed(hall) -> None:
    from hall.core.errors import AuthenticationFailed
    from hall.services.auth import set_active, sign_in

    c01 = hall.counter("C01")
    go_offline(c01)
    with pytest.raises(AuthenticationFailed):  # a typo at the counter, offline: its lock-out count
        sign_in(c01, "clerk02", "wrong password", "C01")
    # Meanwhile, on the server, the administrator disables the account.
    set_active(hall.server, Actor.as_operator("admin", "管理员"), "clerk02", False)
    come_back(c01, hall.url)
    synced(c01)
    # Only the column the counter changed went up: the account stays disabled, its
    # password untouched, and the counter now has the server's account.
    [(active, failed)] = hall.rows(
        "SELECT active, failed_attempts FROM user_account WHERE username = 'clerk02'"
    )
    assert active is False and failed == 1
    from hall.models import User

    with c01.uow() as s:
        assert s.scalar(select(User.active).where(User.username == "clerk02")) is False


def test_the_same_paper_scanned_at_two_counters_offline_is_one_file(hall, tmp_path) -> None:
    c01, c02 = hall.counter("C01"), hall.counter("C02")
    number = accept_demo_case(c01, RESTAURANT_CASE, PERSON)
    synced(c01)
    synced(c02)
    paper = noise_png(tmp_path / "licence.png", side=200)
    for ctx, code in ((c01, "C01"), (c02, "C02")):
        go_offline(ctx)
        add_scans(
            ctx, Actor("clerk01", Role.clerk, code, "张敏"), number, "经营场所平面布局图", [paper]
        )
    for ctx in (c01, c02):
        come_back(ctx, hall.url)
        synced(ctx)  # no refusal: both made the same row for the same content
    sha = hashlib.sha256(paper.read_bytes()).hexdigest()
    assert hall.rows("SELECT count(*) FROM scan_file WHERE sha256 = :s", s=sha) == [(1,)]
    assert hall.rows("SELECT count(*) FROM material_scan ms JOIN scan_file f "
                     "ON f.id = ms.file_id WHERE f.sha256 = :s", s=sha) == [(2,)]  # fmt: skip
    synced(c01)
    with c01.uow() as s:
        assert (
            s.scalar(select(func.count()).select_from(ScanFile).where(ScanFile.sha256 == sha)) == 1
        )


def test_a_server_upgraded_from_the_queue_release_is_pulled_whole(pg_url, tmp_path) -> None:
    from alembic import command

    from hall.db import migrate
    from hall.db.engine import make_engine

    engine = make_engine(pg_url)
    config = migrate.alembic_config()
    with engine.begin() as conn:  # a hall server of 6/10, with its categories
        config.attributes["connection"] = conn
        command.upgrade(config, "0006")
        conn.execute(text(
            "INSERT INTO queue_category (id, letter, name, position, first_number, "
            "last_number, bring, slot_minutes, slot_capacity) VALUES "
            "('00000000-0000-4000-8000-00000000000a', 'Q', '旧类别', 0, 1, 999, '[]', 30, 4)"
        ))  # fmt: skip
    engine.dispose()
    init_server(pg_url)  # 7/10 brings it up to date
    hall = Hall(pg_url, tmp_path, FixedClock(datetime(2026, 11, 23, 9, 30, tzinfo=HALL_ZONE)))
    try:
        c01 = hall.counter("C01")
        from hall.services.queue import list_categories

        assert [c.letter for c in list_categories(c01)] == ["Q"]
    finally:
        for ctx in hall.counters:
            ctx.close()
