"""The counter's intake page: one combined application, step by step, keyboard first.

The page holds the :class:`IntakeState` and the plan made from it; the step widgets
render them and report edits back through :meth:`IntakePage.edit`. Every edit is kept in
the draft: at once when a field is left or a choice made, within half a second while
typing, so a killed process loses at most the field being edited.
"""

from __future__ import annotations

import logging
import uuid

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hall.core.errors import HallError
from hall.core.i18n import _
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.derive import Plan
from hall.services.drafts import DraftView, discard_draft, open_drafts, save_draft
from hall.services.intake import AcceptedCase
from hall.services.intake_flow import Problem, accept_from_state, plan_for, prefilled, problems
from hall.services.intake_state import IntakeState, Step, step_title
from hall.services.prereview import PRE_REVIEW_STEPS, save_prereview
from hall.ui.errors import show_error
from hall.ui.intake.accept_step import AcceptStep
from hall.ui.intake.applicant_step import ApplicantStep
from hall.ui.intake.commitment_step import CommitmentStep
from hall.ui.intake.form_step import FormStep
from hall.ui.intake.materials_step import MaterialsStep
from hall.ui.intake.scope_step import ScopeStep
from hall.ui.widgets import named

log = logging.getLogger(__name__)

STEPS = list(Step)
TYPING_SAVE_MS = 500


