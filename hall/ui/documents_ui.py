"""The one way a page opens a document for printing: laid out and signed off the GUI
thread, then shown in the print preview. And the small list a clerk picks a case's
document from (arrows and Enter)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hall.core.errors import HallError
from hall.core.i18n import _
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.documents import (
    Document,
    DocumentRef,
    PrintKind,
    case_documents,
    kind_title,
    prepare_document,
)
from hall.ui.bus import ChangeBus
from hall.ui.errors import show_error
from hall.ui.print_preview import PrintPreviewDialog
from hall.ui.tasks import run_task
from hall.ui.widgets import named

_PREPARING = "preparingDocument"  # a property of the widget waiting for a document
REF_ROLE = Qt.ItemDataRole.UserRole


def _status(widget: QWidget, text: str) -> None:
    status = getattr(widget.window(), "statusBar", None)
    if status is not None:
        status().showMessage(text, 5000 if text else 1)


def open_preview(
    widget: QWidget,
    ctx: AppContext,
    actor: Actor,
    bus: ChangeBus | None,
    kind: PrintKind,
    ref: str,
) -> None:
    """Prepare the document ``kind`` numbered ``ref`` in the background and open it in
    the print preview over ``widget``'s window. A second request while one is being
    prepared is ignored (a key held down opens one preview, not five)."""
    if widget.property(_PREPARING):
        return
    widget.setProperty(_PREPARING, True)
    widget.setCursor(Qt.CursorShape.BusyCursor)
    _status(widget, _("正在准备{title}……").format(title=kind_title(kind)))

    def finish() -> None:
        widget.setProperty(_PREPARING, False)
        widget.unsetCursor()
        _status(widget, "")

    def done(document: Document) -> None:
        finish()
        try:
            dialog = PrintPreviewDialog(ctx, actor, document, bus, widget)
        except HallError as exc:
            show_error(widget, exc, _("无法预览文书"))
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def failed(exc: BaseException) -> None:
        finish()
        show_error(widget, exc, _("无法准备文书"))

    run_task(widget, lambda: prepare_document(ctx, actor, kind, ref), done, failed)


class DocumentPicker(QDialog):
    """Which of the case's documents to print: arrows to choose, Enter to open."""

    def __init__(self, case_number: str, refs: tuple[DocumentRef, ...], parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("打印文书"))
        self.setObjectName("documentPicker")
        self.chosen: DocumentRef | None = None
        self.list = named(QListWidget(), "documentList")
        self.list.setWordWrap(True)  # a fire-safety certificate's title is long
        for ref in refs:
            item = QListWidgetItem(ref.title)
            item.setData(REF_ROLE, ref)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("预览 (Enter)"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("取消 (Esc)"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("案件 {number} 可以打印的文书：").format(number=case_number)))
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(560, 320)
        self.list.setFocus()

    def accept(self) -> None:
        item = self.list.currentItem()
        self.chosen = item.data(REF_ROLE) if item is not None else None
        super().accept()


def print_case_documents(
    widget: QWidget, ctx: AppContext, actor: Actor, bus: ChangeBus | None, case_number: str
) -> None:
    """List what can be printed for the case, let the clerk pick one, preview it."""
    try:
        refs = case_documents(ctx, actor, case_number)
    except HallError as exc:
        show_error(widget, exc)
        return
    picker = DocumentPicker(case_number, refs, widget)
    if picker.exec() != QDialog.DialogCode.Accepted or picker.chosen is None:
        return
    open_preview(widget, ctx, actor, bus, picker.chosen.kind, picker.chosen.number)


def bus_of(widget: QWidget) -> ChangeBus | None:
    """The main window's change bus (None for a page shown on its own, as in tests)."""
    bus = getattr(widget.window(), "bus", None)
    return bus if isinstance(bus, ChangeBus) else None
