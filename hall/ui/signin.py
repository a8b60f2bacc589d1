"""The sign-in dialog: user, password and this machine's counter."""

from __future__ import annotations

import os
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from hall.core.errors import HallError
from hall.core.i18n import _
from hall.core.settings import Settings, effective_counter, save_settings
from hall.ui.errors import show_error
from hall.ui.startup import ContextLoader
from hall.ui.tasks import run_task
from hall.ui.widgets import message_label, named

if TYPE_CHECKING:
    from hall.services.audit import Actor
    from hall.services.context import AppContext


class SignInDialog(QDialog):
    """Shown before the database stack has loaded: it needs only the settings until the
    clerk submits, and then takes the context from the loader."""

    def __init__(self, loader: ContextLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loader = loader
        self.settings = loader.settings
        self.ctx: AppContext | None = None
        self.actor: Actor | None = None
        self.must_change_password = False
        self.keyring_notice: str | None = None
        self._build_ui()

    def _build_ui(self) -> None:
        self.setWindowTitle(_("登录 — 一窗受理"))
        self.setObjectName("signInDialog")
        hall = self.settings.hall_name or _("政务服务大厅")
        title = QLabel()
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setText(f"<h2>{_('一窗受理')}</h2><p>{escape(hall)}</p>")
        self.username = named(QLineEdit(), "username")
        self.username.setPlaceholderText(_("如 clerk01"))
        self.password = named(QLineEdit(), "password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.counter = named(QLineEdit(), "counter")
        self.counter.setPlaceholderText(_("如 C01"))
        self.counter.setMaxLength(8)
        counter, self.counter_problem = _initial_counter(self.settings)
        self.counter.setText(counter)
        if os.environ.get("HALL_COUNTER"):
            self.counter.setReadOnly(True)
            self.counter.setToolTip(_("窗口编号由环境变量 HALL_COUNTER 指定"))
        elif self.settings.counter_code:
            # Case and ticket numbers carry the counter code: it is this machine's, set once.
            self.counter.setReadOnly(True)
            self.counter.setToolTip(_("本机的窗口编号已设置；如需更改，请联系系统管理员"))
        self.message = message_label()
        form = QFormLayout()
        form.addRow(_("用户名(&U)"), self.username)
        form.addRow(_("密码(&P)"), self.password)
        form.addRow(_("窗口编号(&W)"), self.counter)
        self.buttons = buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("登录"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("退出"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        if self.counter_problem:
            self.message.setText(self.counter_problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)
        self.username.setFocus()

    def submit(self) -> None:
        if self.counter_problem:
            self.message.setText(self.counter_problem)
            return
        if not self.username.text().strip():
            self._fail(_("请输入用户名。"), self.username)
            return
        if not self.counter.text().strip():
            self._fail(_("请输入本机的窗口编号（首次使用时设置，以后自动填入）。"), self.counter)
            return
        if self.busy:
            return
        username, password, counter = (
            self.username.text(),
            self.password.text(),
            self.counter.text(),
        )
        loader = self.loader

        def work() -> tuple[AppContext, Actor, bool, str | None]:
            # Off the GUI thread: argon2 takes a noticeable moment, the database stack may
            # still be loading, and finding the OS keyring may ask the desktop's services.
            from hall.services.auth import must_change_password, sign_in
            from hall.services.secrets import keyring_notice

            ctx = loader.result()
            actor = sign_in(ctx, username, password, counter)
            notice = keyring_notice(ctx.paths, ctx.settings.secret_store)
            return ctx, actor, must_change_password(ctx, actor), notice

        self._set_busy(True)
        run_task(self, work, self._signed_in, self._refused)

    @property
    def busy(self) -> bool:
        return not self.buttons.isEnabled()

    def _set_busy(self, busy: bool) -> None:
        self.buttons.setEnabled(not busy)
        if busy:
            self.message.setText(_("正在登录……"))

    def _signed_in(self, result: tuple[AppContext, Actor, bool, str | None]) -> None:
        ctx, actor, self.must_change_password, self.keyring_notice = result
        self._set_busy(False)
        if actor.counter != self.settings.counter_code and not os.environ.get("HALL_COUNTER"):
            self.settings.counter_code = actor.counter
            save_settings(ctx.paths.settings_file, self.settings)
        self.ctx = ctx
        self.actor = actor
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self._set_busy(False)
        if not isinstance(exc, HallError):
            self.message.clear()
            show_error(self, exc)
            return
        field = getattr(exc, "field", None)
        self._fail(exc.message, self.counter if field == "counter" else self.password)

    def _fail(self, message: str, focus: QLineEdit) -> None:
        self.message.setText(message)
        if focus is self.password:
            self.password.clear()
        focus.setFocus()


def _initial_counter(settings: Settings) -> tuple[str, str | None]:
    """The counter to show, and what is wrong with ``HALL_COUNTER`` if anything."""
    try:
        return effective_counter(settings) or "", None
    except HallError as exc:
        return "", exc.message
