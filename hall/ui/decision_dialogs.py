"""The reviewer's questions before a decision: the reason and the legal basis of a
refusal; a short text for an approval note, an inspection and its result. A refusal
from the service is shown in the dialog, and nothing typed is lost."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from hall.core.errors import HallError
from hall.core.i18n import _
from hall.ui.errors import error_text
from hall.ui.widgets import message_label, named


class TextDialog(QDialog):
    """One question answered in a few lines; ``submit(text)`` acts (a refusal is shown
    here). ``required``: an empty answer is not sent."""

    def __init__(
        self,
        title: str,
        intro: str,
        label: str,
        submit: Callable[[str], None],
        *,
        required: bool,
        parent: QWidget | None = None,
        second: tuple[str, str] | None = None,
        submit_two: Callable[[str, str], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("decisionDialog")
        self.setWindowTitle(title)
        self._submit = submit
        self._submit_two = submit_two
        self._required = required
        self._label = label
        self.text = named(QPlainTextEdit(), "decisionText")
        self.text.setTabChangesFocus(True)
        self.text.setMaximumHeight(110)
        self.second = named(QLineEdit(), "decisionSecond")
        form = QFormLayout()
        form.addRow(label, self.text)
        if second is not None:
            form.addRow(second[0], self.second)
            self.second.setText(second[1])
        else:
            self.second.hide()
        self.message = message_label()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("确定 (Ctrl+Enter)"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setShortcut("Ctrl+Return")
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(620, 300)
        self.text.setFocus()

    def _check(self) -> None:
        text = self.text.toPlainText().strip()
        if self._required and not text:
            self.message.setText(_("请填写{what}。").format(what=self._label.rstrip("：:")))
            return
        try:
            if self._submit_two is not None:
                self._submit_two(text, self.second.text().strip())
            else:
                self._submit(text)
        except HallError as exc:
            self.message.setText(error_text(exc))
            return
        self.accept()


def reject_dialog(
    item: str, basis: str, submit: Callable[[str, str], None], parent: QWidget
) -> TextDialog:
    return TextDialog(
        _("不予许可"),
        _(
            "对“{item}”作出不予许可的决定。决定书将写明理由、法律依据，并告知申请人"
            "申请行政复议或提起行政诉讼的权利（行政许可法第三十八条）。"
        ).format(item=item),
        _("不予许可的理由："),
        lambda _text: None,
        required=True,
        parent=parent,
        second=(_("法律依据："), basis),
        submit_two=submit,
    )
