"""The idle lock, the forced password change, permission-aware menus and the verify
dialog, on real widgets."""

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from hall.models.enums import Role
from hall.services.audit import Actor
from hall.services.auth import create_user, must_change_password, sign_in
from hall.ui.actions import ActionId
from hall.ui.main_window import MainWindow
from hall.ui.password_dialog import ChangePasswordDialog
from hall.ui.signin import SignInDialog
from hall.ui.startup import ContextLoader

CLERK = Actor("clerk01", Role.clerk, "C01", "张敏")


def window_for(qtbot, ctx, actor=CLERK) -> MainWindow:
    window = MainWindow(ctx, actor)
    qtbot.addWidget(window)
    window.show()
    return window


def test_idle_window_locks_and_keeps_the_work_until_the_password(qtbot, ctx, clerk) -> None:
    window = window_for(qtbot, ctx)
    window.catalog_page.search.setText("食品")
    window.catalog_page.search.setFocus()
    window.idle.timer.setInterval(50)
    window.idle.resume()
    qtbot.waitUntil(lambda: window.locked, timeout=5_000)
    assert window.screens.currentWidget() is window.lock_screen
    assert not window.pages.isVisible()  # nothing of the work shows while locked
    enabled = {i for i, a in window.actions_.items() if a.isEnabled()}
    assert enabled == {ActionId.quit}

    screen = window.lock_screen
    qtbot.keyClicks(screen.password, "wrong password 1")
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not screen.busy, timeout=10_000)
    assert window.locked and screen.message.text() == "密码不正确。"

    qtbot.keyClicks(screen.password, "correct horse 1")
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.locked, timeout=10_000)
    assert window.catalog_page.search.text() == "食品"
    assert window.actions_[ActionId.catalog].isEnabled()


def test_activity_keeps_the_window_unlocked(qtbot, ctx, clerk) -> None:
    window = window_for(qtbot, ctx)
    window.idle.timer.setInterval(400)
    window.idle.resume()
    for _ in range(6):  # keys typed more often than the interval
        qtbot.wait(150)
        qtbot.keyClick(window.catalog_page.search, Qt.Key.Key_A)
        assert not window.locked
    qtbot.waitUntil(lambda: window.locked, timeout=5_000)


def test_wrong_passwords_at_the_lock_screen_lock_the_account(qtbot, ctx, clerk) -> None:
    ctx.settings.lockout_attempts = 3
    window = window_for(qtbot, ctx)
    window.lock()
    screen = window.lock_screen
    for _ in range(3):
        screen.password.setText("not it at all 9")
        screen.submit()
        qtbot.waitUntil(lambda: not screen.busy, timeout=10_000)
    assert "已锁定" in screen.message.text()
    screen.password.setText("correct horse 1")  # right, but locked now
    screen.submit()
    qtbot.waitUntil(lambda: not screen.busy, timeout=10_000)
    assert window.locked and "已锁定" in screen.message.text()


def test_sign_in_dialog_says_when_the_account_is_locked(qtbot, ctx, clerk) -> None:
    dialog = SignInDialog(ContextLoader.ready(ctx))
    qtbot.addWidget(dialog)
    for _ in range(ctx.settings.lockout_attempts):
        dialog.username.setText("clerk01")
        dialog.password.setText("guess guess 1")
        dialog.submit()
        qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert "已锁定" in dialog.message.text()
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_an_account_made_by_the_admin_must_change_its_password_first(qtbot, ctx, operator) -> None:
    create_user(ctx, operator, "guide07", "周红", Role.guide, "given by admin 7")
    dialog = SignInDialog(ContextLoader.ready(ctx))
    qtbot.addWidget(dialog)
    dialog.username.setText("guide07")
    dialog.password.setText("given by admin 7")
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.must_change_password

    change = ChangePasswordDialog(ctx, dialog.actor, forced=True)
    qtbot.addWidget(change)
    change.old.setText("given by admin 7")
    change.new.setText("short")
    change.repeat.setText("short")
    change.submit()
    assert "至少8位" in change.message.text()
    change.new.setText("my own secret 7")
    change.repeat.setText("my own secret 8")
    change.submit()
    assert "不一致" in change.message.text()
    change.new.setText("my own secret 7")
    change.repeat.setText("my own secret 7")
    change.submit()
    qtbot.waitUntil(lambda: not change.busy, timeout=10_000)
    assert change.result() == QDialog.DialogCode.Accepted
    assert not must_change_password(ctx, dialog.actor)
    assert sign_in(ctx, "guide07", "my own secret 7", "C01").username == "guide07"


