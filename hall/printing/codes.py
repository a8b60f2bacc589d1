"""QR codes and Code 128 barcodes drawn as vector rectangles (never bitmaps), so they stay
sharp at any printer resolution and add a few kilobytes, not a picture.

QR: the matrix comes from zxing-cpp (error correction M), which the program has anyway
to read codes. Per 260-character code, made and drawn on a canvas (``make bench``, 2-core
VM, 2026-12): zxing-cpp about 1 ms, segno 12-13 ms (most of it choosing the mask in pure
Python), reportlab's own ``QrCodeWidget`` 55-60 ms (the issue's note: segno 7 ms vs 24 ms
on a faster machine). Each row's run of dark modules is one rectangle, all of them one
filled path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from hall.printing.fonts import ensure_font

QR_SIDE = 25 * mm  # the symbol (without quiet zone) of a payload up to ~300 characters
QR_MIN_MODULE = 0.45 * mm  # longer payloads print larger rather than finer
QR_QUIET = 4  # modules of white around the symbol (ISO/IEC 18004)
BAR_MODULE = 0.36 * mm  # a Code 128 module: 2 pixels at 150 dpi, where scanners still read it
BAR_HEIGHT = 10 * mm
BAR_QUIET = 10  # modules of white on each side
_DARK = re.compile(rb"\x01+")


# zxing-cpp paints dark modules 0 and light ones 255; rows here are 1 for dark.
_MODULES = bytes.maketrans(b"\x00\xff", b"\x01\x00")


def qr_matrix(payload: str) -> Sequence[bytes]:
    """The QR symbol of ``payload`` as rows of 0/1 bytes (1 dark), without quiet zone,
    at error correction M as designed (payload.py sizes the codes at M)."""
    import zxingcpp

    code = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    symbol = code.to_image(scale=1, add_quiet_zones=False)
    height, width = symbol.shape
    cells = bytes(memoryview(symbol)).translate(_MODULES)  # type: ignore[arg-type]
    return [cells[y * width : (y + 1) * width] for y in range(height)]


def runs(row: Sequence[int] | str) -> Iterator[tuple[int, int]]:
    """``(start, length)`` of each run of dark cells (1, or "1") in ``row``."""
    dark = re.finditer(r"1+", row) if isinstance(row, str) else _DARK.finditer(bytes(row))
    for match in dark:
        yield match.start(), match.end() - match.start()


class QrCode(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """A QR code with its quiet zone, ``side`` wide at least (the symbol without the
    quiet zone), larger when its modules would be finer than ``min_module``."""

    def __init__(
        self, payload: str, side: float = QR_SIDE, min_module: float = QR_MIN_MODULE
    ) -> None:
        super().__init__()
        self.payload = payload
        self.matrix = qr_matrix(payload)
        count = len(self.matrix)
        self.module = max(side / count, min_module)
        self.size = (count + 2 * QR_QUIET) * self.module
        self.hAlign = "CENTER"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        # In module units, so every rectangle is four small integers: formatting floats
        # in pure Python (reportlab's fallback without rl_accel) cost more than the code.
        canvas, count = self.canv, len(self.matrix)
        ops = [
            f"{QR_QUIET + x} {count - 1 - y + QR_QUIET} {length} 1 re"
            for y, row in enumerate(self.matrix)
            for x, length in runs(row)
        ]
        canvas.saveState()
        canvas.scale(self.module, self.module)
        canvas.setFillColorRGB(0, 0, 0)
        canvas.addLiteral("\n".join(ops) + "\nf")
        canvas.restoreState()


def code128_modules(text: str) -> str:
    """The Code 128 symbol of ``text`` as a string of ``1`` (bar) and ``0`` (space)."""
    import barcode  # python-barcode; ~50 ms to import

    return str(barcode.get_barcode_class("code128")(text).build()[0])


class Code128(Flowable):  # type: ignore[misc]
    """A Code 128 barcode of ``text``, with quiet zones and the text printed below."""

    def __init__(
        self,
        text: str,
        module: float = BAR_MODULE,
        height: float = BAR_HEIGHT,
        font_size: float = 9,
    ) -> None:
        super().__init__()
        self.text = text
        self.modules = code128_modules(text)
        self.module = module
        self.bar_height = height
        self.font_size = font_size
        self.width = (len(self.modules) + 2 * BAR_QUIET) * module
        self.height = height + font_size * 1.4
        self.text_size = font_size  # smaller for a long text (see wrap)
        self.hAlign = "LEFT"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # A long number gets finer bars rather than running out of its column.
        count = len(self.modules) + 2 * BAR_QUIET
        self.module = min(self.module, avail_width / count)
        self.width = count * self.module
        # The number under it no wider than the bars, however long it is.
        bars = len(self.modules) * self.module
        one_pt = float(stringWidth(self.text, ensure_font(), 1)) or 1.0
        self.text_size = min(self.font_size, bars / one_pt)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        ops = [f"{BAR_QUIET + x} 0 {length} 1 re" for x, length in runs(self.modules)]
        canvas.saveState()
        canvas.setFillColorRGB(0, 0, 0)
        canvas.saveState()
        canvas.translate(0, self.height - self.bar_height)
        canvas.scale(self.module, self.bar_height)
        canvas.addLiteral("\n".join(ops) + "\nf")
        canvas.restoreState()
        canvas.setFont(ensure_font(), self.text_size)
        canvas.drawCentredString(self.width / 2, self.font_size * 0.3, self.text)
        canvas.restoreState()
