"""Checking a document's QR code at the counter: scan it (a scanner types the text and
presses Enter) or paste it; the verdict and what the code vouches for are shown."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from hall.core.i18n import _
from hall.services.context import AppContext
from hall.services.verification import Verification, fact_rows, facts_heading, verify_payload
from hall.ui.errors import show_error
from hall.ui.tasks import run_task
from hall.ui.widgets import named


def verification_html(result: Verification, ctx: AppContext) -> str:
    """The verdict in colour and the facts as a table; every value escaped."""
    colour = "#1b5e20" if result.valid else "#b00020"
    parts = [f'<p style="color:{colour}; font-size:14pt;"><b>{escape(result.message)}</b></p>']
    rows = fact_rows(result, ctx.clock.zone)
    if rows:
        parts.append(f"<p>{escape(facts_heading(result))}</p>")
        parts.append("<table cellspacing=4>")
        parts += [
            f"<tr><td style='color:#555'>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in rows
        ]
        parts.append("</table>")
    return "".join(parts)


class VerifyDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result_: Verification | None = None
        self._build_ui()

    def _build_ui(self) -> None:
        self.setWindowTitle(_("核验文书二维码"))
        self.setObjectName("verifyDialog")
        intro = QLabel(_("用扫码枪扫描文书上的二维码，或粘贴二维码内容后按回车。"))
        intro.setWordWrap(True)
        self.input = named(QLineEdit(), "payload")
        self.input.setPlaceholderText("HL1:…")
        self.input.returnPressed.connect(self.check)
        self.verdict = named(QLabel(), "verdict")
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("关闭"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.input)
        layout.addWidget(self.verdict, 1)
        layout.addWidget(buttons)
        self.setMinimumSize(520, 360)
        self.input.setFocus()

    def check(self) -> None:
        text = self.input.text().strip()
        if not text:
            return
        self.verdict.setText(escape(_("正在核验……")))
        ctx = self.ctx
        run_task(self, lambda: verify_payload(ctx, text), self._show, self._failed)

    def _show(self, result: Verification) -> None:
        self.result_ = result
        self.verdict.setText(verification_html(result, self.ctx))
        self.input.selectAll()  # the next scan replaces it

    def _failed(self, exc: BaseException) -> None:
        self.verdict.clear()
        show_error(self, exc)
