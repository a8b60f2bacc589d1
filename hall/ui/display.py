"""The hall display (`hall display`): a full screen over the waiting area with the number
just called and its window, huge, the calls before it, and how many wait in each
category for about how long. Each new call is announced aloud (see ``hall.ui.voice``).

It reads the queue once a second off the GUI thread and never writes. Calls already on
record when it starts are shown, not announced: a display restarted at noon must not
read out the whole morning. Esc or F11 toggles full screen, Ctrl+Q closes it.
"""

from __future__ import annotations

import logging
import uuid
from typing import Protocol

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from hall.core.errors import HallError
from hall.core.i18n import _
from hall.services.announce import announcement
from hall.services.context import AppContext
from hall.services.queue_status import CallShown, QueueStatus, queue_status, recent_calls
from hall.ui.display_parts import STYLE, WaitingBar, big_label, fit_font
from hall.ui.errors import error_text
from hall.ui.tasks import run_task
from hall.ui.widgets import named

log = logging.getLogger(__name__)

POLL_MS = 1000
HISTORY = 6  # earlier calls listed beside the latest
FETCH = 24  # calls read per poll: enough for HISTORY distinct tickets despite recalls
FLASHES = 10  # half-periods the newest number blinks for, to draw the eye


class Speaker(Protocol):
    """What says the announcements (``hall.ui.voice.Voice``; a fake in tests)."""

    def say(self, text: str) -> None: ...


def _read(ctx: AppContext) -> tuple[list[CallShown], QueueStatus]:
    return recent_calls(ctx, FETCH), queue_status(ctx)


def _distinct(calls: list[CallShown]) -> list[CallShown]:
    """Newest first, each ticket once: a recall moves it to the top, not into the list twice."""
    seen: set[tuple[str, str]] = set()
    out = []
    for call in calls:
        if (call.number, call.window) not in seen:
            seen.add((call.number, call.window))
            out.append(call)
    return out


