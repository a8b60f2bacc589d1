"""The supervisor's page (值班长, Ctrl+F9): today's figures live, the overdue watch, and
the post-event verification of commitment decisions, each a tab shown to those whose
role has it (an administrator sees the figures only)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from hall.core.i18n import _
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.permissions import Permission, can
from hall.ui.bus import ChangeBus
from hall.ui.dashboard import DashboardTab
from hall.ui.overdue_tab import OverdueTab
from hall.ui.verification_tab import VerificationTab
from hall.ui.widgets import named


class SupervisionPage(QWidget):
    def __init__(
        self, ctx: AppContext, actor: Actor, bus: ChangeBus, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.tabs = named(QTabWidget(), "supervisionTabs")
        self.dashboard = DashboardTab(ctx, actor, self)
        self.tabs.addTab(self.dashboard, _("今日概况"))
        bus.queue_changed.connect(self.dashboard.changed)
        bus.cases_changed.connect(self.dashboard.changed)
        self.overdue: OverdueTab | None = None
        if can(actor, Permission.view_inboxes):
            self.overdue = OverdueTab(ctx, actor, self)
            self.tabs.addTab(self.overdue, _("超期预警"))
        self.verification: VerificationTab | None = None
        if can(actor, Permission.record_verification):
            self.verification = VerificationTab(ctx, actor, bus, self)
            self.tabs.addTab(self.verification, _("事后核查"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def focus_first(self) -> None:
        self.tabs.currentWidget().setFocus()
