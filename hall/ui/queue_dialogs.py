"""Small dialogs of the counter's queue: the citizen's rating (好差评) at the end, and
where to transfer a ticket."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from hall.core.i18n import N_, _
from hall.services.queue import CategoryView
from hall.ui.widgets import named

RATINGS = (
    (5, N_("非常满意")),
    (4, N_("满意")),
    (3, N_("基本满意")),
    (2, N_("不满意")),
    (1, N_("非常不满意")),
)
LOW = 2


class RatingDialog(QDialog):
    """How the citizen rated the service: keys 1–5 choose, 0 for no rating; a reason is
    asked for a low mark."""

    def __init__(self, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("办结 {number}").format(number=number))
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("请群众评价本次服务（按数字键 1–5；0 表示未评价）：")))
        row = QHBoxLayout()
        none = named(QRadioButton(_("未评价")), "rating0")
        self.group.addButton(none, 0)
        for value, text in RATINGS:
            button = named(QRadioButton(f"{value} {_(text)}"), f"rating{value}")
            self.group.addButton(button, value)
            row.addWidget(button)
        row.addWidget(none)
        layout.addLayout(row)
        self.reason = named(QLineEdit(), "ratingReason")
        self.reason.setPlaceholderText(_("差评原因（1、2 分时填写）"))
        self.reason.setMaxLength(500)
        layout.addWidget(self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.group.idToggled.connect(self._toggled)
        none.setChecked(True)
        for value in range(6):
            QShortcut(QKeySequence(str(value)), self, lambda v=value: self._choose(v))

    def _choose(self, value: int) -> None:
        if self.reason.hasFocus():
            self.reason.insert(str(value))
            return
        self.group.button(value).setChecked(True)

    def _toggled(self, value: int, checked: bool) -> None:
        if checked:
            low = 0 < value <= LOW
            self.reason.setEnabled(low)
            if low:
                self.reason.setFocus()

    @property
    def rating(self) -> int | None:
        value = self.group.checkedId()
        return value if value > 0 else None

    @property
    def reason_text(self) -> str:
        return self.reason.text().strip() if self.reason.isEnabled() else ""


class TransferDialog(QDialog):
    """Another category, another counter, or both."""

    def __init__(
        self, number: str, categories: list[CategoryView], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("转移 {number}").format(number=number))
        self.category = named(QComboBox(), "transferCategory")
        self.category.addItem(_("（类别不变）"), None)
        for c in categories:
            self.category.addItem(f"{c.letter} {c.name}", c.letter)
        self.counter = named(QLineEdit(), "transferCounter")
        self.counter.setPlaceholderText(_("窗口编号，如 C03（不填则任一窗口）"))
        form = QFormLayout(self)
        form.addRow(_("转到业务类别"), self.category)
        form.addRow(_("转到窗口"), self.counter)
        hint = QLabel(_("转移后保留原取号时间，在新的类别或窗口优先办理。"))
        hint.setWordWrap(True)
        hint.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow(hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @property
    def chosen(self) -> tuple[str | None, str | None]:
        return self.category.currentData(), self.counter.text().strip() or None
