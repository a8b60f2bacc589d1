"""The supervisor's questions for post-event verification: whom to send, what a visit
found (one task, or every task of a combined inspection), and when a combined visit is
planned. Each dialog calls its service when accepted; a refusal is shown in the dialog
and nothing typed is lost."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from hall.core.errors import HallError, ValidationError
from hall.core.i18n import N_, _
from hall.models.enums import VerificationStatus
from hall.services.supervision_outcomes import outcome_name
from hall.services.supervision_views import Outcome, TaskView
from hall.ui.errors import error_text
from hall.ui.widgets import message_label, named

log = logging.getLogger(__name__)

FALSE_WARNING = N_(
    "认定为虚假承诺后：撤销该事项的许可决定，已发证照一并撤销；申请人记入失信名单，"
    "信用修复前不能再以告知承诺方式办理。此操作不能撤回。"
)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


class _Dialog(QDialog):
    """A form with OK/Cancel whose OK runs ``self.submit()``; a ``HallError`` it raises
    is shown under the form and the dialog stays open."""

    def __init__(self, title: str, ok: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.message = message_label()
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("取消"))
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def submit(self) -> None:
        raise NotImplementedError

    def _ok(self) -> None:
        try:
            self.submit()
        except Exception as exc:  # said here; what was typed stays
            if not isinstance(exc, HallError):
                log.exception("%s failed", type(self).__name__)
            self.message.setText(error_text(exc))
            self.message.show()
            return
        self.accept()


def inspector_box(people: Sequence[tuple[str, str]], current: str | None) -> QComboBox:
    box = named(QComboBox(), "inspector")
    for username, name in people:
        box.addItem(_("{name}（{username}）").format(name=name, username=username), username)
    if current:
        box.setCurrentIndex(max(0, box.findData(current)))
    return box


class AssignDialog(_Dialog):
    """Send an inspector to the selected tasks."""

    def __init__(
        self,
        tasks: Sequence[TaskView],
        people: Sequence[tuple[str, str]],
        assign: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("指派核查人员"), _("指派"), parent)
        self.assign = assign
        self.inspector = inspector_box(people, tasks[0].inspector if tasks else None)
        self.form.addRow(QLabel(_("共 {n} 项核查任务。").format(n=len(tasks))))
        self.form.addRow(_("核查人员："), self.inspector)

    def submit(self) -> None:
        self.assign(str(self.inspector.currentData() or ""))


class OutcomeEditor(QWidget):
    """The outcome of one task: conditions met, rectify by a date, or false commitment,
    with what was found."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = QButtonGroup(self)
        self.choices: dict[VerificationStatus, QRadioButton] = {}
        self.box = layout = QVBoxLayout(self)
        for status in (
            VerificationStatus.conditions_met,
            VerificationStatus.rectify,
            VerificationStatus.false_commitment,
        ):
            button = named(QRadioButton(outcome_name(status)), f"outcome_{status.value}")
            self.group.addButton(button)
            self.choices[status] = button
            layout.addWidget(button)
        self.choices[VerificationStatus.conditions_met].setChecked(True)
        self.rectify_by = named(QDateEdit(), "rectifyBy")
        self.rectify_by.setCalendarPopup(True)
        self.rectify_by.setDisplayFormat("yyyy-MM-dd")
        self.rectify_by.setMinimumDate(_qdate(today + timedelta(days=1)))
        self.rectify_by.setDate(_qdate(today + timedelta(days=15)))
        self.note = named(QPlainTextEdit(), "outcomeNote")
        self.note.setPlaceholderText(_("核查发现的情况：须整改的内容，或虚假承诺的事实"))
        self.note.setMaximumHeight(90)
        self.warning = QLabel(_(FALSE_WARNING))
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b00020;")
        layout.addWidget(QLabel(_("整改期限：")))
        layout.addWidget(self.rectify_by)
        layout.addWidget(self.note)
        layout.addWidget(self.warning)
        self.group.buttonToggled.connect(lambda _b, _on: self._follow())
        self._follow()

    def status(self) -> VerificationStatus | None:
        """The outcome chosen (None: another button of the group, 暂不登记)."""
        return next((s for s, b in self.choices.items() if b.isChecked()), None)

    def _follow(self) -> None:
        status = self.status()
        self.rectify_by.setEnabled(status is VerificationStatus.rectify)
        self.warning.setVisible(status is VerificationStatus.false_commitment)

    def outcome(self) -> Outcome:
        status = self.status()
        assert status is not None
        return Outcome(
            status,
            self.note.toPlainText().strip(),
            _day(self.rectify_by) if status is VerificationStatus.rectify else None,
        )


