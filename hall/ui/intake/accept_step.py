"""Step 6: what still stands in the way (each line leads to its step), one key to
accept (Ctrl+Enter), and then the outcome per item."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from hall.core.i18n import _
from hall.models.enums import SubCaseStatus
from hall.services.intake import SubCaseView
from hall.services.intake_state import Step, step_title
from hall.services.labels import route_name
from hall.ui.intake.base import StepWidget, heading, hint
from hall.ui.widgets import named

STEP_ROLE = Qt.ItemDataRole.UserRole


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
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("第六步 受理")))
        self.intro = hint(_("以下各项处理完毕后即可受理；回车可跳到对应的步骤。"))
        layout.addWidget(self.intro)
        layout.addWidget(self.todo, 1)
        layout.addWidget(self.status)
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
        if result is not None:
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
            item = QListWidgetItem(f"{step_title(p.step)}：{p.message}")
            item.setData(STEP_ROLE, p.step.value)
            self.todo.addItem(item)
        plan = self.page.plan
        if self.page.problems:
            self.status.setText(escape(_("还有{n}项需要处理。").format(n=len(self.page.problems))))
        elif plan is not None:
            on_spot = sum(1 for p in plan.items if p.decided_on_the_spot)
            routes = "、".join(f"{p.item.name}（{route_name(p.route)}）" for p in plan.items)
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

    def enter(self) -> None:
        if self.page.result is not None:
            self.outcome.setFocus()
        elif self.page.problems:
            self.todo.setFocus()
            self.todo.setCurrentRow(0)
        else:
            self.accept_button.setFocus()
