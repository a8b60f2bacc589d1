"""The back office on real widgets: a reviewer's inbox driven by its keys, the counter's
pickup page and the scanning of materials."""

from __future__ import annotations

import os
import time

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from hall.models import DocumentPrint, MaterialScan
from hall.models.enums import StopReason, SubCaseStatus
from hall.services import decisions
from hall.services.audit import Actor
from hall.services.case_materials import answer_verification_request
from hall.services.cases import case_detail
from hall.services.queue import issue_ticket
from hall.ui.decision_dialogs import TextDialog
from hall.ui.main_window import MainWindow
from hall.ui.pickup_page import HandoverDialog
from hall.ui.print_preview import PrintPreviewDialog
from hall.ui.scans_dialog import ScansDialog

from ..services.backoffice import CLERK, CULTURE, FIRE, SAMR, accept_restaurant
from .test_cases_ui import answer_dialogs


def open_window(qtbot, ctx, actor: Actor) -> MainWindow:
    window = MainWindow(ctx, actor)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.show_start_page()
    return window


def key(qtbot, window: MainWindow, target: QWidget, k: Qt.Key, mods=Qt.KeyboardModifier.NoModifier):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(target, k, mods)


def fill_text(text: str, second: str | None = None):
    def handler(dialog: QWidget) -> None:
        assert isinstance(dialog, TextDialog)
        dialog.text.setPlainText(text)
        if second is not None:
            dialog.second.setText(second)
        dialog._check()

    return handler


def rows_of(page) -> list[str]:
    return [page.model.row_at(r).item_code for r in range(page.model.rowCount())]


def test_a_reviewer_works_the_inbox_with_the_keyboard(qtbot, qtmodeltester, demo_ctx) -> None:
    case = accept_restaurant(demo_ctx)
    window = open_window(qtbot, demo_ctx, CULTURE)
    page = window.inbox_page
    assert window.pages.currentWidget() is page  # a reviewer starts at the inbox
    assert window.cases_page is None and window.intake_page is None
    qtmodeltester.check(page.model)
    assert set(rows_of(page)) == {"MCT-001", "MCT-004"}  # culture's only
    # Its departments only in the filter.
    assert [page.department.itemData(i) for i in range(page.department.count())] == [None, "MCT"]
    row = next(
        r for r in range(page.model.rowCount()) if page.model.row_at(r).item_code == "MCT-001"
    )
    page.table.selectRow(page.proxy.mapFromSource(page.model.index(row, 0)).row())
    assert page.detail is not None and page.detail.sub.item_code == "MCT-001"
    html = page.text.toHtml()
    assert case.number in html and "经营场所平面布局图" in html

    key(qtbot, window, page.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert page.detail.sub.claimed_by == "reviewer03"
    assert not page.buttons["claim"].isEnabled() and page.buttons["release"].isEnabled()

    answered = answer_dialogs(qtbot, fill_text("现场检查包厢和安全出口"))
    key(qtbot, window, page.table, Qt.Key.Key_F8)
    qtbot.waitUntil(answered)
    assert page.detail.sub.stop_reason is StopReason.special_procedure
    assert page.buttons["inspected"].isEnabled() and not page.buttons["inspect"].isEnabled()

    answered = answer_dialogs(qtbot, fill_text("包厢隔断已拆除"))
    key(qtbot, window, page.table, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(answered)
    assert page.detail.sub.stop_reason is None

    # A refusal without a reason stays in its dialog; with one, it is decided.
    def empty_then_reason(dialog: QWidget) -> None:
        assert isinstance(dialog, TextDialog)
        dialog._check()
        assert "请填写" in dialog.message.text() and dialog.isVisible()
        fill_text("包厢面积不符合规定", "《娱乐场所管理条例》第九条")(dialog)

    answered = answer_dialogs(qtbot, empty_then_reason)
    key(qtbot, window, page.table, Qt.Key.Key_F6)
    qtbot.waitUntil(answered)
    detail = case_detail(demo_ctx, CLERK, case.number).sub_case("MCT-001")
    assert detail.status is SubCaseStatus.rejected
    assert detail.decision_basis == "《娱乐场所管理条例》第九条"
    assert "MCT-001" not in rows_of(page)  # decided: out of the open list
    assert page.detail is not None and page.buttons["notice"].isEnabled()

    # The reviewer prints the decision notice themselves.
    key(qtbot, window, page.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, PrintPreviewDialog)
            for w in QApplication.topLevelWidgets()
            if w.isVisible()
        )
    )
    preview = next(
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, PrintPreviewDialog) and w.isVisible()
    )
    assert "不予行政许可决定书" in preview.windowTitle()
    preview.reject()


def test_a_reviewer_approves_and_the_license_is_issued(qtbot, demo_ctx) -> None:
    case = accept_restaurant(demo_ctx)
    window = open_window(qtbot, demo_ctx, SAMR)
    page = window.inbox_page
    page.search.setText(case.number)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert rows_of(page) == ["SAMR-002"]
    answered = answer_dialogs(qtbot, fill_text(""))
    key(qtbot, window, page.table, Qt.Key.Key_F5)
    qtbot.waitUntil(answered)
    sub = case_detail(demo_ctx, CLERK, case.number).sub_case("SAMR-002")
    assert sub.status is SubCaseStatus.approved and sub.license_number
    assert page.detail is not None and sub.license_number in page.text.toHtml()


