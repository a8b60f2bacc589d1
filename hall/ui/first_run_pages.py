"""The pages of the first-run wizard (:mod:`hall.ui.first_run`). Each page checks what
was typed when "next" is pressed and says what is wrong on the page itself; nothing is
written before the last page."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from hall.core.errors import HallError, ValidationError
from hall.core.i18n import _
from hall.core.settings import normalize_counter_code, normalize_hall_code
from hall.services.context import AppContext
from hall.services.passwords import check_rules
from hall.services.secrets import MIN_PASSPHRASE
from hall.services.server import store_password
from hall.services.settings_admin import checked_server_address
from hall.services.setup import initialise
from hall.sync.link import LinkStatus
from hall.ui.errors import show_error
from hall.ui.server_check import check_server, describe
from hall.ui.settings_general import language_combo
from hall.ui.tasks import run_task
from hall.ui.widgets import message_label, named

if TYPE_CHECKING:
    from hall.ui.first_run import FirstRunWizard


class Page(IntEnum):
    welcome = 1
    hall = 2
    mode = 3
    admin = 4
    key = 5
    finish = 6


def _wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def _secret(name: str) -> QLineEdit:
    field = named(QLineEdit(), name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class WelcomePage(QWizardPage):
    """The language first: choosing another one opens the wizard again in it."""

    language_chosen = Signal(str)

    def __init__(self, language: str) -> None:
        super().__init__()
        self._language = language
        self.setTitle(_("欢迎使用一窗受理"))
        self.setSubTitle(_("本机的数据库是空的，先花两分钟完成设置。"))
        self.language = language_combo(language)
        self.language.currentIndexChanged.connect(self._language_chosen)
        form = QFormLayout()
        label = _("语言")
        # Said in English too, for whoever sits at a machine set to the wrong language.
        form.addRow(label if label == "Language" else f"{label} / Language", self.language)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _wrapped(
                _(
                    "接下来依次设置：大厅名称和本机的窗口编号；本机单独运行，还是与其他窗口"
                    "共用一台大厅服务器；单独运行时，系统管理员 admin 的密码和文书签名密钥。"
                    "完成后以 admin 登录，为窗口人员建立账号。"
                )
            )
        )
        layout.addLayout(form)
        layout.addStretch(1)

    def _language_chosen(self) -> None:
        language = self.language.currentData()
        if language != self._language:
            self.language_chosen.emit(language)


class HallPage(QWizardPage):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.setTitle(_("大厅和本窗口"))
        self.setSubTitle(_("大厅名称和编码印在文书的抬头上，窗口编号印在本机出具的编号上。"))
        settings = ctx.settings
        self.hall_name = named(QLineEdit(settings.hall_name), "hallName")
        self.hall_name.setPlaceholderText(_("如 某某区政务服务中心"))
        self.hall_name.setMaxLength(60)
        self.hall_code = named(QLineEdit(settings.hall_code), "hallCode")
        self.hall_code.setPlaceholderText(_("行政区划代码，如 320305（可不填）"))
        self.counter = named(QLineEdit(settings.counter_code or ""), "counter")
        self.counter.setPlaceholderText(_("如 C01"))
        self.message = message_label()
        form = QFormLayout(self)
        form.addRow(_("大厅名称"), self.hall_name)
        form.addRow(_("大厅编码"), self.hall_code)
        form.addRow(_("窗口编号"), self.counter)
        form.addRow(_wrapped(_("窗口编号由字母开头的2至8位字母或数字组成，设置后不要随意更改。")))
        form.addRow(self.message)

    def validatePage(self) -> bool:
        if not self.hall_name.text().strip():
            self.message.setText(_("请填写大厅名称。"))
            self.hall_name.setFocus()
            return False
        try:
            self.hall_code.setText(normalize_hall_code(self.hall_code.text()))
        except ValidationError as exc:
            self.message.setText(exc.message)
            self.hall_code.setFocus()
            return False
        try:
            self.counter.setText(normalize_counter_code(self.counter.text()))
        except ValidationError as exc:
            self.message.setText(exc.message)
            self.counter.setFocus()
            return False
        self.message.clear()
        return True


class ModePage(QWizardPage):
    """Alone, or with a hall server (its address, its password, a test)."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setTitle(_("单机运行还是连接大厅服务器"))
        self.setSubTitle(_("账号、许可事项目录和办件数据保存在哪里。"))
        self.alone = named(QRadioButton(_("本机单机运行：数据只在本机")), "modeAlone")
        self.server = named(QRadioButton(_("连接大厅服务器")), "modeServer")
        self.alone.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.alone)
        group.addButton(self.server)
        self.address = named(QLineEdit(ctx.settings.server_url), "serverUrl")
        self.address.setPlaceholderText("postgresql://hall@10.0.0.5:5432/hall")
        self.password = _secret("serverPassword")
        self.password.setPlaceholderText(_("没有密码时留空"))
        self.test_button = named(QPushButton(_("测试连接")), "testConnection")
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = named(_wrapped(""), "testResult")
        self.message = message_label()
        self.server_box = QWidget()
        form = QFormLayout(self.server_box)
        form.addRow(_("服务器地址"), self.address)
        form.addRow(_("服务器密码"), self.password)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addWidget(self.test_result, 1)
        form.addRow(row)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _wrapped(
                _(
                    "几个窗口共用一台大厅服务器（PostgreSQL）时，账号和目录在服务器上，"
                    "本机离线时照常办理。"
                )
            )
        )
        layout.addWidget(self.alone)
        layout.addWidget(self.server)
        layout.addWidget(self.server_box)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.server.toggled.connect(self._mode_changed)
        self._mode_changed()

    @property
    def joins_server(self) -> bool:
        return self.server.isChecked()

    def _mode_changed(self) -> None:
        self.server_box.setEnabled(self.joins_server)
        self.message.clear()

    def _checked_url(self) -> str | None:
        try:
            text = checked_server_address(self.address.text())
        except ValidationError as exc:
            self.message.setText(exc.message)
            self.address.setFocus()
            return None
        self.message.clear()
        return text

    def test_connection(self) -> None:
        url = self._checked_url()
        if url is None or not self.test_button.isEnabled():
            return
        ctx, typed = self.ctx, self.password.text()
        self.test_button.setEnabled(False)
        self.test_result.setStyleSheet("")
        self.test_result.setText(_("正在连接 {url}……").format(url=url))

        def done(status: LinkStatus) -> None:
            self.test_button.setEnabled(True)
            text, style = describe(status)
            self.test_result.setStyleSheet(style)
            self.test_result.setText(text)

        def failed(exc: BaseException) -> None:
            self.test_button.setEnabled(True)
            self.test_result.clear()
            show_error(self, exc, _("测试连接"))

        run_task(self, lambda: check_server(ctx, url, typed), done, failed)

    def validatePage(self) -> bool:
        return not self.joins_server or self._checked_url() is not None

    def nextId(self) -> int:
        return Page.key if self.joins_server else Page.admin


class AdminPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("系统管理员"))
        self.setSubTitle(
            _("管理员 admin 建立账号、修改设置、更换密钥。请选择一个别人猜不到的密码。")
        )
        self.password = _secret("password")
        self.repeat = _secret("repeat")
        self.message = message_label()
        form = QFormLayout(self)
        form.addRow(_("用户名"), QLabel("admin"))
        form.addRow(_("管理员密码"), self.password)
        form.addRow(_("再次输入密码"), self.repeat)
        form.addRow(_wrapped(_("密码至少8位，包含字母、数字、符号中的至少两种，不能含用户名。")))
        form.addRow(self.message)

    def validatePage(self) -> bool:
        try:
            check_rules(self.password.text(), "admin")
        except HallError as exc:
            self.message.setText(exc.message)
            return False
        if self.password.text() != self.repeat.text():
            self.message.setText(_("两次输入的密码不一致。"))
            return False
        self.message.clear()
        return True


class KeyPage(QWizardPage):
    """Where the secrets go: the OS keyring, or a file sealed by a passphrase."""

    def __init__(self, needs_passphrase: bool) -> None:
        super().__init__()
        self.needs_passphrase = needs_passphrase
        self.setTitle(_("密钥"))
        self.setCommitPage(True)
        self.passphrase = _secret("passphrase")
        self.passphrase_repeat = _secret("passphraseRepeat")
        self.message = message_label()
        form = QFormLayout(self)
        if needs_passphrase:
            self.setSubTitle(_("文书签名密钥和服务器密码保存在哪里。"))
            form.addRow(
                _wrapped(
                    _(
                        "本机没有可用的系统密钥环。文书签名密钥和服务器密码将保存在数据文件夹的"
                        "加密文件中，请为它设置口令（至少{n}位）并妥善保管：签发带二维码的文书、"
                        "更换密钥时都需要它。"
                    ).format(n=MIN_PASSPHRASE)
                )
            )
            form.addRow(_("密钥文件口令"), self.passphrase)
            form.addRow(_("再次输入口令"), self.passphrase_repeat)
        else:
            self.setSubTitle(_("文书签名密钥和服务器密码保存在哪里。"))
            form.addRow(
                _wrapped(
                    _(
                        "文书签名密钥（出具文书上的二维码用它签名）和服务器密码保存在系统密钥环中，"
                        "不需要另设口令。按“创建”开始。"
                    )
                )
            )
        form.addRow(self.message)

    def validatePage(self) -> bool:
        if not self.needs_passphrase:
            return True
        phrase = self.passphrase.text()
        if len(phrase) < MIN_PASSPHRASE:
            self.message.setText(_("密钥文件的口令至少{n}位。").format(n=MIN_PASSPHRASE))
            return False
        if phrase != self.passphrase_repeat.text():
            self.message.setText(_("两次输入的口令不一致。"))
            return False
        wizard = self.wizard()
        admin = getattr(wizard, "admin", None)
        joins = getattr(wizard, "joins_server", False)
        if isinstance(admin, AdminPage) and not joins and phrase == admin.password.text():
            self.message.setText(_("密钥文件的口令不要与管理员密码相同。"))
            return False
        self.message.clear()
        return True


