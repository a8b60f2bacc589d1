"""Checking a document's QR code at the counter: scan it (a scanner types the text and
presses Enter), paste it, or open a photo, a scan or a PDF of the document (Ctrl+O); the
verdict and what the code vouches for are shown."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hall.core.errors import HallError
from hall.core.i18n import _
from hall.services.context import AppContext
from hall.services.verification import Verification, fact_rows, facts_heading, verify_payload
from hall.ui.code_files import IMAGE_SUFFIXES, codes_in_file, payload_of
from hall.ui.errors import show_error
from hall.ui.files import documents_folder
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
        self.file_message = ""  # why the last file gave no code to verify
        self._build_ui()

    def _build_ui(self) -> None:
        self.setWindowTitle(_("核验文书二维码"))
        self.setObjectName("verifyDialog")
        intro = QLabel(
            _(
                "用扫码枪扫描文书上的二维码，或粘贴二维码内容后按回车；"
                "也可以打开文书的照片、扫描件或PDF文件。"
            )
        )
        intro.setWordWrap(True)
        self.input = named(QLineEdit(), "payload")
        self.input.setPlaceholderText("HL1:…")
        self.input.returnPressed.connect(self.check)
        self.open_button = named(QPushButton(_("打开图片… (Ctrl+O)")), "verifyOpenFile")
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.choose_file)
        QShortcut(QKeySequence("Ctrl+O"), self, self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.input, 1)
        row.addWidget(self.open_button)
        self.verdict = named(QLabel(), "verdict")
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("关闭"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
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

    # --- a picture or a PDF of the document ----------------------------------------------

    def choose_file(self) -> None:
        """Ctrl+O: pick a photo, a scan or a PDF, and verify the code found in it."""
        patterns = " ".join(f"*{s}" for s in IMAGE_SUFFIXES)
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("打开文书的图片或PDF"),
            str(documents_folder()),
            ";;".join(
                (
                    _("图片或PDF ({patterns} *.pdf)").format(patterns=patterns),
                    _("所有文件 (*)"),
                )
            ),
        )
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path) -> None:
        """Read the codes in ``path`` and verify one, off the GUI thread."""
        self.result_ = None
        self.file_message = ""
        self.open_button.setEnabled(False)
        self.verdict.setText(escape(_("正在读取 {name} ……").format(name=path.name)))
        ctx = self.ctx

        def work() -> tuple[str, Verification] | None:
            code = payload_of(codes_in_file(path))
            return None if code is None else (code, verify_payload(ctx, code))

        run_task(self, work, self._file_read, self._file_failed)

    def _file_read(self, found: tuple[str, Verification] | None) -> None:
        self.open_button.setEnabled(True)
        if found is None:
            self._say_file(
                _(
                    "在这个文件中没有找到二维码。请换一张更清晰、更正的照片或扫描件，"
                    "或直接用扫码枪扫描文书上的二维码。"
                )
            )
            return
        code, result = found
        self.input.setText(code)  # as if it had been scanned
        self._show(result)

    def _file_failed(self, exc: BaseException) -> None:
        self.open_button.setEnabled(True)
        if isinstance(exc, HallError):
            self._say_file(exc.message)
        else:
            self._failed(exc)

    def _say_file(self, text: str) -> None:
        self.file_message = text
        self.verdict.setText(f'<p style="color:#b00020;">{escape(text)}</p>')
