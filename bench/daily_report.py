"""The supervisor's daily report (业务量日报) on a year of a large hall: a day of 5,000
tickets and 1,200 cases in a database holding 1.5 million tickets, 6.2 million queue
events and 301,000 cases (:mod:`bench.year_data`, built once and kept).

Three figures, each beside a baseline taken in the same run:

- the data: :func:`hall.services.reports.daily_report`, beside the statements it runs
  (``report_statements``) compiled with literal values and run through a bare
  ``sqlite3`` cursor, ``fetchall`` and nothing else. Target: under 2× the bare SQL;
- the PDF: :func:`hall.services.reports.report_pdf` of that report, beside a bare
  reportlab page with one line of Chinese;
- both together, beside both baselines. Target: under 2 s.

Before the figures, each statement's plan is read (``EXPLAIN QUERY PLAN``): a line names
every statement that reads a whole big table instead of the day's rows through an index.
Run alone: ``python -m bench.daily_report``.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable
from contextlib import closing
from datetime import datetime
from datetime import time as clock_time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.run import Row

REPEAT = 5
TARGET_RATIO = 2.0
TARGET_SECONDS = 2.0


def _context(folder: Path) -> Any:
    """The year's data folder opened as the program opens it, its clock at 18:00 on the
    measured day (the report is made as the hall closes)."""
    from bench.year_data import DAY
    from hall.core.clock import HALL_ZONE, FixedClock
    from hall.core.paths import Paths
    from hall.services.context import open_context

    paths = Paths(data=folder, config=folder, logs=folder / "logs")
    now = datetime.combine(DAY, clock_time(18, 0), HALL_ZONE)
    return open_context(paths, clock=FixedClock(now))


def bare_sql(ctx: Any) -> list[str]:
    """The report's statements for the measured day, as the text SQLite runs."""
    from bench.year_data import DAY
    from hall.services.reports import report_statements

    literal = {"literal_binds": True}
    return [
        str(s.compile(dialect=ctx.engine.dialect, compile_kwargs=literal))
        for s in report_statements(ctx, DAY)
    ]


def full_scans(db: sqlite3.Connection, statements: list[str]) -> list[tuple[int, str]]:
    """(statement number, plan line) for each whole-table read of a big table."""
    from bench.year_data import BIG_TABLES

    found = []
    for n, sql in enumerate(statements):
        for *_ids, detail in db.execute("EXPLAIN QUERY PLAN " + sql):
            words = detail.split()
            # "SCAN t" reads every row; "SCAN t USING INDEX i" does too, in i's order.
            if words[:1] == ["SCAN"] and words[1].strip('"') in BIG_TABLES:
                found.append((n, detail))
    return found


def _interleaved(runs: list[tuple[Callable[[], object], list[float]]], repeat: int) -> None:
    for _ in range(repeat):  # in turn, so each sees the same machine load
        for run, sink in runs:
            t0 = time.perf_counter()
            run()
            sink.append(time.perf_counter() - t0)


def measure(repeat: int = REPEAT) -> dict[str, Any]:
    """Median seconds of the report's data, its bare SQL, its PDF and the bare page; the
    statements' full scans and their bare times; the report's size."""
    from bench.documents import _pages, bare_page
    from bench.year_data import DAY, year_folder
    from hall.models.enums import Role
    from hall.services.audit import Actor
    from hall.services.reports import daily_report, report_pdf

    folder = year_folder()
    ctx = _context(folder)
    supervisor = Actor("super01", Role.supervisor, "", "刘洋")
    try:
        statements = bare_sql(ctx)
        with closing(sqlite3.connect(folder / "hall.sqlite3")) as db:
            scans = full_scans(db, statements)

            def bare() -> None:
                for sql in statements:
                    db.execute(sql).fetchall()

            report = daily_report(ctx, supervisor, DAY)  # warm: pages read, modules loaded
            bare()
            pdf = report_pdf(report)
            bare_page()
            each = []
            for sql in statements:
                t0 = time.perf_counter()
                db.execute(sql).fetchall()
                each.append(time.perf_counter() - t0)
            data_t: list[float] = []
            sql_t: list[float] = []
            _interleaved([(bare, sql_t), (lambda: daily_report(ctx, supervisor, DAY), data_t)],
                         repeat)  # fmt: skip
            pdf_t: list[float] = []
            page_t: list[float] = []
            _interleaved([(bare_page, page_t), (lambda: report_pdf(report), pdf_t)], repeat)
    finally:
        ctx.close()
    return {
        "data": statistics.median(data_t), "sql": statistics.median(sql_t),
        "pdf": statistics.median(pdf_t), "page": statistics.median(page_t),
        "scans": scans, "each": each, "statements": len(statements),
        "tickets": report.hall.issued, "cases": report.hall.cases_accepted,
        "pages": _pages(pdf),
    }  # fmt: skip


def bench_daily_report() -> list[Row]:
    """Rows for ``make bench``, after a line on any full scan and the slowest statements."""
    from bench.run import Row

    m = measure()
    for n, detail in m["scans"]:
        print(f"daily report: statement {n} reads a whole big table: {detail}")
    slowest = sorted(enumerate(m["each"]), key=lambda ne: -ne[1])[:3]
    print(
        f"daily report: {m['statements']} statements, bare {m['sql'] * 1000:.0f} ms; slowest "
        + ", ".join(f"#{n} {s * 1000:.0f} ms" for n, s in slowest)
    )
    total, base = m["data"] + m["pdf"], m["sql"] + m["page"]
    day = f"{m['tickets']:,} tickets, {m['cases']:,} cases"
    return [
        Row(f"daily report data ({day})", m["data"] * 1000,
            "its SQL bare (sqlite3, literal values)", m["sql"] * 1000, "ms",
            f"< {TARGET_RATIO:g}×"),
        Row(f"daily report PDF ({m['pages']} p.)", m["pdf"] * 1000,
            "bare CJK page, one line", m["page"] * 1000, "ms", "—"),
        Row("daily report, data + PDF", total * 1000, "bare SQL + bare page", base * 1000,
            "ms", f"< {TARGET_SECONDS:g} s"),
    ]  # fmt: skip


if __name__ == "__main__":
    from bench.run import print_rows

    print_rows(bench_daily_report())
