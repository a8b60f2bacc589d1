"""The report's exports: the CSV and the XLSX carry the same breakdown table; text typed
at a counter is never taken for a formula, and characters a workbook cannot hold are
dropped instead of failing the export."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import openpyxl

from hall.services.report_export import figure_rows, report_csv, report_json
from hall.services.report_xlsx import report_xlsx

from ..printing.report_samples import low_ratings, report

EVIL = '=HYPERLINK("http://example.com","点此")'


def test_csv_and_xlsx_hold_the_same_table() -> None:
    r = report(counters=3, clerks=4)
    header, rows = figure_rows(r)
    parsed = list(csv.reader(io.StringIO(report_csv(r).decode("utf-8-sig"))))
    assert parsed[0] == header and len(parsed) == len(rows) + 1
    sheet = openpyxl.load_workbook(io.BytesIO(report_xlsx(r)))["分组明细"]
    cells = list(sheet.iter_rows(values_only=True))
    assert list(cells[0]) == header
    # An empty text cell reads back as None from a workbook.
    assert [list(c) for c in cells[1:]] == [[v if v != "" else None for v in row] for row in rows]
    assert report_json(r)["tickets"]["issued"] == rows[0][header.index("排队号 发放")]


def test_formulas_and_control_characters_stay_text() -> None:
    lows = tuple(replace(low, reason=EVIL + "\x07") for low in low_ratings(2))
    counters = tuple(replace(f, label=EVIL) for f in report(counters=2).counters)
    r = replace(report(counters=2), low_ratings=lows, counters=counters)
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(r)))
    reason = book["差评"]["F2"]
    assert reason.value == EVIL and reason.data_type == "s"
    labels = [c.value for c in book["分组明细"]["C"]]
    assert EVIL in labels
    assert all(c.data_type == "s" for c in book["分组明细"]["C"] if c.value == EVIL)
    text = report_csv(r).decode("utf-8-sig")
    assert "'" + EVIL.replace('"', '""') in text
