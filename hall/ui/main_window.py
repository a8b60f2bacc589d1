"""The main window: a shell of pages, menus built from the action table, a status bar,
and the idle lock (the work stays on its page behind the lock screen)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from hall.core.errors import HallError
from hall.core.i18n import _
from hall.services.audit import Actor
from hall.services.auth import role_name
from hall.services.context import AppContext
from hall.services.intake_state import Step
from hall.services.permissions import Permission, can
from hall.services.prereview import take_draft
from hall.services.queue_calls import CalledTicket
from hall.ui.actions import SPECS, ActionId, allowed_to, build_actions, usable
from hall.ui.bus import ChangeBus
from hall.ui.cases_page import CasesPage
from hall.ui.catalog_page import CatalogPage
from hall.ui.errors import show_error
from hall.ui.guide_page import GuidePage
from hall.ui.idle import IdleWatcher
from hall.ui.inbox_page import InboxPage
from hall.ui.intake.accept_step import AcceptStep
from hall.ui.intake.page import IntakePage
from hall.ui.lock_screen import LockScreen
from hall.ui.pickup_page import PickupPage
from hall.ui.problem_dialog import ProblemReportDialog, show_about
from hall.ui.queue_panel import QueuePanel
from hall.ui.settings_dialog import SettingsDialog
from hall.ui.supervision_page import SupervisionPage
from hall.ui.sync_dialog import SyncDialog
from hall.ui.sync_runner import SyncRunner
from hall.ui.tasks import run_task
from hall.ui.widgets import named

MINUTE_MS = 60_000


class MainWindow(QMainWindow):
    signed_out = Signal()

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        keyring_notice: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.keyring_notice = keyring_notice
        self.bus = ChangeBus(self)
        self.actions_ = build_actions(self, actor, server=ctx.link is not None)
        self._focus_before_lock: QWidget | None = None
        self._build_ui()
        self._connect()
        self.idle = IdleWatcher(ctx.settings.idle_lock_minutes * MINUTE_MS, self)
        self.idle.idle.connect(self.lock)

    def _build_ui(self) -> None:
        hall = self.ctx.settings.hall_name or _("政务服务大厅")
        if self.actor.counter:
            title = _("一窗受理 — {hall} — 窗口 {counter}").format(
                hall=hall, counter=self.actor.counter
            )
        else:  # a guide's desk or a department: no counter of their own
            title = _("一窗受理 — {hall}").format(hall=hall)
        self.setWindowTitle(title)
        self.setObjectName("mainWindow")
        screen = self.screen().availableGeometry()
        self.resize(min(1280, screen.width()), min(800, screen.height() - 40))
        self.pages = named(QStackedWidget(), "pages")
        self.intake_page: IntakePage | None = None
        self.cases_page: CasesPage | None = None
        self.pickup_page: PickupPage | None = None
        self.inbox_page: InboxPage | None = None
        if can(self.actor, Permission.accept_case):
            self.intake_page = IntakePage(self.ctx, self.actor, self)
            self.pages.addWidget(self.intake_page)
            self.cases_page = CasesPage(self.ctx, self.actor, self)
            self.pages.addWidget(self.cases_page)
            self.pickup_page = PickupPage(self.ctx, self.actor, self)
            self.pages.addWidget(self.pickup_page)
        self.guide_page: GuidePage | None = None
        if can(self.actor, Permission.issue_tickets):
            self.guide_page = GuidePage(self.ctx, self.actor, self.bus, self)
            self.pages.addWidget(self.guide_page)
        self.queue_panel: QueuePanel | None = None
        if can(self.actor, Permission.serve_tickets):
            self.queue_panel = QueuePanel(self.ctx, self.actor, self)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.queue_panel)
        if allowed_to(self.actor, SPECS[ActionId.inbox]):
            self.inbox_page = InboxPage(self.ctx, self.actor, self)
            self.pages.addWidget(self.inbox_page)
        self.supervision_page: SupervisionPage | None = None
        if can(self.actor, Permission.print_reports):
            self.supervision_page = SupervisionPage(self.ctx, self.actor, self.bus, self)
            self.pages.addWidget(self.supervision_page)
        self.catalog_page = CatalogPage(self.ctx, self)
        self.pages.addWidget(self.catalog_page)
        self.lock_screen = LockScreen(self.ctx, self.actor, self)
        # The outer stack: the work, or the lock screen in front of it (nothing is torn down).
        self.screens = named(QStackedWidget(), "screens")
        self.screens.addWidget(self.pages)
        self.screens.addWidget(self.lock_screen)
        self.setCentralWidget(self.screens)

        a = self.actions_
        menu = self.menuBar().addMenu(_("文件(&F)"))
        for action_id in (
            ActionId.lock,
            ActionId.change_password,
            ActionId.unlock_secrets,
            ActionId.sign_out,
        ):
            menu.addAction(a[action_id])
        menu.addSeparator()
        menu.addAction(a[ActionId.quit])
        menu = self.menuBar().addMenu(_("业务(&B)"))
        menu.addAction(a[ActionId.intake])
        menu.addAction(a[ActionId.new_application])
        menu.addAction(a[ActionId.cases])
        menu.addAction(a[ActionId.pickup])
        menu.addAction(a[ActionId.inbox])
        menu.addAction(a[ActionId.guide_desk])
        menu.addAction(a[ActionId.supervision])
        menu.addAction(a[ActionId.print_documents])
        menu.addSeparator()
        menu.addAction(a[ActionId.catalog])
        menu.addAction(a[ActionId.find])
        menu.addSeparator()
        menu.addAction(a[ActionId.verify])
        menu.addAction(a[ActionId.audit])
        menu = self.menuBar().addMenu(_("叫号(&Q)"))
        for action_id in (
            ActionId.queue_call,
            ActionId.queue_call_number,
            ActionId.queue_recall,
            ActionId.queue_start,
            ActionId.queue_finish,
            ActionId.queue_no_show,
            ActionId.queue_park,
            ActionId.queue_resume,
            ActionId.queue_transfer,
        ):
            menu.addAction(a[action_id])
        menu.addSeparator()
        menu.addAction(a[ActionId.queue_open])
        menu.menuAction().setVisible(self.queue_panel is not None)
        menu = self.menuBar().addMenu(_("系统(&Y)"))
        for action_id in (ActionId.sync_now, ActionId.sync_page, ActionId.settings):
            menu.addAction(a[action_id])
        menu = self.menuBar().addMenu(_("帮助(&H)"))
        menu.addAction(a[ActionId.report_problem])
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
        self.connection_label = named(QLabel(), "statusConnection")
        self.sync = SyncRunner(self.ctx, self.bus, self.connection_label, self)
        self.catalog_label = named(QLabel(), "statusCatalog")
        self.secrets_label = named(QLabel(), "statusSecrets")
        a[ActionId.unlock_secrets].setVisible(bool(self.keyring_notice))
        if self.keyring_notice:
            self.secrets_label.setToolTip(self.keyring_notice)
            self._show_secrets_state()
        else:
            self.secrets_label.hide()
        for widget in (
            self.user_label,
            self.counter_label,
            self.catalog_label,
            self.secrets_label,
            self.connection_label,
        ):
            status.addPermanentWidget(widget)
        self._show_catalog_version()

    def _connect(self) -> None:
        a = self.actions_
        a[ActionId.intake].triggered.connect(self.show_intake)
        a[ActionId.new_application].triggered.connect(self.new_application)
        a[ActionId.cases].triggered.connect(self.show_cases)
        a[ActionId.pickup].triggered.connect(self.show_pickup)
        a[ActionId.inbox].triggered.connect(self.show_inbox)
        a[ActionId.print_documents].triggered.connect(self.print_documents)
        a[ActionId.guide_desk].triggered.connect(self.show_guide_desk)
        a[ActionId.supervision].triggered.connect(self.show_supervision)
        if self.queue_panel is not None:
            self.queue_panel.bind(a, self.bus)
            self.queue_panel.called.connect(self._ticket_called)
        if self.guide_page is not None:
            self.bus.queue_changed.connect(self.guide_page.refresh)
        a[ActionId.catalog].triggered.connect(self.show_catalog)
        a[ActionId.find].triggered.connect(self.show_catalog)
        a[ActionId.verify].triggered.connect(self.verify_document)
        a[ActionId.audit].triggered.connect(self.verify_audit)
        a[ActionId.quit].triggered.connect(self.close)
        a[ActionId.lock].triggered.connect(self.lock)
        a[ActionId.change_password].triggered.connect(self.change_password)
        a[ActionId.unlock_secrets].triggered.connect(self.unlock_secrets)
        a[ActionId.sign_out].triggered.connect(self.sign_out)
        a[ActionId.about].triggered.connect(self.about)
        a[ActionId.report_problem].triggered.connect(self.report_problem)
        a[ActionId.sync_now].triggered.connect(self.sync.sync_now)
        a[ActionId.sync_page].triggered.connect(
            lambda _checked=False: SyncDialog(self.ctx, self.actor, self.sync, self).exec()
        )
        a[ActionId.settings].triggered.connect(
            lambda _checked=False: SettingsDialog(self.ctx, self.actor, self).exec()
        )
        self.sync.start()
        self.lock_screen.unlocked.connect(self.unlock)
        self.lock_screen.sign_out_requested.connect(self.sign_out)
        self.bus.catalog_changed.connect(self.catalog_page.reload_catalog)
        self.bus.catalog_changed.connect(self._show_catalog_version)
        self.bus.cases_changed.connect(self._cases_changed)

    def _show_secrets_state(self) -> None:
        if self.ctx.secrets_open:
            self.secrets_label.setText(_("密钥文件：已解锁"))
            self.secrets_label.setStyleSheet("")
        else:
            self.secrets_label.setText(_("密钥文件：未解锁（Ctrl+Shift+U）"))
            self.secrets_label.setStyleSheet("color: #8a5a00;")

    def unlock_secrets(self) -> None:
        """Ask the secrets file's passphrase and open it (scrypt: off the GUI thread)."""
        phrase, ok = QInputDialog.getText(
            self,
            _("解锁密钥文件"),
            _("本机没有可用的系统密钥环，签名密钥保存在加密文件中。\n请输入密钥文件的口令："),
            QLineEdit.EchoMode.Password,
        )
        if not ok or not phrase:
            return
        ctx = self.ctx
        self.statusBar().showMessage(_("正在打开密钥文件……"))

        def done(_store: object) -> None:
            self.statusBar().showMessage(_("密钥文件已解锁。"), 5000)
            self._show_secrets_state()

        def failed(exc: BaseException) -> None:
            self.statusBar().clearMessage()
            show_error(self, exc, _("无法解锁密钥文件"))

        run_task(self, lambda: ctx.unlock_secrets(phrase), done, failed)

    def _show_catalog_version(self) -> None:
        catalog = self.catalog_page.catalog
        self.catalog_label.setText(_("目录第{n}版").format(n=catalog.number))
        self.catalog_label.setToolTip(catalog.label)

    # --- the idle lock ------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self.screens.currentWidget() is self.lock_screen

    def lock(self) -> None:
        """Hide the work behind the lock screen; every action but quitting is off."""
        if self.locked:
            return
        self._focus_before_lock = QApplication.focusWidget()
        # A dialog left open over the window would still show the work: close it. (Dialogs
        # are short questions; the work itself lives on the pages, which stay as they are.)
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()
                if dialog.isVisible():  # busy (a print job running): out of sight, not gone
                    dialog.hide()
        self.idle.pause()
        for action_id, action in self.actions_.items():
            action.setEnabled(action_id is ActionId.quit)
        self.screens.setCurrentWidget(self.lock_screen)
        self.lock_screen.reset()

    def unlock(self) -> None:
        for action_id, action in self.actions_.items():
            action.setEnabled(usable(self.actor, SPECS[action_id], self.ctx.link is not None))
        self.screens.setCurrentWidget(self.pages)
        if self._focus_before_lock is not None:
            self._focus_before_lock.setFocus()
        self.idle.resume()

    # --- actions -----------------------------------------------------------------------

    def _cases_changed(self) -> None:
        """Another page changed a case: the lists that show cases follow, when seen."""
        page = self.pages.currentWidget()
        if page is self.pickup_page and self.pickup_page is not None:
            self.pickup_page.refresh()

    def _ticket_called(self, ticket: CalledTicket) -> None:
        """A pickup ticket opens its case's documents; a pre-reviewed one, its draft."""
        if ticket.case_number and self.pickup_page is not None:
            self.show_pickup()
            self.pickup_page.open(ticket.case_number)
        elif ticket.draft_id and self.intake_page is not None:
            try:
                draft = take_draft(self.ctx, self.actor, ticket.draft_id)
            except HallError as exc:
                show_error(self, exc)
                return
            self.intake_page.save_now()  # the work on screen stays in its own draft
            self.pages.setCurrentWidget(self.intake_page)
            self.intake_page.resume(draft)

    def show_guide_desk(self) -> None:
        if self.guide_page is not None:
            self.pages.setCurrentWidget(self.guide_page)
            self.guide_page.refresh()
            self.guide_page.focus_first()

    def show_start_page(self) -> None:
        """The clerk's work first (and a draft left by a crash offered back); a
        reviewer's inbox; the catalog for everyone else."""
        if self.intake_page is None:
            if self.inbox_page is not None:
                self.show_inbox()
            elif self.guide_page is not None:
                self.show_guide_desk()
            else:
                self.show_catalog()
            return
        self.show_intake()
        QTimer.singleShot(0, self.intake_page, self.intake_page.offer_drafts)

    def show_intake(self) -> None:
        if self.intake_page is not None:
            self.pages.setCurrentWidget(self.intake_page)
            self.intake_page.focus_first()

    def show_cases(self) -> None:
        if self.cases_page is not None:
            self.pages.setCurrentWidget(self.cases_page)
            self.cases_page.refresh()
            self.cases_page.focus_search()

    def show_pickup(self) -> None:
        if self.pickup_page is not None:
            self.pages.setCurrentWidget(self.pickup_page)
            self.pickup_page.refresh()
            self.pickup_page.focus_search()

    def show_inbox(self) -> None:
        if self.inbox_page is not None:
            self.pages.setCurrentWidget(self.inbox_page)
            self.inbox_page.refresh()
            self.inbox_page.focus_table()

    def show_supervision(self) -> None:
        if self.supervision_page is not None:
            self.pages.setCurrentWidget(self.supervision_page)
            self.supervision_page.focus_first()

    def new_application(self) -> None:
        if self.intake_page is not None:
            self.pages.setCurrentWidget(self.intake_page)
            self.intake_page.start_new()

    def print_documents(self) -> None:
        """Ctrl+P: the documents of the case at hand (open on the Cases page, or just
        accepted on the intake page)."""
        page = self.pages.currentWidget()
        cases, intake = self.cases_page, self.intake_page
        if cases is not None and page is cases and cases.detail is not None:
            cases.print_documents()
        elif page is self.pickup_page and self.pickup_page is not None:
            self.pickup_page.print_selected()
        elif page is self.inbox_page and self.inbox_page is not None:
            self.inbox_page.print_notice()
        elif intake is not None and page is intake and intake.result is not None:
            accept = intake.steps[Step.accept]
            assert isinstance(accept, AcceptStep)
            accept.print_documents()
        else:
            self.statusBar().showMessage(
                _("请先在“案件”中打开一个案件（F4），或受理一份申请，再打印文书。"), 5000
            )

    def show_catalog(self) -> None:
        self.pages.setCurrentWidget(self.catalog_page)
        self.catalog_page.focus_search()

    def change_password(self) -> None:
        from hall.ui.password_dialog import ChangePasswordDialog

        if ChangePasswordDialog(self.ctx, self.actor, parent=self).exec():
            self.statusBar().showMessage(_("密码已修改。"), 5000)

    def verify_document(self) -> None:
        from hall.ui.verify_dialog import VerifyDialog

        VerifyDialog(self.ctx, self).exec()

    def verify_audit(self) -> None:
        from hall.services.audit_chain import ChainReport, verify_chain

        self.statusBar().showMessage(_("正在核验审计日志……"))

        def done(report: ChainReport) -> None:
            self.statusBar().clearMessage()
            if report.broken is None:
                QMessageBox.information(
                    self,
                    _("审计日志"),
                    _("审计日志完整：{n}条记录，未发现改动。").format(n=report.entries),
                )
                return
            b = report.broken
            QMessageBox.critical(
                self,
                _("审计日志已被改动"),
                _("第一处问题在第{seq}条记录：{reason}").format(seq=b.seq, reason=b.reason),
            )

        def failed(exc: BaseException) -> None:
            self.statusBar().clearMessage()
            show_error(self, exc)

        ctx, actor = self.ctx, self.actor
        run_task(self, lambda: verify_chain(ctx, actor), done, failed)

    def sign_out(self) -> None:
        self.signed_out.emit()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.intake_page is not None:
            self.intake_page.save_now()
        self.idle.stop()
        self.sync.stop()
        super().closeEvent(event)

    def about(self) -> None:
        show_about(self, self.ctx.paths)

    def report_problem(self) -> None:
        ProblemReportDialog(self.ctx.paths, self.ctx.settings, self.ctx.clock, self).exec()
