"""Step 3: the one form: each field asked once, grouped, checked by its type as it is
left, with the items that need each field shown on demand (F6)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFocusEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hall.core.clock import local_today
from hall.core.errors import ValidationError
from hall.core.i18n import N_, _
from hall.models.enums import FieldType
from hall.services.derive import PlannedField
from hall.services.forms import clean_value
from hall.services.intake_state import Step
from hall.ui.intake.base import StepWidget, heading, hint
from hall.ui.widgets import named

PLACEHOLDERS = {
    FieldType.date: N_("YYYY-MM-DD"),
    FieldType.mobile: N_("11位手机号码"),
    FieldType.uscc: N_("18位统一社会信用代码"),
    FieldType.id_number: N_("18位身份证号码"),
    FieldType.integer: N_("整数"),
    FieldType.decimal: N_("数字"),
}


class _LongText(QPlainTextEdit):
    """A multiline answer, checked like the others when the clerk leaves it."""

    def __init__(self, on_left: Callable[[], None]) -> None:
        super().__init__()
        self._on_left = on_left

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._on_left()


class _Field:
    """One question of the form: its editor, its error line, the items needing it."""

    def __init__(self, step: FormStep, planned: PlannedField) -> None:
        f = planned.field
        self.key = f.key
        self.planned = planned
        self.editor: QWidget
        if f.type is FieldType.multiline:
            text = _LongText(lambda: step.typed(self.key, self.value(), finished=True))
            text.setFixedHeight(60)
            text.setTabChangesFocus(True)
            text.textChanged.connect(lambda: step.typed(self.key, self.value(), finished=False))
            self.editor = text
        elif f.type in (FieldType.choice, FieldType.boolean):
            box = QComboBox()
            box.addItem("", "")
            options = (f.choices or ()) if f.type is FieldType.choice else (_("是"), _("否"))
            for option in options:
                box.addItem(option, option)
            box.activated.connect(lambda _i: step.typed(self.key, self.value(), finished=True))
            self.editor = box
        else:
            line = QLineEdit()
            placeholder = PLACEHOLDERS.get(f.type)
            line.setPlaceholderText(f.unit or (_(placeholder) if placeholder else ""))
            if f.max_length:
                line.setMaxLength(f.max_length)
            line.textEdited.connect(lambda t: step.typed(self.key, t, finished=False))
            line.editingFinished.connect(lambda: step.typed(self.key, self.value(), finished=True))
            self.editor = line
        self.editor.setObjectName(f"field_{f.key}")
        names = step.item_names(planned.items)
        self.editor.setToolTip(_("需要此项的事项：{items}").format(items=_("、").join(names)))
        self.error = named(QLabel(), f"error_{f.key}")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.items = QLabel(_("用于：{items}").format(items=_("、").join(names)))
        self.items.setStyleSheet("color: #777; font-size: 11px;")
        self.items.setWordWrap(True)
        self.items.hide()
        self.label = f.label + (" *" if f.required else "") + (f"（{f.unit}）" if f.unit else "")

    def value(self) -> str:
        e = self.editor
        if isinstance(e, QPlainTextEdit):
            return e.toPlainText()
        if isinstance(e, QComboBox):
            return str(e.currentData() or "")
        assert isinstance(e, QLineEdit)
        return e.text()

    def show_value(self, value: str) -> None:
        e = self.editor
        if e.hasFocus() or self.value() == value:
            return
        e.blockSignals(True)
        if isinstance(e, QPlainTextEdit):
            e.setPlainText(value)
        elif isinstance(e, QComboBox):
            index = e.findData(value)
            e.setCurrentIndex(max(index, 0))
        elif isinstance(e, QLineEdit):
            e.setText(value)
        e.blockSignals(False)

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))


class FormStep(StepWidget):
    step = Step.form

    def _build(self) -> None:
        self.fields: dict[str, _Field] = {}
        self._keys: tuple[str, ...] = ()
        self._checked: set[str] = set()  # fields the clerk has left: their errors show
        self.toggle = named(QPushButton(_("显示所需事项 (F6)")), "formShowItems")
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._show_items)
        QShortcut(
            QKeySequence("F6"),
            self,
            self.toggle.toggle,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self.scroll_area = named(QScrollArea(), "formScroll")
        self.scroll_area.setWidgetResizable(True)
        self.empty = hint(_("先在第二步选择办理事项，这里会列出合并后的表单。"))
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("第三步 一表填报")))
        layout.addWidget(hint(_("多个事项共用的信息只填一次。带 * 的为必填项；Tab 到下一项。")))
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.empty)
        layout.addWidget(self.scroll_area, 1)

    def item_names(self, codes: tuple[str, ...]) -> list[str]:
        items = self.page.ctx.catalog().items
        return [items[c].name if c in items else c for c in codes]

    def typed(self, key: str, value: str, *, finished: bool) -> None:
        answers = dict(self.state.answers)
        answers[key] = value
        self.page.edit(self.state.replace(answers=answers), typing=not finished, replan=False)
        if finished:
            self._checked.add(key)
            self._check_one(key)
            self.page.refresh_problems()

    def _check_one(self, key: str) -> None:
        field = self.fields.get(key)
        if field is None:
            return
        try:
            clean_value(field.planned.field, field.value(), today=local_today(self.page.ctx.clock))
        except ValidationError as exc:
            field.show_error(exc.message)
        else:
            field.show_error(None)

    def _show_items(self, on: bool) -> None:
        for field in self.fields.values():
            field.items.setVisible(on)

    def show_state(self) -> None:
        plan = self.page.plan
        planned = plan.fields if plan is not None else ()
        keys = tuple(p.field.key for p in planned)
        if keys != self._keys:
            self._rebuild(planned)
            self._keys = keys
        for key, field in self.fields.items():
            field.show_value(self.state.answers.get(key, ""))
        errors = {p.field: p.message for p in self.my_problems() if p.field}
        for key in self._checked:
            if key in self.fields:
                self.fields[key].show_error(errors.get(key))

    def _rebuild(self, planned: tuple[PlannedField, ...]) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        self.fields = {}
        groups: dict[str, QFormLayout] = {}
        for p in planned:
            form = groups.get(p.field.group)
            if form is None:
                box = QGroupBox(p.field.group)
                form = QFormLayout(box)
                groups[p.field.group] = form
                layout.addWidget(box)
            field = _Field(self, p)
            self.fields[p.field.key] = field
            column = QVBoxLayout()
            column.setSpacing(1)
            column.addWidget(field.editor)
            column.addWidget(field.error)
            column.addWidget(field.items)
            form.addRow(field.label, column)
        layout.addStretch(1)
        self.scroll_area.setWidget(body)
        self.empty.setVisible(not planned)
        self._show_items(self.toggle.isChecked())

    def enter(self) -> None:
        for field in self.fields.values():
            if not field.value():
                field.editor.setFocus()
                self.scroll_area.ensureWidgetVisible(field.editor)
                return
        if self.fields:
            next(iter(self.fields.values())).editor.setFocus()

    def leave(self) -> None:
        self.page.save_now()

    def reset(self) -> None:
        self._checked = set()
        self._keys = ()
