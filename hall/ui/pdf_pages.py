"""PDF pages through QtPdf: printing a document onto a QPrinter (off the GUI thread) and
reading the first page of a PDF file as a picture (for its QR code).

``QPdfDocument.render()`` leaves the page transparent: every image made here is put on
white first. A printer treats the transparent parts as it likes, and zxing-cpp reads
nothing on them (PITFALLS.md). Nothing here touches a widget: a QPrinter is a paint
device, and Qt allows painting on it, and on a QImage, from any one thread.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from hall.core.errors import HallError, ValidationError
from hall.core.i18n import _

log = logging.getLogger(__name__)

#: A page is rendered at most this fine for printing (a PDF printer claims 1200 dpi,
#: which for an A4 page would be a 560 MB image; 300 dpi is what laser printers resolve).
MAX_PRINT_DPI = 300
#: Fine enough for zxing-cpp to read the QR code and the Code 128 (PITFALLS.md: 150 works).
CODE_READING_DPI = 200


class PrintFailed(HallError):
    """The printer refused the job or stopped in the middle of it."""


class PdfBytes:
    """A QPdfDocument over bytes held in memory: QPdfDocument reads its device lazily, so
    the buffer lives exactly as long as the document."""

    def __init__(self, data: bytes, parent: QObject | None = None) -> None:
        self._data = QByteArray(data)
        self._buffer = QBuffer(self._data)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(parent) if parent is not None else QPdfDocument()
        self.document.load(self._buffer)
        if self.document.status() is not QPdfDocument.Status.Ready:
            self.close()
            raise ValidationError(_("无法读取这份PDF：文件已损坏，或不是PDF。"))

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def close(self) -> None:
        self.document.close()
        self._buffer.close()


def page_size_at(document: QPdfDocument, page: int, dpi: float) -> QSize:
    """The page's size in pixels at ``dpi`` (the PDF measures pages in points, 1/72 in)."""
    points = document.pagePointSize(page)
    return QSize(
        max(1, round(points.width() * dpi / 72)), max(1, round(points.height() * dpi / 72))
    )


def render_on_white(document: QPdfDocument, page: int, size: QSize) -> QImage:
    """Page ``page`` rendered to ``size`` pixels, on an opaque white background."""
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.drawImage(0, 0, document.render(page, size))
    painter.end()
    return image


def _pages_to_print(printer: QPrinter, count: int) -> list[int]:
    """The pages the print dialog asked for (``fromPage`` counts from 1; 0 means all)."""
    first, last = printer.fromPage(), printer.toPage()
    if first <= 0 and last <= 0:
        return list(range(count))
    first = max(first, 1)
    last = count if last <= 0 else min(last, count)
    return list(range(first - 1, last))


def print_pdf(data: bytes, printer: QPrinter) -> int:
    """Paint every page of the PDF ``data`` onto ``printer`` at its real size (shrunk
    only where the paper's printable area is smaller); returns the pages printed.

    Runs on a worker thread. Raises ``PrintFailed`` when the printer cannot start or
    stops, ``ValidationError`` when ``data`` is not a PDF."""
    pdf = PdfBytes(data)
    try:
        pages = _pages_to_print(printer, pdf.page_count)
        if not pages:
            raise PrintFailed(_("所选的页码范围内没有页面。"))
        # A printer that makes copies itself is told the count; for the others, repeat.
        copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintFailed(
                _("打印机无法开始打印（打印机是否已连接、已开机？）。可以先另存为PDF。")
            )
        try:
            _paint(pdf.document, printer, painter, pages * copies)
        finally:
            ended = painter.end()
        if not ended or printer.printerState() is QPrinter.PrinterState.Error:
            raise PrintFailed(_("打印中途出错，打印机没有完成这份文书。请检查打印机后重试。"))
        return len(pages) * copies
    finally:
        pdf.close()


def _paint(document: QPdfDocument, printer: QPrinter, painter: QPainter, pages: list[int]) -> None:
    resolution = printer.resolution()
    dpi = min(resolution, MAX_PRINT_DPI)
    for n, page in enumerate(pages):
        if n and not printer.newPage():
            raise PrintFailed(_("打印机无法换页，打印已停止。"))
        image = render_on_white(document, page, page_size_at(document, page, dpi))
        real = page_size_at(document, page, resolution)
        area = painter.viewport()  # the printable area, in the printer's pixels
        scale = min(1.0, area.width() / real.width(), area.height() / real.height())
        painter.drawImage(QRectF(0, 0, real.width() * scale, real.height() * scale), image)
        log.debug("printed page %s of %s at %s dpi", page + 1, document.pageCount(), dpi)


def pages_of_file(path: Path, dpi: int = CODE_READING_DPI, limit: int = 10) -> Iterator[QImage]:
    """The pages of the PDF file at ``path`` (the first ``limit``), one at a time, on
    white, at ``dpi``.

    Raises ``ValidationError`` when the file cannot be read as a PDF."""
    document = QPdfDocument()
    try:
        error = document.load(str(path))
        if error is not QPdfDocument.Error.None_ or document.pageCount() < 1:
            if error is QPdfDocument.Error.FileNotFound:
                raise ValidationError(_("找不到文件：{path}").format(path=path))
            raise ValidationError(_("无法打开这个PDF文件：它已损坏、有密码保护，或不是PDF。"))
        for page in range(min(limit, document.pageCount())):
            yield render_on_white(document, page, page_size_at(document, page, dpi))
    finally:
        document.close()


def to_pil(image: QImage) -> Image.Image:
    """A greyscale Pillow copy of ``image`` (for zxing-cpp); rows keep Qt's padding."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    data = bytes(grey.constBits())
    return Image.frombuffer(
        "L", (grey.width(), grey.height()), data, "raw", "L", grey.bytesPerLine(), 1
    )
