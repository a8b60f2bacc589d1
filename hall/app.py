"""The GUI entry: builds the context, then sign-in, then the main window.

The start-up path up to the sign-in window uses only Qt and the standard library; the
database stack loads on a background thread meanwhile (see ``hall.ui.startup``).
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING

from hall.core.errors import HallError, os_reason
from hall.core.i18n import _, current_language, effective_language, set_language
from hall.core.logconfig import setup_logging
from hall.core.paths import Paths, resolve_paths, resource
from hall.core.settings import Settings, load_settings

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from hall.services.audit import Actor
    from hall.services.context import AppContext
    from hall.ui.startup import ContextLoader

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
    paths = resolve_paths()
    settings = load_settings(paths.settings_file)
    folder_problem = _prepare(paths, settings)
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2

    from PySide6.QtCore import QThreadPool, QTimer
    from PySide6.QtWidgets import QDialog

    from hall.ui.errors import show_error
    from hall.ui.signin import SignInDialog

    app = _application(settings, _("一窗受理"), argv)
    if folder_problem is not None:
        show_error(None, folder_problem, _("无法启动"))
        return 1
    try:
        loader = _open(paths, settings)
    except HallError as exc:
        show_error(None, exc, _("无法打开数据库"))
        return 1
    exit_after_start = os.environ.get("HALL_EXIT_AFTER_START") == "1"
    try:
        if not exit_after_start:
            ready = _first_run(app, paths, loader)
            if ready is None:
                return 0
            loader = ready
        while True:
            dialog = SignInDialog(loader)
            if exit_after_start:
                dialog.show()
                QTimer.singleShot(0, app.quit)
                app.exec()
                return 0
            QTimer.singleShot(0, loader.start)  # runs once the window is on screen
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None:
                return 0
            assert dialog.ctx is not None
            if dialog.must_change_password and not _password_changed(dialog.ctx, dialog.actor):
                continue  # declined: back to sign-in, nothing can be done with it
            if not _show_main_window(app, dialog.ctx, dialog.actor, dialog.keyring_notice):
                return 0
    finally:
        # A sync round still on the thread pool must finish before its database closes.
        QThreadPool.globalInstance().waitForDone(10_000)
        loader.close()


def _open(paths: Paths, settings: Settings) -> ContextLoader:
    """Migrate before any window when the schema is behind; else load in the background."""
    from hall.core.settings import effective_server_url
    from hall.db.quick import sqlite_is_current
    from hall.ui.startup import ContextLoader

    if sqlite_is_current(paths.database) or effective_server_url(settings):
        return ContextLoader.deferred(paths, settings)
    from hall.services.context import open_context

    return ContextLoader.ready(open_context(paths, settings=settings))


def _first_run(app: QApplication, paths: Paths, loader: ContextLoader) -> ContextLoader | None:
    """On an empty database, the first-run wizard; None if it was left. A counter of a
    hall server (set here or in the wizard) takes its accounts from the server instead:
    the context is opened again with the link, and the server joined."""
    from PySide6.QtWidgets import QDialog

    from hall.db.quick import sqlite_has_users

    if sqlite_has_users(paths.database):
        return loader
    ctx = loader.result()
    while ctx.link is None:
        from hall.ui.first_run import FirstRunWizard

        wizard = FirstRunWizard(ctx)
        result = wizard.exec()
        wizard.deleteLater()  # here, on the GUI thread, not whenever it is collected
        if result == FirstRunWizard.LANGUAGE_CHANGED:
            set_language(wizard.language)
            _install_translations(app)
            continue
        if result != QDialog.DialogCode.Accepted:
            return None
        if not wizard.joins_server:
            return loader
        from hall.services.context import open_context
        from hall.ui.startup import ContextLoader

        loader.close()
        ctx = open_context(paths, settings=load_settings(paths.settings_file))
        loader = ContextLoader.ready(ctx)
    from hall.ui.join_dialog import JoinServerDialog

    return loader if JoinServerDialog(ctx).exec() == QDialog.DialogCode.Accepted else None


def _password_changed(ctx: AppContext, actor: Actor) -> bool:
    """The first sign-in of an account an administrator made or reset: a new password
    first (the services refuse the account until then). False if declined."""
    from PySide6.QtWidgets import QDialog

    from hall.ui.password_dialog import ChangePasswordDialog

    dialog = ChangePasswordDialog(ctx, actor, forced=True)
    return dialog.exec() == QDialog.DialogCode.Accepted


def _show_main_window(app: QApplication, ctx: AppContext, actor: Actor, notice: str | None) -> bool:
    """Run the main window until it closes; True if the user signed out (sign in again).
    ``notice`` says that secrets are in the encrypted file (no OS keyring), if so."""
    from hall.ui.main_window import MainWindow

    signed_out: list[bool] = []
    if notice:
        log.warning("%s", notice)
    window = MainWindow(ctx, actor, keyring_notice=notice)
    window.signed_out.connect(lambda: signed_out.append(True))
    window.show()
    window.show_start_page()
    app.exec()
    return bool(signed_out)


def _prepare(paths: Paths, settings: Settings) -> HallError | None:
    """The language, the data folder and the log; what is wrong with the folder, if so
    (said in a window once Qt is up)."""
    set_language(effective_language(settings.language))
    try:
        paths.ensure()
        setup_logging(paths.logs)
    except OSError as exc:
        return HallError(
            _("无法使用数据文件夹 {path}：{reason}。").format(
                path=paths.data, reason=os_reason(exc)
            )
        )
    return None


def _application(settings: Settings, title: str, argv: list[str]) -> QApplication:
    """The Qt application with the bundled font, Qt's translations and the excepthook."""
    from PySide6.QtWidgets import QApplication

    from hall.ui.errors import install_excepthook
    from hall.ui.fonts import install_application_font

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0], *argv])
    app.setApplicationName("hall")
    app.setApplicationDisplayName(title)
    install_application_font(app)
    _install_translations(app)
    install_excepthook()
    icon = resource("icons", "hall.png")
    if icon.exists():
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(icon)))
    return app


def _install_translations(app: QApplication) -> None:
    """Qt's own translations for its built-in dialogs, in the current language."""
    from hall.ui.translations import install_qt_translations

    install_qt_translations(app, current_language())


def run_display(argv: list[str]) -> int:
    """``hall display``: the hall's calling screen, full screen unless ``--windowed``."""
    from hall.cli_display import parse_display_args

    args = parse_display_args(list(argv))
    paths = resolve_paths()
    settings = load_settings(paths.settings_file)
    folder_problem = _prepare(paths, settings)
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2

    from PySide6.QtCore import QThreadPool, QTimer

    from hall.ui.display import HallDisplay
    from hall.ui.errors import show_error

    app = _application(settings, _("大厅显示屏"), [])
    if folder_problem is not None:
        show_error(None, folder_problem, _("无法启动"))
        return 1
    from hall.services.context import open_context

    try:
        ctx = open_context(paths, settings=settings)
    except HallError as exc:
        show_error(None, exc, _("无法打开数据库"))
        return 1
    window = HallDisplay(ctx, muted=args.mute)
    try:
        if args.windowed:
            window.resize(1280, 720)
            window.show()
        else:
            window.show_full_screen()
        if os.environ.get("HALL_EXIT_AFTER_START") == "1":
            QTimer.singleShot(0, app.quit)
        return app.exec()
    finally:
        window.close()
        # A read still running on the thread pool must finish before its database closes.
        QThreadPool.globalInstance().waitForDone(5000)
        ctx.close()
