"""业务量日报: the supervisor's printable throughput report of a day (or 业务量统计报表 of
a range of days), A4 landscape: the hall's figures, three charts, and the breakdowns
per counter, clerk, category and department, with the low marks and their reasons.

The breakdown tables run onto as many pages as they need, their two header rows (the
group and the figure) repeated on each. Every figure that has nothing to measure prints
as "—"; minutes and shares print with one decimal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, LongTable, Spacer, Table, TableStyle

from hall.core.i18n import _
from hall.printing.blocks import PAD, columns, wrap_text
from hall.printing.fonts import ensure_font
from hall.printing.frame import Layout, Section, build_pdf
from hall.printing.report_charts import hours_chart, modes_chart, waits_chart
from hall.printing.report_data import DailyReport, DepartmentDeadlines, Figures, LowRating
from hall.printing.styles import DASH, RULE, SHADE, cn_date, cn_datetime, heading, or_dash, para
from hall.printing.styles import styles as all_styles

SIZE = landscape(A4)
LAYOUT = Layout(size=SIZE, margins=(15 * mm, 15 * mm, 20 * mm, 15 * mm))
WIDTH = SIZE[0] - 30 * mm
GAP = 5 * mm  # between the blocks of the summary, and between the charts
# A row of more lines is cut into several rows: a row must fit on a page (a landscape
# frame holds about 40 lines, less the header rows), or reportlab fails to lay it out.
ROW_LINES = 30


def title(report: DailyReport) -> str:
    return _("政务服务大厅业务量日报") if report.one_day else _("业务量统计报表")


def period(report: DailyReport) -> str:
    if report.one_day:
        return cn_date(report.start)
    return _("{start} 至 {end}").format(start=cn_date(report.start), end=cn_date(report.end))


def minutes(value: float | None) -> str:
    return DASH if value is None else f"{value:.1f}"


def share(value: float | None) -> str:
    return DASH if value is None else f"{value * 100:.1f}%"


def score(value: float | None) -> str:
    return DASH if value is None else f"{value:.2f}"


def _chunked(cells: list[str]) -> list[list[str]]:
    """``cells`` as rows of at most :data:`ROW_LINES` lines, each cell's text going on in
    the same column of the next row."""
    split = [c.split("\n") for c in cells]
    tallest = max(len(lines) for lines in split)
    return [
        ["\n".join(lines[start : start + ROW_LINES]) for lines in split]
        for start in range(0, tallest, ROW_LINES)
    ]


def _ruled(
    data: list[list[str]],
    widths: Sequence[float],
    head: int,
    spans: Sequence[tuple[int, int, int, int]] = (),
    total: bool = False,
    left: Sequence[int] = (1,),
) -> Table:
    """A ruled table of plain text (wrapped here to its columns), ``head`` header rows
    repeated on every page it runs onto, a row moving whole to the next page (one too
    tall for a page continues in further rows, as in :func:`~blocks.grid_table`). The
    ``spans`` are in the header rows; ``total`` shades the last row."""
    cell = all_styles().cell
    size, leading = cell.fontSize, cell.leading
    spanned = {(c0, r0): sum(widths[c0 : c1 + 1]) for c0, r0, c1, _r1 in spans}
    wrapped: list[list[str]] = []
    for r, row in enumerate(data):
        cells = [
            wrap_text(v, size, spanned.get((c, r), widths[c]) - 2 * PAD) for c, v in enumerate(row)
        ]
        wrapped += [cells] if r < head else _chunked(cells)
    table = LongTable(wrapped, colWidths=list(widths), repeatRows=head, splitInRow=0)
    table.lead_height = sum(
        max(v.count("\n") + 1 for v in row) * leading + 6 for row in wrapped[: head + 1]
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), ensure_font(), size, leading),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                *[("ALIGN", (c, head), (c, -1), "LEFT") for c in left],
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("GRID", (0, 0), (-1, -1), 0.5, RULE),
                ("BACKGROUND", (0, 0), (-1, head - 1), SHADE),
                *([("BACKGROUND", (0, -1), (-1, -1), SHADE)] if total else []),
                *[("SPAN", (c0, r0), (c1, r1)) for c0, r0, c1, r1 in spans],
                ("LEFTPADDING", (0, 0), (-1, -1), PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
            ]
        )
    )
    table.hAlign = "LEFT"
    return table


# -- the summary ------------------------------------------------------------------------


def _card(head: str, rows: Sequence[tuple[str, str]], width: float) -> Table:
    """A titled block of figures: label and value a line."""
    data = [[head, ""], *[[label, value] for label, value in rows]]
    value_width = 24 * mm
    return _ruled(data, [width - value_width, value_width], 1, spans=[(0, 0, 1, 0)], left=(0,))


def _spreads(f: Figures, width: float) -> Table:
    """The waiting and handling times: how many, mean, median, 90th percentile."""
    head = [_("时长（分钟）"), "", "", "", ""]
    names = ["", _("件数"), _("平均"), _("中位数"), _("90 分位")]
    rows = [
        [name, str(s.count), minutes(s.mean), minutes(s.median), minutes(s.p90)]
        for name, s in ((_("等候"), f.wait), (_("办理"), f.handle))
    ]
    widths = [w * mm for w in (11, 13, 13, 15)]
    table = _ruled(
        [head, names, *rows], [width - sum(widths), *widths], 1, spans=[(0, 0, 4, 0)], left=(0,)
    )
    table.setStyle(TableStyle([("BACKGROUND", (0, 1), (-1, 1), SHADE)]))
    return table


def _summary(r: DailyReport) -> Flowable:
    f, d = r.hall, r.deadlines
    width = (WIDTH - 3 * GAP) / 4
    queue = _card(
        _("排队叫号"),
        [(_("取号数"), str(f.issued)), (_("办结数"), str(f.served)),
         (_("未到数"), str(f.no_show)), (_("转出数"), str(f.transferred))],
        width,
    )  # fmt: skip
    modes = [(m.label, str(m.count)) for m in f.by_mode]
    cases = _card(
        _("受理办件"),
        [(_("受理件数"), str(f.cases_accepted)), (_("受理事项数"), str(f.items)), *modes,
         (_("当场办结率"), share(f.on_the_spot_share))],
        width,
    )  # fmt: skip
    ratings = _card(
        _("满意度评价"),
        [(_("评价次数"), str(f.rating_count)), (_("平均评分（5 分制）"), score(f.rating_mean)),
         (_("差评数（1–2 分）"), str(f.low_ratings)), (_("离线办理占比"), share(f.offline_share))],
        width,
    )  # fmt: skip
    limits = _card(
        _("办理时限"),
        [(_("期内到期事项"), str(d.due)), (_("超期未办结"), str(d.overdue)),
         (_("期内办结事项"), str(d.decided)), (_("按时办结率"), share(d.in_time_share)),
         (_("待部门核验"), str(d.pending_verifications))],
        width,
    )  # fmt: skip
    first = [queue, Spacer(1, 2 * mm), _spreads(f, width)]
    return columns(
        [first, cases, ratings, limits],
        [width + GAP, width + GAP, width + GAP, width],
        valign="TOP",
    )


def _charts(r: DailyReport) -> Flowable:
    height = 62 * mm
    hours_width, waits_width = 104 * mm, 88 * mm
    modes_width = WIDTH - hours_width - waits_width - 2 * GAP
    return columns(
        [
            hours_chart(r.per_hour, hours_width, height),
            waits_chart(r.waits, waits_width, height),
            modes_chart(r.hall.by_mode, modes_width, height),
        ],
        [hours_width + GAP, waits_width + GAP, modes_width],
        valign="TOP",
    )


# -- the breakdowns ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    group: str  # "" for a column under one header of both rows
    name: str
    width: float  # mm
    value: Callable[[Figures], str]


def _columns(cases: bool) -> list[_Column]:
    """The figure columns of a breakdown; ``cases`` false for the categories (a case has
    no category) and the offline share, which counts cases too."""
    queue, wait, handle = _("排队叫号"), _("等候时长（分钟）"), _("办理时长（分钟）")
    accepted, rated = _("受理办件"), _("满意度评价")
    out = [
        _Column(queue, _("取号"), 11, lambda f: str(f.issued)),
        _Column(queue, _("办结"), 11, lambda f: str(f.served)),
        _Column(queue, _("未到"), 11, lambda f: str(f.no_show)),
        _Column(queue, _("转出"), 11, lambda f: str(f.transferred)),
        _Column(wait, _("平均"), 11, lambda f: minutes(f.wait.mean)),
        _Column(wait, _("中位数"), 12, lambda f: minutes(f.wait.median)),
        _Column(wait, _("90 分位"), 15, lambda f: minutes(f.wait.p90)),
        _Column(handle, _("平均"), 11, lambda f: minutes(f.handle.mean)),
        _Column(handle, _("中位数"), 12, lambda f: minutes(f.handle.median)),
        _Column(handle, _("90 分位"), 15, lambda f: minutes(f.handle.p90)),
    ]
    if cases:
        out += [
            _Column(accepted, _("受理件数"), 15, lambda f: str(f.cases_accepted)),
            _Column(accepted, _("事项数"), 12, lambda f: str(f.items)),
            _Column(accepted, _("当场办结率"), 18, lambda f: share(f.on_the_spot_share)),
        ]
    out += [
        _Column(rated, _("评价数"), 12, lambda f: str(f.rating_count)),
        _Column(rated, _("平均分"), 12, lambda f: score(f.rating_mean)),
        _Column(rated, _("差评"), 10, lambda f: str(f.low_ratings)),
    ]
    if cases:
        out.append(_Column("", _("离线办理占比"), 15, lambda f: share(f.offline_share)))
    return out


def _figures_table(name: str, rows: Sequence[Figures], total: Figures | None, cases: bool) -> Table:
    cols = _columns(cases)
    label_width = WIDTH - (9 + sum(c.width for c in cols)) * mm
    widths = [9 * mm, label_width, *[c.width * mm for c in cols]]
    top, sub = [_("序号"), name], ["", ""]
    spans: list[tuple[int, int, int, int]] = [(0, 0, 0, 1), (1, 0, 1, 1)]
    for index, col in enumerate(cols, 2):
        previous = cols[index - 3] if index > 2 else None
        if not col.group:  # one header over both rows
            top.append(col.name)
            sub.append("")
            spans.append((index, 0, index, 1))
        elif previous is not None and previous.group == col.group:  # the group goes on
            top.append("")
            sub.append(col.name)
            spans[-1] = (spans[-1][0], 0, index, 0)
        else:
            top.append(col.group)
            sub.append(col.name)
            spans.append((index, 0, index, 0))
    body = [[str(n), or_dash(f.label), *[c.value(f) for c in cols]] for n, f in enumerate(rows, 1)]
    if total is not None:
        body.append(["", _("全厅"), *[c.value(total) for c in cols]])
    return _ruled([top, sub, *body], widths, 2, spans=spans, total=total is not None)


def _deadlines_table(r: DailyReport) -> Table:
    head = [_("序号"), _("部门编码"), _("实施部门"), _("期内到期"), _("超期未办结"),
            _("期内办结"), _("按时办结"), _("按时办结率"), _("待部门核验")]  # fmt: skip
    widths = [9, 30, 0, 24, 24, 24, 24, 24, 24]
    widths[2] = WIDTH / mm - sum(widths)

    def row(n: str, d: DepartmentDeadlines) -> list[str]:
        return [n, or_dash(d.code), or_dash(d.name), str(d.due), str(d.overdue),
                str(d.decided), str(d.in_time), share(d.in_time_share),
                str(d.pending_verifications)]  # fmt: skip

    rows = [row(str(n), d) for n, d in enumerate(r.departments, 1)]
    total = row("", r.deadlines)
    total[1:3] = ["", _("全厅合计")]
    rows.append(total)
    return _ruled([head, *rows], [w * mm for w in widths], 1, total=True, left=(2,))


def _low_table(r: DailyReport) -> Table:
    head = [_("序号"), _("评价时间"), _("票号"), _("窗口"), _("工作人员"), _("评分"),
            _("原因")]  # fmt: skip
    widths = [9, 40 if not r.one_day else 16, 20, 22, 42, 12, 0]
    widths[-1] = WIDTH / mm - sum(widths)

    def moment(low: LowRating) -> str:
        return low.at.strftime("%H:%M") if r.one_day else cn_datetime(low.at)

    rows = [
        [str(n), moment(low), or_dash(low.ticket), or_dash(low.counter), or_dash(low.clerk),
         str(low.rating), or_dash(low.reason)]
        for n, low in enumerate(r.low_ratings, 1)
    ]  # fmt: skip
    return _ruled([head, *rows], [w * mm for w in widths], 1, left=(4, 6))


def _part(name: str, table: Table | None, empty: str = "") -> list[Flowable]:
    """A heading and its table, or a line saying there is nothing to list."""
    if table is None:
        return [*heading(name), para(empty or _("本期无数据。"), all_styles().body)]
    return [*heading(name, keep=table.lead_height), table]


# -- the document -----------------------------------------------------------------------


def _head(r: DailyReport) -> list[Flowable]:
    s = all_styles()
    label = _("统计日期：{period}") if r.one_day else _("统计期间：{period}")
    unit = r.hall_name if not r.hall_code else f"{r.hall_name}（{r.hall_code}）"
    who = _("制表人：{who}").format(who=or_dash(r.made_by))
    made = _("制表时间：{moment}").format(moment=cn_datetime(r.made_at))
    right = s.body.clone("report_made", alignment=TA_RIGHT)
    return [
        para(title(r), s.title),
        para(label.format(period=period(r) + _weekday(r)), s.subtitle),
        Spacer(1, 3 * mm),
        columns(
            [
                para(_("填报单位：{unit}").format(unit=or_dash(unit)), s.body),
                para(who, right),
                para(made, right),
            ],
            [WIDTH - 120 * mm, 55 * mm, 65 * mm],
        ),
    ]


def _weekday(r: DailyReport) -> str:
    if not r.one_day:
        return ""
    names = (_("星期一"), _("星期二"), _("星期三"), _("星期四"), _("星期五"), _("星期六"),
             _("星期日"))  # fmt: skip
    return _("（{weekday}）").format(weekday=names[r.start.weekday()])


def _notes(r: DailyReport) -> list[Flowable]:
    s = all_styles()
    lines = [
        _(
            "说明：时长以分钟计，等候时长自取号至首次叫号，办理时长自开始办理至办结；"
            "“90 分位”指 90% 的号在此时长以内；差评指 1 分或 2 分的评价；"
            "“—”表示本期无可统计的数据。"
        ),
    ]
    if r.source:
        lines.append(_("数据来源：{source}。").format(source=r.source))
    return [Spacer(1, 4 * mm), *[para(line, s.small) for line in lines]]


def report_section(r: DailyReport) -> Section:
    counters = _figures_table(_("窗口"), r.counters, r.hall, True) if r.counters else None
    clerks = _figures_table(_("工作人员"), r.clerks, None, True) if r.clerks else None
    categories = (
        _figures_table(_("业务类别"), r.categories, r.hall, False) if r.categories else None
    )
    departments = _deadlines_table(r) if r.departments else None
    lows = _low_table(r) if r.low_ratings else None
    story: list[Flowable] = [
        *_head(r),
        *heading(_("一、总体情况")),
        _summary(r),
        *heading(_("二、业务量图表"), keep=62 * mm),
        _charts(r),
        *_part(_("三、各窗口业务量"), counters),
        *_part(_("四、工作人员业务量"), clerks),
        *_part(_("五、各业务类别排队情况"), categories),
        *_part(_("六、各部门办理时限"), departments),
        *_part(_("七、差评及原因"), lows, _("本期无差评。")),
        *_notes(r),
    ]
    return Section(story, title(r), period(r))


def report_pdf(report: DailyReport) -> bytes:
    """The 业务量日报 (or the 业务量统计报表 of a range of days) as PDF bytes, A4
    landscape, as many pages as its tables need, each with the hall's name and
    第 n 页 共 m 页."""
    return build_pdf(
        [report_section(report)],
        title=f"{title(report)} {period(report)}",
        author=report.hall_name,
        subject=report.hall_code,
        layout=LAYOUT,
    )
