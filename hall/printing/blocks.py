"""Building blocks shared by the documents: ruled tables that break across pages with
their header repeated, label/value blocks, numbered clauses, a QR code with its caption.

A value in a table is plain text, wrapped to its column here (:func:`wrap_text`) rather
than made a ``Paragraph``: a table draws plain text as it is (it is never markup), and a
receipt's hundred-odd cells lay out in a third of the time, since a paragraph cell is
parsed once and wrapped again each time the table measures or draws it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeAlias

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, LongTable, Paragraph, Table, TableStyle

from hall.printing.codes import QR_SIDE, QrCode
from hall.printing.fonts import ensure_font
from hall.printing.styles import RULE, SHADE, esc, para, styles

Cell: TypeAlias = str | Flowable  # a str is a value, shown literally
Block: TypeAlias = Cell | list[Flowable]  # a table cell may also hold several flowables


def _table_style(commands: list[tuple[object, ...]]) -> TableStyle:
    """``commands`` and the table's own font: a table sets its cells' font before drawing
    them, Helvetica (listed unembedded) unless told, even where every cell is a paragraph."""
    return TableStyle([("FONT", (0, 0), (-1, -1), ensure_font(), 9), *commands])


PAD = 3  # points of padding left and right in a ruled table's cells
# A row of more lines than this is cut into several rows (see _chunked): a row must fit
# on a page, and reportlab's own splitting inside a row loops forever on such a row
# (and, with a repeated header, leaves a stray header at the foot of the page).
ROW_LINES = 40


# A run of ASCII letters, digits and -_./ is one word (a code, a number, a date): it
# breaks only after a hyphen, unlike Chinese, which breaks between any two characters.
_RUN = re.compile(r"([A-Za-z0-9_./-]+)|( +)|(.)", re.DOTALL)
_SEGMENT = re.compile(r"[^-]*-+|[^-]+")


def _atoms(text: str) -> list[str]:
    """``text`` as the pieces a line may break between: each Chinese character, each run
    of spaces, and each part of an ASCII word up to and including a hyphen. A character
    that may not end a line (an opening bracket or quote) sticks to what follows it."""
    from reportlab.lib.textsplit import ALL_CANNOT_END

    atoms: list[str] = []
    glue = ""
    for word, spaces, char in _RUN.findall(text):
        for part in _SEGMENT.findall(word) if word else [spaces or char]:
            if part in ALL_CANNOT_END and not spaces:
                glue += part
                continue
            atoms.append(glue + part)
            glue = ""
    if glue:
        atoms.append(glue)
    return atoms


def _wrap_line(text: str, size: float, width: float, font: str) -> list[str]:
    """One line of ``text`` (no newline in it) broken to ``width``: see :func:`wrap_text`."""
    from reportlab.lib.textsplit import ALL_CANNOT_START
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.rl_config import _FUZZ

    lines: list[str] = []
    line, used = "", 0.0
    for atom in _atoms(text):
        atom_width = float(stringWidth(atom, font, size))
        if atom.isspace():  # where a line may break; dropped where it does
            if used + atom_width <= width + _FUZZ and (line or not lines):
                line, used = line + atom, used + atom_width
            elif line:
                lines.append(line.rstrip())
                line, used = "", 0.0
            continue
        if used + atom_width <= width + _FUZZ:
            line, used = line + atom, used + atom_width
            continue
        if line.strip() and atom in ALL_CANNOT_START:
            lines.append(line + atom)  # hung in the margin rather than start a line
            line, used = "", 0.0
            continue
        if line.strip():
            lines.append(line.rstrip())
            line, used = "", 0.0
        # The atom starts a line; one wider than the line is cut as a last resort.
        for char in atom:
            char_width = float(stringWidth(char, font, size))
            if used + char_width > width + _FUZZ and line:
                lines.append(line)
                line, used = "", 0.0
            line, used = line + char, used + char_width
    if line or not lines:
        lines.append(line)
    return lines


def wrap_text(value: str, size: float, width: float) -> str:
    """``value`` broken into lines no wider than ``width`` at ``size`` points, joined by
    newlines, keeping line breaks already there.

    Chinese breaks between any two characters; a run of ASCII letters, digits and
    ``-_./`` (a code such as ``SAMR-002-C01-2026-00001``, a date, a number) is a word that
    breaks only after a hyphen, and is cut elsewhere only when a part of it is wider than
    the whole line. Lines also break at spaces, which they drop. A closing punctuation
    mark is hung at the end of a line rather than start one, an opening one is never
    left at the end of one (the rules of reportlab's paragraphs, with the Chinese marks
    added in styles.py)."""
    font = ensure_font()
    styles()  # the Chinese line-breaking rules
    out: list[str] = []
    for part in value.split("\n"):
        out += _wrap_line(part, size, width, font)
    return "\n".join(out)


def balanced(value: str, size: float, width: float) -> str:
    """``value`` wrapped to ``width`` (:func:`wrap_text`) in as few lines, but each about
    as long as the others: a title of two lines breaks near its middle rather than leave
    a word or two alone on the second."""
    lines = wrap_text(value, size, width).count("\n") + 1
    if lines == 1:
        return value
    low, high = width / lines, width  # the narrowest width that keeps as few lines
    for _step in range(16):
        middle = (low + high) / 2
        if wrap_text(value, size, middle).count("\n") + 1 > lines:
            low = middle
        else:
            high = middle
    return wrap_text(value, size, high)


def _chunked(row: list[Cell]) -> list[list[Cell]]:
    """``row`` as one or more rows of at most :data:`ROW_LINES` lines each, every cell's
    text continuing in the same column of the next (nothing is left out)."""
    split = [c.split("\n") if isinstance(c, str) else None for c in row]
    tallest = max((len(lines) for lines in split if lines is not None), default=1)
    if tallest <= ROW_LINES:
        return [row]
    out = []
    for start in range(0, tallest, ROW_LINES):
        out.append(
            [
                "\n".join(lines[start : start + ROW_LINES]) if lines is not None
                else (cell if start == 0 else "")
                for cell, lines in zip(row, split, strict=True)
            ]
        )  # fmt: skip
    return out


def _lines(row: Sequence[Cell]) -> int:
    return max((c.count("\n") + 1 for c in row if isinstance(c, str)), default=1)


def _cell(value: Cell) -> Flowable:
    return para(value, styles().body) if isinstance(value, str) else value


def grid_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    centered: Sequence[int] = (),
) -> Table:
    """A ruled table whose header row repeats on every page it runs onto.

    A row moves whole to the next page; one too tall for a page continues in further
    rows (:func:`_chunked`)."""
    cell = styles().cell
    size, leading = cell.fontSize, cell.leading

    def text(value: Cell, width: float) -> Cell:
        return wrap_text(value, size, width - 2 * PAD) if isinstance(value, str) else value

    data = [[text(h, w) for h, w in zip(header, widths, strict=True)]]
    for row in rows:
        data += _chunked([text(v, w) for v, w in zip(row, widths, strict=True)])
    table = LongTable(data, colWidths=list(widths), repeatRows=1, splitInRow=0)
    # The header and first row: what a heading above the table must keep on its page.
    table.lead_height = sum(_lines(row) * leading + 6 for row in data[:2])
    table.setStyle(
        _table_style(
            [
                ("FONT", (0, 0), (-1, -1), ensure_font(), size, leading),
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),
                *[("ALIGN", (i, 1), (i, -1), "CENTER") for i in centered],
                ("GRID", (0, 0), (-1, -1), 0.5, RULE),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
            ]
        )
    )
    return table


def field_table(
    fields: Sequence[tuple[str, Block]],
    width: float,
    label_width: float = 42 * mm,
    label_style: ParagraphStyle | None = None,
    value_style: ParagraphStyle | None = None,
) -> Table:
    """Label and value pairs, one a line, the values wrapping in their column."""
    s = styles()
    label_style, value_style = label_style or s.label, value_style or s.body
    value_width = width - label_width - 4

    def value_cell(value: Block) -> Block:
        if isinstance(value, str):
            return wrap_text(value, value_style.fontSize, value_width)
        return value

    data: list[list[Block]] = []
    for label, value in fields:
        label_text = wrap_text(label, label_style.fontSize, label_width - 4)
        data += _chunked([label_text, value_cell(value)])
    table = Table(data, colWidths=[label_width, width - label_width], splitInRow=0)
    table.setStyle(
        _table_style(
            [
                ("FONT", (0, 0), (0, -1), ensure_font(), label_style.fontSize,
                 label_style.leading),
                ("TEXTCOLOR", (0, 0), (0, -1), label_style.textColor),
                ("FONT", (1, 0), (1, -1), ensure_font(), value_style.fontSize,
                 value_style.leading),
                ("TEXTCOLOR", (1, 0), (1, -1), value_style.textColor),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )  # fmt: skip
    table.hAlign = "LEFT"
    return table


def numbered(values: Sequence[str], style_name: str = "item") -> list[Paragraph]:
    """``1.``, ``2.`` … clauses with a hanging indent."""
    style = getattr(styles(), style_name)
    return [Paragraph(esc(v), style, bulletText=f"{n}.") for n, v in enumerate(values, 1)]


_ALIGN = {0: "LEFT", 1: "CENTER", 2: "RIGHT", 4: "LEFT"}  # ParagraphStyle.alignment


def _no_padding() -> list[tuple[object, ...]]:
    return [
        (side, (0, 0), (-1, -1), 0)
        for side in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")
    ]


def text_block(texts: Sequence[str], style: ParagraphStyle, width: float) -> Table:
    """Lines of plain text (each wrapped to ``width``) in ``style``'s font, size, colour
    and alignment: a seal's lines, a caption, a note beside a code."""
    text = "\n".join(wrap_text(t, style.fontSize, width) for t in texts if t)
    table = Table([[text]], colWidths=[width])
    table.setStyle(
        _table_style(
            [
                ("FONT", (0, 0), (-1, -1), ensure_font(), style.fontSize, style.leading),
                ("TEXTCOLOR", (0, 0), (-1, -1), style.textColor),
                ("ALIGN", (0, 0), (-1, -1), _ALIGN.get(style.alignment, "LEFT")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                *_no_padding(),
            ]
        )
    )
    table.hAlign = "LEFT"
    return table


def qr_block(payload: str, caption: str, side: float = QR_SIDE) -> Table:
    """The QR code with its caption under it, kept together."""
    code = QrCode(payload, side=side)
    width = code.size + 4 * mm
    table = Table([[code], [text_block([caption], styles().caption, width)]], colWidths=[width])
    table.setStyle(_table_style([("ALIGN", (0, 0), (-1, -1), "CENTER"), *_no_padding()]))
    return table


def columns(cells: Sequence[Block], widths: Sequence[float], valign: str = "BOTTOM") -> Table:
    """Blocks next to each other without rules (a seal beside a QR code, a line of facts)."""
    data = [[_cell(c) if isinstance(c, str) else c for c in cells]]
    table = Table(data, colWidths=list(widths))
    table.setStyle(_table_style([("VALIGN", (0, 0), (-1, -1), valign), *_no_padding()]))
    table.hAlign = "LEFT"
    return table


def seal(texts: Sequence[str], width: float = 62 * mm) -> Table:
    """Where the seal goes: the kind of seal, the hall or department, the date."""
    return text_block(texts, styles().seal, width)
