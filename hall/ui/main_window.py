"""The main window: a shell of pages, menus built from the action table, a status bar."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QStackedWidget, QWidget

from hall import __version__
from hall.core.i18n import _
from hall.services.audit import Actor
from hall.services.auth import role_name
from hall.services.context import AppContext
from hall.ui.actions import ActionId, build_actions
from hall.ui.bus import ChangeBus
from hall.ui.catalog_page import CatalogPage
from hall.ui.widgets import named


class MainWindow(QMainWindow):
    signed_out = Signal()

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.bus = ChangeBus(self)
        self.actions_ = build_actions(self)
        self._build_ui()
        self._connect()

    def _build_ui(self) -> None:
        hall = self.ctx.settings.hall_name or _("政务服务大厅")
        self.setWindowTitle(
            _("一窗受理 — {hall} — 窗口 {counter}").format(hall=hall, counter=self.actor.counter)
        )
        self.setObjectName("mainWindow")
        screen = self.screen().availableGeometry()
        self.resize(min(1280, screen.width()), min(800, screen.height() - 40))
        self.pages = named(QStackedWidget(), "pages")
        self.catalog_page = CatalogPage(self.ctx, self)
        self.pages.addWidget(self.catalog_page)
        self.setCentralWidget(self.pages)

        a = self.actions_
        menu = self.menuBar().addMenu(_("文件(&F)"))
        menu.addAction(a[ActionId.lock])
        menu.addSeparator()
        menu.addAction(a[ActionId.quit])
        menu = self.menuBar().addMenu(_("业务(&B)"))
        menu.addAction(a[ActionId.catalog])
        menu.addAction(a[ActionId.find])
        menu = self.menuBar().addMenu(_("帮助(&H)"))
        menu.addAction(a[ActionId.about])

        status = self.statusBar()
        name = self.actor.display_name or self.actor.username
        self.user_label = named(
            QLabel(_("{name}（{role}）").format(name=name, role=role_name(self.actor.role))),
            "statusUser",
        )
        self.counter_label = named(
            QLabel(_("窗口 {counter}").format(counter=self.actor.counter)), "statusCounter"
        )
        self.connection_label = named(QLabel(_("单机运行 · 本机数据库")), "statusConnection")
        self.catalog_label = named(QLabel(), "statusCatalog")
        for widget in (
            self.user_label,
            self.counter_label,
            self.catalog_label,
            self.connection_label,
        ):
            status.addPermanentWidget(widget)
        self._show_catalog_version()

    def _connect(self) -> None:
        a = self.actions_
        a[ActionId.catalog].triggered.connect(self.show_catalog)
        a[ActionId.find].triggered.connect(self.show_catalog)
        a[ActionId.quit].triggered.connect(self.close)
        a[ActionId.lock].triggered.connect(self.sign_out)
        a[ActionId.about].triggered.connect(self.about)
        self.bus.catalog_changed.connect(self.catalog_page.reload_catalog)
        self.bus.catalog_changed.connect(self._show_catalog_version)

    def _show_catalog_version(self) -> None:
        catalog = self.catalog_page.catalog
        self.catalog_label.setText(_("目录第{n}版").format(n=catalog.number))
        self.catalog_label.setToolTip(catalog.label)

    def show_catalog(self) -> None:
        self.pages.setCurrentWidget(self.catalog_page)
        self.catalog_page.focus_search()

    def sign_out(self) -> None:
        self.signed_out.emit()
        self.close()

    def about(self) -> None:
        paths = self.ctx.paths
        QMessageBox.about(
            self,
            _("关于一窗受理"),
            "<br>".join(
                [
                    f"<b>{_('一窗受理')}</b> {escape(__version__)}",
                    escape(_("数据库：{path}").format(path=paths.database)),
                    escape(_("日志：{path}").format(path=paths.logs)),
                    escape(_("设置：{path}").format(path=paths.settings_file)),
                ]
            ),
        )
