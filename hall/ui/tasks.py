"""Running slow work off the GUI thread, with the result handed back to it.

``run_task(owner, work, on_done, on_failed)`` runs ``work()`` on Qt's thread pool; when
it returns, ``on_done(result)`` runs on the GUI thread, or ``on_failed(exc)`` if it
raised. Workers never touch widgets; each unit of work opens its own database session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread: signals emitted from a worker arrive there queued."""

    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.work = work
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.work()
        except BaseException as exc:  # handed to the GUI thread, which decides what to say
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


def run_task(
    owner: QObject,
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
) -> None:
    """Start ``work`` in the background; the callbacks run on the GUI thread. ``owner``
    keeps the relay alive until the task reports."""
    relay = _Relay(owner)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        relay.deleteLater()
        callback(value)

    relay.done.connect(lambda result: finish(on_done, result))
    relay.failed.connect(lambda exc: finish(on_failed, exc))
    QThreadPool.globalInstance().start(_Task(work, relay))
