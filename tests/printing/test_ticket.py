"""The queue ticket: an 80 mm roll, one page as tall as its content."""

from __future__ import annotations

from datetime import UTC, datetime

from hall.printing import ticket_pdf
from tests.printing import samples
from tests.printing.pdfcheck import all_text, reader

MM = 72 / 25.4


def test_ticket_is_one_page_80_mm_wide_and_fitted_to_its_content() -> None:
    for ticket in (samples.ticket(), samples.ticket(priority="", note="", copy=0)):
        pages = reader(ticket_pdf(ticket)).pages
        assert len(pages) == 1
        box = pages[0].mediabox
        assert abs(float(box.width) - 80 * MM) < 0.01  # 226.77 pt
        assert 60 * MM < float(box.height) < 150 * MM
    full = reader(ticket_pdf(samples.ticket(copy=1))).pages[0].mediabox
    short = reader(ticket_pdf(samples.ticket(priority="", note=""))).pages[0].mediabox
    assert float(short.height) < float(full.height)


def test_issued_time_is_printed_in_the_times_own_zone() -> None:
    ticket = samples.ticket(issued_at=datetime(2026, 12, 1, 1, 5, tzinfo=UTC))
    assert "2026年12月01日01:05" in all_text(ticket_pdf(ticket))


def test_no_priority_no_priority_line() -> None:
    text = all_text(ticket_pdf(samples.ticket(priority="")))
    assert "优先" not in text
    assert "前面还有7人等候" in text