def _decide_all(ctx, number: str) -> None:
    detail = case_detail(ctx, CLERK, number)
    decisions.approve(ctx, SAMR, detail.sub_case("SAMR-002").id)
    decisions.approve(ctx, FIRE, detail.sub_case("FIRE-001").id)
    for request in detail.verification_requests:
        answer_verification_request(ctx, CLERK, request.id, True, "属实")
    decisions.reject(ctx, CULTURE, detail.sub_case("MCT-001").id, "包厢面积不符合规定")


def test_the_counter_prints_what_the_departments_decided_and_records_the_pickup(
    qtbot, demo_ctx, tmp_path
) -> None:
    case = accept_restaurant(demo_ctx)
    _decide_all(demo_ctx, case.number)
    ticket, _ = issue_ticket(demo_ctx, CLERK, "C", case=case.number)
    window = open_window(qtbot, demo_ctx, CLERK)
    key(
        qtbot,
        window,
        QApplication.focusWidget() or window,
        Qt.Key.Key_F4,
        Qt.KeyboardModifier.ShiftModifier,
    )
    page = window.pickup_page
    assert window.pages.currentWidget() is page
    assert any(case.number in page.ready.item(r).text() for r in range(page.ready.count()))
    page.search.setText(ticket.number)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.detail is not None and page.detail.number == case.number
    titles = [page.docs.item(r).text() for r in range(page.docs.count())]
    assert len(titles) == 4 and "不予行政许可决定书" in titles[-1]  # 2 licenses, sheet, notice

    key(qtbot, window, page.search, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, PrintPreviewDialog) and w.isVisible()
            for w in QApplication.topLevelWidgets()
        ),
        timeout=10000,
    )
    preview = next(
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, PrintPreviewDialog) and w.isVisible()
    )
    assert len(preview.document.parts) == 4
    assert preview.save_to(tmp_path / "pickup.pdf")
    qtbot.waitUntil(lambda: preview.handovers == 1, timeout=10000)
    preview.reject()
    with demo_ctx.uow() as s:
        printed = {r.number for r in s.scalars(select(DocumentPrint))}
    assert {p.number for p in preview.document.parts} <= printed

    def handover(dialog: QWidget) -> None:
        assert isinstance(dialog, HandoverDialog)
        dialog.id_number.setText("320305198511232750")  # a wrong check digit
        dialog._check()
        assert "校验位" in dialog.message.text()
        dialog.name.setText("张伟")
        dialog.id_number.setText("320305198511232751")
        dialog._check()

    answered = answer_dialogs(qtbot, handover)
    key(qtbot, window, page.search, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(answered)
    detail = case_detail(demo_ctx, CLERK, case.number)
    assert detail.pickup is not None and detail.pickup.collector_name == "张伟"
    assert not any(case.number in page.ready.item(r).text() for r in range(page.ready.count()))


def test_the_counter_scans_a_material_and_a_corrupt_file_is_refused(
    qtbot, demo_ctx, tmp_path
) -> None:
    case = accept_restaurant(demo_ctx)
    with demo_ctx.uow() as s:
        before = len(list(s.scalars(select(MaterialScan))))  # the demo pharmacy's
    window = open_window(qtbot, demo_ctx, CLERK)
    dialog = ScansDialog(demo_ctx, CLERK, case.number, window.bus, window)
    qtbot.addWidget(dialog)
    names = [line.name for line in dialog.lines]
    dialog.materials.setCurrentRow(names.index("经营场所平面布局图"))
    assert dialog.buttons["add"].isEnabled()
    good = tmp_path / "plan.png"
    Image.new("RGB", (300, 200), "white").save(good)
    dialog.add_files([good])
    qtbot.waitUntil(lambda: not dialog.busy)
    qtbot.waitUntil(lambda: dialog.pages.count() == 1)
    qtbot.waitUntil(lambda: not dialog.pages.item(0).icon().isNull())  # its thumbnail

    bad = tmp_path / "plan2.png"
    bad.write_bytes(good.read_bytes()[:200])
    dialog.add_files([bad])
    qtbot.waitUntil(lambda: not dialog.busy)
    assert "已损坏" in dialog.message.text()
    assert dialog.pages.count() == 1
    # A line settled by a commitment has nothing to scan.
    dialog.materials.setCurrentRow(names.index("卫生管理制度"))
    assert not dialog.buttons["add"].isEnabled() and "无需扫描" in dialog.settled.text()

    # The scanner's folder: a settled file is offered, taken in, and moved aside.
    folder = tmp_path / "scanner"
    folder.mkdir()
    scanned = folder / "scan-0001.png"
    Image.new("RGB", (120, 160), "white").save(scanned)
    past = time.time() - 60
    os.utime(scanned, (past, past))
    demo_ctx.settings.scanner_folder = str(folder)
    dialog.refresh_scanner()
    qtbot.waitUntil(lambda: dialog.tray.count() == 1)
    dialog.materials.setCurrentRow(names.index("经营场所使用证明"))
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.materials, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.busy and dialog.pages.count() == 1)
    assert not scanned.exists()
    with demo_ctx.uow() as s:
        assert len(list(s.scalars(select(MaterialScan)))) == before + 2
    dialog.reject()
