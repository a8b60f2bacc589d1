"""The locked window: the work stays as it was behind this page, and only the same
person's password brings it back (failures count towards the account's lock-out)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hall.core.errors import HallError
from hall.core.i18n import _
from hall.services.audit import Actor
from hall.services.auth import unlock
from hall.services.context import AppContext
from hall.ui.errors import show_error
from hall.ui.tasks import run_task
from hall.ui.widgets import message_label, named


class LockScreen(QWidget):
    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.busy = False
        self._build_ui()

    def _build_ui(self) -> None:
        self.setObjectName("lockScreen")
        name = self.actor.display_name or self.actor.username
        title = QLabel()
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setText(
            f"<h2>{escape(_('窗口已锁定'))}</h2><p>"
            + escape(
                _("{name}（{user}）在窗口 {counter} 的工作已保留。请输入密码继续。").format(
                    name=name, user=self.actor.username, counter=self.actor.counter
                )
            )
            + "</p>"
        )
        title.setWordWrap(True)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password = named(QLineEdit(), "unlockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("密码"))
        self.password.returnPressed.connect(self.submit)
        self.password.setMaximumWidth(320)
        self.unlock_button = named(QPushButton(_("解锁(&U)")), "unlockButton")
        self.unlock_button.clicked.connect(self.submit)
        self.sign_out_button = named(QPushButton(_("注销，换人登录(&S)")), "lockSignOut")
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        self.message = message_label()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.unlock_button)
        buttons.addWidget(self.sign_out_button)
        buttons.addStretch()
        field = QHBoxLayout()
        field.addStretch()
        field.addWidget(self.password)
        field.addStretch()
        layout = QVBoxLayout(self)
        layout.addStretch()
        layout.addWidget(title)
        layout.addLayout(field)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addStretch()

    def reset(self) -> None:
        self.password.clear()
        self.message.clear()
        self.password.setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        password = self.password.text()
        if not password:
            self.message.setText(_("请输入密码。"))
            return
        self.busy = True
        self.unlock_button.setEnabled(False)
        self.message.setText(_("正在核对密码……"))
        ctx, actor = self.ctx, self.actor
        run_task(self, lambda: unlock(ctx, actor, password), self._done, self._failed)

    def _done(self, _result: object) -> None:
        self.busy = False
        self.unlock_button.setEnabled(True)
        self.password.clear()
        self.message.clear()
        self.unlocked.emit()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.unlock_button.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        if isinstance(exc, HallError):
            self.message.setText(exc.message)
        else:
            self.message.clear()
            show_error(self, exc)
