"""Step 6: what still stands in the way (each line leads to its step), one key to
accept (Ctrl+Enter), and then the outcome per item and the documents to hand over:
the receipt (F7), the commitment letters (F8), each license issued on the spot
(Ctrl+1…9), anything else of the case (Ctrl+P)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hall.core.i18n import _
from hall.models.enums import Route, SubCaseStatus
from hall.services.documents import PrintKind
from hall.services.intake import AcceptedCase, SubCaseView
from hall.services.intake_state import Step, step_title
from hall.services.labels import route_name
from hall.ui.documents_ui import bus_of, open_preview, print_case_documents
from hall.ui.intake.base import StepWidget, heading, hint
from hall.ui.scans_dialog import ScansDialog
from hall.ui.widgets import named

STEP_ROLE = Qt.ItemDataRole.UserRole
LICENSE_KEYS = [f"Ctrl+{n}" for n in range(1, 10)]


def outcome_text(sub: SubCaseView) -> str:
    """What the clerk tells the applicant about one item, right after acceptance."""
    if sub.status is SubCaseStatus.informed:
        return _("无需审批，已告知申请人")
    if sub.status is SubCaseStatus.recorded:
        return _("当场备案")
    if sub.status is SubCaseStatus.approved:
        return _("当场作出许可决定（告知承诺），事后核查")
    if sub.status is SubCaseStatus.under_review:
        text = _("审查中：")
        if sub.promised_deadline is not None:
            text += _("承诺{day}前办结，").format(day=_day(sub.promised_deadline))
        if sub.statutory_deadline is not None:
            text += _("法定期限{day}").format(day=_day(sub.statutory_deadline))
        if sub.deadline_provisional:
            text += _("（暂定）")
        return text.rstrip("，")
    return str(sub.status)


def _short(text: str, limit: int = 12) -> str:
    """A button's text stays short (the outcome table beside it has the whole name)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _day(d: date) -> str:
    return _("{y}年{m}月{d}日").format(y=d.year, m=d.month, d=d.day)


