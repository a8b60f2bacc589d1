"""The overdue watch (超期预警): every sub-case under review in the hall, by working
days left to its promised deadline, past ones red and near ones amber, with who holds
it (the reviewer who claimed it, or nobody yet). Read in the background, on the hall
server while it answers; refreshed every minute while seen."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hall.core.i18n import _
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.inbox import InboxRow, InboxView, list_inbox
from hall.services.routing import run_where_queue_runs
from hall.ui.errors import error_text
from hall.ui.inbox_model import SORT_ROLE, Columns, InboxTableModel
from hall.ui.tasks import run_task
from hall.ui.widgets import message_label, named

REFRESH_MS = 60_000
LIMIT = 2000


def watch_rows(ctx: AppContext, actor: Actor, urgent_only: bool) -> list[InboxRow]:
    """Every department's open sub-cases (or only those near or past the deadline)."""
    view = InboxView.urgent if urgent_only else InboxView.open
    return run_where_queue_runs(ctx, lambda c: list_inbox(c, actor, None, view, limit=LIMIT))


class OverdueTab(QWidget):
    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self._running = False
        self._again = False
        self.model = InboxTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.urgent = named(QCheckBox(_("只看临近或超过期限的")), "overdueUrgentOnly")
        self.urgent.setChecked(True)
        self.urgent.toggled.connect(lambda _on: self.refresh())
        self.count = named(QLabel(), "overdueCount")
        refresh = named(QPushButton(_("刷新 (F5)")), "overdue_refresh")
        refresh.clicked.connect(self.refresh)
        QShortcut(QKeySequence("F5"), self, self.refresh)
        self.table = named(QTableView(), "overdueTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Columns.left, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.message = message_label()
        self.message.hide()
        top = QHBoxLayout()
        top.addWidget(self.urgent)
        top.addWidget(self.count, 1)
        top.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)

    def _done(self) -> None:
        self._running = False
        if self._again:
            self._again = False
            QTimer.singleShot(0, self.refresh)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.timer.start()
        self.refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        if self._running:  # asked again meanwhile (a filter changed): once more after
            self._again = True
            return
        self._running = True
        ctx, actor, urgent = self.ctx, self.actor, self.urgent.isChecked()
        run_task(self, lambda: watch_rows(ctx, actor, urgent), self._show, self._failed)

    def _show(self, rows: list[InboxRow]) -> None:
        self._done()
        self.message.hide()
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        overdue = sum(r.overdue for r in rows)
        near = sum(r.near for r in rows)
        stopped = sum(r.stop_reason is not None for r in rows)
        text = _("共 {n} 件：超期 {overdue} 件，临近期限 {near} 件，计时暂停 {stopped} 件").format(
            n=len(rows), overdue=overdue, near=near, stopped=stopped
        )
        if len(rows) >= LIMIT:
            text += _("（只列出受理最早的 {n} 件）").format(n=LIMIT)
        self.count.setText(text)

    def _failed(self, exc: BaseException) -> None:
        self._done()
        self.message.setText(_("无法读取：{reason}").format(reason=error_text(exc)))
        self.message.show()
