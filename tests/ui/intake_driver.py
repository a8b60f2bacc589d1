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
    field.setFocus()
    qtbot.keyClicks(field, code)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def pick(qtbot, page: IntakePage, query: str) -> None:
    """Search the scope step and press Enter on the first hit."""
    search = page.steps[Step.scope].search
    search.setFocus()
    qtbot.keyClicks(search, query)
    page.steps[Step.scope]._debounce.timeout.emit()  # the 100 ms debounce, at once
    qtbot.keyClick(search, Qt.Key.Key_Return)


def fill_form(qtbot, page: IntakePage, overrides: dict[str, str] | None = None) -> None:
    """Tab through the merged form, typing into every empty field."""
    overrides = overrides or {}
    form = page.steps[Step.form]
    page.go(Step.form)
    fields = {f"field_{key}": f for key, f in form.fields.items()}
    first = next(iter(form.fields.values())).editor
    first.setFocus()
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
    assert seen == set(fields), sorted(set(fields) - seen)


def sign_commitments(qtbot, page: IntakePage) -> None:
    """Each commitment's "signed" choice, focused and checked with Space."""
    page.go(Step.commitment)
    step = page.steps[Step.commitment]
    for code in list(step._groups):
        button = step.findChild(QWidget, f"signed_{code}")
        button.setFocus()
        qtbot.keyClick(button, Qt.Key.Key_Space)


def accept(qtbot, page: IntakePage) -> None:
    """Ctrl+Enter goes to the last step, Ctrl+Enter again accepts."""
    widget = focused() or page
    qtbot.keyClick(widget, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    widget = focused() or page
    qtbot.keyClick(widget, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
