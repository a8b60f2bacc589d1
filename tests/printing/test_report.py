"""The daily throughput report (业务量日报): its figures as printed, long breakdowns
across pages with their headers, dashes for what cannot be measured, an empty day."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from hall.printing.report import report_pdf
from hall.printing.report_data import DepartmentDeadlines, LowRating, Spread
from tests.printing import report_samples as rs
from tests.printing.pdfcheck import all_text, compact, fonts, pages_text, reader
from tests.printing.samples import LONG_NAME, MARKUP_NAME


@pytest.fixture(scope="module")
def long_pages() -> list[str]:
    """60 counters and 200 clerks: the breakdowns run over many pages."""
    return [compact(p) for p in pages_text(report_pdf(rs.report(counters=60, clerks=200)))]


def test_report_is_headed_by_its_title_hall_day_and_maker() -> None:
    pdf = report_pdf(rs.report())
    pages = [compact(p) for p in pages_text(pdf)]
    first = pages[0]
    assert first.startswith("政务服务大厅业务量日报统计日期")
    assert "统计日期：2026年12月01日（星期二）" in first
    assert f"填报单位：{rs.HALL_NAME}（320305）" in first
    assert "制表人：王丽" in first and "制表时间：2026年12月01日17:42" in first
    assert "业务量统计报表" not in "".join(pages)
    for n, page in enumerate(pages, 1):  # the running header and footer, drawn last
        assert page.endswith(f"{rs.HALL_NAME}第{n}页共{len(pages)}页") or page.endswith(
            f"{rs.HALL_NAME}政务服务大厅业务量日报2026年12月01日第{n}页共{len(pages)}页"
        )
    metadata = reader(pdf).metadata
    assert metadata.title == "政务服务大厅业务量日报 2026年12月01日"
    assert metadata.author == rs.HALL_NAME


def test_a_range_of_days_is_a_statistics_report_of_its_period() -> None:
    text = all_text(report_pdf(rs.report(end=date(2026, 12, 7))))
    assert "业务量统计报表统计期间：2026年12月01日至2026年12月07日" in text
    assert "日报" not in text and "星期" not in text


def test_hall_figures_print_minutes_with_one_decimal_and_shares_as_percentages() -> None:
    text = all_text(report_pdf(rs.report()))
    # The spread matrix: count, mean, median, 90th percentile of waiting, then handling.
    assert "件数平均中位数90分位等候19811.58.212.3办理1989.07.518.8" in text
    assert "取号数226办结数198未到数14转出数5" in text
    assert "受理件数" in text and "受理事项数61" in text
    assert "直接取消审批4审批改为备案9实行告知承诺20优化审批服务28当场办结率37.7%" in text
    assert "评价次数120平均评分（5分制）4.62差评数（1–2分）4离线办理占比5.0%" in text
    deadlines = rs.report().deadlines
    share = f"{deadlines.in_time / deadlines.decided * 100:.1f}%"
    assert (
        f"期内到期事项{deadlines.due}超期未办结{deadlines.overdue}期内办结事项"
        f"{deadlines.decided}按时办结率{share}待部门核验{deadlines.pending_verifications}"
    ) in text


def test_what_cannot_be_measured_prints_as_a_dash_not_as_zero() -> None:
    none = Spread(0, None, None, None)
    hall = replace(rs.report().hall, wait=none, handle=none, rating_count=0, rating_mean=None,
                   items=0, on_the_spot=0, work=0, offline_work=0)  # fmt: skip
    counter = replace(rs.report().counters[0], label="窗口 C99（99 号窗）", wait=none,
                      rating_mean=None, items=0, work=0)  # fmt: skip
    deadlines = DepartmentDeadlines("", "全厅", 3, 1, 0, 0, 0)
    report = replace(rs.report(), hall=hall, counters=(counter,), deadlines=deadlines)
    text = all_text(report_pdf(report))
    assert "等候0———办理0———" in text
    assert "平均评分（5分制）—" in text and "当场办结率—" in text and "离线办理占比—" in text
    assert "按时办结率—" in text
    row = re.search(r"1窗口C99（99号窗）(\S+?)全厅", text)
    assert row is not None
    c = counter
    assert row[1].startswith(f"{c.issued}{c.served}{c.no_show}{c.transferred}———")
    assert "None" not in text and "nan" not in text


def test_every_row_of_a_long_report_prints_and_each_page_repeats_the_header(
    long_pages: list[str],
) -> None:
    pages = long_pages
    assert len(pages) > 4
    text = "".join(pages)
    for n in range(1, 61):
        assert f"窗口C{n:02d}（{n}号窗）" in text
    for n in range(1, 201):
        assert f"工作人员{n:03d}（clerk{n:02d}）" in text
    header = "排队叫号等候时长（分钟）办理时长（分钟）受理办件满意度评价"
    # Every page that carries counter or clerk rows starts them under the table's header.
    counters = [p for p in pages if re.search(r"\d窗口C\d\d（", p)]
    clerks = [p for p in pages if re.search(r"\d工作人员\d{3}（", p)]
    assert len(counters) >= 2 and len(clerks) >= 3
    assert all("序号窗口" + header in p for p in counters)
    assert all("序号工作人员" + header in p for p in clerks)
    for n, page in enumerate(pages[1:], 2):  # the running header names the report and day
        title = "政务服务大厅业务量日报2026年12月01日"
        assert page.endswith(f"{rs.HALL_NAME}{title}第{n}页共{len(pages)}页")


def test_a_row_moves_whole_to_the_next_page(long_pages: list[str]) -> None:
    """Each numbered clerk row is on exactly one page, in order, none cut in two."""
    seen: list[int] = []
    for page in long_pages:
        seen += [int(m) for m in re.findall(r"工作人员(\d{3})（clerk\d+）", page)]
    assert seen == list(range(1, 201))


def test_markup_in_labels_and_reasons_prints_as_its_characters() -> None:
    report = rs.report()
    counter = replace(report.counters[0], label=MARKUP_NAME)
    clerk = replace(report.clerks[0], label=MARKUP_NAME + "（clerk01）")
    low = LowRating(report.made_at, "A001", "C01", MARKUP_NAME, 1, MARKUP_NAME + " & <i>")
    department = replace(report.departments[0], name=MARKUP_NAME)
    pdf = report_pdf(
        replace(report, hall_name=MARKUP_NAME, made_by=MARKUP_NAME, counters=(counter,),
                clerks=(clerk,), low_ratings=(low,), departments=(department,))
    )  # fmt: skip
    text = all_text(pdf)
    assert text.count(compact(MARKUP_NAME)) >= 8  # header ×n, unit, maker, 4 rows, reason
    assert compact(MARKUP_NAME + " & <i>") in text


def test_a_very_long_label_wraps_in_its_column_and_keeps_every_character() -> None:
    report = rs.report()
    counter = replace(report.counters[0], label=LONG_NAME)
    pages = pages_text(report_pdf(replace(report, counters=(counter, *report.counters[1:]))))
    assert compact(LONG_NAME) in compact("".join(pages))
    # Wrapped in its column: on many short lines, none longer than the column holds.
    twice = LONG_NAME * 2
    lines = [s for p in pages for line in p.splitlines() if len(s := line.strip()) > 3
             and s in twice]  # fmt: skip
    assert len(lines) > 8
    assert max(len(line) for line in lines) <= 20


def test_an_empty_day_builds_and_says_there_is_nothing_to_show() -> None:
    pdf = report_pdf(rs.empty_report())
    text = all_text(pdf)
    assert text.count("无数据") >= 3 + 4  # the three charts, four empty tables
    assert "本期无数据。" in text and "本期无差评。" in text
    assert "取号数0办结数0未到数0转出数0" in text
    assert "等候0———办理0———" in text
    assert "窗口C" not in text


def test_every_font_is_embedded_truetype_charts_included() -> None:
    for report in (rs.report(), rs.empty_report()):
        used = fonts(report_pdf(report))
        assert used and all(embedded for _name, embedded in used), used


def _dark_pixels(pdf: bytes, top: float, bottom: float) -> int:
    """Pixels darker than light grey in the band from ``top`` to ``bottom`` (fractions of
    the height) of page 1, rendered at 50 dpi."""
    from tests.printing.render import render_page

    image = render_page(pdf, 0, dpi=50)
    width, height = image.width(), image.height()
    data = bytes(image.constBits())
    stride = image.bytesPerLine()
    rows = range(int(height * top), int(height * bottom))
    return sum(1 for y in rows for x in range(width) if data[y * stride + x] < 160)


def test_the_charts_are_drawn_where_the_page_shows_them(qapp: object) -> None:
    full = report_pdf(rs.report())
    empty = report_pdf(rs.empty_report())
    # The charts fill the lower third of the first page; the empty day only says 无数据.
    drawn, blank = _dark_pixels(full, 0.62, 0.92), _dark_pixels(empty, 0.62, 0.92)
    assert drawn > 3 * blank > 0
