"""The supplement notice (一次性告知补正): every material to bring or correct, at once,
each with what is missing or wrong."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hall.core.errors import HallError
from hall.core.i18n import _
from hall.services.case_supplements import OTHER
from hall.ui.errors import error_text
from hall.ui.widgets import message_label, named


class SupplementDialog(QDialog):
    def __init__(
        self,
        materials: list[str],
        submit: Callable[[dict[str, str], str], None],
        parent: QWidget | None = None,
    ) -> None:
        """``materials`` are the lines that may be asked for; ``submit`` sends the
        notice (a refusal is shown here, and nothing typed is lost)."""
        super().__init__(parent)
        self._submit = submit
        materials = [*materials, OTHER]  # anything not on the checklist: a free line
        self.setWindowTitle(_("一次性告知补正"))
        self.resize(720, 480)
        self.table = named(QTableWidget(len(materials), 2), "supplementLines")
        self.table.setHorizontalHeaderLabels([_("材料（勾选需补正的）"), _("需要补正的内容")])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, name in enumerate(materials):
            cell = QTableWidgetItem(_(name) if name == OTHER else name)
            cell.setData(Qt.ItemDataRole.UserRole, name)  # the key, whatever the language
            cell.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemIsSelectable
            )
            cell.setCheckState(Qt.CheckState.Unchecked)
            self.table.setItem(row, 0, cell)
            self.table.setItem(row, 1, QTableWidgetItem(""))
        self.table.resizeColumnToContents(0)
        self.note_edit = named(QLineEdit(), "supplementNote")
        self.note_edit.setPlaceholderText(_("其他需要告知的事项（可不填）"))
        self.message = message_label()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                _(
                    "按《行政许可法》第三十二条，须一次告知需要补正的全部内容。补正期间审查期限暂停计算。"
                )
            )
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note_edit)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def lines(self) -> dict[str, str]:
        out = {}
        for row in range(self.table.rowCount()):
            name = self.table.item(row, 0)
            problem = self.table.item(row, 1)
            if name is not None and name.checkState() == Qt.CheckState.Checked:
                out[name.data(Qt.ItemDataRole.UserRole)] = (
                    problem.text().strip() if problem is not None else ""
                )
        return out

    def note(self) -> str:
        return self.note_edit.text().strip()

    def _check(self) -> None:
        lines = self.lines()
        if not lines:
            self.message.setText(_("请至少勾选一项需要补正的材料。"))
            return
        missing = [name for name, problem in lines.items() if not problem]
        if missing:
            self.message.setText(
                _("请写明需要补正的内容：{names}").format(names=_("、").join(missing))
            )
            return
        try:
            self._submit(lines, self.note())
        except HallError as exc:  # shown here: nothing the clerk typed is lost
            self.message.setText(error_text(exc))
            return
        self.accept()
