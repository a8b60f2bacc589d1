"""Reading the codes in a file the clerk picks: a photo or scan (through Pillow), or a
PDF (its pages rendered by QtPdf on white, from the first, until one holds a code of
ours: a two-page receipt has its code at the end). Runs on a worker thread."""

from __future__ import annotations

from pathlib import Path

from hall.services.code_image import payload_of, read_codes, read_codes_from_file
from hall.services.payload import PREFIX
from hall.ui.pdf_pages import pages_of_file, to_pil

__all__ = ["IMAGE_SUFFIXES", "codes_in_file", "is_pdf", "payload_of"]

#: What the open dialog offers (the names a file of each kind usually has).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")


def is_pdf(path: Path) -> bool:
    """A PDF by its first bytes (a saved document renamed, or one without a suffix)."""
    if path.suffix.lower() == ".pdf":
        return True
    try:
        with path.open("rb") as f:
            return f.read(5) == b"%PDF-"
    except OSError:
        return False  # read_codes_from_file says why


def codes_in_file(path: Path) -> list[str]:
    """Every code found in the picture at ``path``, or on the first page of the PDF there
    that holds one of ours (else every code found on its pages).

    Raises ``ValidationError`` with a message for the clerk when it cannot be read."""
    if not is_pdf(path):
        return read_codes_from_file(path)
    found: list[str] = []
    for page in pages_of_file(path):
        codes = read_codes(to_pil(page))
        if any(c.strip().startswith(PREFIX) for c in codes):
            return codes
        found += codes
    return found
