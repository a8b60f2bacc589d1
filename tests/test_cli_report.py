"""`hall report daily` on the demo hall: JSON figures equal to counts read straight from
the database, the PDF read back, the CSV parsed, the XLSX opened with openpyxl; bad
dates, file names and accounts are one-line errors."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from hall.cli import main

from .cli_support import run
from .printing.pdfcheck import compact, pages_text


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HALL_DATA_DIR", str(folder))
        mp.delenv("HALL_COUNTER", raising=False)
        mp.delenv("HALL_SECRETS_PASSPHRASE", raising=False)
        assert main(["init", "--demo"]) == 0
    return folder


@pytest.fixture
def demo(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HALL_DATA_DIR", str(demo_dir))
    monkeypatch.delenv("HALL_COUNTER", raising=False)
    monkeypatch.delenv("HALL_SECRETS_PASSPHRASE", raising=False)
    monkeypatch.setenv("HALL_USER", "super01")
    monkeypatch.setenv("HALL_PASSWORD", "hall-demo-2026")
    return demo_dir


def _db_counts(folder: Path, day: str) -> tuple[int, int]:
    with closing(sqlite3.connect(folder / "hall.sqlite3")) as db:
        tickets = db.execute("SELECT count(*) FROM ticket WHERE day = ?", (day,)).fetchone()[0]
        cases = db.execute('SELECT count(*) FROM "case" WHERE accepted_on = ?', (day,)).fetchone()[
            0
        ]
    return tickets, cases


def test_json_figures_match_the_database(demo, capsys) -> None:
    code, out, err = run(capsys, "report", "daily", "--json")
    assert code == 0, err
    figures = json.loads(out)
    day = figures["date"]
    assert day == date.today().isoformat()
    tickets, cases = _db_counts(demo, day)
    assert tickets > 0 and cases > 0
    assert figures["tickets"]["issued"] == tickets
    assert figures["cases"]["accepted"] == cases
    assert set(figures["cases"]["by_mode"]) == {"cancelled", "filing", "commitment", "optimized"}
    assert sum(figures["cases"]["by_mode"].values()) == figures["cases"]["items"]
    for key in ("mean", "median", "p90"):
        assert key in figures["wait_minutes"] and key in figures["handle_minutes"]
    assert {"due", "overdue"} <= set(figures["subcases"])
    assert {"mean", "count", "low"} <= set(figures["satisfaction"])
    assert figures["counters"] and all(
        "counter" in c and "served" in c for c in figures["counters"]
    )
    assert sum(c["tickets"]["issued"] for c in figures["counters"]) == tickets


def test_pdf_csv_and_xlsx_of_one_report(demo, capsys, tmp_path) -> None:
    pdf, table, book = tmp_path / "day.pdf", tmp_path / "day.csv", tmp_path / "day.xlsx"
    code, out, err = run(
        capsys, "report", "daily", "--out", str(pdf), "--csv", str(table), "--xlsx", str(book)
    )
    assert code == 0, err
    assert str(pdf) in out and str(book) in out
    tickets, _cases = _db_counts(demo, date.today().isoformat())
    text = compact("".join(pages_text(pdf.read_bytes())))
    assert "业务量日报" in text
    assert compact(f"发放排队号{tickets}") in text or str(tickets) in text

    rows = list(csv.reader(io.StringIO(table.read_bytes().decode("utf-8-sig"))))
    header, hall = rows[0], rows[1]
    assert header[:3] == ["分组", "编码", "名称"] and hall[0] == "全厅"
    issued = int(hall[header.index("排队号 发放")])
    assert issued == tickets

    workbook = openpyxl.load_workbook(book)
    assert workbook.sheetnames[:2] == ["概况", "分组明细"]
    summary = {r[0]: r[1] for r in workbook["概况"].iter_rows(values_only=True)}
    assert summary["发放排队号"] == tickets
    detail = list(workbook["分组明细"].iter_rows(values_only=True))
    assert list(detail[0]) == header
    assert detail[1][header.index("排队号 发放")] == issued


def test_a_range_and_its_errors(demo, capsys, tmp_path) -> None:
    code, out, _err = run(
        capsys, "report", "daily", "--date", "2026-01-01", "--to", "2026-01-31", "--json"
    )
    assert code == 0
    assert json.loads(out)["tickets"]["issued"] == 0
    code, _out, err = run(
        capsys, "report", "daily", "--date", "2026-02-01", "--to", "2026-01-01", "--json"
    )
    assert code == 1 and "结束日期不能早于开始日期" in err
    with pytest.raises(SystemExit):
        main(["report", "daily", "--date", "01/12/2026", "--json"])
    code, _out, err = run(capsys, "report", "daily", "--out", str(tmp_path / "x.txt"))
    assert code == 1 and ".pdf" in err
    code, _out, err = run(capsys, "report", "daily", "--xlsx", str(tmp_path / "no" / "x.xlsx"))
    assert code == 1 and "文件夹不存在" in err
    code, _out, err = run(capsys, "report", "daily")
    assert code == 1 and "--json" in err
    assert not list(tmp_path.iterdir())


def test_a_clerk_may_not_print_reports(demo, capsys, monkeypatch) -> None:
    monkeypatch.setenv("HALL_USER", "clerk01")
    code, out, err = run(capsys, "report", "daily", "--json")
    assert code == 1 and not out
    assert "打印统计报表" in err and "Traceback" not in err
