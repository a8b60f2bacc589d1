"""Pre-review (预审) of a waiting ticket at the guide's desk: the counter's path as far
as it goes without the counter, kept in the ticket's draft as the guide types. What is
missing is shown; the citizen fetches it, or books an appointment instead."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hall.core.errors import HallError
from hall.core.i18n import _
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.prereview import missing_materials, start_prereview
from hall.ui.errors import show_error
from hall.ui.intake.page import IntakePage
from hall.ui.widgets import named

#: The dialog's result when the citizen books an appointment instead.
BOOK = 2


class PreReviewDialog(QDialog):
    def __init__(self, ctx: AppContext, actor: Actor, number: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("preReviewDialog")
        self.setWindowTitle(_("预审 {number}").format(number=number))
        self.number = number
        self.opened = False
        try:
            draft = start_prereview(ctx, actor, number)
        except HallError as exc:
            show_error(parent, exc, _("无法预审"))
            return
        self.opened = True
        self.page = IntakePage(ctx, actor, self, prereview=True)
        self.page.resume(draft)
        self.missing = named(QLabel(), "preReviewMissing")
        self.missing.setWordWrap(True)
        self.missing.setTextFormat(Qt.TextFormat.PlainText)
        done = named(QPushButton(_("预审完成(&D)")), "preReviewDone")
        done.setToolTip(_("保存预审结果；叫到此号时窗口直接打开这份申请"))
        done.clicked.connect(self.accept)
        book = named(QPushButton(_("改为预约(&B)")), "preReviewBook")
        book.setToolTip(_("材料今天备不齐：为申请人预约其他时间"))
        book.clicked.connect(lambda: self.done(BOOK))
        bar = QHBoxLayout()
        bar.addWidget(self.missing, 1)
        bar.addWidget(book)
        bar.addWidget(done)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page, 1)
        layout.addLayout(bar)
        screen = self.screen().availableGeometry()
        self.resize(min(1100, screen.width()), min(720, screen.height() - 60))
        self._show_missing()
        self.page.step_list.currentRowChanged.connect(lambda _row: self._show_missing())

    def _show_missing(self) -> None:
        missing = missing_materials(self.page.state, self.page.plan)
        if self.page.plan is None:
            self.missing.setText(_("选择经营范围或事项后，这里列出还缺的材料。"))
        elif missing:
            self.missing.setText(_("还缺：{m}").format(m=_("、").join(missing)))
        else:
            self.missing.setText(_("材料齐全，可等候叫号。"))

    def done(self, result: int) -> None:  # every way out keeps the work
        if self.opened:
            self.page.save_now()
        super().done(result)

    @property
    def applicant(self) -> tuple[str, str, str]:
        """Name, phone and code as typed, for an appointment instead."""
        s = self.page.state
        return s.applicant_name, s.phone, s.applicant_code
