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
    from hall.models.enums import Role
    from hall.services.audit import Actor
    from hall.services.catalog import import_catalog
    from hall.services.context import open_context
    from hall.services.derive import derive

    paths = Paths(data=data_dir, config=data_dir, logs=data_dir / "logs").ensure()
    ctx = open_context(paths)
    raw = json.dumps(scaled_catalog(), ensure_ascii=False).encode()
    import_catalog(ctx, Actor("bench", Role.admin), raw, "scaled.json")
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


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        rows = [bench_startup(Path(tmp) / "startup"), bench_derive(Path(tmp) / "derive")]
    print(f"{'figure':<44} {'value':>10} {'baseline':>10}  {'ratio':>8}  target   baseline is")
    for r in rows:
        print(
            f"{r.name:<44} {r.value:>8.2f}{r.unit:>2} {r.baseline:>8.3f}{r.unit:>2}  "
            f"{r.ratio:>7.2f}×  {r.target:<8} {r.baseline_name}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
