"""Running slow work off the GUI thread, with the result handed back to it.

``run_task(owner, work, on_done, on_failed)`` runs ``work()`` on Qt's thread pool; when
it returns, ``on_done(result)`` runs on the GUI thread, or ``on_failed(exc)`` if it
raised. If ``owner`` is gone by then, neither runs. Workers never touch widgets; each
unit of work opens its own database session.

Not even a reference count: if the last reference to a widget's Python wrapper were
dropped on a worker thread, the widget would be destroyed there, and Qt crashes. So the
GUI thread keeps ``work`` and the callbacks until the result has been delivered, the
worker lets go of ``work`` before it reports, and a traceback carried back is cleared of
the frames' locals. ``work`` should still capture plain values, never widgets.
"""

from __future__ import annotations

import itertools
import logging
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Hub(QObject):
    """Lives on the GUI thread for the whole program: results arrive there queued."""

    done = Signal(int, object)
    failed = Signal(int, object)


_Pending = tuple[QObject, Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]]

_hub: _Hub | None = None
_pending: dict[int, _Pending] = {}
_ids = itertools.count(1)


def _deliver(task_id: int, value: Any, failed: bool) -> None:
    owner, _work, on_done, on_failed = _pending.pop(task_id)
    if not shiboken6.isValid(owner):
        log.info("task %s finished after its window was closed; result dropped", task_id)
        return
    if failed:
        on_failed(value)
    else:
        on_done(value)


def _the_hub() -> _Hub:
    global _hub
    if _hub is None:
        _hub = _Hub()
        _hub.done.connect(lambda task_id, result: _deliver(task_id, result, False))
        _hub.failed.connect(lambda task_id, exc: _deliver(task_id, exc, True))
    return _hub


class _Task(QRunnable):
    def __init__(self, task_id: int, work: Callable[[], Any], hub: _Hub) -> None:
        super().__init__()
        self.task_id = task_id
        self.work: Callable[[], Any] | None = work
        self.hub = hub

    def run(self) -> None:
        work, self.work = self.work, None
        assert work is not None
        try:
            result = work()
        except BaseException as exc:  # handed to the GUI thread, which decides what to say
            del work
            if exc.__traceback__ is not None:
                traceback.clear_frames(exc.__traceback__)
            self.hub.failed.emit(self.task_id, exc)
        else:
            del work
            self.hub.done.emit(self.task_id, result)


def run_task(
    owner: QObject,
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
) -> None:
    """Start ``work`` in the background; the callbacks run on the GUI thread, unless
    ``owner`` has been deleted by then. Call it on the GUI thread."""
    hub = _the_hub()
    task_id = next(_ids)
    _pending[task_id] = (owner, work, on_done, on_failed)
    QThreadPool.globalInstance().start(_Task(task_id, work, hub))
