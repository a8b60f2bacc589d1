"""A clerk's draft survives the process being killed, and is offered back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from hall.models.enums import Role
from hall.services.audit import Actor
from hall.services.drafts import open_drafts
from hall.services.intake_state import Step
from hall.ui.main_window import MainWindow

CLERK = Actor("clerk01", Role.clerk, "C01", "张敏")
CHILD = Path(__file__).with_name("draft_child.py")


def test_draft_recovered_after_the_process_is_killed_mid_form(qtbot, demo_ctx) -> None:
    env = dict(os.environ, HALL_DATA_DIR=str(demo_ctx.paths.data), QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen(
        [sys.executable, str(CHILD), "91320305MA1N428243", "H2002"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stdout.readline() if child.stdout else ""
        assert line.strip() == "READY", child.stderr.read() if child.stderr else ""
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL

    drafts = open_drafts(demo_ctx, CLERK)
    assert len(drafts) == 1
    kept = drafts[0].state
    assert kept.applicant_code == "91320305MA1N428243"
    assert kept.scope == ("H2002",)
    assert kept.step is Step.form
    assert kept.answers["contact_mobile"] == "13800138000"
    assert kept.answers["premises_area"] == "88"

    window = MainWindow(demo_ctx, CLERK)
    qtbot.addWidget(window)
    window.show()

    def continue_the_draft() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), box
        assert "未完成的申请" in box.windowTitle()
        go_on = next(b for b in box.buttons() if b.text() == "继续办理")
        go_on.click()

    QTimer.singleShot(100, continue_the_draft)
    window.show_start_page()
    qtbot.waitUntil(lambda: window.intake_page.draft_id == drafts[0].id, timeout=5_000)
    page = window.intake_page
    assert page.state.step is Step.form
    assert page.steps[Step.form].fields["premises_area"].value() == "88"
    assert page.steps[Step.applicant].code.text() == "91320305MA1N428243"
