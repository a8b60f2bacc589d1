"""The page around every document: the hall's name as a running header, the document's
title and number on its later pages, "第 n 页 共 m 页", and the copy mark of a reprint.

A PDF may hold several documents (the commitment letters of a case): each is a
:class:`Section` that starts on a new page and counts its own pages. The total of a
section is known only once all of it is laid out, so the canvas keeps its pages and
draws the header and footer on them when it is saved (the "page n of m" recipe of the
reportlab documentation, per section).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate

from hall.core.i18n import _
from hall.printing.fonts import ensure_font
from hall.printing.styles import GREY, MARK, RULE, styles

Painter = Callable[[Canvas, float, float], None]  # canvas, page width, page height


@dataclass(frozen=True)
class Section:
    """One document: its flowables, and what the running header says on its later pages."""

    story: list[Flowable]
    title: str
    number: str = ""
    copy: int = 0


@dataclass(frozen=True)
class Layout:
    size: tuple[float, float] = A4
    margins: tuple[float, float, float, float] = (18 * mm, 18 * mm, 24 * mm, 18 * mm)  # l r t b
    header: bool = True  # the hall's name and a rule at the top
    numbered: bool = True  # 第 n 页 共 m 页 at the bottom
    stamp: bool = True  # the copy mark at the top right (else the story prints its own)
    background: Painter | None = field(default=None)  # drawn under the content
    # A certificate has no header on its first page, and page numbers only when it runs
    # onto a continuation page (in its frame, at ``footer``).
    header_on_first: bool = True  # else the header starts on a section's second page
    number_single: bool = True  # number a section of one page (第 1 页 共 1 页)
    footer: float | None = None  # the page number's baseline; else half the bottom margin


PORTRAIT = Layout()


def copy_mark(copy: int) -> str:
    """The mark of a reprint: 补打件, never 副本, which on a license is the official
    duplicate the holder is issued beside the original."""
    return _("补打件（第 {n} 次）").format(n=copy)


class _SectionStart(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """Zero-sized: tells the canvas that the page it is on belongs to section ``index``."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.hall_section = self.index


class _DecoratingCanvas(Canvas):  # type: ignore[misc]
    def __init__(
        self, *args: Any, hall_issuer: str, hall_sections: Sequence[Section],
        hall_layout: Layout, **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.hall_issuer = hall_issuer
        self.hall_sections = hall_sections
        self.hall_layout = hall_layout
        self.hall_section = 0
        self.hall_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self.hall_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        totals: dict[int, int] = {}
        for state in self.hall_pages:
            totals[state["hall_section"]] = totals.get(state["hall_section"], 0) + 1
        seen: dict[int, int] = {}
        for state in self.hall_pages:
            self.__dict__.update(state)
            index = state["hall_section"]
            seen[index] = seen.get(index, 0) + 1
            self._decorate(self.hall_sections[index], seen[index], totals[index])
            super().showPage()
        super().save()

    def _decorate(self, section: Section, page: int, pages: int) -> None:
        layout, font = self.hall_layout, ensure_font()
        width, height = layout.size
        left, right, top, bottom = layout.margins
        self.saveState()
        base = height - top + 7 * mm
        edge = width - right
        if section.copy > 0 and layout.stamp:
            edge = self._stamp(copy_mark(section.copy), edge, base) - 4 * mm
        if layout.header and (page > 1 or layout.header_on_first):
            self.setFont(font, 9)
            self.setFillColor(GREY)
            self.drawString(left, base, self.hall_issuer)
            if page > 1:
                self.drawRightString(edge, base, f"{section.title}  {section.number}".strip())
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(left, base - 3 * mm, width - right, base - 3 * mm)
        if layout.numbered and (pages > 1 or layout.number_single):
            self.setFont(font, 9)
            self.setFillColor(GREY)
            text = _("第 {page} 页 共 {pages} 页").format(page=page, pages=pages)
            foot = bottom / 2 if layout.footer is None else layout.footer
            self.drawCentredString(width / 2, foot, text)
        self.restoreState()

    def _stamp(self, text: str, right: float, base: float) -> float:
        """Draw the copy mark ending at ``right``; returns where it starts."""
        size = 10
        text_width = float(stringWidth(text, ensure_font(), size))
        x = right - text_width - 4 * mm
        self.setStrokeColor(MARK)
        self.setFillColor(MARK)
        self.setLineWidth(1)
        self.rect(x, base - 1.6 * mm, text_width + 4 * mm, size + 2.6 * mm, stroke=1, fill=0)
        self.setFont(ensure_font(), size)
        self.drawString(x + 2 * mm, base + 0.2 * mm, text)
        return float(x)


def build_pdf(
    sections: Sequence[Section],
    *,
    title: str,
    author: str,
    subject: str = "",
    layout: Layout = PORTRAIT,
) -> bytes:
    """Lay ``sections`` out, each from a new page, and return the PDF.

    ``author`` (the hall's name) also heads every page; ``title`` and ``subject`` go into
    the PDF's metadata, which viewers show as the window title.
    """
    font = ensure_font()
    styles()  # also sets reportlab up for the documents
    out = io.BytesIO()
    width, height = layout.size
    left, right, top, bottom = layout.margins
    doc = BaseDocTemplate(
        out,
        pagesize=layout.size,
        leftMargin=left, rightMargin=right, topMargin=top, bottomMargin=bottom,
        title=title, author=author, subject=subject, creator="hall",
        lang="zh-CN",
        # The canvas's first font would otherwise be Helvetica, listed unembedded.
        initialFontName=font, initialFontSize=10, initialLeading=12,
    )  # fmt: skip
    frame = Frame(left, bottom, width - left - right, height - top - bottom, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)  # fmt: skip
    painter = layout.background

    def on_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        if painter is not None:
            canvas.saveState()
            painter(canvas, width, height)
            canvas.restoreState()

    doc.addPageTemplates([PageTemplate("page", [frame], onPage=on_page, pagesize=layout.size)])
    story: list[Flowable] = []
    for index, section in enumerate(sections):
        if index:
            story.append(PageBreak())
        story.append(_SectionStart(index))
        story.extend(section.story)
    maker = functools.partial(
        _DecoratingCanvas, hall_issuer=author, hall_sections=sections, hall_layout=layout
    )
    doc.build(story, canvasmaker=maker)
    return out.getvalue()
