"""The sync status (F12): how the link to the hall server stands, when this counter last
pushed and pulled, and every change that has not reached the server yet. The changes
the server refused are listed first and highlighted, with its answer; an administrator
retries one (Ctrl+R) or records to whom it was handed on (Ctrl+E)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hall.core.i18n import N_, _
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.permissions import Permission, can
from hall.services.sync import SyncStatus, sync_status
from hall.services.sync_changes import (
    WaitingChange,
    escalate_change,
    retry_change,
    waiting_changes,
)
from hall.sync.link import LinkState
from hall.ui.errors import error_text, show_error
from hall.ui.sync_model import Columns, WaitingChangesModel, escalation_text
from hall.ui.sync_runner import SyncRunner
from hall.ui.tasks import run_task
from hall.ui.widgets import message_label, named

STATE_NAMES = {
    LinkState.online: N_("在线"),
    LinkState.offline: N_("离线"),
    LinkState.incompatible: N_("无法同步"),
}


class SyncDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        runner: SyncRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.runner = ctx, actor, runner
        self.admin = can(actor, Permission.change_settings)
        self.status: SyncStatus | None = None
        self.model = WaitingChangesModel(ctx.clock.zone, self)
        self._loading = self._again = False
        self._build_ui()
        if runner is not None:
            runner.round_finished.connect(self._round_finished)
        self.refresh()

    def _round_finished(self, _report: object) -> None:
        self.refresh()

    def done(self, result: int) -> None:
        # Closed, the dialog stays the window's child: it must stop following the rounds.
        if self.runner is not None:
            self.runner.round_finished.disconnect(self._round_finished)
            self.runner = None
        super().done(result)

    def _build_ui(self) -> None:
        self.setWindowTitle(_("同步状态"))
        self.header = named(QLabel(_("正在读取……")), "syncHeader")
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setWordWrap(True)
        self.table = named(QTableView(), "syncTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # Every column in sight: the long texts are cut short here and whole below.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Columns.error, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (Columns.action, 140),
            (Columns.entity, 150),
            (Columns.escalated, 170),
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.table.setWordWrap(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.detail = named(QPlainTextEdit(), "syncDetail")
        self.detail.setReadOnly(True)
        self.detail.setMaximumHeight(90)
        self.detail.setPlaceholderText(_("选中一条变更，在此查看服务器的完整答复和上报说明。"))
        self.message = message_label()
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, label, keys, slot, shown in (
            ("refresh", _("刷新"), "F5", self.refresh, True),
            ("sync", _("立即同步"), "Ctrl+Shift+Y", self.sync_now, self.ctx.link is not None),
            ("retry", _("重试"), "Ctrl+R", self.retry, self.admin),
            ("escalate", _("上报…"), "Ctrl+E", self.escalate, self.admin),
            ("close", _("关闭"), "Esc", self.reject, True),
        ):
            button = named(QPushButton(f"{label} ({keys})"), f"sync_{key}")
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            button.setVisible(shown)
            if shown and key != "close":  # Esc closes a dialog by itself
                QShortcut(QKeySequence(keys), self, slot)
            if key == "close":
                buttons.addStretch(1)
            buttons.addWidget(button)
            self.buttons[key] = button
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(1100, 560)
        self._selected()

    # --- reading -------------------------------------------------------------------------

    def refresh(self) -> None:
        if self._loading:  # read again once this read is in: something changed meanwhile
            self._again = True
            return
        self._loading, self._again = True, False
        ctx = self.ctx

        def work() -> tuple[SyncStatus, list[WaitingChange], datetime]:
            return sync_status(ctx), waiting_changes(ctx), ctx.clock.now()

        def done(result: tuple[SyncStatus, list[WaitingChange], datetime]) -> None:
            self._loading = False
            if self._again:
                QTimer.singleShot(0, self, self.refresh)
            chosen = self.selected()
            self.status, rows, now = result
            self.model.show(rows, now)
            self.header.setText(self._header_text(self.status))
            row = self.model.seq_row(chosen.seq) if chosen else None
            if row is None and rows and rows[0].set_aside_at is not None:
                row = 0  # what needs an administrator, at hand
            if row is not None:
                self.table.selectRow(row)
            self._selected()

        def failed(exc: BaseException) -> None:
            self._loading = False
            self.message.setText(error_text(exc))
            if self._again:
                QTimer.singleShot(0, self, self.refresh)

        run_task(self, work, done, failed)

    def _header_text(self, s: SyncStatus) -> str:
        zone = self.ctx.clock.zone

        def when(at: datetime | None) -> str:
            return at.astimezone(zone).strftime("%m-%d %H:%M:%S") if at else "—"

        lines = []
        if not s.configured:
            lines.append(_("没有配置大厅服务器：本机是单机运行的大厅。"))
        else:
            state = _(STATE_NAMES[s.state or LinkState.offline])
            if s.state is LinkState.offline and s.since is not None:
                state += _("，{time} 起").format(time=s.since.astimezone(zone).strftime("%H:%M"))
            lines.append(_("大厅服务器：{server}（{state}）").format(server=s.server, state=state))
            if s.reason:
                lines.append(s.reason)
            lines.append(
                _("上次上传 {push}，上次下载 {pull}。").format(
                    push=when(s.pushed_at), pull=when(s.pulled_at)
                )
            )
        lines.append(
            _("待同步变更 {n} 条，其中被搁置 {aside} 条；待上传扫描件 {files} 个。").format(
                n=s.waiting, aside=s.set_aside, files=s.files_waiting
            )
        )
        if s.set_aside:
            lines.append(
                _("被搁置的变更是服务器拒收的，排在最前：请管理员查明原因后重试，或上报。")
            )
        return "\n".join(lines)

    def selected(self) -> WaitingChange | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selected(self, *_args: QItemSelection) -> None:
        c = self.selected()
        aside = c is not None and c.set_aside_at is not None
        self.buttons["retry"].setEnabled(self.admin and aside)
        self.buttons["escalate"].setEnabled(self.admin and aside)
        if c is None:
            self.detail.clear()
            return
        parts = [f"#{c.seq}  {c.action or c.entity}  {c.entity} {c.entity_id}"]
        if c.last_error:
            parts.append(_("服务器的答复：{error}").format(error=c.last_error))
        if c.escalated_at is not None:
            parts.append(_("已上报：{text}").format(text=escalation_text(c, self.ctx.clock.zone)))
        self.detail.setPlainText("\n".join(parts))

    # --- acting --------------------------------------------------------------------------

    def sync_now(self) -> None:
        if self.runner is not None:
            self.runner.sync_now()
            self.message.setText("")
            self.header.setText(self.header.text() + "\n" + _("正在同步……"))

    def _set_aside_choice(self) -> WaitingChange | None:
        c = self.selected()
        if c is None or c.set_aside_at is None:
            self.message.setText(_("请先选择一条被搁置的变更（红色底色的行）。"))
            return None
        return c

    def retry(self) -> None:
        c = self._set_aside_choice() if self.admin else None
        if c is None:
            return
        ctx, actor, seq = self.ctx, self.actor, c.seq
        self._act(
            lambda: retry_change(ctx, actor, seq),
            _("变更 #{seq} 已重新排入同步队列。").format(seq=seq),
        )

    def escalate(self) -> None:
        c = self._set_aside_choice() if self.admin else None
        if c is None:
            return
        note, ok = QInputDialog.getText(
            self,
            _("上报变更 #{seq}").format(seq=c.seq),
            _("上报给谁、为什么（例如：已电话告知服务器管理员，原因……）："),
            text=c.escalation_note,
        )
        if not ok:
            return
        ctx, actor, seq = self.ctx, self.actor, c.seq
        self._act(
            lambda: escalate_change(ctx, actor, seq, note),
            _("变更 #{seq} 已标记为上报。").format(seq=seq),
        )

    def _act(self, work: Callable[[], object], said: str) -> None:
        self.message.setText("")
        for key in ("retry", "escalate"):
            self.buttons[key].setEnabled(False)

        def done(_changes: object) -> None:
            self.message.setStyleSheet("color: #1b5e20;")
            self.message.setText(said)
            self.refresh()

        def failed(exc: BaseException) -> None:
            self._selected()
            show_error(self, exc)

        self.message.setStyleSheet("color: #b00020;")
        run_task(self, work, done, failed)
