"""证照领取: what the departments sent back to the counter. The cases waiting for their
applicant (and the supplements departments asked for); a pickup ticket (C003), a case
number or the applicant's code brings one up; its licenses, one-code sheet and decision
notices are printed in one go (Ctrl+P), then the hand-over is recorded: who collected,
with which ID (Ctrl+Enter)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hall.core.errors import HallError
from hall.core.i18n import _
from hall.services import pickup
from hall.services.audit import Actor
from hall.services.bundles import prepare_bundle
from hall.services.case_views import CaseDetail
from hall.services.context import AppContext
from hall.services.documents import Document
from hall.services.pickup import CollectorRole, PickupDocument, collector_role_name
from hall.ui.case_details import case_html
from hall.ui.documents_ui import bus_of
from hall.ui.errors import error_text, show_error
from hall.ui.print_preview import PrintPreviewDialog
from hall.ui.tasks import run_task
from hall.ui.widgets import message_label, named

ROLE = Qt.ItemDataRole.UserRole


class HandoverDialog(QDialog):
    """Who collects: name, resident ID number (checked as typed in the service), and
    whether they are the applicant or an agent."""

    def __init__(self, case: CaseDetail, submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("handoverDialog")
        self.setWindowTitle(_("登记领取 — {number}").format(number=case.number))
        self._submit = submit
        self.name = named(QLineEdit(case.applicant.legal_representative or ""), "collectorName")
        self.id_number = named(QLineEdit(), "collectorId")
        self.id_number.setPlaceholderText(_("18位身份证号码，可用读卡器或扫码枪输入"))
        self.role = named(QComboBox(), "collectorRole")
        for role in CollectorRole:
            self.role.addItem(collector_role_name(role), role)
        self.note = named(QLineEdit(), "collectorNote")
        self.note.setPlaceholderText(_("如：委托书已留存"))
        form = QFormLayout()
        form.addRow(_("领取人姓名："), self.name)
        form.addRow(_("身份证号码："), self.id_number)
        form.addRow(_("身份："), self.role)
        form.addRow(_("备注："), self.note)
        self.message = message_label()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("请核对领取人的身份证件原件；代理人领取须留存委托书。")))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(520, 260)
        self.id_number.setFocus()

    def _check(self) -> None:
        try:
            self._submit(
                self.name.text(), self.id_number.text(), self.role.currentData(), self.note.text()
            )
        except HallError as exc:  # shown here: nothing typed is lost
            self.message.setText(error_text(exc))
            return
        self.accept()


class PickupPage(QWidget):
    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.detail: CaseDetail | None = None
        self.documents: tuple[PickupDocument, ...] = ()
        self._build_ui()

    def _build_ui(self) -> None:
        self.search = named(QLineEdit(), "pickupSearch")
        self.search.setPlaceholderText(_("领取排队号（如 C003）、案件编号或申请人代码，回车"))
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.find_entered)
        self.message = message_label()
        self.message.hide()
        self.ready = named(QListWidget(), "pickupReady")
        self.ready.currentItemChanged.connect(lambda item, _old: self._picked(item))
        self.asked = named(QListWidget(), "pickupSupplements")
        self.asked.currentItemChanged.connect(lambda item, _old: self._picked(item))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.ready, _("待领取"))
        self.tabs.addTab(self.asked, _("部门要求补正"))
        self.text = named(QTextBrowser(), "pickupDetail")
        self.docs = named(QListWidget(), "pickupDocuments")
        self.docs.setMaximumHeight(150)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, label, keys, slot in (
            ("print", _("打印所选文书"), "Ctrl+P", self.print_selected),
            ("handover", _("登记领取"), "Ctrl+Return", self.record_handover),
            ("refresh", _("刷新"), "Ctrl+R", self.refresh),
        ):
            button = named(QPushButton(f"{label} ({keys})"), f"pickup_{key}")
            button.clicked.connect(slot)
            if key != "print":  # Ctrl+P is the window's action, which comes here
                QShortcut(QKeySequence(keys), self, slot,
                          context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
            row.addWidget(button)
            self.buttons[key] = button
        row.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.text, 1)
        right_layout.addWidget(QLabel(_("交给申请人的文书（勾选后打印）：")))
        right_layout.addWidget(self.docs)
        right_layout.addLayout(row)
        split = QSplitter()
        split.addWidget(self.tabs)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        self._enable()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _say(self, text: str, *, error: bool = True) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def refresh(self) -> None:
        try:
            work = pickup.counter_work(self.ctx, self.actor)
        except HallError as exc:
            show_error(self, exc)
            return
        for widget in (self.ready, self.asked):
            widget.blockSignals(True)
            widget.clear()
        for r in work.ready:
            when = r.decided_at.astimezone(self.ctx.clock.zone) if r.decided_at else None
            text = _("{number}  {name}\n    证照{n}份，不予许可{m}项，{when}办结").format(
                number=r.case_number, name=r.applicant_name, n=r.licenses, m=r.rejections,
                when=f"{when:%m-%d %H:%M}" if when else "",
            )  # fmt: skip
            item = QListWidgetItem(text)
            item.setData(ROLE, r.case_number)
            self.ready.addItem(item)
        for s in work.supplements:
            text = _("{number}  {name}\n    {dept}（{day}）：{materials}").format(
                number=s.case_number, name=s.applicant_name, dept=s.department,
                day=s.requested_on.isoformat(), materials=_("、").join(s.materials),
            )  # fmt: skip
            item = QListWidgetItem(text)
            item.setData(ROLE, s.case_number)
            self.asked.addItem(item)
        for widget in (self.ready, self.asked):
            widget.blockSignals(False)
        self.tabs.setTabText(0, _("待领取（{n}）").format(n=len(work.ready)))
        self.tabs.setTabText(1, _("部门要求补正（{n}）").format(n=len(work.supplements)))
        if self.detail is not None:
            self.open(self.detail.number)

    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.open(item.data(ROLE))

    def find_entered(self) -> None:
        text = self.search.text()
        if not text.strip():
            return
        try:
            detail = pickup.find_for_pickup(self.ctx, self.actor, text)
        except HallError as exc:
            self._say(error_text(exc))
            return
        self._say("")
        self._show(detail)
        self.search.selectAll()

    def open(self, number: str) -> None:
        try:
            self._show(pickup.find_for_pickup(self.ctx, self.actor, number))
        except HallError as exc:
            show_error(self, exc)

    def _reopen(self) -> None:
        if self.detail is not None:
            self.open(self.detail.number)

    def _show(self, detail: CaseDetail | None) -> None:
        self.detail = detail
        self.docs.clear()
        self.documents = ()
        if detail is None:
            self.text.setPlainText("")
            self._enable()
            return
        self.text.setHtml(case_html(detail, self.ctx.clock.zone))
        if not detail.ready_for_pickup:
            self._say(
                _("案件 {n} 尚不能领取：{why}").format(
                    n=detail.number, why=_("；").join(detail.pending)
                )
                if detail.pickup is None
                else _("案件 {n} 的证照已经领取。").format(n=detail.number)
            )
        else:
            self._say(_("案件 {n} 可以领取。").format(n=detail.number), error=False)
        if detail.licenses or any(s.decided_by for s in detail.sub_cases):
            try:
                self.documents = pickup.pickup_documents(self.ctx, self.actor, detail.number)
            except HallError as exc:
                show_error(self, exc)
        for doc in self.documents:
            label = doc.ref.title + (_("（已打印过，将为补打件）") if doc.printed_before else "")
            item = QListWidgetItem(label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Unchecked if doc.printed_before else Qt.CheckState.Checked
            )
            self.docs.addItem(item)
        self._enable()

    def _chosen(self) -> list[PickupDocument]:
        return [
            doc
            for n, doc in enumerate(self.documents)
            if (item := self.docs.item(n)) is not None
            and item.checkState() == Qt.CheckState.Checked
        ]

    def _enable(self) -> None:
        d = self.detail
        self.buttons["print"].setEnabled(bool(self.documents))
        self.buttons["handover"].setEnabled(bool(d and d.ready_for_pickup))

    def print_selected(self) -> None:
        """Ctrl+P: the chosen documents in one preview, printed as one job, each
        recorded as handed over."""
        chosen = self._chosen()
        if self.detail is None or not chosen:
            self._say(_("请勾选要打印的文书。"))
            return
        ctx, actor, refs = self.ctx, self.actor, [d.ref for d in chosen]
        title = _("领取文书 {number}").format(number=self.detail.number)
        self.buttons["print"].setEnabled(False)
        self._say(_("正在准备{n}份文书……").format(n=len(refs)), error=False)

        def done(document: Document) -> None:
            self._enable()
            self._say("")
            dialog = PrintPreviewDialog(ctx, actor, document, bus_of(self), self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.finished.connect(lambda _r: self._reopen())
            dialog.open()

        def failed(exc: BaseException) -> None:
            self._enable()
            show_error(self, exc, _("无法准备文书"))

        run_task(self, lambda: prepare_bundle(ctx, actor, refs, title), done, failed)

    def record_handover(self) -> None:
        d = self.detail
        if d is None or not d.ready_for_pickup:
            return
        chosen = self._chosen() or list(self.documents)
        results: list[CaseDetail] = []

        def submit(name: str, id_number: str, role: CollectorRole, note: str) -> None:
            detail, changes = pickup.record_pickup(
                self.ctx, self.actor, d.number, name, id_number, role,
                tuple(doc.ref for doc in chosen), note,
            )  # fmt: skip
            results.append(detail)
            bus = bus_of(self)
            if bus is not None:
                bus.publish(changes)

        if HandoverDialog(d, submit, self).exec() and results:
            self._show(results[0])
            self.refresh()
            self._say(_("已登记领取。"), error=False)