class AcceptStep(StepWidget):
    step = Step.accept

    def _build(self) -> None:
        self.status = named(QLabel(), "acceptStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.todo = named(QListWidget(), "acceptProblems")
        self.todo.itemActivated.connect(self._go_to)
        self.accept_button = named(QPushButton(_("受理 (Ctrl+Enter)")), "acceptButton")
        self.accept_button.setMinimumHeight(40)
        self.accept_button.clicked.connect(self.page.accept_case)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(
                QKeySequence(keys),
                self.page,
                self._accept_key,
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            )
        self.outcome = named(QTableWidget(0, 3), "outcomeTable")
        self.outcome.setHorizontalHeaderLabels([_("许可事项"), _("办理方式"), _("结果")])
        self.outcome.verticalHeader().hide()
        self.outcome.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.documents = named(QWidget(), "acceptDocuments")
        self.documents_grid = QGridLayout(self.documents)
        self.documents_grid.setContentsMargins(0, 0, 0, 0)
        keyed: list[tuple[str, Callable[[], None]]] = [
            ("F7", partial(self.print_document, PrintKind.receipt)),
            ("F8", partial(self.print_document, PrintKind.letter)),
            ("Ctrl+M", self.scan_materials),
            *((k, partial(self.print_license, n)) for n, k in enumerate(LICENSE_KEYS)),
        ]
        for keys, slot in keyed:
            QShortcut(
                QKeySequence(keys),
                self.page,
                slot,
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            )
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("第六步 受理")))
        self.intro = hint(_("以下各项处理完毕后即可受理；回车可跳到对应的步骤。"))
        layout.addWidget(self.intro)
        layout.addWidget(self.todo, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.documents)
        layout.addWidget(self.accept_button)
        layout.addWidget(self.outcome, 2)

    def _accept_key(self) -> None:
        if self.page.result is None and self.page.state.step is Step.accept:
            self.page.accept_case()
        elif self.page.result is None:
            self.page.go(Step.accept)

    def _go_to(self, item: QListWidgetItem) -> None:
        step = item.data(STEP_ROLE)
        if step:
            self.page.go(Step(step))

    def show_state(self) -> None:
        result = self.page.result
        done = result is not None
        self.todo.setVisible(not done)
        self.intro.setVisible(not done)
        self.accept_button.setVisible(not done)
        self.outcome.setVisible(done)
        self.documents.setVisible(done)
        if result is not None:
            self._show_documents(result)
            self.status.setText(
                "<span style='font-size: 18px; color: #1b5e20;'><b>"
                + escape(_("已受理，案件编号 {number}").format(number=result.number))
                + "</b></span><br>"
                + escape(
                    _("申请人：{name}。按 Ctrl+N 开始下一份申请。").format(
                        name=result.applicant_name
                    )
                )
            )
            self.outcome.setRowCount(len(result.sub_cases))
            for r, sub in enumerate(result.sub_cases):
                for c, text in enumerate(
                    (f"{sub.item_code} {sub.item_name}", route_name(sub.route), outcome_text(sub))
                ):
                    self.outcome.setItem(r, c, QTableWidgetItem(text))
            self.outcome.resizeColumnsToContents()
            self.outcome.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            return
        self.todo.clear()
        for p in self.page.problems:
            item = QListWidgetItem(
                _("{name}：{what}").format(name=step_title(p.step), what=p.message)
            )
            item.setData(STEP_ROLE, p.step.value)
            self.todo.addItem(item)
        plan = self.page.plan
        if self.page.problems:
            self.status.setText(escape(_("还有{n}项需要处理。").format(n=len(self.page.problems))))
        elif plan is not None:
            on_spot = sum(1 for p in plan.items if p.decided_on_the_spot)
            routes = _("、").join(f"{p.item.name}（{route_name(p.route)}）" for p in plan.items)
            self.status.setText(
                escape(
                    _("可以受理：{n}个事项，其中{m}个当场办结。{routes}").format(
                        n=len(plan.items), m=on_spot, routes=routes
                    )
                )
            )
        else:
            self.status.clear()
        self.accept_button.setEnabled(not self.page.problems and plan is not None)

    # --- documents to hand over ----------------------------------------------------------

    def _licenses(self) -> list[SubCaseView]:
        result = self.page.result
        return [s for s in result.sub_cases if s.license_number] if result else []

    def _show_documents(self, result: AcceptedCase) -> None:
        while (item := self.documents_grid.takeAt(0)) is not None:
            if (old := item.widget()) is not None:
                old.deleteLater()
        receipt = partial(self.print_document, PrintKind.receipt)
        buttons: list[tuple[str, str, Callable[[], None]]] = [
            ("printReceipt", _("打印受理通知书 (F7)"), receipt)
        ]
        if any(s.route is Route.commitment for s in result.sub_cases):
            letters = partial(self.print_document, PrintKind.letter)
            buttons.append(("printLetters", _("打印告知承诺书 (F8)"), letters))
        for n, (sub, keys) in enumerate(zip(self._licenses(), LICENSE_KEYS, strict=False)):
            buttons.append(
                (
                    f"printLicense{n + 1}",
                    _("打印证照：{item} ({keys})").format(item=_short(sub.item_name), keys=keys),
                    partial(self.print_license, n),
                )
            )
        buttons.append(("printMore", _("全部文书… (Ctrl+P)"), self.print_documents))
        buttons.append(("scanMaterials", _("扫描材料… (Ctrl+M)"), self.scan_materials))
        for n, (name, text, slot) in enumerate(buttons):
            button = named(QPushButton(text), name)
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
            self.documents_grid.addWidget(button, n // 3, n % 3)

    def _can_print(self) -> bool:
        return self.page.result is not None and self.page.state.step is Step.accept

    def print_document(self, kind: PrintKind) -> None:
        """The receipt or the letters of the case just accepted, in the print preview."""
        result = self.page.result
        if result is None or not self._can_print():
            return
        if kind is PrintKind.letter and not any(
            s.route is Route.commitment for s in result.sub_cases
        ):
            return
        page = self.page
        open_preview(page, page.ctx, page.actor, bus_of(page), kind, result.number)

    def print_license(self, n: int) -> None:
        licenses = self._licenses()
        if not self._can_print() or n >= len(licenses):
            return
        number = licenses[n].license_number
        assert number is not None
        page = self.page
        open_preview(page, page.ctx, page.actor, bus_of(page), PrintKind.license, number)

    def print_documents(self) -> None:
        """Ctrl+P: any document of the case just accepted (the one-code sheet too)."""
        result = self.page.result
        if result is not None:
            page = self.page
            print_case_documents(page, page.ctx, page.actor, bus_of(page), result.number)

    def scan_materials(self) -> None:
        """Ctrl+M: scan the paper just handed over into the case just accepted."""
        result = self.page.result
        if result is not None and self._can_print():
            page = self.page
            ScansDialog(page.ctx, page.actor, result.number, bus_of(page), page).exec()

    def enter(self) -> None:
        if self.page.result is not None:
            self.outcome.setFocus()
        elif self.page.problems:
            self.todo.setFocus()
            self.todo.setCurrentRow(0)
        else:
            self.accept_button.setFocus()
