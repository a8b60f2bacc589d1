"""Paragraph styles, dates as printed, and the one way a field value becomes paragraph
text.

A ``Paragraph`` parses its text as markup: a holder named ``<b>A&B</b> 公司`` would
raise or lose characters. :func:`esc` is the only path from a value to a paragraph (and
:func:`para` the only way documents make one from a value), so every value prints
exactly as it is. Table cells take plain text, never parsed (see blocks.py).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph

from hall.core.i18n import _
from hall.printing.fonts import ensure_font

DASH = "—"  # printed for a missing value
INK = colors.black
GREY = colors.Color(0.35, 0.35, 0.35)
RULE = colors.Color(0.55, 0.55, 0.55)
SHADE = colors.Color(0.92, 0.92, 0.92)
MARK = colors.Color(0.75, 0.1, 0.1)  # the copy mark


def esc(value: object) -> str:
    """``value`` as paragraph text that shows exactly its characters (line breaks kept)."""
    return escape(str(value)).replace("\n", "<br/>")


def cn_date(day: date | None) -> str:
    """``2026年12月01日``; the dash for no date. Built by hand rather than with
    ``strftime``, which mishandles non-ASCII formats under some Windows locales."""
    if day is None:
        return DASH
    # The order and the words of a date are the language's (English: 1 December 2026).
    return _("{year:04d}年{month:02d}月{day:02d}日").format(
        year=day.year, month=day.month, day=day.day
    )


def cn_datetime(moment: datetime) -> str:
    """``2026年12月01日 09:30`` in the moment's own zone (the caller chose it)."""
    return f"{cn_date(moment.date())} {moment.strftime('%H:%M')}"


def or_dash(value: str) -> str:
    return value.strip() or DASH


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    number: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    indented: ParagraphStyle
    item: ParagraphStyle
    small: ParagraphStyle
    caption: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    label: ParagraphStyle
    seal: ParagraphStyle


# Chinese punctuation that may not start a line. reportlab's list (lib/textsplit.py) is
# Japanese: without these a "；" or "，" that falls at the end of a full line is pushed
# alone onto the next one. reportlab hangs such a character in the margin instead.
_CANNOT_START = "，。、；：！？）》」』】〕〉”’…"


def _configure_reportlab() -> None:
    """Process-wide reportlab settings of the documents (set once, before the first)."""
    from reportlab import rl_config
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    # Streams are deflated only, not also ASCII85-encoded: without reportlab's optional C
    # accelerator the encoding is pure Python, a fifth of a license's time; and the file
    # is a quarter smaller. Every PDF reader takes binary streams.
    rl_config.useA85 = 0

    # Both modules read the list: textsplit for one-run paragraphs, paragraph for others.
    for module in (textsplit, paragraph):
        missing = "".join(ch for ch in _CANNOT_START if ch not in module.ALL_CANNOT_START)
        module.ALL_CANNOT_START += missing


@functools.cache
def styles() -> Styles:
    """The shared styles (built after the font is registered: wrapping needs metrics)."""
    font = ensure_font()
    _configure_reportlab()
    # CJK wrapping breaks between any two characters: a long name or an unbroken code
    # wraps inside its column instead of running over it.
    base = ParagraphStyle(
        "hall", fontName=font, fontSize=10.5, leading=15.5, textColor=INK, wordWrap="CJK"
    )

    def derive(name: str, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    cell = derive("cell", fontSize=8.5, leading=11.5)
    return Styles(
        title=derive("title", fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=6),
        subtitle=derive("subtitle", fontSize=11, leading=16, alignment=TA_CENTER),
        number=derive("number", fontSize=10, alignment=TA_RIGHT, spaceAfter=6),
        heading=derive("heading", fontSize=12, leading=18, spaceBefore=6, spaceAfter=2),
        body=derive("body", alignment=TA_LEFT),
        indented=derive("indented", firstLineIndent=21),
        item=derive("item", leftIndent=24, bulletIndent=6, bulletFontName=font, spaceAfter=0.5),
        small=derive("small", fontSize=8.5, leading=12.5, textColor=GREY),
        caption=derive("caption", fontSize=8, leading=10, alignment=TA_CENTER, textColor=GREY),
        cell=cell,
        cell_center=ParagraphStyle("cell_center", parent=cell, alignment=TA_CENTER),
        label=derive("label", fontSize=10, leading=15, textColor=GREY),
        seal=derive("seal", alignment=TA_CENTER, leading=18),
    )


def para(value: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph showing ``value`` literally."""
    return Paragraph(esc(value), style)


def heading(text: str, keep: float = 0) -> list[Flowable]:
    """A section heading that never ends a page: with less than 25 mm (or ``keep`` points
    besides the heading) left it starts the next one. (``keepWithNext`` would move a long
    table whole to a new page.)"""
    return [CondPageBreak(max(25 * mm, keep + 10 * mm)), para(text, styles().heading)]