class OutcomeDialog(_Dialog):
    """Record what the verification of one task found."""

    def __init__(
        self,
        task: TaskView,
        today: date,
        record: Callable[[Outcome], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("登记核查结果"), _("登记"), parent)
        self.record = record
        self.form.addRow(
            QLabel(
                _("{applicant}：{item}（受理编号 {case}）").format(
                    applicant=task.applicant_name, item=task.item_name, case=task.case_number
                )
            )
        )
        self.editor = OutcomeEditor(today, self)
        self.form.addRow(self.editor)

    def submit(self) -> None:
        self.record(self.editor.outcome())


class PlanDialog(_Dialog):
    """Plan one visit (综合查一次) for the selected tasks of one applicant."""

    def __init__(
        self,
        tasks: Sequence[TaskView],
        people: Sequence[tuple[str, str]],
        today: date,
        plan: Callable[[date, str, str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("综合检查（综合查一次）"), _("安排"), parent)
        self.plan = plan
        names = sorted({t.applicant_name for t in tasks})
        self.form.addRow(
            QLabel(
                _("{applicant}：{n} 项核查任务一次上门完成。").format(
                    applicant=_("、").join(names), n=len(tasks)
                )
            )
        )
        self.day = named(QDateEdit(), "plannedOn")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setMinimumDate(_qdate(today))
        self.day.setDate(_qdate(min((t.due_date for t in tasks), default=today)))
        self.inspector = inspector_box(people, tasks[0].inspector if tasks else None)
        self.note = named(QLineEdit(), "inspectionNote")
        self.form.addRow(_("检查日期："), self.day)
        self.form.addRow(_("核查人员："), self.inspector)
        self.form.addRow(_("说明："), self.note)

    def submit(self) -> None:
        self.plan(_day(self.day), str(self.inspector.currentData() or ""), self.note.text())


class InspectionDialog(_Dialog):
    """What one combined visit found: an outcome for each of its open tasks (a task
    left at 暂不登记 stays open), recorded all together or not at all."""

    def __init__(
        self,
        tasks: Sequence[TaskView],
        today: date,
        record: Callable[[dict[uuid.UUID, Outcome]], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("登记综合检查结果"), _("登记"), parent)
        self.record = record
        self.tasks = [t for t in tasks if not t.closed]
        self.table = named(QTableWidget(len(self.tasks), 2), "inspectionOutcomes")
        self.table.setHorizontalHeaderLabels([_("事项"), _("核查结果")])
        self.editors: list[OutcomeEditor] = []
        self.skips: list[QRadioButton] = []
        for row, task in enumerate(self.tasks):
            self.table.setCellWidget(row, 0, QLabel(f"{task.item_code} {task.item_name}"))
            editor = OutcomeEditor(today)
            skip = QRadioButton(_("暂不登记"))
            editor.group.addButton(skip)
            editor.box.insertWidget(0, skip)
            skip.setChecked(True)
            self.table.setCellWidget(row, 1, editor)
            self.editors.append(editor)
            self.skips.append(skip)
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.form.addRow(self.table)
        self.resize(760, 560)

    def submit(self) -> None:
        outcomes = {
            task.id: editor.outcome()
            for task, editor, skip in zip(self.tasks, self.editors, self.skips, strict=True)
            if not skip.isChecked()
        }
        if not outcomes:
            raise ValidationError(_("请至少登记一项核查结果。"))
        self.record(outcomes)
