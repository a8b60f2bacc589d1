"""The print preview on a PDF made here: pages, zoom, saving whole or not at all, and
printing off the GUI thread onto a PDF-format QPrinter."""

from __future__ import annotations

import dataclasses
import errno
import io
import os
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from hall.core import files
from hall.models.enums import Role
from hall.printing.fonts import ensure_font
from hall.services.audit import Actor
from hall.services.documents import Document, PrintKind
from hall.ui import print_preview
from hall.ui.print_preview import PrintPreviewDialog

CLERK = Actor("clerk01", Role.clerk, "C01", "张敏")
NUMBER = "C01-20261123-0001"


def three_pages() -> bytes:
    font = ensure_font()
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    for n in range(1, 4):
        page.setFont(font, 20)
        page.drawString(72, 760, f"受理通知书 第{n}页")
        page.showPage()
    page.save()
    return out.getvalue()


@pytest.fixture
def document() -> Document:
    return Document(PrintKind.receipt, NUMBER, f"受理通知书 {NUMBER}", three_pages(), 0)


@pytest.fixture
def reprepared(monkeypatch, document):
    """Laying the document out again gives the copy (the layouts are tested elsewhere)."""
    calls: list[tuple[PrintKind, str]] = []

    def prepare(ctx, actor, again):
        calls.append((again.kind, again.number))
        return dataclasses.replace(document, copy=len(calls))

    monkeypatch.setattr(print_preview, "prepare_again", prepare)
    return calls


