"""The administrator's general settings, and the Help menu's problem report."""
# ruff: noqa: F811

from __future__ import annotations

import zipfile

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget
from sqlalchemy import select

from hall.core.settings import load_settings
from hall.models import AuditEntry
from hall.ui.problem_dialog import ProblemReportDialog
from hall.ui.settings_dialog import SettingsDialog

from .test_cases_ui import answer_dialogs
from .test_sync_ui import ADMIN, admin  # noqa: F401  (the administrator's account)


def answer_info(dialog: QWidget) -> None:
    assert isinstance(dialog, QMessageBox), type(dialog)
    dialog.accept()


def test_a_bad_hall_code_changes_nothing_and_shows_its_page(qtbot, ctx, admin) -> None:
    dialog = SettingsDialog(ctx, ADMIN)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(1)
    dialog.general.hall_name.setText("云龙区政务服务中心")
    dialog.general.hall_code.setText("3203")
    dialog.save()
    qtbot.waitUntil(lambda: "大厅编码“3203”无效" in dialog.message.text())
    assert dialog.tabs.currentWidget() is dialog.general and dialog.isVisible()
    assert ctx.settings.hall_name != "云龙区政务服务中心"
    assert not ctx.paths.settings_file.exists() or (
        load_settings(ctx.paths.settings_file).hall_name != "云龙区政务服务中心"
    )


def test_the_hall_the_language_and_the_lock_are_saved_and_audited(qtbot, ctx, admin) -> None:
    dialog = SettingsDialog(ctx, ADMIN)
    qtbot.addWidget(dialog)
    dialog.show()
    general = dialog.general
    general.hall_name.setText("云龙区政务服务中心")
    general.hall_code.setText("320303")
    general.language.setCurrentIndex(general.language.findData("en"))
    general.idle_lock.setValue(5)
    assert set(general.changes()) == {"hall_name", "hall_code", "language", "idle_lock_minutes"}
    answered = answer_dialogs(qtbot, answer_info)  # "restart for the new language"
    dialog.save()
    qtbot.waitUntil(answered)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    saved = load_settings(ctx.paths.settings_file)
    assert (saved.hall_name, saved.hall_code, saved.language, saved.idle_lock_minutes) == (
        "云龙区政务服务中心",
        "320303",
        "en",
        5,
    )
    with ctx.uow() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "settings.change")).one()
    assert entry.after is not None and entry.after["language"] == "en"


def test_a_problem_report_is_saved_where_asked(qtbot, ctx, tmp_path) -> None:
    dialog = ProblemReportDialog(ctx.paths, ctx.settings, ctx.clock)
    qtbot.addWidget(dialog)
    dialog.description.setPlainText("叫号屏不响")
    answered = answer_dialogs(qtbot, answer_info)
    dialog.save_to(tmp_path / "report")
    qtbot.waitUntil(answered)
    assert dialog.saved == tmp_path / "report.zip"
    with zipfile.ZipFile(dialog.saved) as archive:
        assert "叫号屏不响" in archive.read("description.txt").decode()
        assert "qt: 6." in archive.read("versions.txt").decode()
