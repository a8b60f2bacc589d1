"""A queue ticket for an 80 mm receipt printer: one page exactly as tall as its content,
so the printer cuts after the last line instead of feeding a blank A4's length."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, Spacer

from hall.core.i18n import _
from hall.printing.codes import QrCode
from hall.printing.data import Ticket
from hall.printing.frame import Layout, Section, build_pdf, copy_mark
from hall.printing.styles import MARK, RULE, cn_datetime, para, styles

PAPER = 80 * mm
MARGIN = 4 * mm
TOP = 5 * mm
SLACK = 3 * mm  # rounding between measuring and laying out must not push a second page


def _story(t: Ticket) -> list[Flowable]:
    s = styles()
    center = s.subtitle
    big = center.clone("ticket_number", fontSize=44, leading=52, spaceBefore=2, spaceAfter=2)
    story: list[Flowable] = [
        para(t.hall_name, center.clone("ticket_hall", fontSize=11, leading=15)),
        HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=2, spaceAfter=3),
        para(t.category, center.clone("ticket_category", fontSize=13, leading=18)),
        para(t.number, big),
        para(_("前面还有 {n} 人等候").format(n=t.people_ahead), center),
    ]
    if t.priority:
        story.append(para(t.priority, center.clone("ticket_priority", fontSize=12, leading=18)))
    if t.copy > 0:
        story.append(para(copy_mark(t.copy), center.clone("ticket_copy", textColor=MARK)))
    story += [
        HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=3, spaceAfter=3),
        para(_("取号时间：{moment}").format(moment=cn_datetime(t.issued_at)), s.cell_center),
        Spacer(1, 1 * mm),
        QrCode(t.qr, side=20 * mm, min_module=0.4 * mm),
    ]
    if t.note:
        story.append(para(t.note, s.cell_center))
    return story


def _height(story: list[Flowable], width: float) -> float:
    total = 0.0
    for flowable in story:
        _w, h = flowable.wrap(width, 10_000)
        total += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def ticket_pdf(t: Ticket) -> bytes:
    """The ticket as a one-page PDF, 80 mm wide and as tall as its content."""
    story = _story(t)
    height = _height(story, PAPER - 2 * MARGIN) + 2 * TOP + SLACK
    layout = Layout(
        size=(PAPER, height),
        margins=(MARGIN, MARGIN, TOP, TOP),
        header=False,
        numbered=False,
        stamp=False,  # the story prints the copy mark: the page has no room above it
    )
    return build_pdf(
        [Section(story, t.number, t.number, t.copy)],
        title=_("排队号 {number}").format(number=t.number),
        author=t.hall_name,
        subject=t.category,
        layout=layout,
    )
