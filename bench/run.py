"""``make bench``: every figure beside a baseline measured in the same run.

Run on a shared, noisy machine: figures are medians of several runs, and the ratio to a
baseline taken moments before says more than the absolute number.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).parents[1]

BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv)
w = QWidget(); w.setWindowTitle("bare"); w.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""


@dataclass
class Row:
    name: str
    value: float
    baseline_name: str
    baseline: float
    unit: str
    target: str

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("inf")


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_startup(data_dir: Path, repeat: int = 7) -> Row:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        HALL_DATA_DIR=str(data_dir),
        HALL_EXIT_AFTER_START="1",
    )
    hall = [sys.executable, "-m", "hall"]
    bare = [sys.executable, "-c", BARE_WINDOW]
    subprocess.run(
        [sys.executable, "-m", "hall", "init", "--demo"], env=env, check=True, capture_output=True
    )
    for cmd in (hall, bare):  # warm the file cache once
        subprocess.run(cmd, env=env, check=True, capture_output=True)
    hall_t: list[float] = []
    bare_t: list[float] = []
    for _ in range(repeat):  # interleaved, so both see the same machine load
        for cmd, sink in ((bare, bare_t), (hall, hall_t)):
            t0 = time.perf_counter()
            subprocess.run(cmd, env=env, check=True, capture_output=True)
            sink.append(time.perf_counter() - t0)
    return Row(
        "start-up to sign-in window",
        statistics.median(hall_t) * 1000,
        "bare PySide6 window",
        statistics.median(bare_t) * 1000,
        "ms",
        "≤ 1.5×",
    )


def bench_derive(data_dir: Path, repeat: int = 300) -> Row:
    from bench.scale_catalog import scaled_catalog
    from hall.core.paths import Paths
    from hall.services.audit import Actor
    from hall.services.catalog import import_catalog
    from hall.services.context import open_context
    from hall.services.derive import derive

    paths = Paths(data=data_dir, config=data_dir, logs=data_dir / "logs").ensure()
    ctx = open_context(paths)
    raw = json.dumps(scaled_catalog(), ensure_ascii=False).encode()
    import_catalog(ctx, Actor.as_operator("bench", "bench"), raw, "scaled.json")
    catalog, calendar = ctx.catalog(), ctx.calendar()
    assert len(catalog.items) >= 600 and len(catalog.scope) >= 2000
    licensed = [s for s in catalog.scope.values() if s.licensed]
    entries = licensed[:: max(1, len(licensed) // 20)][:20]
    day = date(2026, 11, 23)
    derive(catalog, calendar, scope=entries, acceptance_date=day)  # warm caches
    t = median_seconds(
        lambda: derive(catalog, calendar, scope=entries, acceptance_date=day), repeat
    )
    plain = {s.code: s.items for s in catalog.scope.values()}
    codes = [s.code for s in entries]
    base = median_seconds(lambda: [plain[c] for c in codes], repeat)
    ctx.close()
    return Row(
        f"derive, {len(entries)} scope entries, {len(catalog.items)} items",
        t * 1000,
        "dict lookup of the same entries",
        base * 1000,
        "ms",
        "< 5 ms",
    )


def _demo_context(data_dir: Path):  # type: ignore[no-untyped-def]
    import keyring
    from keyring.backends import fail

    from hall.core.paths import Paths
    from hall.services.context import open_context
    from hall.services.setup import initialise

    keyring.set_keyring(fail.Keyring())  # never the machine's own keyring
    paths = Paths(data=data_dir, config=data_dir, logs=data_dir / "logs").ensure()
    ctx = open_context(paths)
    ctx.passphrase = lambda creating: "bench passphrase 2026"
    initialise(ctx, demo=True, signing_key=True)
    return ctx


def bench_signing(data_dir: Path, repeat: int = 200) -> Row:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from hall.models.enums import Role
    from hall.services.audit import Actor
    from hall.services.payload import DocumentFacts, DocumentKind
    from hall.services.signing import sign_document
    from hall.services.verification import verify_payload

    ctx = _demo_context(data_dir)
    clerk = Actor("clerk01", Role.clerk, "C01", "张敏")
    facts = DocumentFacts(
        DocumentKind.license, "JY13203050012345", "徐州市贾汪区味香居餐饮有限公司",
        "91320305MA1N428243", "SAMR-001", date(2026, 12, 1), date(2031, 11, 30),
    )  # fmt: skip
    sign_document(ctx, clerk, facts)  # open the key file once

    def ours() -> None:
        assert verify_payload(ctx, sign_document(ctx, clerk, facts)).valid

    key = Ed25519PrivateKey.generate()
    body = b"x" * 190

    def bare() -> None:
        key.public_key().verify(key.sign(body), body)

    t, base = median_seconds(ours, repeat), median_seconds(bare, repeat)
    ctx.close()
    return Row(
        "sign + verify a license's code (audited)",
        t * 1000,
        "bare Ed25519 sign + verify",
        base * 1000,
        "ms",
        "< 20 ms",
    )


def bench_audit_verify(data_dir: Path, entries: int = 5000) -> Row:
    import sqlite3

    from hall.services.audit import Actor, record
    from hall.services.audit_chain import verify_chain

    ctx = _demo_context(data_dir)
    operator = Actor.as_operator("bench", "bench")
    with ctx.uow() as session:
        for n in range(entries):
            record(session, ctx.clock, operator, "bench.entry", "bench", n, after={"n": n})
    t = median_seconds(lambda: verify_chain(ctx, operator), 3)
    report = verify_chain(ctx, operator)
    assert report.intact

    def raw() -> None:
        with sqlite3.connect(ctx.paths.database) as db:
            db.execute("SELECT * FROM audit_entry ORDER BY chain, seq").fetchall()

    base = median_seconds(raw, 3)
    ctx.close()
    return Row(
        f"audit verify, {report.entries} entries",
        t * 1000,
        "raw SQLite read of the same rows",
        base * 1000,
        "ms",
        "< 2 s",
    )


def bench_registry(data_dir: Path, samples: int = 300) -> list[Row]:
    """A city's registry (1.3 million entities): the import, then finding by code, by name
    prefix (first 20), and the substring fill at its worst (a name part found nowhere as
    a prefix and in fewer than 20 names: the whole name index is read)."""
    import itertools
    import random
    import re
    import sqlite3

    from bench import registry as reg
    from hall.core.paths import Paths
    from hall.services.audit import Actor
    from hall.services.context import open_context
    from hall.services.registry import find_entities, import_registry

    data_dir.mkdir(parents=True)
    csv_path = reg.write_csv(data_dir / "registry.csv")
    baseline = reg.raw_import(csv_path, data_dir / "raw.sqlite3")
    paths = Paths(data=data_dir / "hall", config=data_dir / "hall", logs=data_dir / "logs")
    ctx = open_context(paths.ensure())
    report, _changes = import_registry(ctx, Actor.as_operator("bench", "bench"), csv_path)
    rows = [
        Row(
            f"registry import, {report.rows:,} entities",
            report.rows / report.seconds / 1000,
            "csv → executemany, bare table",
            baseline / 1000,
            "k/s",
            "≥ 50k/s",
        )
    ]
    db = sqlite3.connect(ctx.paths.database)
    rnd = random.Random(7)
    rowids = rnd.sample(range(1, report.rows + 1), samples)
    picked = db.execute(
        f"SELECT code, name FROM applicant WHERE rowid IN ({','.join('?' * samples)})", rowids
    ).fetchall()
    codes = [code for code, _name in picked]
    prefixes = [name[:7] for _code, name in picked]  # 徐州市贾汪区 and a first character
    top = "\U0010ffff"

    def raw_code(code: str) -> object:
        return db.execute("SELECT * FROM applicant WHERE code = ?", (code,)).fetchall()

    def raw_prefix(prefix: str) -> object:
        return db.execute(
            "SELECT * FROM applicant WHERE name >= ? AND name < ? AND kind = 'enterprise' "
            "ORDER BY name LIMIT 20",
            (prefix, prefix + top),
        ).fetchall()

    assert all(len(find_entities(ctx, c)) == 1 for c in codes[:20])
    assert all(len(find_entities(ctx, p)) == 20 for p in prefixes[:20])
    by_code = reg.interleaved(lambda c: find_entities(ctx, c), raw_code, codes)
    by_prefix = reg.interleaved(lambda p: find_entities(ctx, p), raw_prefix, prefixes)
    # Trade name and industry together, e.g. 旭信五金: in a few names, never at the start.
    parts = (re.match(r"徐州市.+?[区县市](.{4})", name) for _code, name in picked)
    found = (m.group(1) for m in parts if m and len(find_entities(ctx, m.group(1))) < 20)
    rare = list(itertools.islice(found, 15))

    def raw_contains(part: str) -> object:
        return db.execute(
            "SELECT * FROM applicant WHERE instr(name, ?) > 0 ORDER BY name LIMIT 20", (part,)
        ).fetchall()

    assert len(rare) == 15
    contains = reg.interleaved(lambda p: find_entities(ctx, p), raw_contains, rare)
    db.close()
    ctx.close()
    return [
        *rows,
        Row("registry find by code", by_code.ours_ms, "raw sqlite3 WHERE code = ?",
            by_code.raw_ms, "ms", "< 2 ms"),
        Row("registry find by name prefix, first 20", by_prefix.ours_ms,
            "raw sqlite3 name range query", by_prefix.raw_ms, "ms", "< 30 ms"),
        Row("registry find, substring fill (worst)", contains.ours_ms,
            "raw sqlite3 instr() scan", contains.raw_ms, "ms", "—"),
    ]  # fmt: skip


def main() -> int:
    # These import Row from here: not at the top.
    from bench.daily_report import bench_daily_report
    from bench.documents import bench_documents
    from bench.queue_pg import bench_queue_pg
    from bench.sync_push import bench_sync_push

    with tempfile.TemporaryDirectory() as tmp:
        rows = [
            bench_startup(Path(tmp) / "startup"),
            bench_derive(Path(tmp) / "derive"),
            bench_signing(Path(tmp) / "signing"),
            bench_audit_verify(Path(tmp) / "audit"),
            *bench_registry(Path(tmp) / "registry"),
            *bench_documents(),
            *bench_queue_pg(),
            *bench_sync_push(),
            *bench_daily_report(),
        ]
    print_rows(rows)
    return 0


def print_rows(rows: list[Row]) -> None:
    """The figures as a table, each beside its baseline (``make bench``, or one module)."""
    print(f"{'figure':<44} {'value':>11} {'baseline':>11}  {'ratio':>8}  target   baseline is")
    for r in rows:
        print(
            f"{r.name:<44} {r.value:>8.2f}{r.unit:>3} {r.baseline:>8.3f}{r.unit:>3}  "
            f"{r.ratio:>7.2f}×  {r.target:<8} {r.baseline_name}"
        )


if __name__ == "__main__":
    sys.exit(main())
