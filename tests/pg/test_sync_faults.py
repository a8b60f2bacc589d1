"""The push under fire: connections cut mid-batch, the counter's process killed, the hall
server restarted, a newer server. Whatever happens in between, once a clean round has
run the server holds exactly the counter's rows, none missing and none twice, and one
receipt for each of its outbox entries; a batch replayed changes nothing.

The network is a proxy the tests control (``tests/pg/proxy.py``). One seeded hall server
database is made per module and copied for each test (``CREATE DATABASE … TEMPLATE``).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from hall.models import (
    OutboxEntry,
)
from hall.services.auth import sign_in
from hall.sync import push as push_module

from .conftest import admin_url
from .proxy import FaultProxy
from .sync_support import (
    DAY,
    FIRST_SEED,
    PASSWORD,
    ROOT,
    RUNS,
    accept_a_case,
    admin_connection,
    assert_sent_means_received,
    assert_server_holds_exactly,
    join,
    libpq,
    offline_work,
    open_counter,
    queue_day,
    server_dump,
    sync_until_done,
    waiting,
)

pytestmark = pytest.mark.pg


def test_the_proxy_forwards_cuts_refuses_and_blackholes(fault_proxy: FaultProxy) -> None:
    import psycopg

    url = fault_proxy.url(admin_url())

    def connect(timeout: int = 5) -> psycopg.Connection[Any]:
        return psycopg.connect(libpq(url), autocommit=True, connect_timeout=timeout)

    with connect() as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert fault_proxy.cut() == 1
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    fault_proxy.refuse()
    with pytest.raises(psycopg.OperationalError):
        connect()
    assert fault_proxy.refused == 1
    fault_proxy.blackhole()
    with pytest.raises(psycopg.OperationalError):
        connect(timeout=1)  # accepted, never answered: the client gives up
    assert fault_proxy.refused == 1
    fault_proxy.restore()
    with connect() as conn:
        fault_proxy.cut_after(client_bytes=20)  # in the middle of the next query
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 'a fairly long query text to cut in two'")
    assert not fault_proxy.armed and fault_proxy.live == 0
    with connect() as conn:
        assert conn.execute("SELECT 2").fetchone() == (2,)


# -- replays -------------------------------------------------------------------------------


def test_a_batch_replayed_changes_nothing_on_the_server(hall_url: str, tmp_path: Path) -> None:
    ctx = open_counter(tmp_path, "P01", hall_url)
    try:
        join(ctx)
        clerk = sign_in(ctx, "clerk01", PASSWORD, "P01")
        ctx.link.lost(RuntimeError("cable out"))  # type: ignore[union-attr]
        done = offline_work(ctx, clerk, random.Random(7), 25)
        accept_a_case(ctx, clerk)
        server = ctx.link.engine()  # type: ignore[union-attr]
        entries = push_module.waiting(ctx.engine, 1000)
        assert len(entries) >= 20, done

        first = push_module.apply_batch(server, entries, "P01", ctx.clock.now())
        assert not first.errors and first.replayed == 0
        before = server_dump(server)
        again = push_module.apply_batch(server, entries, "P01", ctx.clock.now())
        assert not again.errors and again.replayed == len(entries)  # the receipts knew them
        middle = entries[5:15]
        assert push_module.apply_batch(server, middle, "P01", ctx.clock.now()).replayed == 10
        assert server_dump(server) == before

        # The counter never heard back: the whole outbox goes again, all of it replayed.
        result = push_module.push(ctx.engine, server, "P01", ctx.clock.now, batch_size=7)
        assert (result.sent, result.replayed, result.set_aside) == (len(entries),) * 2 + (0,)
        after_push = server_dump(server)
        assert {k: v for k, v in after_push.items() if k not in ("audit_entry", "audit_head")} == {
            k: v for k, v in before.items() if k not in ("audit_entry", "audit_head")
        }  # only the audit chain went up now
        # Sent, then forgotten here (a restored backup): sent again, nothing changes.
        with ctx.engine.begin() as conn:
            conn.execute(update(OutboxEntry).values(sent_at=None))
        result = push_module.push(ctx.engine, server, "P01", ctx.clock.now, batch_size=3)
        assert result.replayed == result.sent == len(entries)
        assert server_dump(server) == after_push
        exact = assert_server_holds_exactly(ctx.engine, server, "P01")
        assert exact.entries == len(entries) and exact.audit > 0
    finally:
        ctx.close()


# -- the connection cut anywhere, 50 times --------------------------------------------------


@dataclass
class Fault:
    kind: str  # timer, client_bytes, server_bytes, outage
    amount: float

    def __str__(self) -> str:
        return f"{self.kind}={self.amount:g}"


def random_fault(rnd: random.Random, entries: int) -> Fault:
    """A cut somewhere in a round that pushes ``entries`` entries: after a random time,
    or after a random number of bytes either way (a push sends about 2 kB an entry in
    small batches), or an outage (cut, then nothing answers for the next round)."""
    kind = rnd.choice(("timer", "client_bytes", "client_bytes", "server_bytes", "outage"))
    if kind in ("timer", "outage"):
        return Fault(kind, round(rnd.uniform(0.0, 0.25), 3))
    scale = 2000 if kind == "client_bytes" else 500
    return Fault(kind, rnd.randint(100, scale * entries + 5000))


class Faults:
    """Arms the planned faults one round after the other (``before_round``)."""

    def __init__(self, proxy: FaultProxy, planned: list[Fault]) -> None:
        self.proxy, self.planned = proxy, planned
        self.timer: threading.Timer | None = None
        self.outage = False

    def before_round(self, n: int) -> None:
        self.settle()
        if self.outage:  # the round after an outage finds nobody answering
            self.proxy.refuse()
            self.outage = False
            return
        self.proxy.restore()
        if n >= len(self.planned):
            return
        fault = self.planned[n]
        if fault.kind in ("timer", "outage"):
            self.outage = fault.kind == "outage"
            self.timer = threading.Timer(fault.amount, self.proxy.cut)
            self.timer.start()
        elif fault.kind == "client_bytes":
            self.proxy.cut_after(client_bytes=int(fault.amount))
        else:
            self.proxy.cut_after(server_bytes=int(fault.amount))

    def settle(self) -> None:
        """The previous round is over: its timer and budget go."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer.join()
            self.timer = None
        self.proxy.disarm()


