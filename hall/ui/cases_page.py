"""The Cases view: find a case by number, credit code, ID number or name, or by scanning
one of its documents' QR codes; read it; and do what comes after acceptance at the
counter: receive a material brought later, record a department's answer, send one
supplement notice and take the supplement, withdraw, print its documents."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hall.core.clock import local_today
from hall.core.errors import HallError
from hall.core.i18n import _
from hall.models.enums import CaseStatus, MaterialStatus, RequestStatus, SubCaseStatus
from hall.services import case_actions, case_materials, case_supplements, cases
from hall.services.audit import Actor
from hall.services.case_views import CaseDetail
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.documents import ScannedCode
from hall.services.permissions import Permission, can
from hall.ui.case_details import case_html
from hall.ui.cases_model import CaseTableModel, Columns
from hall.ui.code_scan import find_scanned_case, looks_like_code, scan_verdict
from hall.ui.documents_ui import bus_of, print_case_documents
from hall.ui.errors import show_error
from hall.ui.scans_dialog import ScansDialog
from hall.ui.supplement_dialog import SupplementDialog
from hall.ui.widgets import message_label, named

#: What a supplement notice may ask for again (on an item still under review).
ASKABLE = {MaterialStatus.received, MaterialStatus.deferred, MaterialStatus.not_confirmed}
#: Materials that can still arrive at the counter (补交).
AWAITED = {
    MaterialStatus.deferred,
    MaterialStatus.supplement_requested,
    MaterialStatus.not_confirmed,
    MaterialStatus.pending,
}


class CasesPage(QWidget):
    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.detail: CaseDetail | None = None
        self.model = CaseTableModel(self)
        self._build_ui()

    def _build_ui(self) -> None:
        self.search = named(QLineEdit(), "casesSearch")
        self.search.setPlaceholderText(
            _("案件编号、统一社会信用代码、身份证号码或申请人名称，回车查找")
        )
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self._search_entered)
        self.message = message_label()  # what a scanned code says, when it is not valid
        self.message.hide()
        self.today_only = named(QCheckBox(_("仅今天受理")), "casesToday")
        self.today_only.toggled.connect(lambda _on: self.refresh())
        self.table = named(QTableView(), "casesTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            Columns.applicant, QHeaderView.ResizeMode.Stretch
        )
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.text = named(QTextBrowser(), "caseDetail")
        buttons = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, label, keys, slot in (
            ("receive", _("收取补交材料"), "Ctrl+R", self.receive_material),
            ("answer", _("登记部门核验答复"), "Ctrl+D", self.answer_request),
            ("supplement", _("一次性告知补正"), "Ctrl+B", self.request_supplement),
            ("fulfil", _("补正材料已到齐"), "Ctrl+Shift+B", self.fulfil_supplement),
            ("withdraw_item", _("撤回事项"), "Ctrl+Shift+W", self.withdraw_item),
            ("withdraw", _("撤回案件"), "Ctrl+Alt+W", self.withdraw_case),
            ("scans", _("扫描材料…"), "Ctrl+M", self.scan_materials),
        ):
            button = named(QPushButton(f"{label} ({keys})"), f"case_{key}")
            button.clicked.connect(slot)
            QShortcut(
                QKeySequence(keys),
                self,
                slot,
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            )
            n = len(self.buttons)
            buttons.addWidget(button, n // 2, n % 2)  # two columns: fits a 1280-pixel screen
            self.buttons[key] = button
        # Ctrl+P is the window's action (业务 menu): it prints the case at hand on any page.
        self.buttons["print"] = named(QPushButton(_("打印文书… (Ctrl+P)")), "case_print")
        self.buttons["print"].clicked.connect(self.print_documents)
        self.buttons["print"].setVisible(can(self.actor, Permission.issue_documents))
        buttons.addWidget(self.buttons["print"], 3, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.text, 1)
        right_layout.addLayout(buttons)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(right)
        self.table.setMinimumWidth(320)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.today_only)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        self._enable()

    # --- finding and reading -------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _search_entered(self) -> None:
        if looks_like_code(self.search.text()):
            self.scan_code(self.search.text())
        else:
            self.refresh()

    def scan_code(self, text: str) -> None:
        """A document's code scanned into the search box: open the case it belongs to."""
        self._say(_("正在核验扫描的二维码……"), error=False)
        find_scanned_case(self, self.ctx, self.actor, text, self._scanned, self._say)

    def _scanned(self, scanned: ScannedCode) -> None:
        self._say(scan_verdict(scanned))
        number = scanned.case_number
        if number is None:
            self.search.selectAll()  # the next scan replaces it
            return
        self.search.setText(number)
        self.refresh()
        if self.detail is None or self.detail.number != number:
            self.open_case(number)  # e.g. not accepted today, with "today only" ticked
        self.search.selectAll()

    def _say(self, text: str, *, error: bool = True) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #555;")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def refresh(self) -> None:
        on = local_today(self.ctx.clock) if self.today_only.isChecked() else None
        try:
            found = cases.search_cases(self.ctx, self.actor, self.search.text(), on=on)
        except HallError as exc:
            show_error(self, exc, _("查找失败"))
            return
        keep = self.detail.number if self.detail is not None else None
        self.model.set_rows(found)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(
            Columns.applicant, QHeaderView.ResizeMode.Stretch
        )
        rows = [i for i in range(len(found)) if found[i].number == keep]
        if rows or found:
            self.table.selectRow(rows[0] if rows else 0)
        else:
            self._show(None)

    def _selected(self, _sel: QItemSelection, _old: QItemSelection) -> None:
        index = self.table.currentIndex()
        summary = self.model.row_at(index.row()) if index.isValid() else None
        if summary is None:
            self._show(None)
            return
        self.open_case(summary.number)

    def open_case(self, number: str) -> None:
        try:
            self._show(cases.case_detail(self.ctx, self.actor, number))
        except HallError as exc:
            show_error(self, exc)

    def _show(self, detail: CaseDetail | None) -> None:
        self.detail = detail
        if detail is None:
            self.text.setPlainText(_("没有找到案件。") if self.model.rowCount() == 0 else "")
        else:
            self.text.setHtml(case_html(detail, self.ctx.clock.zone))
        self._enable()

    def _enable(self) -> None:
        d = self.detail
        open_subs = [s for s in d.sub_cases if s.status is SubCaseStatus.under_review] if d else []
        self.buttons["receive"].setEnabled(
            bool(d and any(m.status in AWAITED for m in d.materials))
        )
        self.buttons["answer"].setEnabled(
            bool(d and any(r.status is RequestStatus.pending for r in d.verification_requests))
        )
        self.buttons["supplement"].setEnabled(
            bool(open_subs) and d is not None and d.open_supplement is None
        )
        self.buttons["fulfil"].setEnabled(d is not None and d.open_supplement is not None)
        self.buttons["withdraw_item"].setEnabled(bool(open_subs))
        self.buttons["withdraw"].setEnabled(bool(open_subs))
        self.buttons["print"].setEnabled(d is not None)
        self.buttons["scans"].setEnabled(d is not None and d.status is not CaseStatus.withdrawn)

    # --- actions -------------------------------------------------------------------------

    def print_documents(self) -> None:
        """Ctrl+P: pick one of the open case's documents and preview it for printing."""
        if self.detail is not None:
            print_case_documents(self, self.ctx, self.actor, bus_of(self), self.detail.number)

    def scan_materials(self) -> None:
        """Ctrl+M: scan the case's paper materials (from files, the scanner's folder, or
        dragged onto the window)."""
        d = self.detail
        if d is None or d.status is CaseStatus.withdrawn:
            return
        ScansDialog(self.ctx, self.actor, d.number, bus_of(self), self).exec()
        self.open_case(d.number)

    def _run(self, work: Callable[[], tuple[CaseDetail, Changes]], done: str) -> None:
        try:
            detail, changes = work()
        except HallError as exc:
            show_error(self, exc)
            return
        self._done(detail, changes, done)

    def _done(self, detail: CaseDetail, changes: Changes, message: str) -> None:
        self._show(detail)
        bus = getattr(self.window(), "bus", None)
        if bus is not None:
            bus.publish(changes)
        status = getattr(self.window(), "statusBar", None)
        if status is not None:
            status().showMessage(message, 5000)
        self.refresh()

    def _pick(self, title: str, label: str, options: list[str]) -> str | None:
        if not options:
            return None
        choice, ok = QInputDialog.getItem(self, title, label, options, 0, False)
        return choice if ok else None

    def _text(self, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, label)
        return text if ok else None

    def receive_material(self) -> None:
        d = self.detail
        if d is None:
            return
        name = self._pick(
            _("收取补交材料"),
            _("申请人带来的材料："),
            [m.name for m in d.materials if m.status in AWAITED],
        )
        if name is None:
            return
        self._run(
            lambda: case_materials.receive_material(self.ctx, self.actor, d.id, name),
            _("已收取：{name}").format(name=name),
        )

    def answer_request(self) -> None:
        d = self.detail
        if d is None:
            return
        pending = {
            f"{r.material_name}（{r.department}）": r
            for r in d.verification_requests
            if r.status is RequestStatus.pending
        }
        label = self._pick(_("部门核验答复"), _("哪一项核验有了答复："), list(pending))
        if label is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question, _("部门核验答复"), _("部门答复是否属实？"), parent=self
        )
        yes = box.addButton(_("属实"), QMessageBox.ButtonRole.YesRole)
        no = box.addButton(_("不属实"), QMessageBox.ButtonRole.NoRole)
        box.addButton(_("取消"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() not in (yes, no):
            return
        answer = self._text(_("部门核验答复"), _("答复内容（如文号、答复人）："))
        if answer is None:
            return
        request = pending[label]
        confirmed = box.clickedButton() is yes
        self._run(
            lambda: case_materials.answer_verification_request(
                self.ctx, self.actor, request.id, confirmed, answer
            ),
            _("已登记核验答复。"),
        )

    def request_supplement(self) -> None:
        d = self.detail
        if d is None:
            return
        open_items = {s.item_code for s in d.sub_cases if s.status is SubCaseStatus.under_review}
        askable = [
            m.name
            for m in d.materials
            if m.status in ASKABLE and open_items.intersection(m.item_codes)
        ]
        sent: list[tuple[CaseDetail, Changes]] = []

        def submit(lines: dict[str, str], note: str) -> None:
            sent.append(
                case_supplements.request_supplement(self.ctx, self.actor, d.id, lines, note)
            )

        if SupplementDialog(askable, submit, self).exec() and sent:
            self._done(*sent[0], _("已出具补正通知，审查期限暂停计算。"))

    def fulfil_supplement(self) -> None:
        d = self.detail
        if d is None or d.open_supplement is None:
            return
        asked = _("、").join(line.material for line in d.open_supplement.lines)
        if (
            QMessageBox.question(
                self,
                _("补正材料已到齐"),
                _("申请人已补正：{asked}？期限将恢复计算。").format(asked=asked),
            )
            != QMessageBox.StandardButton.Yes
        ):
            return
        self._run(
            lambda: case_supplements.fulfil_supplement(self.ctx, self.actor, d.id),
            _("补正已到齐，期限恢复计算。"),
        )

    def withdraw_item(self) -> None:
        d = self.detail
        if d is None:
            return
        options = {
            f"{s.item_code} {s.item_name}": s.item_code
            for s in d.sub_cases
            if s.status is SubCaseStatus.under_review
        }
        label = self._pick(_("撤回事项"), _("申请人撤回哪一个事项："), list(options))
        if label is None:
            return
        reason = self._text(_("撤回事项"), _("撤回原因："))
        if reason is None:
            return
        self._run(
            lambda: case_actions.withdraw_sub_case(
                self.ctx, self.actor, d.id, options[label], reason
            ),
            _("已撤回：{item}").format(item=label),
        )

    def withdraw_case(self) -> None:
        d = self.detail
        if d is None:
            return
        reason = self._text(
            _("撤回案件"),
            _("撤回整个申请{number}。已办结的事项不受影响。\n撤回原因：").format(number=d.number),
        )
        if reason is None:
            return
        self._run(
            lambda: case_actions.withdraw_case(self.ctx, self.actor, d.id, reason),
            _("案件{number}已撤回。").format(number=d.number),
        )
