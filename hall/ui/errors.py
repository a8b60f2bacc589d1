"""One way to tell a person that something went wrong, and a last line of defence."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from hall.core.errors import HallError, ImportRejected
from hall.core.i18n import _

log = logging.getLogger(__name__)


def error_text(exc: BaseException) -> str:
    """The message for the clerk: the domain's own words, never a traceback."""
    if isinstance(exc, ImportRejected):
        lines = [exc.message, *(f"• {p}" for p in exc.problems[:30])]
        if len(exc.problems) > 30:
            lines.append(_("……另有{n}处").format(n=len(exc.problems) - 30))
        return "\n".join(lines)
    if isinstance(exc, HallError):
        return exc.message
    return _(
        "程序内部出错（{kind}）。已记录到日志，请联系管理员。当前操作未完成，已保存的数据不受影响。"
    ).format(kind=type(exc).__name__)


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    if not isinstance(exc, HallError):
        log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        title or _("无法完成操作"),
        error_text(exc),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.exec()


def install_excepthook() -> None:
    """Unexpected exceptions in slots are logged and shown once, not printed."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.error("uncaught exception:\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        show_error(None, exc)

    sys.excepthook = hook
