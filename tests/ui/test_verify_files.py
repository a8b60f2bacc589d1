"""The verify dialog reading a document's code from a file: a photo or scan (PNG), a
PDF the counter printed, and files that hold no code or are no picture at all."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import segno
from PIL import Image
from PySide6.QtCore import Qt

from hall.services.documents import PrintKind, prepare_document
from hall.services.payload import DocumentFacts, DocumentKind
from hall.services.signing import sign_document
from hall.ui.verify_dialog import VerifyDialog

from .test_cases_ui import CLERK, accepted_karaoke


def open_dialog(qtbot, ctx) -> VerifyDialog:
    dialog = VerifyDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def read(qtbot, dialog: VerifyDialog, path: Path) -> None:
    dialog.open_file(path)
    assert not dialog.open_button.isEnabled()  # read on a worker
    qtbot.waitUntil(dialog.open_button.isEnabled, timeout=20_000)


def test_a_photo_of_a_valid_code_verifies_like_a_scan(qtbot, demo_ctx, tmp_path) -> None:
    code = sign_document(
        demo_ctx, CLERK,
        DocumentFacts(
            DocumentKind.license, "JY1320305000001", "徐州市贾汪区味香居餐饮管理有限公司",
            "91320305MA1N428243", "SAMR-001", date(2026, 11, 23), date(2031, 11, 22),
        ),
    )  # fmt: skip
    picture = tmp_path / "photo.png"
    segno.make(code, micro=False).save(picture, scale=6, border=4)
    dialog = open_dialog(qtbot, demo_ctx)
    read(qtbot, dialog, picture)
    assert dialog.result_ is not None and dialog.result_.valid
    assert dialog.input.text() == code  # shown exactly as if it had been scanned
    html = dialog.verdict.text()
    assert "真实有效" in html and "JY1320305000001" in html and "味香居" in html


def test_a_pdf_printed_at_the_counter_verifies(qtbot, demo_ctx, tmp_path) -> None:
    number = accepted_karaoke(demo_ctx)
    receipt = prepare_document(demo_ctx, CLERK, PrintKind.receipt, number)
    saved = tmp_path / receipt.filename()
    saved.write_bytes(receipt.pdf)
    dialog = open_dialog(qtbot, demo_ctx)
    read(qtbot, dialog, saved)
    assert dialog.result_ is not None and dialog.result_.valid, dialog.verdict.text()
    assert dialog.result_.facts is not None and dialog.result_.facts.number.startswith(number)
    assert dialog.input.text().startswith("HL1:")


def test_a_file_that_is_no_picture_is_explained_without_a_traceback(
    qtbot, demo_ctx, tmp_path
) -> None:
    dialog = open_dialog(qtbot, demo_ctx)
    text = tmp_path / "notes.png"
    text.write_text("这不是图片", encoding="utf-8")
    read(qtbot, dialog, text)
    assert dialog.result_ is None
    assert "不是图片" in dialog.file_message and "不是图片" in dialog.verdict.text()
    assert "Traceback" not in dialog.verdict.text()

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    read(qtbot, dialog, broken)
    assert "无法打开这个PDF文件" in dialog.file_message


def test_a_picture_without_a_code_says_so(qtbot, demo_ctx, tmp_path) -> None:
    blank = tmp_path / "blank.jpg"
    Image.new("RGB", (400, 300), "white").save(blank)
    dialog = open_dialog(qtbot, demo_ctx)
    read(qtbot, dialog, blank)
    assert dialog.result_ is None and "没有找到二维码" in dialog.verdict.text()


def test_ctrl_o_opens_the_file_chooser(qtbot, demo_ctx, monkeypatch, tmp_path) -> None:
    asked: list[str] = []

    def chooser(parent, title, folder, filters):
        asked.append(filters)
        return "", ""

    monkeypatch.setattr("hall.ui.verify_dialog.QFileDialog.getOpenFileName", chooser)
    dialog = open_dialog(qtbot, demo_ctx)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.input, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert asked and "*.png" in asked[0] and "*.pdf" in asked[0] and "*.tif" in asked[0]
