"""The hall server restarted (a throwaway cluster of its own) or gone (emulated) in the
middle of a push, and a server newer than the program: the counter carries on."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from hall.services.auth import sign_in
from hall.services.context import AppContext
from hall.services.queue import issue_ticket
from hall.services.server import init_server
from hall.services.sync import SyncReport, sync_once
from hall.sync.link import LinkState

from .conftest import admin_url
from .proxy import FaultProxy
from .sync_support import (
    DAY,
    FIRST_SEED,
    PASSWORD,
    admin_connection,
    assert_server_holds_exactly,
    join,
    offline_work,
    open_counter,
    queue_day,
    seed,
    server_dump,
    sync_until_done,
    waiting,
)

pytestmark = pytest.mark.pg


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_program(name: str) -> str | None:
    """``initdb`` or ``pg_ctl``: on the PATH, or where Debian and Ubuntu keep them."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    return str(versions[-1]) if versions else None


@dataclass
class Cluster:
    """A throwaway PostgreSQL cluster of the test's own (``initdb``, ``pg_ctl``)."""

    root: Path
    port: int
    as_postgres: list[str]
    pg_ctl_program: str

    @property
    def data(self) -> Path:
        return self.root / "data"

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [*self.as_postgres, self.pg_ctl_program, "-D", str(self.data),
             "-l", str(self.root / "log"),
             "-w", "-t", "60", *args],
            check=True, capture_output=True, timeout=90,
        )  # fmt: skip

    def restart(self) -> None:
        self.pg_ctl("-m", "fast", "restart")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    """A PostgreSQL cluster on a free port, started; stopped and removed after the test.
    ``initdb`` and ``pg_ctl`` refuse to run as root: then as the user postgres. Skipped
    (failed on CI) when none can be made here."""

    def unavailable(why: str) -> None:
        message = f"no throwaway PostgreSQL cluster here: {why}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)

    initdb, pg_ctl = _pg_program("initdb"), _pg_program("pg_ctl")
    if initdb is None or pg_ctl is None:
        unavailable("initdb or pg_ctl not found (PATH, /usr/lib/postgresql/*/bin)")
        return
    as_postgres: list[str] = []
    if os.geteuid() == 0 and not shutil.which("runuser"):
        unavailable("running as root without runuser")
    root = Path(tempfile.mkdtemp(prefix="hall-pg-"))
    if os.geteuid() == 0:
        as_postgres = ["runuser", "-u", "postgres", "--"]
        try:
            shutil.chown(root, "postgres")
        except (LookupError, OSError) as exc:
            shutil.rmtree(root, ignore_errors=True)
            unavailable(f"no user postgres to run it as ({exc})")
    made = Cluster(root, _free_port(), as_postgres, pg_ctl)
    try:
        subprocess.run(
            [*as_postgres, initdb, "-D", str(made.data), "-U", "postgres", "-A", "trust", "-N"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        made.pg_ctl(
            "-o", f"-p {made.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off", "start"
        )
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        shutil.rmtree(root, ignore_errors=True)
        unavailable(f"{exc} {detail.decode(errors='replace')[-500:]}")
    try:
        yield made
    finally:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            made.pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


def push_through_outages(
    ctx: AppContext, outage: Callable[[], None], rnd: random.Random, times: int
) -> list[str]:
    """Sync ``ctx`` (its outbox big, its batches small) while ``outage()`` strikes
    ``times`` times, each a random moment after a batch went up; then rounds until
    nothing waits. What happened, for a failure message."""
    story: list[str] = []
    for n in range(times):
        started = threading.Event()
        reports: list[SyncReport] = []

        def round_(started: threading.Event = started, reports: list[SyncReport] = reports) -> None:
            def progress(text_: str) -> None:
                if "已上传" in text_:
                    started.set()

            reports.append(sync_once(ctx, progress=progress))

        thread = threading.Thread(target=round_)
        thread.start()
        try:
            started.wait(60)
            time.sleep(rnd.uniform(0.0, 0.3))
            outage()
        finally:
            thread.join(120)
        assert not thread.is_alive(), "a sync round hangs after the outage"
        story.append(
            f"outage {n}: {reports[0].state if reports else 'raised'}, {waiting(ctx)} waiting"
        )
        assert reports, "sync_once raised"  # (the thread's exception is in the log)
    sync_until_done(ctx)
    return story


def _outbox_for_outages(ctx: AppContext, code: str, rnd: random.Random) -> None:
    clerk = sign_in(ctx, "clerk01", PASSWORD, code)
    ctx.link.lost(RuntimeError("cable out"))  # type: ignore[union-attr]
    offline_work(ctx, clerk, rnd, 15)
    queue_day(ctx, code, 600, day=DAY + timedelta(days=1))


def test_server_restarted_mid_push_the_counter_carries_on(
    cluster: Cluster, tmp_path: Path, small_batches: dict[str, int]
) -> None:
    """The hall server itself restarts (``pg_ctl restart -m fast``) while a counter
    pushes, three times; the counter goes offline, comes back and finishes."""
    with admin_connection(cluster.url()) as conn:
        conn.execute('CREATE DATABASE "hall"')
    url = cluster.url("hall")
    init_server(url)
    seed(url, tmp_path / "seed")
    rnd = random.Random(FIRST_SEED)
    ctx = open_counter(tmp_path, "S01", url)
    try:
        join(ctx)
        _outbox_for_outages(ctx, "S01", rnd)
        small_batches["size"] = 40
        story = push_through_outages(ctx, cluster.restart, rnd, 3)
        print(f"\nrestarts: {story}")
        assert any("offline" in line for line in story), story  # a restart did cut it
        assert_server_holds_exactly(ctx.engine, ctx.link.engine(), "S01")  # type: ignore[union-attr]
    finally:
        ctx.close()


def test_server_gone_mid_push_emulated_the_counter_carries_on(
    hall_url: str, tmp_path: Path, fault_proxy: FaultProxy, small_batches: dict[str, int]
) -> None:
    """The same without a cluster of our own: every connection to the hall's database
    ended by the server (``pg_terminate_backend``) and nobody answering for a moment."""
    database = make_url(hall_url).database

    def outage() -> None:
        fault_proxy.refuse()
        with admin_connection(admin_url()) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (database,),
            )
        time.sleep(0.3)
        fault_proxy.restore()

    rnd = random.Random(FIRST_SEED + 1)
    ctx = open_counter(tmp_path, "S02", fault_proxy.url(hall_url))
    try:
        join(ctx)
        _outbox_for_outages(ctx, "S02", rnd)
        small_batches["size"] = 40
        story = push_through_outages(ctx, outage, rnd, 3)
        print(f"\noutages: {story}")
        assert any("offline" in line for line in story), story
        assert_server_holds_exactly(ctx.engine, ctx.link.engine(), "S02")  # type: ignore[union-attr]
    finally:
        ctx.close()


# -- a newer hall server ------------------------------------------------------------------------


def test_a_newer_server_is_not_written_to_and_the_counter_works_offline(
    hall_url: str, tmp_path: Path
) -> None:
    ctx = open_counter(tmp_path, "N01", hall_url)
    try:
        join(ctx)
        clerk = sign_in(ctx, "clerk01", PASSWORD, "N01")
        ctx.link.lost(RuntimeError("cable out"))  # type: ignore[union-attr]
        offline_work(ctx, clerk, random.Random(3), 10)
        server = ctx.link.engine()  # type: ignore[union-attr]
        with server.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        before, waiting_before = server_dump(server), waiting(ctx)
        assert waiting_before > 0

        report = sync_once(ctx)
        assert report.state is LinkState.incompatible
        assert "比本程序新" in report.reason
        assert report.pushed == report.pulled == 0
        ticket, _ = issue_ticket(ctx, clerk, "B")
        assert ticket.number.startswith("N01-B")  # offline, on the counter's own file
        assert waiting(ctx) == waiting_before + 1
        assert server_dump(server) == before
    finally:
        ctx.close()
    # A counter started afresh asks the server at its first queue action: the same.
    again = open_counter(tmp_path, "N01", hall_url)
    try:
        ticket, _ = issue_ticket(again, clerk, "C")
        assert ticket.number.startswith("N01-C")
        assert again.link.status().state is LinkState.incompatible  # type: ignore[union-attr]
        assert sync_once(again).state is LinkState.incompatible
        assert server_dump(again.link.engine()) == before  # type: ignore[union-attr]
    finally:
        again.close()
