"""Background work hands its result to the GUI thread, and only to a living owner."""

import threading

import shiboken6
from PySide6.QtCore import QObject, QThreadPool

from hall.ui import tasks
from hall.ui.tasks import run_task


def test_result_and_failure_arrive_on_the_gui_thread(qtbot) -> None:
    owner = QObject()
    got: list[object] = []
    gui = threading.get_ident()
    run_task(owner, lambda: threading.get_ident(), got.append, got.append)
    run_task(
        owner, lambda: 1 / 0, lambda r: None, lambda exc: got.append((exc, threading.get_ident()))
    )
    qtbot.waitUntil(lambda: len(got) == 2, timeout=5_000)
    worker_id = next(g for g in got if isinstance(g, int))
    exc, where = next(g for g in got if isinstance(g, tuple))
    assert worker_id != gui and where == gui and isinstance(exc, ZeroDivisionError)
    assert not tasks._pending  # nothing kept once delivered


def test_a_result_for_a_deleted_owner_is_dropped(qtbot) -> None:
    owner = QObject()
    release = threading.Event()
    got: list[object] = []
    run_task(owner, lambda: release.wait(5) and "late", got.append, got.append)
    shiboken6.delete(owner)
    release.set()
    QThreadPool.globalInstance().waitForDone(5_000)
    qtbot.waitUntil(lambda: not tasks._pending, timeout=5_000)
    assert got == []
