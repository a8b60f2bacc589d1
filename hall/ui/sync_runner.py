"""The connectivity monitor and background sync of the main window.

A timer asks the link every second whether the hall server is due a probe: while online
a round runs every few seconds, offline the link's backoff decides (2, 4 … 60 s). A
round (:func:`hall.services.sync.sync_once`) runs on the thread pool, never two at once
(not even across windows after a sign-out), and what it changed goes to the change bus
so the pages read again. The status bar's connection label says where the counter
stands: standalone, online, offline since when with how many changes waiting, or why it
cannot sync; during a round, what the round is doing.

The worker reports progress through a locked string that the GUI thread reads on a
short timer: nothing Qt is touched, or kept alive, on the worker.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import tzinfo

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from hall.core.i18n import _
from hall.services.context import AppContext
from hall.services.sync import SyncReport, SyncStatus, sync_once, sync_status
from hall.sync.link import LinkState, LinkStatus
from hall.ui.bus import ChangeBus
from hall.ui.errors import error_text
from hall.ui.tasks import run_task

log = logging.getLogger(__name__)

TICK_MS = 1_000
PROGRESS_MS = 250
#: Seconds between rounds while the server answers.
ONLINE_INTERVAL_S = 5.0
#: Seconds between reads of the waiting changes while no round runs (offline).
STATUS_READ_S = 5.0
#: The longest reason shown in the status bar (the whole one is in its tooltip).
REASON_CHARS = 36
WARN = "color: #8a5a00;"
ERROR = "color: #b00020;"

#: One round at a time in this process: a window signed out may leave one running.
_ROUND = threading.Lock()


class _Progress:
    """What the round is doing, written by the worker and read by the GUI thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._text = ""

    def set(self, text: str) -> None:
        with self._lock:
            self._text = text

    def get(self) -> str:
        with self._lock:
            return self._text


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 1] + "…"


def _short(server: str) -> str:
    """The server as a clerk reads it: user@host:port/database (no driver, no scheme)."""
    return server.split("://", 1)[-1]


def connection_text(
    link: LinkStatus | None, status: SyncStatus | None, zone: tzinfo
) -> tuple[str, str, str]:
    """The connection label's text, tooltip and style sheet for the link's state and
    the last count of waiting changes (None: not read yet)."""
    if link is None:
        return _("单机运行 · 本机数据库"), _("没有配置大厅服务器：本机是单机运行的大厅。"), ""
    keys = _("F12 查看同步状态，Ctrl+Shift+Y 立即同步。")
    if link.state is LinkState.online:
        text = _("在线 · 大厅服务器 {server}").format(server=_short(link.server))
        if status is not None and status.set_aside:
            text += " · " + _("{n} 条变更被搁置").format(n=status.set_aside)
            return text, keys, WARN
        return text, keys, ""
    if link.state is LinkState.incompatible:
        tip = f"{link.reason}\n{link.server}\n{keys}"
        return _("无法同步：{reason}").format(reason=_clip(link.reason)), tip, ERROR
    if link.since is None:  # not asked yet: the first round is about to
        text = _("正在连接大厅服务器 {server}…").format(server=_short(link.server))
        return text, keys, ""
    since = link.since.astimezone(zone).strftime("%H:%M")
    if status is not None:
        text = _("离线（{time} 起）· {n} 条变更待同步").format(time=since, n=status.waiting)
        if status.set_aside:
            text += _("（{n} 条被搁置）").format(n=status.set_aside)
    else:
        text = _("离线（{time} 起）").format(time=since)
    tip = _("大厅服务器 {server} 没有响应：{reason}").format(server=link.server, reason=link.reason)
    return text, f"{tip}\n{keys}", WARN


