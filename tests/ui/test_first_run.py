"""The first-run wizard: an empty data folder ends at sign-in, alone or with a server."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QDialog, QWizard

from hall.core.i18n import current_language, set_language
from hall.core.settings import load_settings
from hall.models.enums import Role
from hall.services.auth import has_accounts, list_users, sign_in
from hall.services.secrets import SERVER_PASSWORD, EncryptedFileStore, secrets_file
from hall.services.signing import current_key
from hall.ui.first_run import FirstRunWizard
from hall.ui.first_run_pages import Page
from hall.ui.signin import SignInDialog
from hall.ui.startup import ContextLoader

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def chinese():
    """Put the language back for the tests that follow."""
    yield
    set_language("zh_CN")


def open_wizard(qtbot, ctx) -> FirstRunWizard:
    wizard = FirstRunWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def fill_hall(wizard: FirstRunWizard, name: str, code: str, counter: str) -> None:
    wizard.hall.hall_name.setText(name)
    wizard.hall.hall_code.setText(code)
    wizard.hall.counter.setText(counter)


def finish(qtbot, wizard: FirstRunWizard) -> None:
    assert wizard.currentId() == Page.finish
    qtbot.waitUntil(
        lambda: wizard.finish.isComplete() or wizard.finish.retry.isVisible(), timeout=20_000
    )
    assert wizard.finish.isComplete(), wizard.finish.message.text()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QDialog.DialogCode.Accepted


def test_alone_without_a_keyring_checks_each_page_then_creates_everything(
    qtbot, empty_ctx, operator
) -> None:
    wizard = open_wizard(qtbot, empty_ctx)
    assert wizard.needs_passphrase  # no OS keyring here
    wizard.next()
    assert wizard.currentId() == Page.hall
    fill_hall(wizard, " ", "", "C12")
    wizard.next()
    assert wizard.currentId() == Page.hall and "大厅名称" in wizard.hall.message.text()
    fill_hall(wizard, "云龙区政务服务中心", "32030", "C12")
    wizard.next()
    assert "大厅编码“32030”无效" in wizard.hall.message.text()
    fill_hall(wizard, "云龙区政务服务中心", "320303", "c12")
    wizard.next()
    assert wizard.currentId() == Page.mode and wizard.hall.counter.text() == "C12"
    wizard.next()  # alone, the default
    assert wizard.currentId() == Page.admin
    wizard.admin.password.setText("Long enough 1")
    wizard.admin.repeat.setText("Long enough 2")
    wizard.next()
    assert wizard.currentId() == Page.admin and "不一致" in wizard.admin.message.text()
    wizard.admin.repeat.setText("Long enough 1")
    wizard.next()
    assert wizard.currentId() == Page.key
    wizard.key.passphrase.setText("short")
    wizard.next()
    assert "至少10位" in wizard.key.message.text()
    wizard.key.passphrase.setText("Long enough 1")
    wizard.key.passphrase_repeat.setText("Long enough 1")
    wizard.next()
    assert "不要与管理员密码相同" in wizard.key.message.text()
    assert not list_users(empty_ctx, operator)  # nothing written before the last page
    wizard.key.passphrase.setText("the hall's own phrase")
    wizard.key.passphrase_repeat.setText("the hall's own phrase")
    wizard.next()
    finish(qtbot, wizard)

    assert [u.username for u in list_users(empty_ctx, operator)] == ["admin"]
    assert sign_in(empty_ctx, "admin", "Long enough 1", "C12").role is Role.admin
    assert empty_ctx.catalog().number == 1  # the bundled catalog was imported
    saved = load_settings(empty_ctx.paths.settings_file)
    assert (saved.hall_name, saved.hall_code, saved.counter_code) == (
        "云龙区政务服务中心",
        "320303",
        "C12",
    )
    assert saved.language == current_language() and saved.server_url == ""
    key = current_key(empty_ctx)
    assert key is not None
    reopened = EncryptedFileStore(secrets_file(empty_ctx.paths), "the hall's own phrase")
    assert reopened.get(f"signing-key-{key.key_id}")


def test_alone_with_a_keyring_keeps_the_key_there(qtbot, empty_ctx, memory_keyring) -> None:
    wizard = open_wizard(qtbot, empty_ctx)
    assert not wizard.needs_passphrase and not wizard.key.passphrase.isVisibleTo(wizard)
    wizard.next()
    fill_hall(wizard, "贾汪区政务服务中心", "", "C03")
    for _page in (Page.hall, Page.mode):
        wizard.next()
    wizard.admin.password.setText("Long enough 1")
    wizard.admin.repeat.setText("Long enough 1")
    wizard.next()
    wizard.next()  # the key page only says where the key goes
    finish(qtbot, wizard)
    key = current_key(empty_ctx)
    assert key is not None and not secrets_file(empty_ctx.paths).exists()
    assert any(name == f"signing-key-{key.key_id}" for _svc, name in memory_keyring.entries)


def test_with_a_server_only_its_address_and_password_are_kept(
    qtbot, empty_ctx, memory_keyring
) -> None:
    wizard = open_wizard(qtbot, empty_ctx)
    wizard.next()
    fill_hall(wizard, "贾汪区政务服务中心", "320305", "C05")
    wizard.next()
    wizard.mode.server.setChecked(True)
    wizard.mode.address.setText("postgresql://hall:s3cret@10.0.0.5/hall")
    wizard.next()
    assert wizard.currentId() == Page.mode
    assert "不要把密码写在服务器地址里" in wizard.mode.message.text()
    url = "postgresql://hall@10.0.0.5:5432/hall"
    wizard.mode.address.setText(url)
    wizard.mode.password.setText("s3cret")
    wizard.next()
    assert wizard.currentId() == Page.key  # no administrator: accounts come from the server
    wizard.next()
    finish(qtbot, wizard)
    assert wizard.joins_server and not has_accounts(empty_ctx)
    saved = load_settings(empty_ctx.paths.settings_file)
    assert saved.server_url == url and saved.counter_code == "C05"
    assert "s3cret" not in empty_ctx.paths.settings_file.read_text(encoding="utf-8")
    assert any(name == SERVER_PASSWORD for _svc, name in memory_keyring.entries)


def test_the_server_test_says_a_dead_server_is_unreachable(qtbot, empty_ctx) -> None:
    wizard = open_wizard(qtbot, empty_ctx)
    wizard.mode.server.setChecked(True)
    wizard.mode.address.setText("postgresql://postgres@127.0.0.1:1/x")
    wizard.mode.test_connection()
    qtbot.waitUntil(lambda: wizard.mode.test_result.text().startswith("无法连接"), timeout=10_000)


def test_an_empty_data_folder_ends_at_sign_in_in_the_language_chosen(
    qtbot, qapp, empty_ctx, monkeypatch, chinese, memory_keyring
) -> None:
    """The program's own first start (``hall.app``), the wizard driven as a user would:
    English chosen on the first page opens the wizard again in English."""
    from hall import app

    seen: list[str] = []

    def drive(wizard: FirstRunWizard) -> int:
        qtbot.addWidget(wizard)
        wizard.show()
        seen.append(wizard.windowTitle())
        if len(seen) == 1:
            wizard.welcome.language.setCurrentIndex(wizard.welcome.language.findData("en"))
            return wizard.result()
        wizard.next()
        fill_hall(wizard, "Test hall", "320305", "C01")
        wizard.next()
        wizard.next()
        wizard.admin.password.setText("Long enough 1")
        wizard.admin.repeat.setText("Long enough 1")
        wizard.next()
        wizard.next()
        finish(qtbot, wizard)
        return wizard.result()

    monkeypatch.setattr(FirstRunWizard, "exec", drive)
    loader = app._first_run(qapp, empty_ctx.paths, ContextLoader.ready(empty_ctx))
    assert loader is not None
    assert HAN.search(seen[0]) and not HAN.search(seen[1]), seen
    assert load_settings(empty_ctx.paths.settings_file).language == "en"
    dialog = SignInDialog(loader)
    qtbot.addWidget(dialog)
    assert dialog.counter.text() == "C01"
    assert not HAN.search(dialog.windowTitle())
