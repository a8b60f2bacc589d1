"""Drives the intake page the way a clerk does: with the keyboard alone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from hall.models.enums import FieldType
from hall.services.intake_state import Step
from hall.ui.intake.page import IntakePage

VALUES = {
    FieldType.text: "测试填写",
    FieldType.multiline: "热食类食品制售",
    FieldType.integer: "12",
    FieldType.decimal: "120.5",
    FieldType.date: "2026-12-15",
    FieldType.mobile: "13800138000",
    FieldType.phone: "0516-87661715",
    FieldType.uscc: "91320305MA1N428243",
    FieldType.id_number: "320305196203142253",
}


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def type_text(qtbot, widget: QWidget, text: str) -> None:
    """Type ``text``: ASCII key by key, Chinese as an input method commits it."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def type_code(qtbot, page: IntakePage, code: str) -> None:
    """Scan a code: the scanner types it and ends with Enter."""
    field = page.steps[Step.applicant].code
    if focused() is not field:
        field.setFocus()
    qtbot.keyClicks(field, code)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def pick(qtbot, page: IntakePage, query: str) -> None:
    """Search the scope step and press Enter on the first hit."""
    search = page.steps[Step.scope].search
    if focused() is not search:
        search.setFocus()
    qtbot.keyClicks(search, query)
    qtbot.keyClick(search, Qt.Key.Key_Return)  # at once: no waiting for the search


def next_step(qtbot) -> None:
    """Ctrl+PgDown, wherever the focus is."""
    qtbot.keyClick(focused(), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)


def fill_form(qtbot, page: IntakePage, overrides: dict[str, str] | None = None) -> None:
    """On to the form (Ctrl+PgDown from the scope), then Tab through it, typing into
    every empty field (the form puts the focus on the first empty one)."""
    overrides = overrides or {}
    form = page.steps[Step.form]
    if page.state.step is Step.scope:
        next_step(qtbot)
    elif page.state.step is not Step.form:
        page.go(Step.form)
    assert page.state.step is Step.form
    fields = {f"field_{key}": f for key, f in form.fields.items()}
    seen: set[str] = set()
    for _ in range(4 * len(fields) + 10):
        widget = focused()
        assert widget is not None, f"focus lost after {sorted(seen)}"
        name = widget.objectName()
        if name not in fields or name in seen:
            if name in seen:
                break
            qtbot.keyClick(widget, Qt.Key.Key_Tab)
            continue
        seen.add(name)
        field = fields[name]
        kind = field.planned.field.type
        if not field.value():
            value = overrides.get(field.key, VALUES.get(kind, "测试"))
            if isinstance(widget, QComboBox):
                qtbot.keyClick(widget, Qt.Key.Key_Down)
            elif isinstance(widget, QLineEdit | QPlainTextEdit):
                type_text(qtbot, widget, value)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        if len(seen) == len(fields):
            break
    empty = [f.key for f in form.fields.values() if not f.value()]
    assert not empty, empty


def settle_materials(qtbot, page: IntakePage) -> None:
    """On the materials step: F5, then every line an item decided on the spot still
    waits for set to "received" (the clerk saw the original), with the arrow keys."""
    if page.state.step is not Step.materials:
        page.go(Step.materials)
    step = page.steps[Step.materials]
    with qtbot.waitSignal(page.checks_done):
        qtbot.keyClick(focused(), Qt.Key.Key_F5)
    on_spot = {p.item.code for p in page.plan.items if p.decided_on_the_spot}
    waiting = {"pending", "not_confirmed", "verification_requested"}
    for m in page.plan.materials:
        box = step._status[m.name]
        if box.currentData() not in waiting or not on_spot.intersection(m.items):
            continue
        box.setFocus()
        for key in (Qt.Key.Key_Up,) * 8 + (Qt.Key.Key_Down,) * 8:
            if box.currentData() == "received":
                break
            qtbot.keyClick(box, key)
        assert box.currentData() == "received", m.name
    assert not [p for p in page.problems if p.step is Step.materials], page.problems


def sign_commitments(qtbot, page: IntakePage) -> None:
    """On the commitment step: Space on each "signed" choice, Tab to the next."""
    if page.state.step is not Step.commitment:
        page.go(Step.commitment)
    step = page.steps[Step.commitment]
    wanted = {f"signed_{code}" for code in step._groups}
    done: set[str] = set()
    for _ in range(6 * len(wanted) + 4):
        widget = focused()
        name = widget.objectName() if widget is not None else ""
        if name in wanted and name not in done:
            qtbot.keyClick(widget, Qt.Key.Key_Space)
            done.add(name)
        if done == wanted:
            break
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert done == wanted, sorted(wanted - done)


def accept(qtbot, page: IntakePage) -> None:
    """Ctrl+Enter goes to the last step, Ctrl+Enter again accepts."""
    widget = focused() or page
    qtbot.keyClick(widget, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    widget = focused() or page
    qtbot.keyClick(widget, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
