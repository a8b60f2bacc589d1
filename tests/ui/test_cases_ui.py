"""The Cases view on real widgets: find, read, and what comes after acceptance."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QMessageBox, QWidget

from hall.models.enums import (
    FieldType,
    MaterialStatus,
    ProofMode,
    RequestStatus,
    Role,
    Route,
    SubCaseStatus,
    SupplementStatus,
)
from hall.services.audit import Actor
from hall.services.cases import case_detail
from hall.services.intake_flow import (
    accept_from_state,
    look_up_applicant,
    plan_for,
    prefilled,
    run_data_checks,
    with_applicant,
)
from hall.services.intake_state import IntakeState, MaterialChoice
from hall.ui.main_window import MainWindow
from hall.ui.supplement_dialog import SupplementDialog

WAITS = (ProofMode.data_verification, ProofMode.department_verification)
CLERK = Actor("clerk01", Role.clerk, "C01", "张敏")
KARAOKE = "91320305MA2055QB7B"  # 星悦娱乐, in the demo registry
VALUES = {
    FieldType.text: "测试",
    FieldType.multiline: "歌舞娱乐",
    FieldType.integer: "8",
    FieldType.decimal: "300",
    FieldType.date: "2026-12-20",
    FieldType.mobile: "13800138000",
    FieldType.id_number: "320305196203142253",
    FieldType.uscc: KARAOKE,
}


def accepted_karaoke(ctx) -> str:
    """A case with items under review and a department verification (the fire check)."""
    state = with_applicant(IntakeState(), look_up_applicant(ctx, KARAOKE))
    state = state.replace(scope=("R5001",), without=("MCT-003",))
    plan = plan_for(ctx, state)
    state = prefilled(state, plan)
    answers = dict(state.answers)
    for f in plan.fields:
        if not answers.get(f.field.key):
            if f.field.type is FieldType.choice:
                answers[f.field.key] = f.field.choices[0]
            elif f.field.type is FieldType.boolean:
                answers[f.field.key] = "否"
            else:
                answers[f.field.key] = VALUES.get(f.field.type, "测试")
    signed = tuple(p.item.code for p in plan.items if p.route is Route.commitment)
    state = run_data_checks(ctx, state.replace(answers=answers, signed=signed), plan)
    # What the items decided on the spot need and no data source answered: seen on paper.
    on_spot = {p.item.code for p in plan.items if p.decided_on_the_spot}
    materials = dict(state.materials)
    for m in plan.materials:
        checked = materials.get(m.name, MaterialChoice()).status == MaterialStatus.verified.value
        if on_spot.intersection(m.items) and m.proof_mode in WAITS and not checked:
            materials[m.name] = MaterialChoice(MaterialStatus.received.value)
    case, _ = accept_from_state(ctx, CLERK, state.replace(materials=materials))
    return case.number


def answer_dialogs(qtbot, *handlers: Callable[[QWidget], None]) -> Callable[[], bool]:
    """Answer the modal dialogs as they appear, in order; returns 'all answered?'."""
    pending = list(handlers)

    def tick() -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None and pending:
            pending.pop(0)(modal)
        if pending:
            QTimer.singleShot(30, tick)

    QTimer.singleShot(30, tick)
    return lambda: not pending


def pick_first(dialog: QWidget) -> None:
    assert isinstance(dialog, QInputDialog)
    dialog.accept()


def type_and_accept(text: str) -> Callable[[QWidget], None]:
    def handler(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue(text)
        dialog.accept()

    return handler


def click(label: str) -> Callable[[QWidget], None]:
    def handler(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        next(b for b in box.buttons() if label in b.text()).click()

    return handler


def open_cases(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx, CLERK)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F4)
    assert window.pages.currentWidget() is window.cases_page
    return window


def press(qtbot, window: MainWindow, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A shortcut key on the Cases view. (Offscreen, a closed dialog does not hand the
    activation back as a window manager does: take it back first.)"""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.cases_page.search, key, modifiers)


def search(qtbot, page, text: str) -> None:
    page.search.setText(text)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)


def test_cases_are_found_by_number_code_and_name(qtbot, demo_ctx) -> None:
    number = accepted_karaoke(demo_ctx)
    window = open_cases(qtbot, demo_ctx)
    page = window.cases_page
    for query in (number, KARAOKE, "星悦"):
        search(qtbot, page, query)
        assert page.model.rowCount() == 1, query
        assert page.detail is not None and page.detail.number == number
    html = page.text.toHtml()
    assert "消防" in html and "剩" in html  # the fire check, and working days left
    search(qtbot, page, "没有这家")
    assert page.model.rowCount() == 0 and page.detail is None
    assert "没有找到案件" in page.text.toPlainText()