def test_cut_anywhere_the_server_ends_with_exactly_the_counters_rows(
    hall_url: str, tmp_path: Path, fault_proxy: FaultProxy, small_batches: dict[str, int]
) -> None:
    url = fault_proxy.url(hall_url)
    totals = {"rows": 0, "entries": 0, "rounds": 0, "cut": 0, "replayed": 0}
    for run in range(RUNS):
        seed = FIRST_SEED + run
        rnd = random.Random(seed)
        code = f"R{run + 1:03d}"
        planned: list[Fault] = []
        done: list[str] = []
        ctx = open_counter(tmp_path, code, url)
        try:
            fault_proxy.restore()
            join(ctx)
            clerk = sign_in(ctx, "clerk01", PASSWORD, code)
            fault_proxy.refuse()  # the cable out: the first action finds the server gone
            fault_proxy.cut()
            done = offline_work(ctx, clerk, rnd, rnd.randint(1, 30))
            assert ctx.offline
            entries = waiting(ctx)
            small_batches["size"] = rnd.choice((1, 2, 3, 5, 8, 13))
            planned = [random_fault(rnd, entries) for _ in range(rnd.randint(1, 3))]
            faults = Faults(fault_proxy, planned)
            cuts_before = fault_proxy.cut_connections
            try:
                reports = sync_until_done(ctx, before_round=faults.before_round)
            finally:
                faults.settle()
                fault_proxy.restore()
            assert_sent_means_received(ctx.engine, ctx.link.engine())  # type: ignore[union-attr]
            exact = assert_server_holds_exactly(ctx.engine, ctx.link.engine(), code)  # type: ignore[union-attr]
            totals["rows"] += exact.rows
            totals["entries"] += exact.entries
            totals["rounds"] += len(reports)
            totals["cut"] += fault_proxy.cut_connections > cuts_before
            totals["replayed"] += sum(r.replayed for r in reports)
        except Exception as exc:
            raise AssertionError(
                f"run {run}, seed {seed} (HALL_FAULT_SEED={seed} HALL_FAULT_RUNS=1 replays it), "
                f"counter {code}, batches of {small_batches['size']}, faults "
                f"{', '.join(map(str, planned)) or '—'}, work: {'; '.join(done)}: {exc}"
            ) from exc
        finally:
            ctx.close()
    print(f"\n{RUNS} runs: {totals}")
    assert totals["cut"] > 0  # the faults did cut connections