def test_a_wrong_old_password_is_said_plainly(qtbot, ctx, clerk) -> None:
    change = ChangePasswordDialog(ctx, CLERK)
    qtbot.addWidget(change)
    change.old.setText("not my password 1")
    change.new.setText("my own secret 7")
    change.repeat.setText("my own secret 7")
    change.submit()
    qtbot.waitUntil(lambda: not change.busy, timeout=10_000)
    assert "原密码不正确" in change.message.text()
    assert change.result() != QDialog.DialogCode.Accepted


def test_menus_offer_only_what_the_role_may_do(qtbot, ctx, operator) -> None:
    clerk_window = window_for(qtbot, ctx)
    assert not clerk_window.actions_[ActionId.audit].isVisible()
    create_user(
        ctx, operator, "super01", "刘洋", Role.supervisor, "super secret 1",
        must_change_password=False,
    )  # fmt: skip
    boss = window_for(qtbot, ctx, Actor("super01", Role.supervisor, "C01", "刘洋"))
    assert boss.actions_[ActionId.audit].isVisible() and boss.actions_[ActionId.audit].isEnabled()


def test_verify_dialog_shows_the_verdict_and_the_facts(
    qtbot, ctx, operator, memory_keyring
) -> None:
    from hall.services.payload import DocumentFacts, DocumentKind
    from hall.services.signing import init_keys, sign_document
    from hall.ui.verify_dialog import VerifyDialog

    init_keys(ctx, operator)
    holder = "<b>A&B</b> 味香居"
    code = sign_document(
        ctx, CLERK,
        DocumentFacts(
            DocumentKind.license, "JY1320305000001", holder, "91320305MA1N428243",
            "SAMR-001", date(2026, 11, 23), date(2031, 11, 22),
        ),
    )  # fmt: skip
    dialog = VerifyDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.input, code)
    qtbot.keyClick(dialog.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result_ is not None, timeout=5_000)
    assert dialog.result_.valid
    html = dialog.verdict.text()
    assert "真实有效" in html and "&lt;b&gt;A&amp;B&lt;/b&gt; 味香居" in html

    dialog.result_ = None
    dialog.input.setText(code[:-3] + ("A" if code[-3] != "A" else "B") + code[-2:])
    dialog.check()
    qtbot.waitUntil(lambda: dialog.result_ is not None, timeout=5_000)
    assert not dialog.result_.valid and "真实有效" not in dialog.verdict.text()


def test_the_key_file_is_unlocked_from_the_window(qtbot, ctx, clerk, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    from hall.services.secrets import EncryptedFileStore, secrets_file

    EncryptedFileStore(secrets_file(ctx.paths), "the hall's phrase", creating=True).set("k", "v")
    window = MainWindow(ctx, CLERK, keyring_notice="密钥保存在加密文件中")
    qtbot.addWidget(window)
    assert window.actions_[ActionId.unlock_secrets].isVisible()
    assert "未解锁" in window.secrets_label.text()

    answers = iter([("wrong phrase here", True), ("the hall's phrase", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: next(answers))
    errors: list[str] = []
    monkeypatch.setattr(
        "hall.ui.main_window.show_error", lambda p, exc, t=None: errors.append(str(exc))
    )
    window.unlock_secrets()
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert "口令不正确" in errors[0] and not ctx.secrets_open
    window.unlock_secrets()
    # The store opens on the worker; the label follows when the result reaches the window.
    qtbot.waitUntil(lambda: "已解锁" in window.secrets_label.text(), timeout=10_000)
    assert ctx.secrets_open and ctx.secrets().get("k") == "v"


def test_no_key_file_action_where_the_keyring_keeps_the_key(qtbot, ctx, clerk) -> None:
    window = window_for(qtbot, ctx)
    assert not window.actions_[ActionId.unlock_secrets].isVisible()
    assert not window.secrets_label.isVisible()