class HallDisplay(QWidget):
    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        voice: Speaker | None = None,
        muted: bool = False,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.voice = voice  # made on the first announcement: a muted display needs none
        self.muted = muted  # `hall display --mute`, on top of the voice_muted setting
        self.seen: set[uuid.UUID] | None = None  # None until the first read
        self.reading = False
        self.closed = False  # a read finishing after the window closed must not speak
        self.calls: list[CallShown] = []
        self.status: QueueStatus | None = None
        self.setObjectName("hallDisplay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self.setWindowTitle(_("大厅叫号显示屏"))
        self._build_ui()
        for keys, slot in (("Esc", self.toggle_full_screen), ("F11", self.toggle_full_screen)):
            QShortcut(QKeySequence(keys), self, slot)
        QShortcut(QKeySequence("Ctrl+Q"), self, self.close)
        self.flash_left = 0
        self.flash_timer = QTimer(self)
        self.flash_timer.setInterval(400)
        self.flash_timer.timeout.connect(self._flash)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        QTimer.singleShot(0, self, self.refresh)

    def _build_ui(self) -> None:
        self.title = big_label(
            "displayTitle", Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        hall = self.ctx.settings.hall_name or _("政务服务大厅")
        self.title.setText(_("{hall} · 叫号信息").format(hall=hall))
        self.clock = big_label(
            "displayClock", Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        header = QHBoxLayout()
        header.addWidget(self.title, 3)
        header.addWidget(self.clock, 1)

        current = named(QWidget(), "displayCurrent")
        current.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.state_label = big_label("displayState")
        self.number_label = big_label("displayNumber")
        self.window_label = big_label("displayWindow")
        column = QVBoxLayout(current)
        column.addStretch(1)
        column.addWidget(self.state_label)
        column.addWidget(self.number_label)
        column.addWidget(self.window_label)
        column.addStretch(1)

        history = named(QWidget(), "displayHistory")
        history.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.history_title = big_label("displayHistoryTitle")
        self.history_title.setText(_("最近呼叫"))
        grid = QGridLayout(history)
        grid.addWidget(self.history_title, 0, 0, 1, 2)
        self.rows: list[tuple[QLabel, QLabel]] = []
        for i in range(HISTORY):
            pair = (big_label(f"displayHistoryNumber{i}"), big_label(f"displayHistoryWindow{i}"))
            grid.addWidget(pair[0], i + 1, 0)
            grid.addWidget(pair[1], i + 1, 1)
            self.rows.append(pair)
        main = QHBoxLayout()
        main.setSpacing(24)
        main.addWidget(current, 3)
        main.addWidget(history, 2)

        self.waiting = WaitingBar()
        self.problem = big_label("displayProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 20, 32, 24)
        layout.setSpacing(18)
        layout.addLayout(header, 1)
        layout.addLayout(main, 8)
        layout.addWidget(self.problem)
        layout.addWidget(self.waiting, 2)
        self._show_calls()

    # --- reading ----------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the queue in the background (one read at a time: a slow database must
        not pile reads up)."""
        now = self.ctx.clock.now().astimezone(self.ctx.clock.zone)
        self.clock.setText(now.strftime("%H:%M"))
        if self.reading:
            return
        self.reading = True
        ctx = self.ctx
        run_task(self, lambda: _read(ctx), self._read_done, self._read_failed)

    def _read_done(self, result: tuple[list[CallShown], QueueStatus]) -> None:
        self.reading = False
        if self.closed:
            return
        calls, status = result
        self.problem.hide()
        fresh = [] if self.seen is None else [c for c in calls if c.event_id not in self.seen]
        # What left the list is older than all of it and cannot come back.
        self.seen = {c.event_id for c in calls}
        self.calls, self.status = calls, status
        self._show_calls()
        self._show_status()
        if fresh:
            self._flash_start()
            for call in reversed(fresh):  # oldest first, as they were called
                self.announce(call)

    def _read_failed(self, exc: BaseException) -> None:
        self.reading = False
        message = error_text(exc)
        if self.problem.isHidden() or message not in self.problem.text():  # once, not each second
            if isinstance(exc, HallError):
                log.warning("hall display cannot read the queue: %s", message)
            else:
                log.error("hall display cannot read the queue", exc_info=exc)
        self.problem.setText(_("无法读取排队信息：{message} 正在重试……").format(message=message))
        self.problem.show()

    # --- speaking ---------------------------------------------------------------------

    def announce(self, call: CallShown) -> None:
        if self.muted or self.ctx.settings.voice_muted:
            return
        if self.voice is None:
            from hall.ui.voice import Voice

            self.voice = Voice(self)
        text = announcement(
            self.ctx.settings.announce_template, call.number, call.window, recall=call.recall
        )
        self.voice.say(text)

    # --- showing ----------------------------------------------------------------------

    def _show_calls(self) -> None:
        distinct = _distinct(self.calls)
        if distinct:
            latest = distinct[0]
            self.state_label.setText(_("再次呼叫") if latest.recall else _("请"))
            self.number_label.setText(latest.number)
            self.window_label.setText(_("→ {window} 号窗口").format(window=latest.window))
        else:
            self.state_label.setText(_("暂无叫号"))
            self.number_label.setText("")
            self.window_label.setText(_("请留意屏幕和语音叫号"))
        earlier = distinct[1 : HISTORY + 1]
        for i, (number, window) in enumerate(self.rows):
            call = earlier[i] if i < len(earlier) else None
            number.setText(call.number if call else "")
            window.setText(_("→ {window} 号窗口").format(window=call.window) if call else "")
        self._fit_fonts()

    def _show_status(self) -> None:
        assert self.status is not None
        self.waiting.show_categories(self.status.categories)
        self._fit_fonts()

    def _flash_start(self) -> None:
        self.flash_left = FLASHES
        self.flash_timer.start()

    def _flash(self) -> None:
        self.flash_left -= 1
        dim = self.flash_left > 0 and self.flash_left % 2 == 1
        self.number_label.setProperty("dim", dim)
        self.number_label.style().unpolish(self.number_label)
        self.number_label.style().polish(self.number_label)
        if self.flash_left <= 0:
            self.flash_timer.stop()

    def _fit_fonts(self) -> None:
        """Sizes in proportion to the screen's height, each shrunk until its longest text
        fits the width the layout gave its label."""
        h = max(self.height(), 240)
        fit_font(self.title, h * 0.05, [self.title.text()])
        fit_font(self.clock, h * 0.05, ["00:00"])
        fit_font(self.state_label, h * 0.06, [self.state_label.text()])
        fit_font(self.number_label, h * 0.25, [self.number_label.text() or "A000"], bold=True)
        fit_font(self.window_label, h * 0.1, [self.window_label.text()], bold=True)
        fit_font(self.history_title, h * 0.045, [self.history_title.text()])
        for number, window in self.rows:
            fit_font(number, h * 0.055, ["A000", number.text()], bold=True)
            fit_font(window, h * 0.055, [_("→ 12 号窗口"), window.text()])
        self.waiting.fit(h * 0.042)
        fit_font(self.problem, h * 0.03, [])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_fonts()

    # --- the window -------------------------------------------------------------------

    def show_full_screen(self) -> None:
        # The screen's size first: without a window manager (a kiosk's bare X session)
        # nobody else would make the window fill the screen.
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            self.setGeometry(screen.geometry())
        self.showFullScreen()
        # Nobody in the hall uses a mouse here; a pointer in the middle distracts.
        self.setCursor(Qt.CursorShape.BlankCursor)

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
            self.unsetCursor()
        else:
            self.show_full_screen()

    def closeEvent(self, event) -> None:
        self.closed = True
        self.timer.stop()
        self.flash_timer.stop()
        stop = getattr(self.voice, "stop", None)
        if stop is not None:
            stop()
        super().closeEvent(event)