def open_dialog(qtbot, ctx, document: Document) -> PrintPreviewDialog:
    dialog = PrintPreviewDialog(ctx, CLERK, document, None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()  # its shortcuts work in the active window only
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_preview_shows_every_page_and_marks_a_copy(qtbot, ctx, document) -> None:
    dialog = open_dialog(qtbot, ctx, document)
    assert dialog.page_count == 3
    assert "共3页" in dialog.pages_label.text()
    assert "补打件" not in dialog.windowTitle() and NUMBER in dialog.windowTitle()

    copy = open_dialog(qtbot, ctx, dataclasses.replace(document, copy=2))
    assert "补打件" in copy.windowTitle() and "第2次补打" in copy.copy_label.text()


def test_zoom_keys_change_the_zoom_and_ctrl_0_fits_the_width(qtbot, ctx, document) -> None:
    dialog = open_dialog(qtbot, ctx, document)
    assert dialog.zoom_label.text() == "适合宽度"
    qtbot.keyClick(dialog.view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    bigger = dialog.view.zoomFactor()
    assert dialog.zoom_label.text().endswith("%")
    qtbot.keyClick(dialog.view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert dialog.view.zoomFactor() < bigger
    qtbot.keyClick(dialog.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert dialog.zoom_label.text() == "适合宽度"


def test_saving_writes_the_same_bytes_and_records_the_handover(
    qtbot, ctx, document, reprepared, tmp_path
) -> None:
    dialog = open_dialog(qtbot, ctx, document)
    target = tmp_path / "out" / document.filename()
    target.parent.mkdir()
    assert dialog.save_to(target)
    qtbot.waitUntil(lambda: dialog.handovers == 1 and not dialog.busy, timeout=10_000)
    assert target.read_bytes() == document.pdf
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary left
    # What the preview shows now is what the next print would be: a copy.
    assert reprepared == [(PrintKind.receipt, NUMBER)]
    assert dialog.document.copy == 1 and "补打件" in dialog.windowTitle()
    assert "已保存" in dialog.message.text() and "补打件" in dialog.message.text()


def test_a_save_that_fails_leaves_no_file_and_says_why(
    qtbot, ctx, document, reprepared, tmp_path, monkeypatch
) -> None:
    dialog = open_dialog(qtbot, ctx, document)
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x")
    assert not dialog.save_to(not_a_folder / "receipt.pdf")
    assert "路径中有一段是文件" in dialog.message.text()

    folder = tmp_path / "full"
    folder.mkdir()

    def disk_full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    assert not dialog.save_to(folder / "receipt.pdf")
    assert "磁盘已满" in dialog.message.text() and "没有写入任何文件" in dialog.message.text()
    assert list(folder.iterdir()) == []  # nothing half written, no temporary
    assert dialog.handovers == 0 and reprepared == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_folder_is_refused_plainly(qtbot, ctx, document, tmp_path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    dialog = open_dialog(qtbot, ctx, document)
    try:
        assert not dialog.save_to(folder / "receipt.pdf")
        assert "没有访问权限" in dialog.message.text()
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_printing_paints_every_page_in_the_background(
    qtbot, ctx, document, reprepared, tmp_path
) -> None:
    dialog = open_dialog(qtbot, ctx, document)
    printer = pdf_printer(tmp_path / "printed.pdf")
    dialog._fit_printer(printer)  # as before the print dialog: the document's paper
    dialog.print_to(printer)
    assert dialog.busy and not dialog.buttons["print"].isEnabled()  # it runs on a worker
    qtbot.waitUntil(lambda: dialog.handovers == 1 and not dialog.busy, timeout=30_000)
    printed = pypdf.PdfReader(tmp_path / "printed.pdf")
    assert len(printed.pages) == 3
    box = printed.pages[0].mediabox
    assert abs(float(box.width) - 595) < 2 and abs(float(box.height) - 842) < 2  # A4
    assert "已打印3页" in dialog.message.text() and dialog.document.copy == 1


@pytest.mark.qt_log_ignore("QPainter::begin")
def test_a_printer_that_cannot_start_is_reported_and_nothing_recorded(
    qtbot, ctx, document, reprepared, tmp_path
) -> None:
    dialog = open_dialog(qtbot, ctx, document)
    dialog.print_to(pdf_printer(tmp_path / "no such folder" / "x.pdf"))
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)
    assert "打印机无法开始打印" in dialog.message.text()
    assert dialog.handovers == 0 and reprepared == []


def test_escape_closes_unless_a_job_is_running(qtbot, ctx, document) -> None:
    dialog = open_dialog(qtbot, ctx, document)
    dialog.busy = True
    qtbot.keyClick(dialog.view, Qt.Key.Key_Escape)
    assert dialog.isVisible() and "稍候" in dialog.message.text()
    dialog.busy = False
    qtbot.keyClick(dialog.view, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_without_a_printer_the_clerk_is_told_and_offered_saving(
    qtbot, ctx, document, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from .test_cases_ui import answer_dialogs

    monkeypatch.setattr(print_preview.QPrinterInfo, "availablePrinterNames", lambda: [])
    saving: list[bool] = []
    monkeypatch.setattr(PrintPreviewDialog, "save_document", lambda self: saving.append(True))
    dialog = open_dialog(qtbot, ctx, document)
    said: list[str] = []

    def answer(box) -> None:
        assert isinstance(box, QMessageBox)
        said.append(box.text())
        next(b for b in box.buttons() if "另存为PDF" in b.text()).click()

    answered = answer_dialogs(qtbot, answer)
    qtbot.keyClick(dialog.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(answered)
    assert "没有找到可用的打印机" in said[0] and saving == [True]


def test_a_dialog_hidden_by_the_lock_while_printing_closes_when_the_job_is_done(
    qtbot, ctx, document, reprepared, tmp_path
) -> None:
    dialog = open_dialog(qtbot, ctx, document)
    closed: list[int] = []
    dialog.finished.connect(closed.append)
    dialog.print_to(pdf_printer(tmp_path / "printed.pdf"))
    dialog.reject()  # as the idle lock does: refused while the job runs
    assert dialog.isVisible() and closed == []
    dialog.hide()  # then it is put out of sight
    qtbot.waitUntil(lambda: dialog.handovers == 1, timeout=30_000)
    assert closed == [0] and not dialog.isVisible()  # recorded, then closed
    assert len(pypdf.PdfReader(tmp_path / "printed.pdf").pages) == 3
