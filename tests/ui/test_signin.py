from PySide6.QtWidgets import QDialog

from hall.core.settings import load_settings
from hall.models.enums import Role
from hall.services.secrets import EncryptedFileStore, secrets_file
from hall.services.signing import current_key
from hall.ui.signin import SignInDialog
from hall.ui.startup import ContextLoader


def submit(qtbot, dialog) -> None:
    """Press the button and wait for the background check to report."""
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)


def fill(dialog: SignInDialog, user: str, password: str, counter: str) -> None:
    dialog.username.setText(user)
    dialog.password.setText(password)
    dialog.counter.setText(counter)


def test_wrong_password_keeps_the_dialog_open_with_a_message(qtbot, ctx, clerk) -> None:
    dialog = SignInDialog(ContextLoader.ready(ctx))
    qtbot.addWidget(dialog)
    fill(dialog, "clerk01", "wrong", "C01")
    submit(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "用户名或密码错误" in dialog.message.text()
    assert dialog.password.text() == ""


def test_sign_in_at_a_new_counter_remembers_it(qtbot, ctx, clerk) -> None:
    ctx.settings.counter_code = None  # first sign-in on this machine
    dialog = SignInDialog(ContextLoader.ready(ctx))
    qtbot.addWidget(dialog)
    fill(dialog, " CLERK01 ", "correct horse 1", "c02")
    submit(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor.role is Role.clerk and dialog.actor.counter == "C02"
    assert load_settings(ctx.paths.settings_file).counter_code == "C02"


def test_counter_is_asked_when_missing_and_validated(qtbot, ctx, clerk) -> None:
    ctx.settings.counter_code = None
    dialog = SignInDialog(ContextLoader.ready(ctx))
    qtbot.addWidget(dialog)
    assert dialog.counter.text() == ""
    fill(dialog, "clerk01", "correct horse 1", "")
    submit(qtbot, dialog)
    assert "窗口编号" in dialog.message.text()
    fill(dialog, "clerk01", "correct horse 1", "窗口一")
    submit(qtbot, dialog)
    assert "窗口编号“窗口一”无效" in dialog.message.text()
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_counter_from_the_environment_cannot_be_edited(qtbot, ctx, clerk, monkeypatch) -> None:
    monkeypatch.setenv("HALL_COUNTER", "C09")
    dialog = SignInDialog(ContextLoader.ready(ctx))
    qtbot.addWidget(dialog)
    assert dialog.counter.text() == "C09" and dialog.counter.isReadOnly()


def test_first_run_sets_counter_and_administrator(qtbot, empty_ctx, operator) -> None:
    from hall.services.auth import list_users, sign_in
    from hall.ui.first_run import FirstRunDialog

    dialog = FirstRunDialog(empty_ctx)
    qtbot.addWidget(dialog)
    dialog.counter.setText("c12")
    dialog.password.setText("Long enough 1")
    dialog.repeat.setText("Long enough 2")
    submit(qtbot, dialog)
    assert "不一致" in dialog.message.text() and not list_users(empty_ctx, operator)
    dialog.repeat.setText("Long enough 1")
    # No OS keyring here: the signing key's file needs a passphrase, chosen with care.
    assert dialog.needs_passphrase and dialog.passphrase.isVisibleTo(dialog)
    dialog.passphrase.setText("short")
    submit(qtbot, dialog)
    assert "至少10位" in dialog.message.text() and not list_users(empty_ctx, operator)
    dialog.passphrase.setText("the hall's own phrase")
    dialog.passphrase_repeat.setText("the hall's own phrase")
    submit(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert [u.username for u in list_users(empty_ctx, operator)] == ["admin"]
    assert empty_ctx.settings.counter_code == "C12"
    assert empty_ctx.catalog().number == 1  # the bundled catalog was imported
    assert sign_in(empty_ctx, "admin", "Long enough 1", "C12").role is Role.admin
    key = current_key(empty_ctx)
    assert key is not None
    reopened = EncryptedFileStore(secrets_file(empty_ctx.paths), "the hall's own phrase")
    assert reopened.get(f"signing-key-{key.key_id}")


def test_first_run_with_a_keyring_keeps_the_key_there(qtbot, empty_ctx, memory_keyring) -> None:
    from hall.ui.first_run import FirstRunDialog

    dialog = FirstRunDialog(empty_ctx)
    qtbot.addWidget(dialog)
    assert not dialog.needs_passphrase and not dialog.passphrase.isVisibleTo(dialog)
    dialog.counter.setText("C03")
    dialog.password.setText("Long enough 1")
    dialog.repeat.setText("Long enough 1")
    submit(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    key = current_key(empty_ctx)
    assert key is not None and not secrets_file(empty_ctx.paths).exists()
    assert any(name == f"signing-key-{key.key_id}" for _svc, name in memory_keyring.entries)


def test_a_machine_with_a_counter_does_not_let_a_clerk_change_it(qtbot, ctx, clerk) -> None:
    dialog = SignInDialog(ContextLoader.ready(ctx))
    qtbot.addWidget(dialog)
    assert dialog.counter.text() == "C01" and dialog.counter.isReadOnly()


def test_a_malformed_counter_override_is_explained(qtbot, ctx, clerk, monkeypatch) -> None:
    monkeypatch.setenv("HALL_COUNTER", "garbage!")
    dialog = SignInDialog(ContextLoader.ready(ctx))
    qtbot.addWidget(dialog)
    assert "HALL_COUNTER" in dialog.message.text()
    fill(dialog, "clerk01", "correct horse 1", "C01")
    submit(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "HALL_COUNTER" in dialog.message.text()
