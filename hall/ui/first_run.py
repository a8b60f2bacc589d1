"""The first start on an empty database: this machine's counter, the administrator, and
the hall's signing key (with a passphrase for its file where there is no OS keyring)."""

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
from hall.core.settings import normalize_counter_code
from hall.services.context import AppContext
from hall.services.passwords import check_rules
from hall.services.secrets import MIN_PASSPHRASE, uses_file_store
from hall.services.setup import initialise
from hall.ui.errors import show_error
from hall.ui.tasks import run_task
from hall.ui.widgets import message_label, named


class FirstRunDialog(QDialog):
    """Asks the counter code and the administrator's password, then initialises."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("首次使用 — 一窗受理"))
        intro = QLabel(
            _(
                "本机的数据库是空的。请设置本机的窗口编号和系统管理员（用户名 admin）的密码，"
                "之后以 admin 登录。窗口编号会印在本机的受理单号上，设置后不能随意更改。"
            )
        )
        intro.setWordWrap(True)
        self.counter = named(QLineEdit(self.ctx.counter or ""), "counter")
        self.counter.setPlaceholderText(_("如 C01"))
        self.password = named(QLineEdit(), "password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = named(QLineEdit(), "repeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = message_label()
        form = QFormLayout()
        form.addRow(_("窗口编号"), self.counter)
        form.addRow(_("管理员密码"), self.password)
        form.addRow(_("再次输入密码"), self.repeat)
        # Without an OS keyring the signing key goes into a file sealed by a passphrase.
        self.needs_passphrase = uses_file_store(self.ctx.paths, self.ctx.settings.secret_store)
        self.passphrase = named(QLineEdit(), "passphrase")
        self.passphrase_repeat = named(QLineEdit(), "passphraseRepeat")
        for field in (self.passphrase, self.passphrase_repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        if self.needs_passphrase:
            note = QLabel(
                _(
                    "本机没有可用的系统密钥环。文书签名密钥将保存在数据文件夹的加密文件中，"
                    "请为它设置口令（至少{n}位）并妥善保管：签发带二维码的文书、更换密钥时都需要它。"
                ).format(n=MIN_PASSPHRASE)
            )
            note.setWordWrap(True)
            form.addRow(note)
            form.addRow(_("密钥文件口令"), self.passphrase)
            form.addRow(_("再次输入口令"), self.passphrase_repeat)
        self.buttons = buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("创建并继续"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("退出"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def submit(self) -> None:
        try:
            counter = normalize_counter_code(self.counter.text())
        except HallError as exc:
            self.message.setText(exc.message)
            return
        try:
            check_rules(self.password.text(), "admin")
        except HallError as exc:
            self.message.setText(exc.message)
            return
        if self.password.text() != self.repeat.text():
            self.message.setText(_("两次输入的密码不一致。"))
            return
        if self.needs_passphrase:
            if len(self.passphrase.text()) < MIN_PASSPHRASE:
                self.message.setText(_("密钥文件的口令至少{n}位。").format(n=MIN_PASSPHRASE))
                return
            if self.passphrase.text() != self.passphrase_repeat.text():
                self.message.setText(_("两次输入的口令不一致。"))
                return
            if self.passphrase.text() == self.password.text():
                self.message.setText(_("密钥文件的口令不要与管理员密码相同。"))
                return
            phrase = self.passphrase.text()
            self.ctx.passphrase = lambda _creating: phrase
        if self.busy:
            return
        password = self.password.text()
        self.buttons.setEnabled(False)
        self.message.setText(_("正在导入许可事项目录、创建管理员和签名密钥……"))
        ctx = self.ctx
        run_task(
            self,
            lambda: initialise(
                ctx,
                counter=counter,
                admin_password=password,
                admin_must_change=False,
                signing_key=True,
            ),
            self._done,
            self._failed,
        )

    @property
    def busy(self) -> bool:
        return not self.buttons.isEnabled()

    def _done(self, _report: object) -> None:
        self.buttons.setEnabled(True)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, HallError):
            self.message.setText(exc.message)
        else:
            self.message.clear()
            show_error(self, exc)
