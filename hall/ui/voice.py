"""Saying the hall display's calls aloud, one after another.

Qt's text-to-speech where an engine of the system has a Chinese voice; otherwise
espeak-ng's Mandarin voice, run as a separate program; otherwise nothing (logged once:
the screen still shows every call). Announcements wait their turn: two counters calling
at once must not talk over each other.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QLocale, QObject, QProcess, QTimer, Signal

from hall.services.announce import espeak_available, speak_command

log = logging.getLogger(__name__)

#: A pause between two announcements, so they are heard as two.
GAP_MS = 700
#: An announcement still going after this long is abandoned (a stuck engine or
#: process must not silence every later call).
WATCHDOG_MS = 30_000
#: Qt's test engine speaks nothing; never mistake it for a voice.
SKIPPED_ENGINES = ("mock",)


def _chinese_tts(parent: QObject):
    """A ``QTextToSpeech`` set to a Chinese voice, or None where no engine has one."""
    try:
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError:  # a build of Qt without the module
        return None
    for engine in QTextToSpeech.availableEngines():
        if engine in SKIPPED_ENGINES:
            continue
        tts = QTextToSpeech(engine, parent)
        if tts.state() == QTextToSpeech.State.Error:
            tts.deleteLater()
            continue
        chinese = [
            loc for loc in tts.availableLocales() if loc.language() == QLocale.Language.Chinese
        ]
        # Mainland Mandarin first: a Cantonese or Taiwanese voice is a poorer second.
        chinese.sort(key=lambda loc: loc.territory() != QLocale.Country.China)
        for locale in chinese:
            tts.setLocale(locale)
            if tts.availableVoices():
                log.info("announcing with Qt text-to-speech %s, %s", engine, locale.name())
                return tts
        tts.deleteLater()
    return None


class Voice(QObject):
    """Announcements in a queue. ``say(text)`` returns at once; ``started`` is emitted as
    each one begins. ``kind`` is ``"qt"``, ``"espeak"`` or ``""`` (silent)."""

    started = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        use_qt: bool = True,
        command: Callable[[str], list[str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self._queue: deque[str] = deque()
        self._busy = False
        self._process: QProcess | None = None
        self._tts = _chinese_tts(self) if use_qt else None
        if command is None and espeak_available():
            command = speak_command
        self._command = command if self._tts is None else None
        self.kind = "qt" if self._tts is not None else "espeak" if self._command else ""
        if self.kind == "espeak":
            log.info("announcing with espeak-ng")
        if not self.kind:
            log.warning(
                "no Chinese voice: Qt text-to-speech has none and espeak-ng is not installed; "
                "calls are shown, not spoken"
            )
        elif self._tts is not None:
            self._tts.stateChanged.connect(self._tts_state)
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.setInterval(WATCHDOG_MS)
        self._watchdog.timeout.connect(self._stuck)

    @property
    def busy(self) -> bool:
        return self._busy or bool(self._queue)

    def say(self, text: str) -> None:
        if not self.kind:
            return
        self._queue.append(text)
        self._next()

    def stop(self) -> None:
        """Forget what waits and end what is being said (the display is closing)."""
        self._queue.clear()
        self._watchdog.stop()
        if self._tts is not None:
            self._tts.stop()
        self._end_process()
        self._busy = False

    def _next(self) -> None:
        if self._busy or not self._queue:
            return
        text = self._queue.popleft()
        self._busy = True
        self._watchdog.start()
        self.started.emit(text)
        if self._tts is not None:
            self._tts.say(text)
            return
        assert self._command is not None
        argv = self._command(text)
        process = QProcess(self)
        # Its output is ALSA's chatter on a machine without sound; its status says enough.
        process.setStandardOutputFile(QProcess.nullDevice())
        process.setStandardErrorFile(QProcess.nullDevice())
        process.finished.connect(self._process_done)
        process.errorOccurred.connect(self._process_error)
        self._process = process
        process.start(argv[0], argv[1:])

    def _tts_state(self, state) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if not self._busy:
            return
        if state == QTextToSpeech.State.Error:
            assert self._tts is not None
            log.warning("text-to-speech failed: %s", self._tts.errorString())
            self._done()
        elif state == QTextToSpeech.State.Ready:
            self._done()

    def _process_done(self, code: int, _status) -> None:
        if code:
            log.warning("espeak-ng ended with status %s", code)
        self._done()

    def _process_error(self, error) -> None:
        # Only a failure to start means no ``finished`` will follow.
        if error == QProcess.ProcessError.FailedToStart:
            log.warning(
                "could not start espeak-ng: %s", self._process and self._process.errorString()
            )
            self._done()

    def _stuck(self) -> None:
        log.warning("an announcement took over %s s; skipped", WATCHDOG_MS // 1000)
        if self._tts is not None:
            self._tts.stop()
        self._end_process()
        self._done()

    def _end_process(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.finished.disconnect()
        process.errorOccurred.disconnect()
        process.kill()
        # Qt warns when a QProcess is destroyed with its program still running.
        process.waitForFinished(1000)
        process.deleteLater()

    def _done(self) -> None:
        self._watchdog.stop()
        if self._process is not None:
            self._process.deleteLater()
            self._process = None
        self._busy = False
        QTimer.singleShot(GAP_MS, self, self._next)
