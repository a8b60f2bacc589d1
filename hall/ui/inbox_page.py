"""The department reviewer's inbox (部门审批): the sub-cases dispatched to their
departments, the nearest deadline first, filtered; one opened shows what the counter
recorded, with the scanned materials. Claim it (Ctrl+K), then decide: approve (F5),
refuse (F6), ask for a supplement (F7), or order an on-site inspection (F8, Shift+F8
when it is done)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import QItemSelection, QSize, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hall.core.errors import HallError
from hall.core.i18n import N_, _
from hall.models.enums import StopReason, SubCaseStatus
from hall.services import decisions
from hall.services.audit import Actor
from hall.services.case_supplements import SUPPLEMENTABLE
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.documents import PrintKind
from hall.services.inbox import InboxView, ReviewDetail, list_inbox, review_detail
from hall.services.permissions import Permission, can
from hall.ui.decision_dialogs import TextDialog, reject_dialog
from hall.ui.documents_ui import bus_of, open_preview
from hall.ui.errors import show_error
from hall.ui.inbox_model import SORT_ROLE, Columns, InboxTableModel
from hall.ui.review_details import review_html
from hall.ui.scan_view import ScanStrip
from hall.ui.supplement_dialog import SupplementDialog
from hall.ui.widgets import message_label, named

log = logging.getLogger(__name__)

VIEW_NAMES = {
    InboxView.open: N_("全部待审"),
    InboxView.unclaimed: N_("未认领"),
    InboxView.mine: N_("我认领的"),
    InboxView.urgent: N_("临近或超过期限"),
    InboxView.stopped: N_("计时暂停（补正、现场核查）"),
    InboxView.decided: N_("已作出决定"),
}
REFRESH_MS = 60_000  # new sub-cases arrive as counters accept cases
THUMB = QSize(90, 120)
ROLE = Qt.ItemDataRole.UserRole


class InboxPage(QWidget):
    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.detail: ReviewDetail | None = None
        self.model = InboxTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self._build_ui()
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _build_ui(self) -> None:
        self.department = named(QComboBox(), "inboxDepartment")
        departments = self.ctx.catalog().departments
        watching = can(self.actor, Permission.view_inboxes)
        self.department.addItem(_("全部部门") if watching else _("本人所属的全部部门"), None)
        codes = sorted(departments) if watching else list(self.actor.departments)
        for code in codes:
            self.department.addItem(f"{departments.get(code, code)}（{code}）", code)
        self.view = named(QComboBox(), "inboxView")
        for view, name in VIEW_NAMES.items():
            self.view.addItem(_(name), view)
        self.search = named(QLineEdit(), "inboxSearch")
        self.search.setPlaceholderText(_("案件编号、申请人代码或名称，回车查找"))
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.refresh)
        self.department.currentIndexChanged.connect(lambda _i: self.refresh())
        self.view.currentIndexChanged.connect(lambda _i: self.refresh())
        self.count = named(QLabel(), "inboxCount")
        self.table = named(QTableView(), "inboxTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Columns.left, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.text = named(QTextBrowser(), "reviewDetail")
        self.scans = named(ScanStrip(THUMB), "reviewScans")
        self.scans.setMaximumHeight(THUMB.height() + 60)
        self.message = message_label()
        self.message.hide()
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        for key, label, keys, slot in (
            ("claim", _("认领"), "Ctrl+K", self.claim),
            ("release", _("释放"), "Ctrl+Shift+K", self.release),
            ("approve", _("准予许可"), "F5", self.approve),
            ("reject", _("不予许可"), "F6", self.reject),
            ("supplement", _("要求补正"), "F7", self.supplement),
            ("inspect", _("现场核查"), "F8", self.start_inspection),
            ("inspected", _("核查结束"), "Shift+F8", self.end_inspection),
            ("notice", _("打印决定书"), "Ctrl+D", self.print_notice),
        ):
            button = named(QPushButton(f"{label} ({keys})"), f"inbox_{key}")
            button.clicked.connect(slot)
            QShortcut(
                QKeySequence(keys),
                self,
                slot,
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            )
            n = len(self.buttons)
            grid.addWidget(button, n // 3, n % 3)  # three columns: fits a 1280-pixel screen
            self.buttons[key] = button
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.text, 1)
        right_layout.addWidget(self.scans)
        right_layout.addLayout(grid)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(right)
        self.table.setMinimumWidth(420)
        self.text.setMinimumWidth(360)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([680, 620])
        bar = QHBoxLayout()
        bar.addWidget(self.department)
        bar.addWidget(self.view)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        self._enable()

    # --- reading ---------------------------------------------------------------------------

    def _tick(self) -> None:
        """New sub-cases arrive as counters accept cases: look again while the page is
        on screen (not behind the lock screen, not under a dialog of its own)."""
        if self.isVisible() and self.window().isActiveWindow():
            self.refresh()

    def focus_table(self) -> None:
        self.table.setFocus()

    def refresh(self) -> None:
        keep = self.detail.id if self.detail is not None else None
        try:
            rows = list_inbox(
                self.ctx, self.actor, self.department.currentData(), self.view.currentData(),
                query=self.search.text(),
            )  # fmt: skip
        except HallError as exc:
            self._say(str(exc))
            self.model.set_rows([])
            self._show(None)
            return
        self._say("")
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        for column in (Columns.item, Columns.applicant):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 260))
        overdue = sum(1 for r in rows if r.overdue)
        self.count.setText(
            _("共{n}件，超期{m}件").format(n=len(rows), m=overdue) if overdue
            else _("共{n}件").format(n=len(rows))
        )  # fmt: skip
        at = [n for n in range(len(rows)) if rows[n].id == keep]
        if at or rows:
            source = self.model.index(at[0] if at else 0, 0)
            self.table.selectRow(self.proxy.mapFromSource(source).row())
        else:
            self._show(None)

    def _selected(self, _sel: QItemSelection, _old: QItemSelection) -> None:
        index = self.proxy.mapToSource(self.table.currentIndex())
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is None:
            self._show(None)
            return
        self.open(row.id)

    def open(self, sub_id: uuid.UUID) -> None:
        try:
            self._show(review_detail(self.ctx, self.actor, sub_id))
        except HallError as exc:
            show_error(self, exc)

    def _show(self, detail: ReviewDetail | None) -> None:
        self.detail = detail
        if detail is None:
            self.scans.clear()
            self.text.setPlainText(_("没有待办事项。") if self.model.rowCount() == 0 else "")
            self._enable()
            return
        self.text.setHtml(review_html(detail, self.ctx.clock.zone))
        self.scans.show_scans([(m.name, m.scans) for m in detail.materials if m.scans],
                              numbered=True)  # fmt: skip
        self.scans.setVisible(self.scans.count() > 0)
        self._enable()

    def _enable(self) -> None:
        d = self.detail
        s = d.sub if d else None
        mine = bool(s and s.claimed_by == self.actor.username)
        deciding = bool(
            s and s.under_review and decisions.may_decide(self.actor, s.department_code)
        )
        free_or_mine = deciding and (mine or (s is not None and s.claimed_by is None))
        inspecting = bool(s and s.stop_reason is StopReason.special_procedure)
        waiting = bool(s and s.stop_reason is StopReason.supplement)
        self.buttons["claim"].setEnabled(free_or_mine and not mine)
        self.buttons["release"].setEnabled(
            bool(s and s.claimed_by and s.under_review)
            and (mine or can(self.actor, Permission.release_claims))
        )
        self.buttons["approve"].setEnabled(free_or_mine and not waiting)
        self.buttons["reject"].setEnabled(free_or_mine)
        self.buttons["supplement"].setEnabled(free_or_mine and not waiting)
        self.buttons["inspect"].setEnabled(free_or_mine and not inspecting)
        self.buttons["inspected"].setEnabled(free_or_mine and inspecting)
        self.buttons["notice"].setEnabled(
            bool(s and s.decided_by and s.status is SubCaseStatus.rejected)
        )

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # --- actions -------------------------------------------------------------------------

    def _done(self, result: tuple[ReviewDetail, Changes], message: str) -> None:
        detail, changes = result
        bus = bus_of(self)
        if bus is not None:
            bus.publish(changes)
        status = getattr(self.window(), "statusBar", None)
        if status is not None:
            status().showMessage(message, 5000)
        self.detail = detail
        self.refresh()
        if self.detail is None or self.detail.id != detail.id:
            self._show(detail)  # decided: it left the list, but stays on screen

    def _act(self, work: Callable[[], tuple[ReviewDetail, Changes]], message: str) -> None:
        try:
            result = work()
        except HallError as exc:
            show_error(self, exc)
            return
        self._done(result, message)

    def _sub(self) -> uuid.UUID | None:
        return self.detail.id if self.detail is not None else None

    def claim(self) -> None:
        if (sub := self._sub()) is not None:
            self._act(lambda: decisions.claim(self.ctx, self.actor, sub), _("已认领。"))

    def release(self) -> None:
        if (sub := self._sub()) is not None:
            self._act(lambda: decisions.release(self.ctx, self.actor, sub), _("已释放。"))

    def _ask(self, title: str, intro: str, label: str, required: bool,
             act: Callable[[str], tuple[ReviewDetail, Changes]], message: str) -> None:  # fmt: skip
        results: list[tuple[ReviewDetail, Changes]] = []
        dialog = TextDialog(title, intro, label, lambda text: results.append(act(text)),
                            required=required, parent=self)  # fmt: skip
        if dialog.exec() and results:
            self._done(results[0], message)

    def approve(self) -> None:
        d = self.detail
        if d is None or not self.buttons["approve"].isEnabled():
            return
        self._ask(
            _("准予许可"),
            _("对“{item}”作出准予许可的决定，并核发证照。").format(item=d.sub.item_name),
            _("审查意见（可不填）："),
            False,
            lambda text: decisions.approve(self.ctx, self.actor, d.id, text),
            _("已准予许可，证照已核发。"),
        )

    def reject(self) -> None:
        d = self.detail
        if d is None or not self.buttons["reject"].isEnabled():
            return
        results: list[tuple[ReviewDetail, Changes]] = []

        def submit(reason: str, basis: str) -> None:
            results.append(decisions.reject(self.ctx, self.actor, d.id, reason, basis))

        dialog = reject_dialog(d.sub.item_name, d.legal_basis, submit, self)
        if dialog.exec() and results:
            self._done(results[0], _("已作出不予许可的决定；决定书可打印（Ctrl+D）。"))

    def supplement(self) -> None:
        d = self.detail
        if d is None or not self.buttons["supplement"].isEnabled():
            return
        askable = [m.name for m in d.materials if m.status in SUPPLEMENTABLE]
        sent: list[tuple[ReviewDetail, Changes]] = []

        def submit(lines: dict[str, str], note: str) -> None:
            sent.append(decisions.ask_supplement(self.ctx, self.actor, d.id, lines, note))

        if SupplementDialog(askable, submit, self).exec() and sent:
            self._done(sent[0], _("已要求补正：窗口将通知申请人，本事项计时暂停。"))

    def start_inspection(self) -> None:
        d = self.detail
        if d is None or not self.buttons["inspect"].isEnabled():
            return
        self._ask(
            _("现场核查"),
            _("现场核查期间本事项的审查期限暂停计算（行政许可法第四十五条）。"),
            _("核查内容："),
            True,
            lambda text: decisions.start_inspection(self.ctx, self.actor, d.id, text),
            _("已安排现场核查，计时暂停。"),
        )

    def end_inspection(self) -> None:
        d = self.detail
        if d is None or not self.buttons["inspected"].isEnabled():
            return
        self._ask(
            _("核查结束"),
            _("登记现场核查的结果，审查期限恢复计算并顺延暂停的工作日。"),
            _("核查结果："),
            False,
            lambda text: decisions.end_inspection(self.ctx, self.actor, d.id, text),
            _("现场核查已结束，恢复计时。"),
        )

    def print_notice(self) -> None:
        d = self.detail
        if d is None or not self.buttons["notice"].isEnabled():
            return
        number = f"{d.case.number}-{d.sub.item_code}"
        open_preview(self, self.ctx, self.actor, bus_of(self), PrintKind.decision, number)
