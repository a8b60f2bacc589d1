"""Reading a PDF back: its text per page, its metadata, and the fonts its pages use."""

from __future__ import annotations

import io
import re
from typing import Any

from pypdf import PdfReader


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in reader(pdf).pages]


def font_sizes(pdf: bytes, page: int = 0) -> list[tuple[str, float]]:
    """``(text, size in points)`` of each text run drawn on ``page``, the size as printed
    (the font size scaled by the text and the graphics matrices, e.g. a shrunk frame)."""
    runs: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        a, b, c, d = (
            tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3],
            tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3],
        )  # fmt: skip
        if text.strip():
            runs.append((text, size * abs(a * d - b * c) ** 0.5))

    reader(pdf).pages[page].extract_text(visitor_text=visit)
    return runs


def compact(text: str) -> str:
    """``text`` without whitespace: where a line wrapped does not matter."""
    return re.sub(r"\s+", "", text)


def all_text(pdf: bytes) -> str:
    return compact("".join(pages_text(pdf)))


def _fonts(resources: Any, seen: set[int]) -> list[tuple[str, Any]]:
    """Every font dictionary reachable from page ``resources`` (form XObjects included)."""
    found: list[tuple[str, Any]] = []
    if resources is None:
        return found
    resources = resources.get_object()
    for _key, ref in (resources.get("/Font") or {}).items():
        font = ref.get_object()
        if id(font) not in seen:
            seen.add(id(font))
            found.append((str(font.get("/BaseFont")), font))
    for _key, ref in (resources.get("/XObject") or {}).items():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form":
            found += _fonts(xobject.get("/Resources"), seen)
    return found


def _embedded(font: Any) -> bool:
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and "/FontFile2" in descriptor.get_object()


def fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """``(BaseFont, embedded as TrueType)`` for every font the pages use: embedded means
    a /FontFile2 in its descriptor (or in each descendant's, for a Type0 font)."""
    seen: set[int] = set()
    out = []
    for page in reader(pdf).pages:
        for name, font in _fonts(page.get("/Resources"), seen):
            parts = [d.get_object() for d in font.get("/DescendantFonts") or []] or [font]
            out.append((name, all(_embedded(part) for part in parts)))
    return out