class SyncRunner(QObject):
    """Owned by the main window; renders into its connection label."""

    #: A round ended (the report, on the GUI thread): the sync page reads again.
    round_finished = Signal(object)

    def __init__(self, ctx: AppContext, bus: ChangeBus, label: QLabel, parent: QObject) -> None:
        super().__init__(parent)
        self.ctx, self.bus, self.label = ctx, bus, label
        self.status: SyncStatus | None = None
        self.running = False
        self._reading = self._again = self._stopped = False
        self._progress = _Progress()
        self._error = ""
        self._failures = 0
        self._retry_at = self._last_round = self._last_read = float("-inf")
        self.timer = QTimer(self, interval=TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.progress_timer = QTimer(self, interval=PROGRESS_MS)
        self.progress_timer.timeout.connect(self._render)
        self._render()

    def start(self) -> None:
        """Begin watching the server (nothing to do for a hall of one counter)."""
        if self.ctx.link is None or self._stopped:
            return
        self.timer.start()
        QTimer.singleShot(0, self, self.tick)

    def stop(self) -> None:
        """The window closes: no more rounds (one running finishes on its own)."""
        self._stopped = True
        self.timer.stop()
        self.progress_timer.stop()

    # --- deciding ----------------------------------------------------------------------

    def tick(self) -> None:
        link = self.ctx.link
        if link is None or self._stopped or self.running:
            return
        now = time.monotonic()
        due = link.probe_due(now) and now >= self._retry_at
        if due and (not link.online or now - self._last_round >= ONLINE_INTERVAL_S):
            self.run_round()
            return
        if not link.online and now - self._last_read >= STATUS_READ_S:
            self._read_status()  # the clerk's work adds changes while offline
        self._render()  # another page may have found the server gone

    def sync_now(self) -> None:
        """Ctrl+Shift+Y: a round at once, backoff or not (or right after the running one)."""
        if self.ctx.link is None or self._stopped:
            return
        if self.running:
            self._again = True
            return
        self._retry_at = float("-inf")
        self.run_round()

    # --- the round ---------------------------------------------------------------------

    def run_round(self) -> None:
        if self.running or self._stopped:
            return
        self.running = True
        progress = self._progress
        progress.set(_("正在连接大厅服务器…"))
        self.progress_timer.start()
        self._render()
        ctx = self.ctx

        def work() -> tuple[SyncReport, SyncStatus] | None:
            if not _ROUND.acquire(blocking=False):
                return None  # a round of a closed window is still on: the next tick
            try:
                report = sync_once(ctx, progress=progress.set)
            finally:
                _ROUND.release()
            return report, sync_status(ctx)

        run_task(self, work, self._round_done, self._round_failed)

    def _round_done(self, result: tuple[SyncReport, SyncStatus] | None) -> None:
        self.running = False
        self.progress_timer.stop()
        if result is not None:
            report, self.status = result
            self._last_round = self._last_read = time.monotonic()
            self._failures, self._error = 0, ""
            if not self._stopped:
                self.bus.publish(report.changes)
                self.round_finished.emit(report)
        self._render()
        self._next_if_asked()

    def _round_failed(self, exc: BaseException) -> None:
        """Not the server gone (that is a report): something the round did not expect.
        Said in the status bar and logged; tried again after a growing pause."""
        self.running = False
        self.progress_timer.stop()
        self._failures += 1
        self._retry_at = time.monotonic() + min(60.0, ONLINE_INTERVAL_S * 2**self._failures)
        log.warning("sync round failed", exc_info=(type(exc), exc, exc.__traceback__))
        self._error = error_text(exc)
        self._render()
        self._next_if_asked()

    def _next_if_asked(self) -> None:
        if self._again and not self._stopped:
            self._again = False
            QTimer.singleShot(0, self, self.sync_now)

    def _read_status(self) -> None:
        if self._reading:
            return
        self._reading = True
        self._last_read = time.monotonic()
        ctx = self.ctx

        def done(status: SyncStatus) -> None:
            self._reading = False
            self.status = status
            self._render()

        def failed(exc: BaseException) -> None:
            self._reading = False
            log.warning("could not read the waiting changes: %s", exc)

        run_task(self, lambda: sync_status(ctx), done, failed)

    # --- showing -----------------------------------------------------------------------

    def _render(self) -> None:
        link = self.ctx.link
        if self.running:
            text, tip, style = self._progress.get(), self.label.toolTip(), ""
        elif self._error:
            text = _("同步出错：{error}").format(error=_clip(self._error))
            tip, style = self._error, ERROR
        else:
            status = link.status() if link is not None else None
            text, tip, style = connection_text(status, self.status, self.ctx.clock.zone)
        if self.label.text() != text:
            self.label.setText(text)
        self.label.setToolTip(tip)
        if self.label.styleSheet() != style:
            self.label.setStyleSheet(style)
