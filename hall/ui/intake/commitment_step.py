"""Step 5: notification and commitment. The credit gate has already spoken (a listed
applicant's items fell back to the normal procedure, and the record is shown); for each
commitment item the notification is read out and the signed letter recorded — or the
applicant chooses the normal procedure, which is always their right."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QLabel,
    QRadioButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hall.core.i18n import _
from hall.models.enums import ReformMode, Route
from hall.services.commitment_text import notification
from hall.services.derive import PlannedItem
from hall.services.intake_flow import commitment_items
from hall.services.intake_state import Step
from hall.ui.intake.base import StepWidget, heading, hint
from hall.ui.widgets import named

SIGNED, NORMAL = 1, 2


def notification_html(p: PlannedItem) -> str:
    n = notification(p.item)
    parts = [
        f"<p><b>{escape(n.item_name)}</b>（{escape(n.department)}）<br>"
        f"{escape(_('设定依据'))}：{escape(n.legal_basis)}</p>",
        f"<p><b>{escape(_('一、许可条件'))}</b></p><ol>",
        *(f"<li>{escape(c)}</li>" for c in n.conditions),
        f"</ol><p><b>{escape(_('二、申请人承诺'))}</b></p><ol>",
        *(f"<li>{escape(o)}</li>" for o in n.obligations),
        f"</ol><p><b>{escape(_('三、事后核查'))}</b><br>{escape(n.verification)}</p>",
        f"<p><b>{escape(_('四、虚假承诺的后果'))}</b></p><ol>",
        *(f"<li>{escape(c)}</li>" for c in n.consequences),
        "</ol>",
    ]
    return "".join(parts)


class CommitmentStep(StepWidget):
    step = Step.commitment

    def _build(self) -> None:
        self.credit = named(QLabel(), "commitmentCredit")
        self.credit.setWordWrap(True)
        self.credit.setTextFormat(Qt.TextFormat.RichText)
        self.scroll_area = named(QScrollArea(), "commitmentScroll")
        self.scroll_area.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("第五步 告知承诺")))
        layout.addWidget(
            hint(
                _(
                    "向申请人告知许可条件、承诺内容、事后核查和虚假承诺的后果；申请人在纸质承诺书上签字后勾选“已签署”。"
                    "申请人也可以选择按一般程序办理。"
                )
            )
        )
        layout.addWidget(self.credit)
        layout.addWidget(self.scroll_area, 1)
        self._codes: tuple[str, ...] | None = None  # None: nothing built yet
        self._groups: dict[str, QButtonGroup] = {}

    def show_state(self) -> None:
        self._render_credit()
        offered = self._offered()
        codes = tuple(p.item.code for p in offered)
        if codes != self._codes:
            self._rebuild(offered)
            self._codes = codes
        for code, group in self._groups.items():
            want = (
                SIGNED
                if code in self.state.signed
                else NORMAL
                if code in self.state.normal_route
                else 0
            )
            button = group.button(want)
            if button is not None and not button.isChecked():
                button.setChecked(True)

    def _offered(self) -> list[PlannedItem]:
        """Commitment items still on that route, and those the applicant declined (so
        the choice can be undone); not those the credit gate moved."""
        plan = self.page.plan
        if plan is None:
            return []
        declined = set(self.state.normal_route)
        return [
            p
            for p in plan.items
            if p.route is Route.commitment
            or (
                p.route is Route.normal
                and p.item.reform_mode is ReformMode.commitment
                and p.item.code in declined
                and not (plan.applicant is not None and plan.applicant.dishonest)
            )
        ]

    def _render_credit(self) -> None:
        plan = self.page.plan
        if plan is None or plan.applicant is None:
            self.credit.clear()
            return
        if not plan.applicant.dishonest:
            if not commitment_items(plan) and not self._offered():
                self.credit.setText(escape(_("本次申请没有告知承诺事项，无需签署承诺书。")))
            else:
                self.credit.setText(
                    escape(_("信用核查：申请人未列入失信主体名单，可以适用告知承诺。"))
                )
            self.credit.setStyleSheet("color: #1b5e20;")
            return
        fell_back = [p for p in plan.items if p.item.reform_mode is ReformMode.commitment]
        records = "<br>".join(
            escape(f"{r.reason}（{r.source}，{_('自')}{r.since.isoformat()}）")
            for r in plan.applicant.credit_records
        )
        names = _("、").join(p.item.name for p in fell_back) or _("无")
        self.credit.setText(
            f"<b>{escape(_('申请人列入失信主体名单，不适用告知承诺。'))}</b><br>{records}<br>"
            + escape(_("以下事项按一般程序审批：{names}").format(names=names))
        )
        self.credit.setStyleSheet("color: #b00020;")

    def _rebuild(self, offered: list[PlannedItem]) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        self._groups = {}
        for p in offered:
            box = QGroupBox(f"{p.item.code} {p.item.name}")
            inner = QVBoxLayout(box)
            text = named(QTextBrowser(), f"notice_{p.item.code}")
            text.setHtml(notification_html(p))
            text.setTabChangesFocus(True)
            text.setMinimumHeight(220)
            inner.addWidget(text)
            group = QButtonGroup(box)
            signed = named(
                QRadioButton(_("申请人已阅读告知书，并已签署承诺书")), f"signed_{p.item.code}"
            )
            normal = named(
                QRadioButton(_("申请人不作承诺，选择按一般程序办理")), f"normal_{p.item.code}"
            )
            group.addButton(signed, SIGNED)
            group.addButton(normal, NORMAL)
            group.idClicked.connect(lambda which, code=p.item.code: self._chosen(code, which))
            inner.addWidget(signed)
            inner.addWidget(normal)
            layout.addWidget(box)
            self._groups[p.item.code] = group
        if not offered:
            layout.addWidget(hint(_("没有需要签署承诺书的事项。")))
        layout.addStretch(1)
        self.scroll_area.setWidget(body)

    def _chosen(self, code: str, which: int) -> None:
        s = self.state
        signed = set(s.signed)
        normal = set(s.normal_route)
        if which == SIGNED:
            signed.add(code)
            normal.discard(code)
        else:
            normal.add(code)
            signed.discard(code)
        self.page.edit(s.replace(signed=tuple(sorted(signed)), normal_route=tuple(sorted(normal))))

    def enter(self) -> None:
        for group in self._groups.values():
            button = group.checkedButton() or group.button(SIGNED)
            if button is not None:
                button.setFocus()
                return

    def reset(self) -> None:
        self._codes = None
