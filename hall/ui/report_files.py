"""The daily report leaving the program: previewed and printed (nothing is handed over,
so nothing is recorded and no copy mark), or saved as PDF, CSV or XLSX. The files are
made off the GUI thread and written whole or not at all."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from hall.core.errors import os_reason
from hall.core.i18n import _
from hall.printing.report_data import DailyReport
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.documents import How
from hall.services.report_export import report_csv
from hall.services.report_xlsx import report_xlsx
from hall.services.reports import report_filename, report_pdf
from hall.ui.errors import show_error
from hall.ui.files import documents_folder, write_atomically
from hall.ui.print_preview import PrintPreviewDialog
from hall.ui.tasks import run_task

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportFile:
    pdf: bytes
    title: str
    name: str
    copy: int = 0

    def filename(self) -> str:
        return self.name


class ReportPreviewDialog(PrintPreviewDialog):
    """The print preview for a report: printing or saving it records nothing."""

    def _handed_over(self, how: How, done: str) -> None:
        self._set_busy(False)
        self._say(done)


def report_title(report: DailyReport) -> str:
    return _("业务量日报") if report.one_day else _("业务量统计报表")


def preview_report(
    widget: QWidget, ctx: AppContext, actor: Actor, report: DailyReport, done: Callable[[], None]
) -> None:
    """Lay ``report`` out in the background and open it in the print preview."""

    def work() -> ReportFile:
        return ReportFile(report_pdf(report), report_title(report), report_filename(report, ".pdf"))

    def show(file: ReportFile) -> None:
        done()
        dialog = ReportPreviewDialog(ctx, actor, file, None, widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def failed(exc: BaseException) -> None:
        done()
        show_error(widget, exc, _("无法生成报表"))

    run_task(widget, work, show, failed)


EXPORTS: dict[str, tuple[str, Callable[[DailyReport], bytes]]] = {
    ".csv": ("CSV (*.csv)", report_csv),
    ".xlsx": ("Excel (*.xlsx)", report_xlsx),
}


def export_report(
    widget: QWidget, report: DailyReport, suffix: str, said: Callable[[str, bool], None]
) -> None:
    """Ask where, then write ``report`` as CSV or XLSX (``suffix``); ``said(text, error)``
    tells the page how it went."""
    name_filter, make = EXPORTS[suffix]
    dialog = QFileDialog(
        widget, _("导出报表"), str(documents_folder() / report_filename(report, suffix))
    )
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix(suffix.lstrip("."))
    dialog.setNameFilter(name_filter)
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return
    save_report(widget, report, Path(dialog.selectedFiles()[0]), make, said)


def save_report(
    widget: QWidget,
    report: DailyReport,
    path: Path,
    make: Callable[[DailyReport], bytes],
    said: Callable[[str, bool], None],
) -> None:
    def work() -> Path:
        write_atomically(path, make(report))
        return path

    def failed(exc: BaseException) -> None:
        if isinstance(exc, OSError):
            said(
                _("未能保存到 {path}：{reason}。没有写入任何文件，请换一个位置再保存。").format(
                    path=path, reason=os_reason(exc)
                ),
                True,
            )
            return
        show_error(widget, exc, _("无法导出报表"))

    run_task(
        widget, work, lambda saved: said(_("已保存到 {path}。").format(path=saved), False), failed
    )