class IntakePage(QWidget):
    accepted = Signal(object)  # AcceptedCase
    checks_done = Signal()  # the data platform answered

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        prereview: bool = False,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        # Pre-review (the guide's desk): the path as far as it goes without the counter.
        self.prereview = prereview
        self.order = list(PRE_REVIEW_STEPS) if prereview else STEPS
        self.state = IntakeState()
        self.plan: Plan | None = None
        self.plan_error: str | None = None
        self.problems: list[Problem] = []
        self.draft_id: uuid.UUID | None = None
        self.saved_state: IntakeState | None = None
        self.result: AcceptedCase | None = None
        self._save_timer = QTimer(self, singleShot=True, interval=TYPING_SAVE_MS)
        self._save_timer.timeout.connect(self.save_now)
        self._build_ui()
        self._render()

    def _build_ui(self) -> None:
        self.step_list = named(QListWidget(), "intakeSteps")
        self.step_list.setFixedWidth(190)
        for n, step in enumerate(self.order, 1):
            self.step_list.addItem(QListWidgetItem(f"{n}  {step_title(step)}"))
        self.step_list.currentRowChanged.connect(self._row_changed)
        self.steps = {
            Step.applicant: ApplicantStep(self),
            Step.scope: ScopeStep(self),
            Step.form: FormStep(self),
            Step.materials: MaterialsStep(self),
            Step.commitment: CommitmentStep(self),
            Step.accept: AcceptStep(self),
        }
        self.stack = named(QStackedWidget(), "intakeStack")
        for step in self.order:
            self.stack.addWidget(self.steps[step])
        self.summary = named(QLabel(), "intakeSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        # A long applicant name is cut, never widens the window.
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.back_button = named(QPushButton(_("上一步")), "intakeBack")
        self.back_button.setToolTip("Ctrl+PgUp")
        self.back_button.clicked.connect(lambda: self.step_by(-1))
        self.next_button = named(QPushButton(_("下一步")), "intakeNext")
        self.next_button.setToolTip("Ctrl+PgDown")
        self.next_button.clicked.connect(lambda: self.step_by(1))
        self.new_button = named(QPushButton(_("新的申请")), "intakeNew")
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(self.start_new)
        self.new_button.setVisible(not self.prereview)
        self.saved_label = named(QLabel(), "intakeSaved")
        self.saved_label.setStyleSheet("color: #666;")
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.saved_label)
        bar.addWidget(self.new_button)
        bar.addWidget(self.back_button)
        bar.addWidget(self.next_button)
        right = QVBoxLayout()
        right.addWidget(self.stack, 1)
        right.addLayout(bar)
        layout = QHBoxLayout(self)
        layout.addWidget(self.step_list)
        layout.addLayout(right, 1)
        for keys, slot in (
            ("Ctrl+PgDown", lambda: self.step_by(1)),
            ("Ctrl+PgUp", lambda: self.step_by(-1)),
        ):
            QShortcut(
                QKeySequence(keys),
                self,
                slot,
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            )
        for n, step in enumerate(self.order, 1):
            QShortcut(
                QKeySequence(f"Alt+{n}"),
                self,
                lambda s=step: self.go(s),
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            )

    # --- state ---------------------------------------------------------------------------

    def edit(self, state: IntakeState, *, typing: bool = False, replan: bool = True) -> None:
        """Take the step's edit: plan again, re-render, and keep it in the draft (at once,
        or shortly after the last key while typing)."""
        self.state = state
        if replan:
            self._replan()
            self._render()
        if typing:
            self._save_timer.start()
        else:
            self.save_now()

    def _replan(self) -> None:
        self.plan, self.plan_error = None, None
        if self.state.scope or self.state.items:
            try:
                self.plan = plan_for(self.ctx, self.state)
                self.state = prefilled(self.state, self.plan)
            except HallError as exc:
                self.plan_error = exc.message
        self.problems = problems(self.ctx, self.state, self.plan)

    def save_now(self) -> None:
        self._save_timer.stop()
        if self.result is not None or self.state == self.saved_state:
            return
        if self.draft_id is None and self.state.empty:
            return
        try:
            if self.prereview:
                if self.draft_id is None:
                    return  # a pre-review always starts from its ticket's draft
                draft = save_prereview(self.ctx, self.actor, self.draft_id, self.state, self.plan)
            else:
                draft = save_draft(self.ctx, self.actor, self.draft_id, self.state)
        except HallError as exc:  # the work stays on screen; say why it is not kept
            log.warning("draft not saved: %s", exc.message)
            self.saved_label.setText(_("草稿未能保存：{reason}").format(reason=exc.message))
            return
        self.draft_id, self.saved_state = draft.id, self.state
        self.saved_label.setText(
            _("草稿已保存 {time}").format(
                time=self.ctx.clock.now().astimezone(self.ctx.clock.zone).strftime("%H:%M:%S")
            )
        )

    def refresh_problems(self) -> None:
        """Count the problems again (after a field is left) without re-rendering the steps."""
        self.problems = problems(self.ctx, self.state, self.plan)
        self._render_step_list()
        self.steps[Step.accept].show_state()

    def _render(self) -> None:
        for step in self.order:
            self.steps[step].show_state()
        self._render_step_list()

    def _render_step_list(self) -> None:
        for row, step in enumerate(self.order):
            count = sum(1 for p in self.problems if p.step is step)
            text = f"{row + 1}  {step_title(step)}"
            if count and step is not Step.accept:
                text += f"  ({count})"
            self.step_list.item(row).setText(text)
        s = self.state
        who = s.applicant_name or s.applicant_code or _("未填申请人")
        n = len(self.plan.items) if self.plan else 0
        self.summary.setText(_("{who} · {n}个许可事项").format(who=who, n=n))
        row = self._row(self.state.step)
        if self.step_list.currentRow() != row:
            self.step_list.setCurrentRow(row)
        self.stack.setCurrentIndex(row)
        self.back_button.setEnabled(row > 0 and self.result is None)
        self.next_button.setEnabled(row < len(self.order) - 1 and self.result is None)

    def _row(self, step: Step) -> int:
        """The step's place on this page (a pre-review ends at the materials)."""
        return self.order.index(step) if step in self.order else len(self.order) - 1

    # --- navigation ----------------------------------------------------------------------

    def go(self, step: Step) -> None:
        if self.result is not None and step is not Step.accept:
            return
        step = self.order[self._row(step)]
        self.steps[self.state.step].leave()
        self.state = self.state.replace(step=step)
        self.save_now()
        self.problems = problems(self.ctx, self.state, self.plan)  # typed since last count
        self._render()
        self.steps[step].enter()

    def step_by(self, delta: int) -> None:
        row = self._row(self.state.step) + delta
        if 0 <= row < len(self.order):
            self.go(self.order[row])

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self.order) and self.order[row] is not self.state.step:
            self.go(self.order[row])

    def focus_first(self) -> None:
        self.steps[self.order[self._row(self.state.step)]].enter()

    # --- the draft and the case ----------------------------------------------------------

    def start_new(self) -> None:
        """An empty form for the next applicant (the current draft stays on offer)."""
        self.save_now()
        self.draft_id, self.saved_state, self.result = None, None, None
        self.state = IntakeState()
        self._replan()
        self._render()
        for step in self.steps.values():
            step.reset()
        self.steps[Step.applicant].enter()

    def resume(self, draft: DraftView) -> None:
        self.draft_id, self.saved_state, self.result = draft.id, draft.state, None
        self.state = draft.state
        for step in self.steps.values():
            step.reset()
        self._replan()
        self._render()
        self.steps[self.order[self._row(self.state.step)]].enter()

    def offer_drafts(self) -> None:
        """After sign-in: a draft left by a crash or a closed window is offered back."""
        try:
            drafts = open_drafts(self.ctx, self.actor)
        except HallError as exc:
            show_error(self, exc)
            return
        if not drafts:
            return
        latest = drafts[0]
        when = latest.updated_at.astimezone(self.ctx.clock.zone).strftime("%m-%d %H:%M")
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("未完成的申请"),
            _("有一份未完成的申请：{title}，最后保存于{when}。要继续办理吗？").format(
                title=latest.title, when=when
            ),
            parent=self,
        )
        go_on = box.addButton(_("继续办理"), QMessageBox.ButtonRole.AcceptRole)
        drop = box.addButton(_("放弃草稿"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(_("稍后"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(go_on)
        box.exec()
        if box.clickedButton() is go_on:
            self.resume(latest)
        elif box.clickedButton() is drop:
            try:
                discard_draft(self.ctx, self.actor, latest.id)
            except HallError as exc:
                show_error(self, exc)

    def accept_case(self) -> None:
        """Accept on the spot (the plan is made again inside, from the state)."""
        self.save_now()
        try:
            case, changes = accept_from_state(self.ctx, self.actor, self.state, self.draft_id)
        except HallError as exc:
            self._replan()
            self._render()
            show_error(self, exc, _("未能受理"))
            return
        self.result = case
        self._render()
        self.steps[Step.accept].enter()
        self.accepted.emit(case)
        bus = getattr(self.window(), "bus", None)
        if bus is not None:
            bus.publish(changes)