def test_a_supplement_notice_stops_the_clock_until_it_is_fulfilled(qtbot, demo_ctx) -> None:
    number = accepted_karaoke(demo_ctx)
    window = open_cases(qtbot, demo_ctx)
    page = window.cases_page
    search(qtbot, page, number)
    under_review = {s.item_code for s in page.detail.sub_cases if s.under_review}
    askable = [
        m.name
        for m in page.detail.materials
        if m.status is MaterialStatus.received and under_review.intersection(m.item_codes)
    ]
    material = askable[0]
    offered: list[str] = []

    def fill_notice(dialog: QWidget) -> None:
        assert isinstance(dialog, SupplementDialog)
        for row in range(dialog.table.rowCount()):
            offered.append(dialog.table.item(row, 0).text())
            if dialog.table.item(row, 0).text() == material:
                dialog.table.item(row, 0).setCheckState(Qt.CheckState.Checked)
                dialog.table.item(row, 1).setText("平面图未标明安全出口，请补充")
        dialog._check()

    answered = answer_dialogs(qtbot, fill_notice)
    press(qtbot, window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(answered)
    # Only what may be asked for again is offered (and a free line).
    assert offered == [*askable, "其他"]
    notice = page.detail.open_supplement
    assert notice is not None and [line.material for line in notice.lines] == [material]
    assert any(s.clock_stopped for s in page.detail.sub_cases)
    assert not page.buttons["supplement"].isEnabled()  # one notice at a time (art. 32)

    answered = answer_dialogs(qtbot, _yes)
    press(
        qtbot,
        window,
        Qt.Key.Key_B,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(answered)
    detail = case_detail(demo_ctx, CLERK, number)
    assert detail.supplements[0].status is SupplementStatus.fulfilled
    assert not any(s.clock_stopped for s in detail.sub_cases)
    assert detail.material(material).status is MaterialStatus.received


def _yes(box: QWidget) -> None:
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Yes).click()


def test_a_department_answer_is_recorded_and_an_item_withdrawn(qtbot, demo_ctx) -> None:
    number = accepted_karaoke(demo_ctx)
    window = open_cases(qtbot, demo_ctx)
    page = window.cases_page
    search(qtbot, page, number)
    assert any(r.status is RequestStatus.pending for r in page.detail.verification_requests)

    answered = answer_dialogs(
        qtbot, pick_first, click("属实"), type_and_accept("贾汪消防〔2026〕12号，经核属实")
    )
    press(qtbot, window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(answered)
    answered_requests = [r for r in page.detail.verification_requests if r.answer]
    assert answered_requests and answered_requests[0].status is RequestStatus.confirmed

    under_review = [s for s in page.detail.sub_cases if s.status is SubCaseStatus.under_review]
    answered = answer_dialogs(qtbot, pick_first, type_and_accept("申请人暂不开设歌舞厅"))
    press(
        qtbot,
        window,
        Qt.Key.Key_W,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(answered)
    withdrawn = page.detail.sub_case(under_review[0].item_code)
    assert withdrawn.status is SubCaseStatus.withdrawn
    assert "撤回" in page.text.toPlainText()


def test_the_cases_table_model_is_well_behaved(qtmodeltester, demo_ctx) -> None:
    from hall.services.cases import search_cases
    from hall.ui.cases_model import CaseTableModel

    accepted_karaoke(demo_ctx)
    model = CaseTableModel()
    found = search_cases(demo_ctx, CLERK, "")
    model.set_rows(found)
    qtmodeltester.check(model)
    assert model.rowCount() == len(found) > 1  # the demo hall's cases and this one
    found = search_cases(demo_ctx, CLERK, KARAOKE)
    model.set_rows(found)
    assert model.rowCount() == 1
    assert "待部门核验" in found[0].pending_text()
    pending = model.index(0, 4).data()
    assert pending == found[0].pending_text()


def test_a_refused_supplement_notice_keeps_what_the_clerk_typed(qtbot) -> None:
    from hall.core.errors import Conflict

    def refuse(_lines: dict[str, str], _note: str) -> None:
        raise Conflict("案件已有一份补正通知尚未办结。")

    dialog = SupplementDialog(["经营场所平面布局图"], refuse)
    qtbot.addWidget(dialog)
    dialog.table.item(0, 0).setCheckState(Qt.CheckState.Checked)
    dialog.table.item(0, 1).setText("未标明安全出口")
    dialog._check()
    assert dialog.result() != QDialog.DialogCode.Accepted  # still open, to correct
    assert "尚未办结" in dialog.message.text()
    assert dialog.lines() == {"经营场所平面布局图": "未标明安全出口"}
