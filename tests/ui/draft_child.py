"""Run as a separate process by test_draft_recovery: a clerk half way through a form.

It types an applicant, picks a scope entry and fills two fields of the form, says
READY once the draft has had time to be saved, and waits to be killed.
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from hall.models.enums import Role
from hall.services.audit import Actor
from hall.services.context import open_context
from hall.services.intake_state import Step
from hall.ui.main_window import MainWindow


def main() -> None:
    app = QApplication(sys.argv)
    ctx = open_context()
    window = MainWindow(ctx, Actor("clerk01", Role.clerk, "C01", "张敏"))
    window.show()
    window.activateWindow()
    window.show_intake()
    page = window.intake_page
    assert page is not None
    code = page.steps[Step.applicant].code
    code.setFocus()
    QTest.keyClicks(code, sys.argv[1])
    QTest.keyClick(code, Qt.Key.Key_Return)
    scope = page.steps[Step.scope]
    QTest.keyClicks(scope.search, sys.argv[2])
    QTest.keyClick(scope.search, Qt.Key.Key_Return)
    page.go(Step.form)
    form = page.steps[Step.form]
    for key, value in (("contact_mobile", "13800138000"), ("premises_area", "88")):
        editor = form.fields[key].editor
        editor.setFocus()
        QTest.keyClicks(editor, value)  # typed, not yet left: saved by the typing timer
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    print("READY", flush=True)
    while True:
        app.processEvents()
        time.sleep(0.05)


if __name__ == "__main__":
    main()
