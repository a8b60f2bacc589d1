"""Changing one's own password: asked at the first sign-in of an account an
administrator made or reset (the only way on), and from the File menu at any time."""

from __future__ import annotations

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
from hall.services.audit import Actor
from hall.services.auth import change_password
from hall.services.context import AppContext
from hall.services.passwords import check_rules
from hall.ui.errors import show_error
from hall.ui.tasks import run_task
from hall.ui.widgets import message_label, named


class ChangePasswordDialog(QDialog):
    def __init__(
        self, ctx: AppContext, actor: Actor, *, forced: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.forced = forced
        self._build_ui()

    def _build_ui(self) -> None:
        self.setWindowTitle(_("修改密码 — 一窗受理"))
        self.setObjectName("changePasswordDialog")
        intro = QLabel(
            _("这是管理员为您设置的初始密码，请先设置自己的密码再开始办理业务。")
            if self.forced
            else _("请输入原密码和新密码。")
        )
        intro.setWordWrap(True)
        rules = QLabel(_("新密码至少8位，包含字母、数字、符号中的至少两类，不能包含用户名。"))
        rules.setWordWrap(True)
        rules.setStyleSheet("color: #555;")
        self.old = named(QLineEdit(), "oldPassword")
        self.new = named(QLineEdit(), "newPassword")
        self.repeat = named(QLineEdit(), "repeatPassword")
        for field in (self.old, self.new, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = message_label()
        form = QFormLayout()
        form.addRow(_("原密码(&O)"), self.old)
        form.addRow(_("新密码(&N)"), self.new)
        form.addRow(_("再次输入(&R)"), self.repeat)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("修改"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            _("注销") if self.forced else _("取消")
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(rules)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self.old.setFocus()

    @property
    def busy(self) -> bool:
        return not self.buttons.isEnabled()

    def submit(self) -> None:
        if self.busy:
            return
        old, new = self.old.text(), self.new.text()
        try:
            check_rules(new, self.actor.username)
        except HallError as exc:
            self._fail(exc.message, self.new)
            return
        if new != self.repeat.text():
            self._fail(_("两次输入的新密码不一致。"), self.repeat)
            return
        self.buttons.setEnabled(False)
        self.message.setText(_("正在修改……"))
        ctx, actor = self.ctx, self.actor
        run_task(self, lambda: change_password(ctx, actor, old, new), self._done, self._failed)

    def _done(self, _changes: object) -> None:
        self.buttons.setEnabled(True)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if not isinstance(exc, HallError):
            self.message.clear()
            show_error(self, exc)
            return
        field = getattr(exc, "field", None)
        self._fail(exc.message, self.new if field in ("password", "new_password") else self.old)

    def _fail(self, message: str, focus: QLineEdit) -> None:
        self.message.setText(message)
        focus.clear()
        if focus is self.new:
            self.repeat.clear()
        focus.setFocus()
