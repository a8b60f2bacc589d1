"""The supervisor's dashboard (今日概况): the day's figures as the daily report has them,
updated while the page is seen (every 30 s, and soon after a change here), computed in
the background on the hall server while it answers. The report prints (Ctrl+Shift+R)
or exports as Excel (Ctrl+Shift+X) or CSV (Ctrl+Shift+C) from here."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hall.core.clock import local_today
from hall.core.i18n import _
from hall.printing.report_data import DailyReport, Figures
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.report_export import Column, figure_columns
from hall.services.reports import daily_report
from hall.ui.errors import error_text
from hall.ui.report_files import export_report, preview_report
from hall.ui.tasks import run_task
from hall.ui.widgets import message_label, named

log = logging.getLogger(__name__)

REFRESH_MS = 30_000
SOON_MS = 1_500  # after a change made here: a few changes in a row make one refresh
_ROOT = QModelIndex()


def minutes(value: float | None) -> str:
    return "—" if value is None else _("{n:.1f} 分钟").format(n=value)


def share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def shown(value: object) -> str:
    return "—" if value is None else str(value)


class TableModel(QAbstractTableModel):
    """Rows of plain values under headers (the report's breakdowns and lists)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers: list[str] = []
        self.rows: list[list[object]] = []

    def set_rows(self, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        self.beginResetModel()
        self.headers, self.rows = list(headers), [list(r) for r in rows]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.headers)
        ):
            return self.headers[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        return shown(self.rows[index.row()][index.column()])


def _figure_rows(figures: Sequence[Figures], cols: Sequence[Column]) -> list[list[object]]:
    return [[f.label, *(c.value(f) for c in cols)] for f in figures]


class Tile(QFrame):
    """One figure, large, with what it is under it."""

    def __init__(self, caption: str, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = named(QLabel("—"), f"{name}Value")
        self.value.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.detail = QLabel()
        self.detail.setStyleSheet("color: #555;")
        label = QLabel(caption)
        for text in (label, self.detail):  # wrapped: the page fits a 1280-pixel screen
            text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.value)
        layout.addWidget(label)
        layout.addWidget(self.detail)
        layout.addStretch(1)

    def show_value(self, value: str, detail: str = "", *, alert: bool = False) -> None:
        self.value.setText(value)
        self.value.setStyleSheet(
            "font-size: 20pt; font-weight: bold;" + (" color: #b00020;" if alert else "")
        )
        self.detail.setText(detail)


class DashboardTab(QWidget):
    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.report: DailyReport | None = None
        self._running = False
        self._again = False
        self._failing = False
        self._today = local_today(ctx.clock)
        self._build_ui()
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.soon = QTimer(self)
        self.soon.setSingleShot(True)
        self.soon.setInterval(SOON_MS)
        self.soon.timeout.connect(self.refresh)

    def _build_ui(self) -> None:
        self.day = named(QDateEdit(), "dashboardDay")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self._set_day_today()
        self.day.dateChanged.connect(lambda _d: self.refresh())
        today = named(QPushButton(_("今天")), "dashboardToday")
        today.clicked.connect(self._set_day_today)
        self.updated = named(QLabel(), "dashboardUpdated")
        self.buttons: dict[str, QPushButton] = {}
        top = QHBoxLayout()
        top.addWidget(QLabel(_("日期：")))
        top.addWidget(self.day)
        top.addWidget(today)
        top.addWidget(self.updated, 1)
        self.updated.setWordWrap(True)
        commands = QHBoxLayout()  # a line of their own: with the date they overflow a screen
        commands.addStretch(1)
        actions: list[tuple[str, str, str, Callable[[], None]]] = [
            ("refresh", _("刷新"), "F5", self.refresh),
            ("print", _("打印日报…"), "Ctrl+Shift+R", self.print_report),
            ("xlsx", _("导出Excel…"), "Ctrl+Shift+X", lambda: self.export(".xlsx")),
            ("csv", _("导出CSV…"), "Ctrl+Shift+C", lambda: self.export(".csv")),
        ]
        for key, label, keys, slot in actions:
            button = named(QPushButton(f"{label} ({keys})"), f"dashboard_{key}")
            button.clicked.connect(slot)
            QShortcut(QKeySequence(keys), self, slot)
            commands.addWidget(button)
            self.buttons[key] = button
        self.tiles = {
            key: Tile(caption, f"tile_{key}")
            for key, caption in (
                ("issued", _("已发号")),
                ("served", _("已办结")),
                ("waiting", _("等候时间（中位数）")),
                ("handling", _("办理时间（中位数）")),
                ("cases", _("受理件数")),
                ("spot", _("当场办结率")),
                ("overdue", _("超期未办结事项")),
                ("pending", _("待部门核验")),
                ("rating", _("满意度")),
                ("offline", _("离线办理占比")),
            )
        }
        grid = QGridLayout()
        for index, tile in enumerate(self.tiles.values()):
            grid.addWidget(tile, index // 5, index % 5)
        self.models: dict[str, TableModel] = {}
        self.tables = named(QTabWidget(), "dashboardTables")
        for key, title in (
            ("counters", _("窗口")),
            ("clerks", _("人员")),
            ("categories", _("业务类别")),
            ("departments", _("部门时限")),
            ("low", _("差评")),
        ):
            model = TableModel(self)
            table = named(QTableView(), f"dashboard_{key}")
            table.setModel(model)
            table.verticalHeader().hide()
            table.horizontalHeader().setStretchLastSection(True)
            table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
            self.models[key] = model
            self.tables.addTab(table, title)
        self.message = message_label()
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(commands)
        layout.addLayout(grid)
        layout.addWidget(self.tables, 1)
        layout.addWidget(self.message)

    def _set_day_today(self) -> None:
        today = local_today(self.ctx.clock)
        self.day.setDate(QDate(today.year, today.month, today.day))

    def _on_today(self) -> bool:
        d = self.day.date()
        return date(d.year(), d.month(), d.day()) == self._today

    # --- live ----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.timer.start()
        self.refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()
        super().hideEvent(event)

    def changed(self) -> None:
        """Something changed here (a ticket served, a case accepted): refresh soon."""
        if self.isVisible():
            self.soon.start()

    def refresh(self) -> None:
        today = local_today(self.ctx.clock)
        if self._today != today:  # past midnight: a page showing "today" moves on
            if self._on_today():
                self._set_day_today()
            self._today = today
        if self._running:
            self._again = True
            return
        self._running = True
        d = self.day.date()
        ctx, actor, day = self.ctx, self.actor, date(d.year(), d.month(), d.day())
        run_task(self, lambda: daily_report(ctx, actor, day), self._show, self._failed)

    def _done(self) -> None:
        self._running = False
        if self._again:
            self._again = False
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self._done()
        self._failing = True
        self.say(_("无法统计：{reason}").format(reason=error_text(exc)), True)

    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # --- showing -------------------------------------------------------------------------

    def _show(self, report: DailyReport) -> None:
        self._done()
        self.report = report
        h, d = report.hall, report.deadlines
        t = self.tiles
        t["issued"].show_value(str(h.issued), _("转出 {n}").format(n=h.transferred))
        t["served"].show_value(str(h.served), _("未到 {n}").format(n=h.no_show))
        t["waiting"].show_value(
            minutes(h.wait.median),
            _("平均 {mean}，90% 不超过 {p90}").format(
                mean=minutes(h.wait.mean), p90=minutes(h.wait.p90)
            ),
        )
        t["handling"].show_value(
            minutes(h.handle.median),
            _("平均 {mean}，90% 不超过 {p90}").format(
                mean=minutes(h.handle.mean), p90=minutes(h.handle.p90)
            ),
        )
        t["cases"].show_value(
            str(h.cases_accepted), " · ".join(f"{m.label} {m.count}" for m in h.by_mode if m.count)
        )
        t["spot"].show_value(
            share(h.on_the_spot_share), _("{n} / {items} 项").format(n=h.on_the_spot, items=h.items)
        )
        t["overdue"].show_value(
            str(d.overdue), _("当日到期 {n}").format(n=d.due), alert=d.overdue > 0
        )
        t["pending"].show_value(str(d.pending_verifications))
        t["rating"].show_value(
            "—" if h.rating_mean is None else f"{h.rating_mean:.2f}",
            _("{n} 条评价，差评 {low}").format(n=h.rating_count, low=h.low_ratings),
            alert=h.low_ratings > 0,
        )
        t["offline"].show_value(
            share(h.offline_share), _("{n} / {work} 件").format(n=h.offline_work, work=h.work)
        )
        cols = figure_columns(report)
        header = [_("名称"), *(c.title for c in cols)]
        self.models["counters"].set_rows(header, _figure_rows(report.counters, cols))
        self.models["clerks"].set_rows(header, _figure_rows(report.clerks, cols))
        self.models["categories"].set_rows(header, _figure_rows(report.categories, cols))
        self.models["departments"].set_rows(
            [_("部门"), _("期内到期"), _("超期未办结"), _("期内办结"), _("按时办结"),
             _("待部门核验")],
            [[x.name, x.due, x.overdue, x.decided, x.in_time, x.pending_verifications]
             for x in report.departments],
        )  # fmt: skip
        self.models["low"].set_rows(
            [_("时间"), _("排队号"), _("窗口"), _("经办人"), _("评分"), _("原因")],
            [[low.at.strftime("%H:%M"), low.ticket, low.counter, low.clerk, low.rating, low.reason]
             for low in report.low_ratings],
        )  # fmt: skip
        for table in self.tables.findChildren(QTableView):
            table.resizeColumnsToContents()
        self.updated.setText(
            _("更新于 {time} · 数据来源：{source}").format(
                time=self.ctx.clock.now().astimezone(self.ctx.clock.zone).strftime("%H:%M:%S"),
                source=report.source,
            )
        )
        if self._failing:  # the last refresh failed: this one did not
            self._failing = False
            self.say("")

    # --- leaving the program -------------------------------------------------------------

    def _current(self) -> DailyReport | None:
        """The report of the day on screen, or None (and a word) while it is counted."""
        d = self.day.date()
        wanted = date(d.year(), d.month(), d.day())
        if self.report is None or self.report.start != wanted or self._running:
            self.say(_("正在统计所选日期的数据，请稍候再打印或导出。"), True)
            self.refresh()
            return None
        return self.report

    def print_report(self) -> None:
        report = self._current()
        if report is None:
            return
        button = self.buttons["print"]
        button.setEnabled(False)
        preview_report(self, self.ctx, self.actor, report, lambda: button.setEnabled(True))

    def export(self, suffix: str) -> None:
        report = self._current()
        if report is not None:
            export_report(self, report, suffix, self.say)
