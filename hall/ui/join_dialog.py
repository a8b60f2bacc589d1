"""The first start of a counter of a hall server: its file is empty, and the accounts,
the catalog and the rest come from the server (:func:`hall.services.sync.join_server`),
not from the standalone first-run wizard. If the server does not answer, the dialog says
so plainly: without it nobody can sign in here yet."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from hall.core.errors import HallError, Offline
from hall.core.i18n import _
from hall.services.auth import has_accounts
from hall.services.context import AppContext
from hall.services.sync import join_server
from hall.ui.errors import show_error
from hall.ui.tasks import run_task
from hall.ui.widgets import message_label, named

BUSY_STYLE = "color: #333;"
BAD_STYLE = "color: #b00020;"


class JoinServerDialog(QDialog):
    """Brings the hall server's data down at once (on show), and again on "retry"."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._started = False
        self.setWindowTitle(_("首次使用 — 一窗受理"))
        intro = QLabel(
            _(
                "本机第一次使用，将连接大厅服务器 {server}，取得账号、许可事项目录和"
                "其他窗口的数据，然后用服务器上的账号登录。"
            ).format(server=ctx.server)
        )
        intro.setWordWrap(True)
        self.message = message_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.retry_button = named(
            self.buttons.button(QDialogButtonBox.StandardButton.Ok), "joinRetry"
        )
        self.retry_button.setText(_("重试"))
        self.retry_button.hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("退出"))
        self.buttons.accepted.connect(self.join)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.setMaximumWidth(680)  # the messages wrap rather than widen it

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._started:
            self._started = True
            QTimer.singleShot(0, self, self.join)

    @property
    def busy(self) -> bool:
        return not self.buttons.isEnabled()

    def join(self) -> None:
        if self.busy:
            return
        self.buttons.setEnabled(False)
        self._say(
            _("正在连接大厅服务器 {server}，取得账号和目录……").format(server=self.ctx.server),
            BUSY_STYLE,
        )
        ctx = self.ctx

        def work() -> bool:
            join_server(ctx)
            return has_accounts(ctx)

        run_task(self, work, self._joined, self._failed)

    def _joined(self, accounts: bool) -> None:
        self.buttons.setEnabled(True)
        if accounts:
            self.accept()
            return
        self._offer_retry(
            _(
                "已连接大厅服务器，但还没有取得任何账号。如果服务器上尚未建立账号，"
                "请管理员先运行 hall server init；然后按“重试”。"
            )
        )

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, Offline):
            self._offer_retry(
                exc.message
                + "\n\n"
                + _(
                    "本机第一次使用，必须先从大厅服务器取得账号才能登录。请检查网络和服务器后"
                    "按“重试”。服务器地址写在设置文件 {path} 中（或环境变量 HALL_SERVER_URL）。"
                ).format(path=self.ctx.paths.settings_file)
            )
        elif isinstance(exc, HallError):
            self._offer_retry(exc.message)
        else:
            self._offer_retry("")
            show_error(self, exc)

    def _offer_retry(self, text: str) -> None:
        self._say(text, BAD_STYLE)
        self.retry_button.show()
        self.retry_button.setFocus()

    def _say(self, text: str, style: str) -> None:
        self.message.setStyleSheet(style)
        self.message.setText(text)
        self.adjustSize()  # a wrapped message taller than the last one must not be cut
