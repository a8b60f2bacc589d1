"""The charts of the daily report (业务量日报): tickets per hour, the waiting-time
distribution and the items by reform mode, each a vector ``Drawing`` with its title.

A value axis starts at 0 and steps by whole numbers (reportlab's own choice starts
near the smallest bar and may step by 0.5 tickets). A chart with nothing to draw is a
frame saying so, the same size as the chart, so the page keeps its shape.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import BarChart, HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from hall.core.i18n import _
from hall.printing.fonts import ensure_font
from hall.printing.report_data import HourCount, ModeCount, WaitBucket
from hall.printing.styles import GREY, RULE

DARK = colors.Color(0.13, 0.30, 0.50)  # the first series; tells apart from LIGHT in grey
LIGHT = colors.Color(0.58, 0.73, 0.88)
GRID = colors.Color(0.86, 0.86, 0.86)
TITLE_SIZE = 9.5
LABEL_SIZE = 7.5
TOP = 20  # points above the plot: the title (and the legend)


def _frame(width: float, height: float, title: str) -> Drawing:
    # The renderer starts each drawing in Helvetica, which the PDF would list unembedded.
    drawing = Drawing(width, height, initialFontName=ensure_font(), initialFontSize=LABEL_SIZE)
    drawing.add(
        String(width / 2, height - TITLE_SIZE - 2, title, fontName=ensure_font(),
               fontSize=TITLE_SIZE, textAnchor="middle", fillColor=colors.black)
    )  # fmt: skip
    return drawing


def _no_data(width: float, height: float, title: str) -> Drawing:
    drawing = _frame(width, height, title)
    drawing.add(
        Rect(4, 4, width - 8, height - TOP - 8, strokeColor=RULE, strokeWidth=0.5,
             strokeDashArray=[2, 2], fillColor=None)
    )  # fmt: skip
    drawing.add(
        String(width / 2, (height - TOP) / 2 - 4, _("无数据"), fontName=ensure_font(),
               fontSize=10, textAnchor="middle", fillColor=GREY)
    )  # fmt: skip
    return drawing


def _step(top: int) -> int:
    """A whole step of 1, 2 or 5 times a power of ten giving at most about five ticks."""
    raw = max(top, 1) / 5
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    return next(int(m * magnitude) for m in (1, 2, 5, 10) if m * magnitude >= raw)


def _style(chart: BarChart, top: int, labels: bool) -> None:
    """Fonts, the scale from 0, grid lines, and the counts on the bars (when they fit)."""
    font = ensure_font()
    step = _step(top)
    value, category = chart.valueAxis, chart.categoryAxis
    value.valueMin = 0  # else the axis starts near the smallest bar, which may vanish
    value.valueStep = step
    value.valueMax = step * (top // step + 1)  # room above the tallest bar for its count
    value.labelTextFormat = "%d"
    value.visibleGrid = True
    value.gridStrokeColor = GRID
    value.gridStrokeWidth = 0.5
    value.strokeColor = RULE
    value.labels.fontName = font
    value.labels.fontSize = LABEL_SIZE
    category.strokeColor = RULE
    category.labels.fontName = font
    category.labels.fontSize = LABEL_SIZE
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = LABEL_SIZE - 1
    chart.barLabelFormat = "%d" if labels else None
    chart.barLabels.boxAnchor = "s"  # above a vertical bar (a horizontal one sets "w")
    chart.barLabels.dy = 1.5
    chart.barSpacing = 1
    chart.groupSpacing = 6


def _fit_names(chart: VerticalBarChart, names: Sequence[str], plot_width: float) -> float:
    """Category names under a vertical chart, slanted when they would run into each
    other; returns the height they take."""
    chart.categoryAxis.categoryNames = list(names)
    widest = max((stringWidth(n, ensure_font(), LABEL_SIZE) for n in names), default=0)
    labels = chart.categoryAxis.labels
    labels.boxAnchor = "n"
    labels.dy = -2
    if widest <= plot_width / max(len(names), 1) - 2:
        return LABEL_SIZE + 6
    labels.angle = 35
    labels.boxAnchor = "ne"
    labels.dx = 2
    return float(widest * math.sin(math.radians(35)) + LABEL_SIZE + 4)


def hours_chart(hours: Sequence[HourCount], width: float, height: float) -> Drawing:
    """Tickets issued and served per hour, every hour between the first and the last."""
    title = _("分时段取号与办结量")
    if not any(h.issued or h.served for h in hours):
        return _no_data(width, height, title)
    by_hour = {h.hour: h for h in hours}
    span = range(min(by_hour), max(by_hour) + 1)
    issued = [by_hour[h].issued if h in by_hour else 0 for h in span]
    served = [by_hour[h].served if h in by_hour else 0 for h in span]
    drawing = _frame(width, height, title)
    chart = VerticalBarChart()
    chart.data = [issued, served]
    chart.bars[0].fillColor, chart.bars[1].fillColor = DARK, LIGHT
    chart.bars.strokeColor = None
    _style(chart, max(*issued, *served), labels=len(span) <= 13)
    chart.x, chart.width = 30, width - 38
    below = _fit_names(chart, [_("{hour}时").format(hour=h) for h in span], chart.width)
    chart.y, chart.height = below + 4, height - TOP - below - 10
    drawing.add(chart)
    legend = Legend()
    legend.colorNamePairs = [(DARK, _("取号")), (LIGHT, _("办结"))]
    legend.fontName, legend.fontSize = ensure_font(), LABEL_SIZE
    legend.alignment = "right"
    legend.columnMaximum = 1  # side by side
    legend.boxAnchor = "ne"
    legend.x, legend.y = width - 2, height - 2
    legend.dx = legend.dy = 7
    legend.deltax = 40
    legend.strokeColor = None
    drawing.add(legend)
    return drawing


def waits_chart(buckets: Sequence[WaitBucket], width: float, height: float) -> Drawing:
    """How many tickets waited how long before their first call."""
    title = _("等候时长分布（张）")
    if not any(b.count for b in buckets):
        return _no_data(width, height, title)
    drawing = _frame(width, height, title)
    chart = VerticalBarChart()
    chart.data = [[b.count for b in buckets]]
    chart.bars[0].fillColor = DARK
    chart.bars.strokeColor = None
    _style(chart, max(b.count for b in buckets), labels=True)
    chart.x, chart.width = 30, width - 38
    below = _fit_names(chart, [b.label for b in buckets], chart.width)
    chart.y, chart.height = below + 4, height - TOP - below - 10
    drawing.add(chart)
    return drawing


def modes_chart(modes: Sequence[ModeCount], width: float, height: float) -> Drawing:
    """Sub-cases accepted per reform mode, in the catalog's order from the top."""
    title = _("按改革方式分类的受理事项（项）")
    if not any(m.count for m in modes):
        return _no_data(width, height, title)
    drawing = _frame(width, height, title)
    chart = HorizontalBarChart()
    chart.data = [[m.count for m in modes]]
    chart.bars[0].fillColor = DARK
    chart.bars.strokeColor = None
    _style(chart, max(m.count for m in modes), labels=True)
    chart.categoryAxis.categoryNames = [m.label for m in modes]
    chart.categoryAxis.reverseDirection = True  # the first mode at the top
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -3
    widest = max(stringWidth(m.label, ensure_font(), LABEL_SIZE) for m in modes)
    chart.x = widest + 8
    chart.width = width - chart.x - 14
    chart.y, chart.height = LABEL_SIZE + 10, height - TOP - LABEL_SIZE - 16
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx, chart.barLabels.dy = 2, 0
    chart.groupSpacing = 10
    drawing.add(chart)
    return drawing
