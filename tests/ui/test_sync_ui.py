"""The hall server in the window: the status bar's connection label, the sync page with
the changes the server refused, the settings dialog for the server, and the first start
of a counter whose server does not answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget
from sqlalchemy import select

from hall.core.settings import load_settings
from hall.models import AuditEntry, OutboxEntry
from hall.models.enums import Role
from hall.services.audit import Actor
from hall.services.auth import create_user
from hall.services.settings_admin import change_settings
from hall.services.sync import sync_status
from hall.sync.link import ServerLink
from hall.ui.actions import ActionId
from hall.ui.join_dialog import JoinServerDialog
from hall.ui.settings_dialog import SettingsDialog
from hall.ui.sync_dialog import SyncDialog
from hall.ui.sync_model import SET_ASIDE, Columns
from hall.ui.sync_runner import connection_text

from ..pg.conftest import pg_url  # noqa: F401  (the server's fixture)
from .test_backoffice_ui import key, open_window
from .test_cases_ui import answer_dialogs, type_and_accept

#: Nothing listens there: the connection is refused at once.
DEAD = "postgresql://postgres@127.0.0.1:1/x"
ADMIN = Actor("admin01", Role.admin, "C01", "李强")
CLERK = Actor("clerk01", Role.clerk, "C01", "张敏")


@pytest.fixture
def admin(ctx, operator) -> Actor:
    create_user(ctx, operator, "admin01", "李强", Role.admin, "correct horse 1",
                must_change_password=False)  # fmt: skip
    return ADMIN


@pytest.fixture
def dead_link(ctx):
    ctx.link = ServerLink(DEAD, None, ctx.clock)
    return ctx.link


def set_aside(ctx, seq: int | None = None, error: str = "服务器拒收：违反外键约束") -> int:
    """Mark an outbox entry (the newest, or ``seq``) as refused by the server."""
    with ctx.uow() as s:
        row = s.get(OutboxEntry, seq) if seq else s.scalars(
            select(OutboxEntry).order_by(OutboxEntry.seq.desc())
        ).first()  # fmt: skip
        row.set_aside_at = ctx.clock.now() - timedelta(minutes=5)
        row.last_error, row.attempts = error, 3
        row.created_at = ctx.clock.now() - timedelta(hours=2)
        return row.seq


def answer_info(dialog: QWidget) -> None:
    assert isinstance(dialog, QMessageBox), type(dialog)
    dialog.accept()


def test_a_standalone_hall_says_so_and_cannot_sync(qtbot, ctx) -> None:
    window = open_window(qtbot, ctx, CLERK)
    assert window.connection_label.text() == "单机运行 · 本机数据库"
    assert not window.actions_[ActionId.sync_now].isEnabled()
    assert window.actions_[ActionId.sync_page].isEnabled()
    assert not window.actions_[ActionId.settings].isVisible()  # a clerk's window
    window.lock()
    window.unlock()
    assert not window.actions_[ActionId.sync_now].isEnabled()  # still no server
    assert not window.sync.timer.isActive()


def test_a_counter_whose_server_is_gone_says_offline_with_what_waits(
    qtbot, ctx, dead_link, admin, operator
) -> None:
    waiting = sync_status(ctx).waiting
    assert waiting > 0  # the catalog and the accounts, made here
    window = open_window(qtbot, ctx, ADMIN)
    label = window.connection_label
    before = f"离线（09:30 起）· {waiting} 条变更待同步"
    qtbot.waitUntil(lambda: label.text() == before, timeout=10_000)
    assert window.actions_[ActionId.sync_now].isEnabled()

    change_settings(ctx, operator, hall_name="云龙区政务服务大厅")  # one more change here
    key(qtbot, window, window, Qt.Key.Key_Y,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    expected = f"离线（09:30 起）· {waiting + 1} 条变更待同步"
    qtbot.waitUntil(lambda: label.text() == expected, timeout=10_000)
    assert "127.0.0.1" in label.toolTip() and "Ctrl+Shift+Y" in label.toolTip()
    assert not window.sync.running

    window.close()  # the monitor stops with the window
    assert not window.sync.timer.isActive()
    window.sync.sync_now()
    assert not window.sync.running


def test_the_label_says_each_state_of_the_link(ctx) -> None:
    from hall.services.sync import SyncStatus
    from hall.sync.link import LinkState, LinkStatus

    server = "postgresql+psycopg://hall@10.0.0.5:5432/hall"
    now = ctx.clock.now()
    counts = SyncStatus(True, None, None, "", server, 7, 2, None, None, None, 0)
    zone = ctx.clock.zone

    def text(state, since=now, reason="", status=counts):
        return connection_text(LinkStatus(state, since, reason, server), status, zone)

    assert text(LinkState.offline, since=None)[0] == "正在连接大厅服务器 hall@10.0.0.5:5432/hall…"
    assert text(LinkState.offline)[0] == "离线（09:30 起）· 7 条变更待同步（2 条被搁置）"
    assert text(LinkState.offline, status=None)[0] == "离线（09:30 起）"
    assert text(LinkState.online)[0] == "在线 · 大厅服务器 hall@10.0.0.5:5432/hall · 2 条变更被搁置"
    reason = (
        "大厅服务器的数据库版本（9999）比本程序新：本机继续离线工作，请安装新版本的程序后再同步。"
    )
    shown, tip, _style = text(LinkState.incompatible, reason=reason)
    assert shown.startswith("无法同步：大厅服务器的数据库版本（9999）") and shown.endswith("…")
    assert len(shown) < len(reason) and reason in tip
    assert connection_text(None, None, zone)[0] == "单机运行 · 本机数据库"


def test_the_sync_page_lists_a_refused_change_first_for_the_admin(
    qtbot, qtmodeltester, ctx, dead_link, admin
) -> None:
    first = set_aside(ctx)
    dialog = SyncDialog(ctx, ADMIN)
    qtbot.addWidget(dialog)
    dialog.show()
    model = dialog.model
    qtbot.waitUntil(lambda: model.rowCount() > 1)
    qtmodeltester.check(model)
    assert model.row_at(0).seq == first  # the newest change, but set aside: first
    assert model.index(0, Columns.error).data() == "服务器拒收：违反外键约束"
    assert model.index(0, Columns.seq).data(Qt.ItemDataRole.BackgroundRole).color() == SET_ASIDE
    assert model.index(1, Columns.seq).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.index(0, Columns.age).data() == "2 小时"
    header = dialog.header.text()
    assert "离线" in header and "其中被搁置 1 条" in header
    assert dialog.selected().seq == first  # at hand for the administrator
    assert "违反外键约束" in dialog.detail.toPlainText()
    assert dialog.buttons["retry"].isEnabled() and dialog.buttons["escalate"].isEnabled()

    qtbot.keyClick(dialog.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: model.rowCount() > 1 and model.row_at(0).set_aside_at is None)
    assert "已重新排入同步队列" in dialog.message.text()
    with ctx.uow() as s:
        assert s.get(OutboxEntry, first).set_aside_at is None
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "sync.retry"))

    second = set_aside(ctx, error="服务器拒收：编号重复")  # the retry's own entry, say
    dialog.refresh()
    qtbot.waitUntil(lambda: model.row_at(0).set_aside_at is not None)
    assert model.row_at(0).seq == second
    dialog.table.selectRow(0)
    answered = answer_dialogs(qtbot, type_and_accept("已电话告知服务器管理员王工"))
    qtbot.keyClick(dialog.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(answered)
    qtbot.waitUntil(lambda: model.row_at(0).escalated_at is not None)
    assert "已电话告知服务器管理员王工" in model.index(0, Columns.escalated).data()
    assert model.row_at(0).set_aside_at is not None  # still listed until it is sent
    with ctx.uow() as s:
        row = s.get(OutboxEntry, second)
        assert (row.escalated_by, row.escalation_note) == ("admin01", "已电话告知服务器管理员王工")


def test_a_clerk_sees_what_waits_but_cannot_retry(qtbot, ctx, dead_link) -> None:
    seq = set_aside(ctx)
    dialog = SyncDialog(ctx, CLERK)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0)
    assert dialog.model.row_at(0).seq == seq
    assert not dialog.buttons["retry"].isVisible() and not dialog.buttons["escalate"].isVisible()
    dialog.retry()  # the key does nothing either
    with ctx.uow() as s:
        assert s.get(OutboxEntry, seq).set_aside_at is not None


def test_the_window_opens_the_sync_page_with_f12(qtbot, ctx, dead_link) -> None:
    window = open_window(qtbot, ctx, CLERK)
    seen: list[QDialog] = []

    def close(dialog: QWidget) -> None:
        assert isinstance(dialog, SyncDialog)
        seen.append(dialog)
        dialog.reject()

    answered = answer_dialogs(qtbot, close)
    key(qtbot, window, window, Qt.Key.Key_F12)
    qtbot.waitUntil(answered)
    assert seen


def test_settings_refuse_a_bad_address_and_keep_a_good_one_without_its_password(
    qtbot, ctx, admin, memory_keyring
) -> None:
    dialog = SettingsDialog(ctx, ADMIN)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.address.setText("mysql://hall@10.0.0.5/hall")
    dialog.save()
    assert "无效" in dialog.message.text() and dialog.isVisible()
    assert ctx.settings.server_url == "" and not ctx.paths.settings_file.exists()

    dialog.address.setText("postgresql://hall:s3cret@10.0.0.5/hall")  # a password in the file
    dialog.save()
    qtbot.waitUntil(lambda: "不要把密码写在服务器地址里" in dialog.message.text())
    assert ctx.settings.server_url == ""

    url = "postgresql://hall@10.0.0.5:5432/hall"
    dialog.address.setText(url)
    dialog.password.setText("s3cret")
    answered = answer_dialogs(qtbot, answer_info)
    dialog.save()
    qtbot.waitUntil(answered)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert load_settings(ctx.paths.settings_file).server_url == url
    assert "s3cret" not in ctx.paths.settings_file.read_text(encoding="utf-8")
    assert "s3cret" in memory_keyring.entries.values()
    with ctx.uow() as s:
        actions = set(s.scalars(select(AuditEntry.action)))
    assert {"settings.server_url", "settings.server_password"} <= actions


def test_settings_test_the_connection_in_the_background(qtbot, ctx, admin) -> None:
    dialog = SettingsDialog(ctx, ADMIN)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.address.setText(DEAD)
    qtbot.keyClick(dialog.address, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.test_result.text().startswith("无法连接"), timeout=10_000)
    assert dialog.result_status is not None and dialog.result_status.state.value == "offline"
    assert dialog.test_button.isEnabled()


def test_a_new_counter_whose_server_is_silent_says_it_cannot_sign_in_yet(qtbot, empty_ctx) -> None:
    empty_ctx.link = ServerLink(DEAD, None, empty_ctx.clock)
    dialog = JoinServerDialog(empty_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.retry_button.isVisible(), timeout=10_000)
    text = dialog.message.text()
    assert "无法从大厅服务器取得数据" in text and "必须先从大厅服务器取得账号才能登录" in text
    assert dialog.isVisible()  # no standalone wizard, no sign-in


def test_the_first_start_with_a_server_joins_it_instead_of_the_wizard(
    qtbot, qapp, empty_ctx, monkeypatch
) -> None:
    from hall import app
    from hall.ui.first_run import FirstRunWizard
    from hall.ui.startup import ContextLoader

    shown: list[type] = []
    for cls in (JoinServerDialog, FirstRunWizard):
        monkeypatch.setattr(cls, "exec", lambda self: shown.append(type(self)) or 0)
    loader = ContextLoader.ready(empty_ctx)
    assert app._first_run(qapp, empty_ctx.paths, loader) is None
    empty_ctx.link = ServerLink(DEAD, None, empty_ctx.clock)
    assert app._first_run(qapp, empty_ctx.paths, loader) is None
    assert shown == [FirstRunWizard, JoinServerDialog]


@pytest.mark.pg
def test_a_new_counter_joins_its_server_and_shows_it_online(
    qtbot,
    pg_url,  # noqa: F811  (the fixture imported above)
    empty_ctx,
) -> None:
    from hall.services.auth import has_accounts
    from hall.services.server import init_server, server_context
    from hall.services.setup import initialise

    init_server(pg_url)
    server = server_context(empty_ctx, pg_url)
    try:
        initialise(server, admin_password="Hall server 2026", signing_key=False)
    finally:
        server.close()
    empty_ctx.link = ServerLink(pg_url, None, empty_ctx.clock)
    empty_ctx.settings.counter_code = "C07"
    dialog = JoinServerDialog(empty_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(
        lambda: dialog.result() == QDialog.DialogCode.Accepted or dialog.retry_button.isVisible(),
        timeout=30_000,
    )
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.message.text()
    assert has_accounts(empty_ctx)  # the administrator came down: sign-in can follow

    window = open_window(qtbot, empty_ctx, Actor("admin", Role.admin, "C07", "管理员"))
    label = window.connection_label
    qtbot.waitUntil(lambda: label.text().startswith("在线 · 大厅服务器 postgres@"), timeout=30_000)
    assert window.actions_[ActionId.sync_now].isEnabled()