# -- a pull never goes back -----------------------------------------------------------------


def _receipts(url: str, origin: str) -> int:
    with admin_connection(url) as conn:
        row = conn.execute("SELECT count(*) FROM sync_receipt WHERE origin = %s", (origin,))
        return int(row.fetchone()[0])  # type: ignore[index]


def test_killed_mid_push_the_next_round_sends_the_rest_once(hall_url: str, tmp_path: Path) -> None:
    """``hall sync --once`` killed (SIGKILL) at a random moment while it pushes a few
    thousand entries, several times; then a round that runs to its end."""
    code, seed = "K01", FIRST_SEED
    rnd = random.Random(seed)
    ctx = open_counter(tmp_path, code, hall_url)
    try:
        join(ctx)
        clerk = sign_in(ctx, "clerk01", PASSWORD, code)
        ctx.link.lost(RuntimeError("cable out"))  # type: ignore[union-attr]
        offline_work(ctx, clerk, rnd, 20)
    finally:
        ctx.close()
    local = open_counter(tmp_path, code, hall_url)  # the same folder, for reading it
    server_url = libpq(hall_url)
    env = {
        **os.environ,
        "HALL_DATA_DIR": str(tmp_path / code),
        "HALL_SERVER_URL": hall_url,
        "HALL_COUNTER": code,
    }
    log = tmp_path / "sync.log"
    kills: list[str] = []
    try:
        for attempt in range(4):
            # More work while the counter was down: a day's queue, fast.
            queue_day(local, code, 1000, day=DAY + timedelta(days=attempt + 1))
            before = _receipts(server_url, code)
            with log.open("ab") as out:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "hall", "sync", "--once"],
                    env=env, cwd=ROOT, stdout=out, stderr=out,
                )  # fmt: skip
            try:
                deadline = time.monotonic() + 120
                while _receipts(server_url, code) == before and proc.poll() is None:
                    assert time.monotonic() < deadline, "the push never began"
                    time.sleep(0.02)
                time.sleep(rnd.uniform(0.0, 0.3))  # somewhere in the batches that follow
            finally:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
            with local.engine.connect() as conn:
                sent = conn.scalar(select(func.count()).where(OutboxEntry.sent_at.is_not(None)))
            received = _receipts(server_url, code)
            kills.append(
                f"{attempt}: {received - before} received, {waiting(local)} waiting, "
                f"{received - sent} committed but not marked sent"
            )
            assert_sent_means_received(local.engine, local.link.engine())  # type: ignore[union-attr]
        with log.open("ab") as out:
            done = subprocess.run(
                [sys.executable, "-m", "hall", "sync", "--once"],
                env=env, cwd=ROOT, stdout=out, stderr=out, timeout=300,
            )  # fmt: skip
        assert done.returncode == 0, log.read_text(errors="replace")[-3000:]
        assert waiting(local) == 0
        exact = assert_server_holds_exactly(local.engine, local.link.engine(), code)  # type: ignore[union-attr]
        assert exact.entries > 8000
        print(f"\nkills: {kills}")
    except AssertionError as exc:
        raise AssertionError(f"seed {seed}, kills {kills}: {exc}") from exc
    finally:
        local.close()


# -- the hall server restarted in the middle of a push ----------------------------------------
