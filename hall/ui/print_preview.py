"""The print preview: a document's pages on white, zoomable, then printed (off the GUI
thread) or saved as a PDF. Only a print or a save that succeeded is recorded as handed
over; the preview then shows the document as it would come out next time: a reprint (补打件).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QSizeF
from PySide6.QtGui import QCloseEvent, QHideEvent, QKeySequence, QPageLayout, QPageSize, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hall.core.errors import HallError, os_reason
from hall.core.i18n import _
from hall.services.audit import Actor
from hall.services.bundles import prepare_again
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.documents import Document, How, record_handover
from hall.ui.bus import ChangeBus
from hall.ui.errors import error_text
from hall.ui.files import documents_folder, write_atomically
from hall.ui.page_view import ZOOM_STEP, PageView
from hall.ui.pdf_pages import PdfBytes, print_pdf
from hall.ui.tasks import run_task
from hall.ui.widgets import named

log = logging.getLogger(__name__)


class Printable(Protocol):
    """What the preview shows: a document of the counter's (:class:`Document`), or a
    report that is printed but not handed over to anyone."""

    @property
    def pdf(self) -> bytes: ...
    @property
    def title(self) -> str: ...
    @property
    def copy(self) -> int: ...
    def filename(self) -> str: ...


class PrintPreviewDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        document: Printable,
        bus: ChangeBus | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.bus = bus
        self.busy = False
        self.handovers = 0  # recorded in this dialog
        self.pdf: PdfBytes | None = None
        self._printer: QPrinter | None = None
        self._set_aside = False  # hidden while busy; closes when the job is done
        self._build_ui()
        self._load(document)

    def _build_ui(self) -> None:
        self.setObjectName("printPreview")
        self.view = named(PageView(self), "previewPages")
        self.pages_label = named(QLabel(), "previewPageCount")
        self.zoom_label = named(QLabel(), "previewZoom")
        self.copy_label = named(QLabel(), "previewCopy")
        self.copy_label.setStyleSheet("color: #8a5a00; font-weight: bold;")
        self.busy_bar = named(QProgressBar(), "previewBusy")
        self.busy_bar.setRange(0, 0)  # no steps to count: a moving bar
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.hide()
        self.message = named(QLabel(), "previewMessage")
        self.message.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, label, keys, slot in (
            ("print", _("打印…"), "Ctrl+P", self.print_document),
            ("save", _("另存为PDF…"), "Ctrl+S", self.save_document),
            ("zoom_in", _("放大"), "Ctrl+=", lambda: self.zoom_by(ZOOM_STEP)),
            ("zoom_out", _("缩小"), "Ctrl+-", lambda: self.zoom_by(1 / ZOOM_STEP)),
            ("fit", _("适合宽度"), "Ctrl+0", self.fit_width),
        ):
            button = named(QPushButton(f"{label} ({keys})"), f"preview_{key}")
            button.clicked.connect(slot)
            button.setAutoDefault(False)
            QShortcut(QKeySequence(keys), self, slot)
            row.addWidget(button)
            self.buttons[key] = button
        QShortcut(QKeySequence("Ctrl++"), self, lambda: self.zoom_by(ZOOM_STEP))
        close = named(QPushButton(_("关闭 (Esc)")), "preview_close")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        row.addStretch(1)
        row.addWidget(close)
        info = QHBoxLayout()
        info.addWidget(self.copy_label)
        info.addWidget(self.pages_label)
        info.addWidget(self.zoom_label)
        info.addStretch(1)
        info.addWidget(self.busy_bar)
        layout = QVBoxLayout(self)
        layout.addLayout(info)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.view.pageNavigator().currentPageChanged.connect(lambda _page: self._show_pages())
        screen = self.screen().availableGeometry()
        self.resize(min(900, screen.width()), min(1000, screen.height() - 60))
        self.view.setFocus()  # arrows and PgUp/PgDown scroll the pages
        self.zoom_label.setText(self.view.zoom_text())

    # --- the document --------------------------------------------------------------------

    def _load(self, document: Printable) -> None:
        """Show ``document`` (raises ``ValidationError`` when its bytes are not a PDF)."""
        pdf = PdfBytes(document.pdf, self)
        old, self.pdf, self.document = self.pdf, pdf, document
        self.view.setDocument(pdf.document)
        if old is not None:
            old.close()
            old.document.deleteLater()
        title = _("打印预览 — {title}").format(title=document.title)
        if document.copy > 0:
            title += _("（补打件）")
            self.copy_label.setText(_("补打件（第{n}次补打）").format(n=document.copy))
        else:
            self.copy_label.setText("")
        self.setWindowTitle(title)
        self._show_pages()

    @property
    def page_count(self) -> int:
        return self.pdf.page_count if self.pdf is not None else 0

    def _show_pages(self) -> None:
        current = self.view.current_page()
        self.pages_label.setText(
            _("第{page}页，共{n}页").format(page=min(current, self.page_count), n=self.page_count)
        )

    def zoom_by(self, factor: float) -> None:
        self.view.zoom_by(factor)
        self.zoom_label.setText(self.view.zoom_text())

    def fit_width(self) -> None:
        self.view.fit_width()
        self.zoom_label.setText(self.view.zoom_text())

    # --- busy, messages ------------------------------------------------------------------

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        self.busy_bar.setVisible(busy)
        for key in ("print", "save"):
            self.buttons[key].setEnabled(not busy)
        if text:
            self._say(text)
        if not busy and self._set_aside:  # hidden by the lock while busy: done now
            self._set_aside = False
            super().reject()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")
        self.message.setText(text)

    def reject(self) -> None:
        if self.busy:  # the job would finish unrecorded: wait for it
            self._say(_("正在处理，请稍候再关闭。"), error=True)
            return
        super().reject()

    def hideEvent(self, event: QHideEvent) -> None:
        # The window locked while a job runs: the job ends unseen, then the dialog closes.
        self._set_aside = self.busy
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            event.ignore()
            self._say(_("正在处理，请稍候再关闭。"), error=True)
            return
        super().closeEvent(event)

    # --- printing ------------------------------------------------------------------------

    def _fit_printer(self, printer: QPrinter) -> None:
        """Offer the document's own paper (A4, or the 80 mm ticket roll) in the dialog."""
        if self.pdf is None:
            return
        points = self.pdf.document.pagePointSize(0)
        short, long = sorted((points.width(), points.height()))
        printer.setPageSize(QPageSize(QSizeF(short, long), QPageSize.Unit.Point))
        printer.setPageOrientation(
            QPageLayout.Orientation.Landscape
            if points.width() > points.height()
            else QPageLayout.Orientation.Portrait
        )
        printer.setFullPage(True)  # the document has its own margins
        printer.setDocName(self.document.filename())

    def print_document(self) -> None:
        """Ctrl+P: choose a printer (on the GUI thread), then print in the background."""
        if self.busy:
            return
        if not QPrinterInfo.availablePrinterNames():
            self._no_printer()
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self._fit_printer(printer)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("打印 {title}").format(title=self.document.title))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def _no_printer(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("没有可用的打印机"),
            _(
                "本机没有找到可用的打印机（或打印服务没有运行）。\n"
                "可以先另存为PDF文件，再用有打印机的电脑打印。"
            ),
            parent=self,
        )
        save = box.addButton(_("另存为PDF…"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.exec()
        if box.clickedButton() is save:
            self.save_document()

    def print_to(self, printer: QPrinter) -> None:
        """Print the document on ``printer`` off the GUI thread; record it when done."""
        if self.busy:
            return
        self._printer = printer  # kept (and let go) on the GUI thread
        data = self.document.pdf
        self._set_busy(True, _("正在打印，共{n}页……").format(n=self.page_count))
        run_task(self, lambda: print_pdf(data, printer), self._printed, self._print_failed)

    def _printed(self, pages: int) -> None:
        self._printer = None
        self._handed_over(How.printer, _("已打印{n}页。").format(n=pages))

    def _print_failed(self, exc: BaseException) -> None:
        self._printer = None
        self._set_busy(False)
        if not isinstance(exc, HallError):
            log.error("printing failed", exc_info=(type(exc), exc, exc.__traceback__))
        self._say(error_text(exc), error=True)

    # --- saving --------------------------------------------------------------------------

    def save_document(self) -> None:
        """Ctrl+S: choose where (the Documents folder first), then write the PDF."""
        if self.busy:
            return
        dialog = QFileDialog(
            self, _("另存为PDF"), str(documents_folder() / self.document.filename())
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")
        dialog.setNameFilter(_("PDF文件 (*.pdf)"))
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return
        self.save_to(Path(dialog.selectedFiles()[0]))

    def save_to(self, path: Path) -> bool:
        """Write the PDF to ``path`` whole, or leave nothing; say which. True if saved."""
        if self.busy:
            return False
        try:
            write_atomically(path, self.document.pdf)
        except OSError as exc:
            log.warning("could not save %s: %s", path, exc)
            self._say(
                _("未能保存到 {path}：{reason}。没有写入任何文件，请换一个位置再保存。").format(
                    path=path, reason=os_reason(exc)
                ),
                error=True,
            )
            return False
        self._handed_over(How.file, _("已保存到 {path}。").format(path=path))
        return True

    # --- recording -----------------------------------------------------------------------

    def _handed_over(self, how: How, done: str) -> None:
        """Record the handing over, then lay the document out again as it would be
        printed next: a copy."""
        self._set_busy(True, done)
        ctx, actor, document = self.ctx, self.actor, self.document
        assert isinstance(document, Document)

        def work() -> tuple[Changes, Document | None]:
            changes = record_handover(ctx, actor, document, how)
            try:
                again = prepare_again(ctx, actor, document)
            except Exception:  # recorded all the same; the preview keeps the original
                log.exception("could not prepare %s %s again", document.kind, document.number)
                again = None
            return changes, again

        def recorded(result: tuple[Changes, Document | None]) -> None:
            changes, again = result
            self.handovers += 1
            self._set_busy(False)
            if self.bus is not None:
                self.bus.publish(changes)
            if again is not None:
                self._load(again)
                self._say(done + _("再次打印或保存的将是补打件。"))

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            self._say(
                done + _("但未能登记出具记录：{reason}").format(reason=error_text(exc)),
                error=True,
            )

        run_task(self, work, recorded, failed)