class FinishPage(QWizardPage):
    """Does the work in the background; "next" is enabled once it is done."""

    def __init__(self) -> None:
        super().__init__()
        self._done = False
        self.setTitle(_("正在创建"))
        self.status = named(_wrapped(""), "finishStatus")
        self.message = message_label()
        self.retry = named(QPushButton(_("重试")), "finishRetry")
        self.retry.clicked.connect(self.start)
        self.retry.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        layout.addWidget(self.retry)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.start()

    def isComplete(self) -> bool:
        return self._done

    def _the_wizard(self) -> FirstRunWizard:
        from hall.ui.first_run import FirstRunWizard

        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        return wizard

    def start(self) -> None:
        wizard = self._the_wizard()
        ctx, hall, mode = wizard.ctx, wizard.hall, wizard.mode
        settings = ctx.settings
        settings.language = wizard.language
        settings.hall_name = hall.hall_name.text().strip()
        settings.hall_code = hall.hall_code.text()
        settings.counter_code = hall.counter.text()
        phrase = wizard.key.passphrase.text() if wizard.needs_passphrase else None
        provider = (lambda _creating: phrase) if phrase else None
        self.retry.hide()
        self.message.clear()
        if mode.joins_server:
            url, password = mode.address.text().strip(), mode.password.text()
            settings.server_url = url
            self.status.setText(_("正在保存设置……"))

            def join() -> None:
                ctx.save_settings()
                if password:
                    store_password(ctx.paths, settings, password, provider)

            run_task(self, join, self._done_server, self._failed)
            return
        admin_password = wizard.admin.password.text()
        if provider is not None:
            ctx.passphrase = provider
        self.status.setText(_("正在导入许可事项目录、创建管理员和签名密钥……"))

        def create() -> object:
            ctx.save_settings()
            return initialise(
                ctx,
                counter=settings.counter_code,
                admin_password=admin_password,
                admin_must_change=False,
                signing_key=True,
            )

        run_task(self, create, self._done_alone, self._failed)

    def _finished(self, text: str) -> None:
        self.setTitle(_("设置完成"))
        self.status.setText(text)
        self._done = True
        self.completeChanged.emit()

    def _done_alone(self, _report: object) -> None:
        self._finished(
            _(
                "已导入许可事项目录，建立了系统管理员 admin 和文书签名密钥。"
                "按“去登录”以 admin 登录；窗口人员的账号用命令 hall users add 建立。"
            )
        )

    def _done_server(self, _result: object) -> None:
        wizard = self._the_wizard()
        wizard.setButtonText(wizard.WizardButton.FinishButton, _("连接服务器"))
        self._finished(
            _(
                "设置已保存。接下来连接大厅服务器 {url}，取得账号和目录，然后用服务器上的账号登录。"
            ).format(url=wizard.mode.address.text().strip())
        )

    def _failed(self, exc: BaseException) -> None:
        self.status.clear()
        self.retry.show()
        if isinstance(exc, HallError):
            self.message.setText(exc.message)
        else:
            self.message.setText(_("没有完成，可以按“重试”。"))
            show_error(self, exc)
