"""Step 1: the applicant, by unified social credit code or resident ID number.

Scanners type like keyboards and end with Enter: the code is checked as typed, looked
up in the registry when complete, and the credit list is consulted at once.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout

from hall.core.clock import local_today
from hall.core.errors import HallError
from hall.core.i18n import _
from hall.models.enums import ApplicantKind
from hall.services.identifiers import normalize
from hall.services.intake_flow import (
    ApplicantCheck,
    CodeFeedback,
    code_feedback,
    look_up_applicant,
    with_applicant,
)
from hall.services.intake_state import Step
from hall.ui.intake.base import StepWidget, heading, hint
from hall.ui.widgets import named

OK_STYLE = "color: #1b5e20;"
BAD_STYLE = "color: #b00020;"


class ApplicantStep(StepWidget):
    step = Step.applicant

    def _build(self) -> None:
        self.code = named(QLineEdit(), "applicantCode")
        self.code.setPlaceholderText(_("统一社会信用代码或居民身份证号码（可扫码枪扫入）"))
        self.code.setClearButtonEnabled(True)
        self.code.textEdited.connect(self._typed)
        self.code.returnPressed.connect(self._code_entered)
        self.feedback = named(QLabel(), "codeFeedback")
        self.registry = named(QLabel(), "registryCard")
        self.registry.setWordWrap(True)
        self.registry.setTextFormat(Qt.TextFormat.RichText)
        self.credit = named(QLabel(), "creditCard")
        self.credit.setWordWrap(True)
        self.credit.setTextFormat(Qt.TextFormat.RichText)
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.addRow(_("证照号码"), self.code)
        form.addRow("", self.feedback)
        for key, label in (
            ("applicant_name", _("申请人名称 *")),
            ("legal_representative", _("法定代表人（负责人）")),
            ("address", _("住所")),
            ("phone", _("联系电话")),
        ):
            edit = named(QLineEdit(), f"applicant_{key}")
            edit.textEdited.connect(lambda text, k=key: self._field_typed(k, text))
            edit.editingFinished.connect(self.page.save_now)
            edit.returnPressed.connect(lambda k=key: self._next_field(k))
            self.fields[key] = edit
            form.addRow(label, edit)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("第一步 申请人")))
        layout.addWidget(
            hint(
                _(
                    "输入或扫描证照号码后按回车：已登记的市场主体自动带出信息；未登记的录入一次即保存。"
                )
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.registry)
        layout.addWidget(self.credit)
        layout.addStretch(1)
        self.check: ApplicantCheck | None = None

    # --- typing --------------------------------------------------------------------------

    def _show_feedback(self, text: str) -> CodeFeedback:
        feedback = code_feedback(text, today=local_today(self.page.ctx.clock))
        self.feedback.setText(feedback.message)
        self.feedback.setStyleSheet(OK_STYLE if feedback.ok else BAD_STYLE)
        return feedback

    def _typed(self, text: str) -> None:
        feedback = self._show_feedback(text)
        if feedback.ok and feedback.code != self.state.looked_up:
            self._look_up(text)  # a complete, valid code: no need to wait for Enter
            return
        if not feedback.ok:
            self.check = None
        # Kept as typed, valid or not: in the draft, and on screen after a re-render.
        self.page.edit(
            self.state.replace(applicant_code=feedback.code or normalize(text)),
            typing=True,
            replan=False,
        )

    def _code_entered(self) -> None:
        feedback = code_feedback(self.code.text(), today=local_today(self.page.ctx.clock))
        if not feedback.ok:
            self.feedback.setText(feedback.message)
            self.feedback.setStyleSheet(BAD_STYLE)
            return
        if feedback.code != self.state.looked_up or self.check is None:
            self._look_up(self.code.text())
        self._after_code()

    def _after_code(self) -> None:
        if self.check is not None and self.check.registered is not None:
            self.page.go(Step.scope)
        else:
            self.fields["applicant_name"].setFocus()

    def _look_up(self, text: str) -> None:
        try:
            self.check = look_up_applicant(self.page.ctx, text)
        except HallError as exc:
            self.feedback.setText(exc.message)
            self.feedback.setStyleSheet(BAD_STYLE)
            return
        self.page.edit(with_applicant(self.state, self.check))

    def _field_typed(self, key: str, text: str) -> None:
        self.page.edit(self.state.replace(**{key: text}), typing=True, replan=False)

    def _next_field(self, key: str) -> None:
        keys = list(self.fields)
        index = keys.index(key)
        if index + 1 < len(keys):
            self.fields[keys[index + 1]].setFocus()
        else:
            self.page.edit(self.state)  # the typed entries count in the problems now
            self.page.go(Step.scope)

    # --- rendering -----------------------------------------------------------------------

    def show_state(self) -> None:
        s = self.state
        if normalize(self.code.text()) != s.applicant_code and not self.code.hasFocus():
            self.code.setText(s.applicant_code)
            if s.applicant_code:
                self._show_feedback(s.applicant_code)
            else:
                self.feedback.clear()
        registered = self.check is not None and self.check.registered is not None
        for key, edit in self.fields.items():
            value = getattr(s, key)
            if edit.text() != value and not edit.hasFocus():
                edit.setText(value)
            edit.setReadOnly(registered)
        self._render_registry()
        self._render_credit()

    def _render_registry(self) -> None:
        check = self.check
        if check is None:
            self.registry.setText("")
            return
        r = check.registered
        if r is None:
            kind = _("企业") if check.kind is ApplicantKind.enterprise else _("个人")
            self.registry.setText(
                escape(
                    _("本地登记信息中没有该{kind}。请录入申请人信息，受理时一并保存。").format(
                        kind=kind
                    )
                )
            )
            return
        lines = [f"<b>{escape(r.name)}</b>"]
        for label, value in (
            (_("法定代表人（负责人）"), r.legal_representative),
            (_("住所"), r.address),
            (_("主体类型"), r.entity_type),
            (_("注册资本"), r.registered_capital),
            (_("成立日期"), r.established.isoformat() if r.established else None),
            (_("登记经营范围"), _("、").join(r.registered_scope) if r.registered_scope else None),
        ):
            if value:
                lines.append(f"{escape(label)}：{escape(value)}")
        self.registry.setText("<br>".join(lines))

    def _render_credit(self) -> None:
        check = self.check
        if check is None:
            self.credit.setText("")
            return
        note = (
            f"<br><span style='color:#8a5a00'>{escape(check.list_note)}</span>"
            if check.list_note
            else ""
        )
        if not check.dishonest:
            self.credit.setText(
                f"<span style='{OK_STYLE}'>{escape(_('信用核查：未列入失信主体名单。'))}</span>"
                + note
            )
            return
        parts = [
            escape(
                _("{reason}（{source}，自{since}起）").format(
                    reason=r.reason, source=r.source, since=r.since.isoformat()
                )
            )
            for r in check.credit_records
        ]
        self.credit.setText(
            f"<span style='{BAD_STYLE}'><b>{escape(_('信用核查：列入失信主体名单'))}</b><br>"
            + "<br>".join(parts)
            + "<br>"
            + escape(_("该申请人不适用告知承诺，告知承诺事项将按一般程序审批。"))
            + "</span>"
            + note
        )

    def enter(self) -> None:
        self.code.setFocus()
        self.code.selectAll()

    def leave(self) -> None:
        self.page.save_now()

    def reset(self) -> None:
        self.check = None
        self.code.clear()
        self.feedback.clear()
        for edit in self.fields.values():
            edit.clear()
        if self.page.state.applicant_code:
            try:
                self.check = look_up_applicant(self.page.ctx, self.page.state.applicant_code)
            except HallError:
                self.check = None
