"""System settings for the administrator (Ctrl+Shift+S): the hall, this counter, the
language and the counter's security (:mod:`hall.ui.settings_general`), and the hall
server this counter syncs with, and its password. The address is checked before it is
saved, the password goes to the secret store (never into the settings file), and "test
the connection" asks the server in the background. The link is made at start: a new
server is used after a restart, and the dialog says so."""

from __future__ import annotations

import os

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hall.core.errors import ValidationError
from hall.core.i18n import _
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.settings_admin import change_settings, set_server_url, store_server_password
from hall.sync.link import LinkStatus, parse_server_url
from hall.ui.errors import show_error
from hall.ui.server_check import check_server, describe
from hall.ui.settings_general import GeneralSettings
from hall.ui.tasks import run_task
from hall.ui.widgets import message_label, named


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.result_status: LinkStatus | None = None
        self._build_ui()

    def _build_ui(self) -> None:
        self.setWindowTitle(_("系统设置"))
        group = QGroupBox(_("大厅服务器"))
        intro = QLabel(
            _(
                "几个窗口共用一台大厅服务器（PostgreSQL）时，在此填写它的地址；"
                "留空则本机单机运行，数据只在本机。地址中不写密码，密码填在下面，"
                "保存在本机的密钥存储中。"
            )
        )
        intro.setWordWrap(True)
        self.address = named(QLineEdit(self.ctx.settings.server_url), "serverUrl")
        self.address.setPlaceholderText("postgresql://hall@10.0.0.5:5432/hall")
        self.address.setMinimumWidth(380)
        self.password = named(QLineEdit(), "serverPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("留空：沿用已保存的密码"))
        self.test_button = named(QPushButton(_("测试连接 (Ctrl+T)")), "testConnection")
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self.test_connection)
        QShortcut(QKeySequence("Ctrl+T"), self, self.test_connection)
        self.test_result = named(QLabel(), "testResult")
        self.test_result.setWordWrap(True)
        form = QFormLayout(group)
        form.addRow(intro)
        form.addRow(_("服务器地址"), self.address)
        env = os.environ.get("HALL_SERVER_URL", "").strip()
        if env:
            note = QLabel(
                _("注意：本机设置了环境变量 HALL_SERVER_URL（{url}），它优先于这里的地址。").format(
                    url=env
                )
            )
            note.setWordWrap(True)
            note.setStyleSheet("color: #8a5a00;")
            form.addRow(note)
        form.addRow(_("服务器密码"), self.password)
        form.addRow(self.test_button, self.test_result)
        self.general = named(GeneralSettings(self.ctx.settings), "generalSettings")
        server_page = QWidget()
        server_layout = QVBoxLayout(server_page)
        server_layout.addWidget(group)
        server_layout.addStretch(1)
        self.tabs = named(QTabWidget(), "settingsTabs")
        self.tabs.addTab(self.general, _("常规"))
        self.tabs.addTab(server_page, _("大厅服务器"))
        self.message = message_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("取消"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def _checked_address(self) -> str | None:
        """The address typed ('' for none), or None after saying what is wrong with it."""
        text = self.address.text().strip()
        if text:
            try:
                parse_server_url(text)
            except ValidationError as exc:
                self.message.setText(exc.message)
                self.address.setFocus()
                return None
        self.message.clear()
        return text

    # --- testing -------------------------------------------------------------------------

    def test_connection(self) -> None:
        url = self._checked_address()
        if url is None or not self.test_button.isEnabled():
            return
        if not url:
            self._show_result(_("没有填写服务器地址：本机将单机运行。"), "")
            return
        ctx, typed = self.ctx, self.password.text()
        self.test_button.setEnabled(False)
        self._show_result(_("正在连接 {url}……").format(url=url), "")

        def work() -> LinkStatus:
            return check_server(ctx, url, typed)

        def done(status: LinkStatus) -> None:
            self.test_button.setEnabled(True)
            self.result_status = status
            self._show_result(*describe(status))

        def failed(exc: BaseException) -> None:
            self.test_button.setEnabled(True)
            self._show_result("", "")
            show_error(self, exc, _("测试连接"))

        run_task(self, work, done, failed)

    def _show_result(self, text: str, style: str) -> None:
        self.test_result.setStyleSheet(style)
        self.test_result.setText(text)

    # --- saving --------------------------------------------------------------------------

    def save(self) -> None:
        url = self._checked_address()
        if url is None or not self.buttons.isEnabled():
            return
        password = self.password.text()
        if password and not url:
            self.message.setText(_("没有填写服务器地址，无需密码。"))
            return
        new_url = url != self.ctx.settings.server_url
        general = self.general.changes()
        if not new_url and not password and not general:
            self.accept()
            return
        ctx, actor = self.ctx, self.actor

        def work() -> None:
            if general:  # checked as a whole first: a bad field changes nothing
                change_settings(ctx, actor, **general)
            if password:  # a password that cannot be kept leaves the address as it was
                store_server_password(ctx, actor, password)
            if new_url:
                set_server_url(ctx, actor, url)

        def done(_result: object) -> None:
            self.buttons.setEnabled(True)
            restart = []
            if new_url and url:
                restart.append(_("此后本机与大厅服务器 {url} 同步。").format(url=url))
            elif new_url:
                restart.append(_("此后本机单机运行。"))
            if "language" in general:
                restart.append(_("界面将使用新的语言。"))
            if restart:
                text = _("设置已保存。请重新启动程序：{what}").format(what="".join(restart))
                QMessageBox.information(self, _("系统设置"), text)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            if isinstance(exc, ValidationError):
                self.message.setText(exc.message)
                if exc.field in self.general.values():
                    self.tabs.setCurrentWidget(self.general)
            else:
                show_error(self, exc, _("无法保存设置"))

        self.buttons.setEnabled(False)
        run_task(self, work, done, failed)
