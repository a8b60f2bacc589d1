from PySide6.QtWidgets import QDialog

from hall.core.settings import load_settings
from hall.models.enums import Role
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
