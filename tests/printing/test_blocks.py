"""Wrapping a value to its column: Chinese between any two characters, a code only after
a hyphen, a title in balanced lines."""

from __future__ import annotations

import pytest
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from hall.printing.blocks import balanced, wrap_text
from hall.printing.fonts import ensure_font


def width(text: str, size: float = 8.5) -> float:
    return float(stringWidth(text, ensure_font(), size))


@pytest.mark.parametrize(
    ("code", "column", "lines"),
    [
        ("SAMR-002-C01-2026-00001", 60 * mm, ["SAMR-002-C01-2026-00001"]),
        ("NHC-001-C01-2026-00001", 30 * mm, ["NHC-001-C01-2026-", "00001"]),
        ("MOFCOM-001", 15 * mm, ["MOFCOM-", "001"]),
        ("MOFCOM-001", 22 * mm - 6, ["MOFCOM-001"]),
        ("C01-20261201-0001", 15 * mm, ["C01-", "20261201-", "0001"]),
    ],
)
def test_a_code_breaks_only_after_a_hyphen(code: str, column: float, lines: list[str]) -> None:
    assert wrap_text(code, 8.5, column).split("\n") == lines


def test_chinese_breaks_between_characters_and_a_number_stays_whole() -> None:
    text = "徐州市贾汪区市场监督管理局将在作出许可决定后30个工作日内对承诺内容进行核查"
    lines = wrap_text(text, 8.5, 30 * mm).split("\n")
    assert "".join(lines) == text
    assert all(width(line) <= 30 * mm for line in lines)
    assert len(lines) > 2
    assert any("30个" in line for line in lines)  # never 3 | 0
    assert wrap_text("贾卫公字〔2026〕第0088号", 8.5, 31 * mm - 6).split("\n") == [
        "贾卫公字〔2026〕第",
        "0088号",
    ]


def test_a_word_wider_than_the_column_is_cut_as_a_last_resort() -> None:
    lines = wrap_text("91320305MA1N428243", 8.5, 15 * mm).split("\n")
    assert len(lines) > 1 and "".join(lines) == "91320305MA1N428243"
    assert all(width(line) <= 15 * mm for line in lines)


def test_spaces_break_and_are_dropped_and_line_breaks_are_kept() -> None:
    assert wrap_text("hello world foo", 8.5, width("hello world") + 1) == "hello world\nfoo"
    assert wrap_text("a\n\nb", 8.5, 100) == "a\n\nb"
    assert wrap_text("", 8.5, 100) == ""


def test_punctuation_rules() -> None:
    column = width("一二三四五")
    assert wrap_text("一二三四五，六", 8.5, column) == "一二三四五，\n六"  # hung
    assert wrap_text("一二三四（五）", 8.5, column) == "一二三四\n（五）"  # never ends one


def test_balanced_lines_leave_no_orphan() -> None:
    title = "公共场所卫生许可（新办、延续、变更、注销）及放射诊疗许可告知承诺书"
    column = width(title, 15) * 0.8  # two lines
    assert wrap_text(title, 15, column).split("\n")[1] in title[-8:]  # greedy: a short tail
    lines = balanced(title, 15, column).split("\n")
    assert len(lines) == 2 and "".join(lines) == title
    short, long = sorted(width(line, 15) for line in lines)
    assert short >= 0.75 * long
    assert balanced("告知承诺书", 15, 200) == "告知承诺书"
