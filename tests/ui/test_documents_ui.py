"""Documents at the counter on real widgets: Ctrl+P on the Cases view, the print buttons
after acceptance, a real receipt handed over (the next one is a copy), and a scanned
code opening its case."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from hall.services.documents import Document, PrintKind, prepare_document
from hall.services.intake_state import Step
from hall.ui.documents_ui import DocumentPicker
from hall.ui.intake.page import IntakePage
from hall.ui.main_window import MainWindow
from hall.ui.pdf_pages import pages_of_file, to_pil
from hall.ui.print_preview import PrintPreviewDialog

from .intake_driver import accept, fill_form, pick, settle_materials, sign_commitments, type_code
from .test_cases_ui import CLERK, accepted_karaoke, answer_dialogs, open_cases, press, search
from .test_intake_ui import RESTAURANT, open_intake


def choose(qtbot, dialog: QWidget, *keys: Qt.Key) -> None:
    """Answer the document picker with the arrow keys, then Enter."""
    assert isinstance(dialog, DocumentPicker)
    for key in (*keys, Qt.Key.Key_Return):
        qtbot.keyClick(dialog.list, key)


def preview_over(qtbot, widget: QWidget) -> PrintPreviewDialog:
    qtbot.waitUntil(lambda: widget.findChild(PrintPreviewDialog) is not None, timeout=20_000)
    dialog = widget.findChild(PrintPreviewDialog)
    assert dialog is not None
    return dialog


def close_previews(widget: QWidget) -> None:
    for dialog in widget.findChildren(PrintPreviewDialog):
        dialog.setParent(None)  # detached: the next one looked for is the new one
        dialog.reject()


def test_a_saved_receipt_is_recorded_and_the_next_one_is_a_copy(qtbot, demo_ctx, tmp_path) -> None:
    number = accepted_karaoke(demo_ctx)
    receipt = prepare_document(demo_ctx, CLERK, PrintKind.receipt, number)
    assert receipt.copy == 0
    dialog = PrintPreviewDialog(demo_ctx, CLERK, receipt, None)
    qtbot.addWidget(dialog)
    assert dialog.page_count >= 1 and f"共{dialog.page_count}页" in dialog.pages_label.text()
    target = tmp_path / receipt.filename()
    assert dialog.save_to(target)
    qtbot.waitUntil(lambda: dialog.handovers == 1 and not dialog.busy, timeout=20_000)
    assert target.read_bytes() == receipt.pdf
    again = prepare_document(demo_ctx, CLERK, PrintKind.receipt, number)
    assert again.copy == 1
    assert dialog.document.copy == 1 and "补打件" in dialog.windowTitle()


def test_ctrl_p_on_the_cases_view_lists_the_documents_and_previews_the_chosen(
    qtbot, demo_ctx
) -> None:
    number = accepted_karaoke(demo_ctx)
    window = open_cases(qtbot, demo_ctx)
    page = window.cases_page
    search(qtbot, page, number)
    assert page.detail is not None and page.detail.number == number
    assert page.buttons["print"].isEnabled()
    seen: list[list[str]] = []

    def look(dialog: QWidget) -> None:
        assert isinstance(dialog, DocumentPicker)
        seen.append([dialog.list.item(r).text() for r in range(dialog.list.count())])
        choose(qtbot, dialog, Qt.Key.Key_Down)  # the second: the commitment letters

    answered = answer_dialogs(qtbot, look)
    press(qtbot, window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(answered)
    titles = seen[0]
    assert titles[:2] == ["受理通知书", "告知承诺书"] and titles[-1] == "证照信息一码展示"
    assert any("许可证" in t for t in titles)
    dialog = preview_over(qtbot, page)
    assert dialog.document.kind is PrintKind.letter and dialog.document.number == number
    assert dialog.page_count >= 1


def finish_restaurant(qtbot, page: IntakePage) -> None:
    """A restaurant selling packaged food (SAMR-002, by commitment) up to acceptance."""
    type_code(qtbot, page, RESTAURANT)
    pick(qtbot, page, "H2002")
    fill_form(qtbot, page)
    settle_materials(qtbot, page)
    sign_commitments(qtbot, page)
    accept(qtbot, page)
    assert page.result is not None


def test_after_acceptance_the_receipt_letters_and_licenses_are_a_key_away(qtbot, demo_ctx) -> None:
    window = open_intake(qtbot, demo_ctx)
    page = window.intake_page
    finish_restaurant(qtbot, page)
    licenses = [s for s in page.result.sub_cases if s.license_number]
    assert licenses  # decided on the spot: issued at the counter
    step = page.steps[Step.accept]
    names = {
        b.objectName(): b.text() for b in step.documents.findChildren(QWidget) if b.objectName()
    }
    assert "(F7)" in names["printReceipt"] and "(F8)" in names["printLetters"]
    assert (
        "(Ctrl+1)" in names["printLicense1"] and licenses[0].item_name[:6] in names["printLicense1"]
    )

    qtbot.keyClick(page.steps[Step.accept].outcome, Qt.Key.Key_F7)
    receipt = preview_over(qtbot, page)
    assert receipt.document.kind is PrintKind.receipt
    assert receipt.document.number == page.result.number
    close_previews(page)

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(page.steps[Step.accept].outcome, Qt.Key.Key_F8)
    assert preview_over(qtbot, page).document.kind is PrintKind.letter
    close_previews(page)

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(
        page.steps[Step.accept].outcome, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier
    )
    license_preview = preview_over(qtbot, page)
    assert license_preview.document.kind is PrintKind.license
    assert license_preview.document.number == licenses[0].license_number


def receipt_code(document: Document, folder: Path) -> str:
    """The payload printed on ``document``, read back from its pages."""
    from hall.services.code_image import read_codes

    path = folder / document.filename()
    path.write_bytes(document.pdf)
    for page in pages_of_file(path):
        codes = [c for c in read_codes(to_pil(page)) if c.startswith("HL1:")]
        if codes:
            return codes[0]
    raise AssertionError("no code on the receipt")


def scan(qtbot, window: MainWindow, text: str) -> None:
    page = window.cases_page
    page.search.clear()
    page.search.setFocus()
    qtbot.keyClicks(page.search, text)  # a scanner types like a keyboard, then Enter
    page.message.clear()
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "正在核验" not in page.message.text(), timeout=20_000)


def test_scanning_a_receipt_into_the_search_box_opens_its_case(qtbot, demo_ctx, tmp_path) -> None:
    number = accepted_karaoke(demo_ctx)
    other = accepted_karaoke(demo_ctx)
    code = receipt_code(prepare_document(demo_ctx, CLERK, PrintKind.receipt, number), tmp_path)
    window = open_cases(qtbot, demo_ctx)
    page = window.cases_page
    search(qtbot, page, other)
    assert page.detail is not None and page.detail.number == other

    scan(qtbot, window, code)
    assert page.detail is not None and page.detail.number == number
    assert not page.message.isVisible()  # a valid code: nothing to warn about

    forged = code[:-3] + ("A" if code[-3] != "A" else "B") + code[-2:]
    scan(qtbot, window, forged)
    assert page.detail.number == number  # a forged code opens nothing
    assert page.message.isVisible() and "签名不符" in page.message.text()

    scan(qtbot, window, "HL1:NOT-A-CODE")
    assert "无法识别" in page.message.text()


def test_ctrl_p_with_no_case_at_hand_says_what_to_do(qtbot, demo_ctx) -> None:
    window = open_intake(qtbot, demo_ctx)
    assert window.intake_page.result is None
    qtbot.keyClick(window.intake_page, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert "请先在“案件”中打开一个案件" in window.statusBar().currentMessage()
    assert window.findChild(DocumentPicker) is None
