"""The GUI entry: builds the context, then sign-in, then the main window."""

from __future__ import annotations

import logging
import os
import sys

from hall.core.errors import HallError
from hall.core.i18n import _, set_language
from hall.core.logconfig import setup_logging
from hall.core.paths import resolve_paths
from hall.core.settings import load_settings

log = logging.getLogger(__name__)


def display_problem() -> str | None:
    """Why no window can be shown here, or None. Qt itself would abort with a misleading
    message about libxcb-cursor0."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return _(
            "hall：找不到图形显示（DISPLAY 和 WAYLAND_DISPLAY 均未设置）。"
            "请在桌面环境中运行；在无显示器的机器上可设置 QT_QPA_PLATFORM=offscreen，"
            "或使用 hall 的命令行子命令（hall --help）。"
        )
    return None


def run(argv: list[str]) -> int:
    paths = resolve_paths().ensure()
    settings = load_settings(paths.settings_file)
    set_language(settings.language)
    setup_logging(paths.logs)
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    from hall.services.context import open_context
    from hall.ui.errors import install_excepthook, show_error
    from hall.ui.fonts import install_application_font
    from hall.ui.signin import SignInDialog

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0], *argv])
    app.setApplicationName("hall")
    app.setApplicationDisplayName(_("一窗受理"))
    install_application_font(app)
    install_excepthook()
    try:
        ctx = open_context(paths)
    except HallError as exc:
        show_error(None, exc, _("无法打开数据库"))
        return 1
    exit_after_start = os.environ.get("HALL_EXIT_AFTER_START") == "1"
    try:
        if not exit_after_start and _needs_first_run(ctx):
            from hall.ui.first_run import FirstRunDialog

            if FirstRunDialog(ctx).exec() != QDialog.DialogCode.Accepted:
                return 0
        while True:
            dialog = SignInDialog(ctx)
            if exit_after_start:
                dialog.show()
                QTimer.singleShot(0, app.quit)
                app.exec()
                return 0
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None:
                return 0
            if not _show_main_window(app, ctx, dialog.actor):
                return 0
    finally:
        ctx.close()


def _needs_first_run(ctx: object) -> bool:
    from hall.services.auth import list_users

    return not list_users(ctx)  # type: ignore[arg-type]


def _show_main_window(app: object, ctx: object, actor: object) -> bool:
    """Run the main window until it closes; True if the user signed out (sign in again)."""
    from hall.ui.main_window import MainWindow

    signed_out: list[bool] = []
    window = MainWindow(ctx, actor)  # type: ignore[arg-type]
    window.signed_out.connect(lambda: signed_out.append(True))
    window.show()
    window.show_catalog()
    app.exec()  # type: ignore[attr-defined]
    return bool(signed_out)
