"""Render a PDF page with QtPdf and read its codes with zxing-cpp, as a scanner would from
paper: reusable by any test that prints (``decode_codes(pdf)``).

Needs a ``QGuiApplication`` (pytest-qt's ``qapp`` fixture) and ``QT_QPA_PLATFORM=offscreen``.
QtPdf renders onto a transparent image: it is composited onto white first, or the dark
modules would sit on black.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument


def render_page(pdf: bytes, page: int = 0, dpi: int = 200) -> QImage:
    """Page ``page`` of ``pdf`` as an opaque grayscale image at ``dpi``."""
    data = QByteArray(pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc = QPdfDocument()
    doc.load(buffer)
    assert doc.status() == QPdfDocument.Status.Ready, doc.error()
    points = doc.pagePointSize(page)
    size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
    rendered = doc.render(page, size)
    doc.close()
    white = QImage(size, QImage.Format.Format_RGB32)
    white.fill(0xFFFFFFFF)
    painter = QPainter(white)
    painter.drawImage(0, 0, rendered)
    painter.end()
    return white.convertToFormat(QImage.Format.Format_Grayscale8)


def decode_codes(pdf: bytes, page: int = 0, dpi: int = 200) -> list[tuple[str, str]]:
    """``(format name, text)`` of every barcode zxing-cpp finds on the rendered page."""
    import zxingcpp

    image = render_page(pdf, page, dpi)
    # zxing-cpp reads a QImage directly (it speaks the buffer protocol of Qt's bits).
    return [(str(code.format.name), code.text) for code in zxingcpp.read_barcodes(image)]
