"""Scanned materials on screen: a thumbnail of each file (made off the GUI thread: a
QImage may be made on any thread) and a viewer that pages through a material's files,
a PDF's pages on white, an image fitted or zoomed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QImageReader, QKeySequence, QPixmap, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hall.core.i18n import _
from hall.services.scan_files import human_size
from hall.services.scans import ScanView
from hall.ui.page_view import ZOOM_STEP, PageView
from hall.ui.pdf_pages import page_size_at, render_on_white
from hall.ui.widgets import named

log = logging.getLogger(__name__)

THUMB = QSize(120, 160)


def thumbnail(path: Path, is_pdf: bool, size: QSize = THUMB) -> QImage | None:
    """The first page of ``path`` scaled to fit ``size`` (None when it cannot be read,
    e.g. not yet on this machine). Safe to call on a worker thread."""
    if is_pdf:
        document = QPdfDocument()
        try:
            if document.load(str(path)) is not QPdfDocument.Error.None_:
                return None
            full = page_size_at(document, 0, 72)
            scaled = full.scaled(size, Qt.AspectRatioMode.KeepAspectRatio)
            return render_on_white(document, 0, scaled)
        finally:
            document.close()
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    original = reader.size()
    if original.isValid():
        reader.setScaledSize(original.scaled(size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else image


def thumbnails(scans: Sequence[ScanView]) -> dict[str, QImage | None]:
    """Thumbnails by SHA-256 (for a worker)."""
    return {s.sha256: thumbnail(s.path, s.is_pdf) for s in scans}


def scan_caption(scan: ScanView) -> str:
    pages = _("{n}页").format(n=scan.pages) if scan.pages > 1 else ""
    return " ".join(v for v in (scan.original_name, pages, human_size(scan.size)) if v)


class ScanViewer(QDialog):
    """A material's scans, one file at a time: PgDown/PgUp (or the buttons) move between
    files, Ctrl+= / Ctrl+- zoom, Ctrl+0 fits."""

    def __init__(
        self, title: str, scans: Sequence[ScanView], start: int = 0, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("scanViewer")
        self.setWindowTitle(_("扫描件 — {title}").format(title=title))
        self.scans = list(scans)
        self.index = -1
        self._zoom = 1.0
        self._image: QImage | None = None
        self._pdf: QPdfDocument | None = None
        self.pages = named(PageView(self), "scanPdf")
        self.picture = named(QLabel(), "scanPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet("background: white;")
        self.area = QScrollArea()
        self.area.setWidget(self.picture)
        self.area.setWidgetResizable(False)
        self.area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.pages)
        self.stack.addWidget(self.area)
        self.caption = named(QLabel(), "scanCaption")
        self.caption.setWordWrap(True)
        row = QHBoxLayout()
        for key, label, keys, slot in (
            ("previous", _("上一份"), "PgUp", lambda: self.show_scan(self.index - 1)),
            ("next", _("下一份"), "PgDown", lambda: self.show_scan(self.index + 1)),
            ("zoom_in", _("放大"), "Ctrl+=", lambda: self.zoom_by(ZOOM_STEP)),
            ("zoom_out", _("缩小"), "Ctrl+-", lambda: self.zoom_by(1 / ZOOM_STEP)),
            ("fit", _("适合窗口"), "Ctrl+0", self.fit),
        ):
            button = named(QPushButton(f"{label} ({keys})"), f"scan_{key}")
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            QShortcut(QKeySequence(keys), self, slot)
            row.addWidget(button)
        row.addStretch(1)
        close = QPushButton(_("关闭 (Esc)"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.stack, 1)
        layout.addLayout(row)
        screen = self.screen().availableGeometry()
        self.resize(min(900, screen.width()), min(1000, screen.height() - 60))
        self.show_scan(start)

    def show_scan(self, index: int) -> None:
        if not self.scans or not 0 <= index < len(self.scans) or index == self.index:
            return
        self.index = index
        scan = self.scans[index]
        where = _("第{n}份，共{m}份").format(n=index + 1, m=len(self.scans))
        self.caption.setText(f"{where} · {scan_caption(scan)}")
        self._close_pdf()
        self._image = None
        if not scan.present:
            self.picture.setText(_("本机还没有这份扫描件的文件（可能尚未从大厅服务器同步）。"))
            self.picture.adjustSize()
            self.stack.setCurrentWidget(self.area)
            return
        if scan.is_pdf:
            document = QPdfDocument(self)
            if document.load(str(scan.path)) is QPdfDocument.Error.None_:
                self._pdf = document
                self.pages.setDocument(document)
                self.pages.fit_width()
                self.stack.setCurrentWidget(self.pages)
                return
            document.deleteLater()
        reader = QImageReader(str(scan.path))
        reader.setAutoTransform(True)
        image = reader.read()
        if image.isNull():
            log.warning("could not show scan %s: %s", scan.path, reader.errorString())
            self.picture.setText(_("无法显示这份扫描件。"))
            self.picture.adjustSize()
        else:
            self._image = image
            self.fit()
        self.stack.setCurrentWidget(self.area)

    def _close_pdf(self) -> None:
        """Let the previous PDF go (the view keeps pointing at it until it shows another
        or the dialog closes; a closed document shows nothing)."""
        if self._pdf is not None:
            self._pdf.close()
            self._pdf.deleteLater()
            self._pdf = None

    def _show_image(self) -> None:
        if self._image is None:
            return
        size = self._image.size() * self._zoom
        self.picture.setPixmap(
            QPixmap.fromImage(
                self._image.scaled(
                    size,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        )
        self.picture.adjustSize()

    def fit(self) -> None:
        if self._pdf is not None:
            self.pages.fit_width()
            return
        if self._image is None:
            return
        room = self.area.viewport().size()
        self._zoom = min(
            1.0,
            room.width() / max(1, self._image.width()),
            room.height() / max(1, self._image.height()),
        )
        self._show_image()

    def zoom_by(self, factor: float) -> None:
        if self._pdf is not None:
            self.pages.zoom_by(factor)
            return
        self._zoom = min(4.0, max(0.1, self._zoom * factor))
        self._show_image()

    def done(self, result: int) -> None:
        self._close_pdf()
        super().done(result)
