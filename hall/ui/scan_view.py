"""Scanned materials on screen: a thumbnail of each file (made off the GUI thread: a
QImage may be made on any thread) and a viewer that pages through a material's files,
a PDF's pages on white, an image fitted or zoomed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QImageReader, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
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
from hall.ui.tasks import run_task
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


def read_pages(path: Path) -> tuple[QImage, str]:
    """Every page of an image file (a multi-page TIFF's frames one under the other, on
    white); a null image and the reader's reason when it cannot be read."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    pages = []
    for frame in range(max(1, reader.imageCount())):
        if frame and not reader.jumpToImage(frame):
            break
        image = reader.read()
        if image.isNull():
            break
        pages.append(image)
    if len(pages) <= 1:
        return (pages[0] if pages else QImage()), reader.errorString()
    gap = 16
    width = max(p.width() for p in pages)
    height = sum(p.height() for p in pages) + gap * (len(pages) - 1)
    sheet = QImage(width, height, QImage.Format.Format_RGB32)
    sheet.fill(Qt.GlobalColor.lightGray)
    painter = QPainter(sheet)
    y = 0
    for page in pages:
        painter.drawImage(0, y, page)
        y += page.height() + gap
    painter.end()
    return sheet, ""


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
            ("fit", _("适合宽度"), "Ctrl+0", self.fit),
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
        image, reason = read_pages(scan.path)
        if image.isNull():
            log.warning("could not show scan %s: %s", scan.path, reason)
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
        # To the width, as the PDF pages are: a scan is read from the top down.
        room = self.area.viewport().width() - self.area.verticalScrollBar().sizeHint().width()
        self._zoom = min(1.0, room / max(1, self._image.width()))
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


class ScanStrip(QListWidget):
    """Scanned files as thumbnails, made off the GUI thread and kept by content; Enter
    or a double click opens the viewer on that file, among its material's files."""

    def __init__(self, size: QSize = THUMB, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._thumbs: dict[str, QPixmap] = {}
        self._entries: list[tuple[str, tuple[ScanView, ...], int]] = []
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(size)
        self.setGridSize(QSize(size.width() + 70, size.height() + 50))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWordWrap(True)
        self.itemActivated.connect(lambda _item: self.view_current())

    def show_scans(
        self, groups: Sequence[tuple[str, Sequence[ScanView]]], *, numbered: bool
    ) -> None:
        """Each group is a material's name and its files, in page order; ``numbered``
        captions each file with its material and place."""
        self.clear()
        self._entries = []
        wanted = []
        for name, scans in groups:
            for n, scan in enumerate(scans):
                caption = scan_caption(scan)
                item = QListWidgetItem(f"{name} {n + 1}\n{caption}" if numbered else caption)
                item.setToolTip(str(scan.path))
                item.setData(Qt.ItemDataRole.UserRole, len(self._entries))
                self._entries.append((name, tuple(scans), n))
                pixmap = self._thumbs.get(scan.sha256)
                if pixmap is not None:
                    item.setIcon(QIcon(pixmap))
                elif scan not in wanted:
                    wanted.append(scan)
                self.addItem(item)
        if self.count():
            self.setCurrentRow(0)
        if wanted:
            run_task(self, lambda: thumbnails(wanted), self._thumbnails_made,
                     lambda exc: log.warning("thumbnails: %s", exc))  # fmt: skip

    def _thumbnails_made(self, images: dict[str, QImage | None]) -> None:
        for sha, image in images.items():
            if image is not None:
                self._thumbs[sha] = QPixmap.fromImage(image)
        for row in range(self.count()):
            item = self.item(row)
            scan = self._scan_of(item)
            if scan is not None and scan.sha256 in self._thumbs:
                item.setIcon(QIcon(self._thumbs[scan.sha256]))

    def _scan_of(self, item: QListWidgetItem | None) -> ScanView | None:
        if item is None:
            return None
        _name, scans, n = self._entries[item.data(Qt.ItemDataRole.UserRole)]
        return scans[n]

    def current_scan(self) -> ScanView | None:
        return self._scan_of(self.currentItem())

    def view_current(self) -> None:
        item = self.currentItem()
        if item is None:
            return
        name, scans, n = self._entries[item.data(Qt.ItemDataRole.UserRole)]
        ScanViewer(name, scans, n, self.window()).exec()
