"""Help menu: "Report a problem" (Ctrl+Shift+F1) saves the last log, the versions and
what the user says happened to one zip file for the hall's IT staff; "About" (F1) says
the version and where the program keeps its files."""

from __future__ import annotations

import sys
from html import escape
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from hall import __version__
from hall.core.clock import Clock
from hall.core.errors import HallError
from hall.core.i18n import LANGUAGES, _, current_language
from hall.core.paths import Paths
from hall.core.settings import Settings
from hall.services.problem_report import default_name, write_problem_report
from hall.ui.errors import show_error
from hall.ui.tasks import run_task
from hall.ui.widgets import message_label, named


def qt_versions() -> dict[str, str]:
    return {"qt": qVersion(), "pyside6": pyside_version}


def show_about(parent: QWidget, paths: Paths) -> None:
    python = sys.version.split()[0]
    lines = [
        f"<b>{escape(_('一窗受理'))}</b> {escape(__version__)}",
        escape(_("政务服务大厅“一窗受理”窗口程序")),
        "",
        escape(
            _("Python {python} · Qt {qt} · 语言：{language}").format(
                python=python, qt=qVersion(), language=LANGUAGES.get(current_language(), "")
            )
        ),
        escape(_("数据库：{path}").format(path=paths.database)),
        escape(_("日志：{path}").format(path=paths.logs)),
        escape(_("设置：{path}").format(path=paths.settings_file)),
        "",
        escape(_("许可证：GPL-3.0 或更新版本。界面字体：文泉驿微米黑。")),
    ]
    QMessageBox.about(parent, _("关于一窗受理"), "<br>".join(lines))


class ProblemReportDialog(QDialog):
    """Asks what happened, then where to save the report."""

    def __init__(
        self, paths: Paths, settings: Settings, clock: Clock, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.paths, self.settings, self.clock = paths, settings, clock
        self.saved: Path | None = None
        self.setWindowTitle(_("报告问题"))
        intro = QLabel(
            _(
                "把最近的日志、程序和系统的版本、本机的设置（不含密码）存成一个文件，"
                "交给技术人员。文件中没有申请人的资料。请简单写下发生了什么："
            )
        )
        intro.setWordWrap(True)
        self.description = named(QPlainTextEdit(), "problemDescription")
        self.description.setPlaceholderText(_("例如：10:42 打印受理通知书时程序提示……，之后……"))
        self.message = message_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("保存报告…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("取消"))
        self.buttons.accepted.connect(self.choose_and_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.description, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(520, 360)

    def choose_and_save(self) -> None:
        start = str(Path.home() / default_name(self.clock.now()))
        name, _filter = QFileDialog.getSaveFileName(
            self, _("保存问题报告"), start, _("ZIP 文件 (*.zip)")
        )
        if name:
            self.save_to(Path(name))

    def save_to(self, out: Path) -> None:
        if not self.buttons.isEnabled():
            return
        if out.suffix.lower() != ".zip":
            out = out.with_name(out.name + ".zip")
        paths, settings = self.paths, self.settings
        description, now = self.description.toPlainText().strip(), self.clock.now()
        self.buttons.setEnabled(False)
        self.message.clear()

        def work() -> Path:
            return write_problem_report(
                paths, settings, out, description=description, now=now, extra=qt_versions()
            )

        def done(path: Path) -> None:
            self.buttons.setEnabled(True)
            self.saved = path
            QMessageBox.information(
                self,
                _("报告问题"),
                _("问题报告已保存到 {path}，请把这个文件交给技术人员。").format(path=path),
            )
            self.accept()

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            if isinstance(exc, HallError):
                self.message.setText(exc.message)
            else:
                show_error(self, exc)

        run_task(self, work, done, failed)
