"""A case's commitment letters: one PDF, each letter from a new page, counted on its own."""

from __future__ import annotations

import re

import pytest

from hall.core.errors import ValidationError
from hall.printing import letters_pdf
from hall.printing.letter import TITLE_MIN
from tests.printing import samples
from tests.printing.pdfcheck import compact, font_sizes, pages_text


def title_sizes(pdf: bytes, start: str) -> list[float]:
    """The sizes of the first page's text runs that start with ``start``."""
    return sorted({round(size, 2) for text, size in font_sizes(pdf) if text.startswith(start)})


def _numbers(pages: list[str]) -> list[tuple[int, int]]:
    out = []
    for page in pages:
        found = re.findall(r"第(\d+)页共(\d+)页", compact(page))
        assert len(found) == 1, page
        out.append((int(found[0][0]), int(found[0][1])))
    return out


def test_each_letter_starts_a_page_and_counts_its_own_pages() -> None:
    first = samples.letter()
    second = samples.letter(
        item_code="WJW-012",
        item_name="公共场所卫生许可",
        number="C01-20261201-0001-WJW-012",
        conditions=("条件一；",) * 30,
    )
    pages = pages_text(letters_pdf([first, second]))
    numbers = _numbers(pages)
    starts = [i for i, (n, _total) in enumerate(numbers) if n == 1]
    assert len(starts) == 2
    assert "食品经营许可（新办）告知承诺书" in compact(pages[starts[0]])
    assert "公共场所卫生许可告知承诺书" in compact(pages[starts[1]])
    assert "食品经营许可（新办）" not in compact(pages[starts[1]])
    for start, end in zip(starts, [*starts[1:], len(pages)], strict=True):
        assert numbers[start:end] == [(n, end - start) for n in range(1, end - start + 1)]
    assert numbers[starts[1]][1] > 1  # the long one ran over


def test_the_copy_mark_is_on_the_reprinted_letter_only() -> None:
    pages = pages_text(letters_pdf([samples.letter(), samples.letter(copy=1, number="X-2")]))
    numbers = _numbers(pages)
    second = [i for i, (n, _t) in enumerate(numbers) if n == 1][1]
    assert not any("补打" in p for p in pages[:second])
    assert all("补打件（第1次）" in compact(p) for p in pages[second:])


def test_the_signatures_stay_with_the_closing_sentence() -> None:
    pages = [compact(p) for p in pages_text(letters_pdf([samples.letter()]))]
    signed = next(p for p in pages if "申请人（签字/盖章）" in p)
    assert "所作承诺是申请人的真实意思表示" in signed
    assert "审批机关（盖章）" in signed


def test_no_letters_is_refused() -> None:
    with pytest.raises(ValidationError):
        letters_pdf([])


def test_a_long_title_shrinks_to_stay_on_one_line() -> None:
    """At 20 pt this title left 诺书 alone on a second line."""
    name = "城镇污水排入排水管网许可证核发（首次申请）"
    lines = [
        line.strip()
        for line in pages_text(letters_pdf([samples.letter(item_name=name)]))[0].splitlines()
    ]
    assert lines[0] == name + "告知承诺书"
    sizes = title_sizes(letters_pdf([samples.letter(item_name=name)]), name[:4])
    assert sizes and all(TITLE_MIN <= size < 20 for size in sizes)


def test_a_title_too_long_for_one_line_wraps_into_even_lines() -> None:
    name = "医疗机构执业登记（新办、变更、校验、注销）及放射诊疗许可申请合并办理"
    pdf = letters_pdf([samples.letter(item_name=name)])
    lines = [line.strip() for line in pages_text(pdf)[0].splitlines()]
    assert lines[0] + lines[1] == name + "告知承诺书"
    assert min(len(lines[0]), len(lines[1])) >= 0.75 * max(len(lines[0]), len(lines[1]))
    assert title_sizes(pdf, name[:4]) == [TITLE_MIN]


def test_a_provisional_verification_deadline_says_so() -> None:
    pdf = letters_pdf([samples.letter(verification_due_provisional=True)])
    text = compact("".join(pages_text(pdf)))
    assert "核查期限：2027年01月14日前（待定）" in text
    assert "以最终公布为准" in text
    plain = compact("".join(pages_text(letters_pdf([samples.letter()]))))
    assert "核查期限：2027年01月14日前。" in plain and "待定" not in plain
