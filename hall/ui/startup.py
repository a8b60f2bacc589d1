"""Opening the application context without keeping the first window waiting.

SQLAlchemy and the models take about a third of a second to import; the sign-in window
does not need them until the clerk presses Enter. :class:`ContextLoader` opens the
context on a background thread (no Qt is touched there) and hands it over on demand.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from hall.core.paths import Paths
from hall.core.settings import Settings

if TYPE_CHECKING:
    from hall.services.context import AppContext


class ContextLoader:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._ctx: AppContext | None = None
        self._error: BaseException | None = None
        self._done = threading.Event()
        self._paths: Paths | None = None
        self._started = False

    @classmethod
    def ready(cls, ctx: AppContext) -> ContextLoader:
        """A loader for a context that is already open (after a migration, in tests)."""
        loader = cls(ctx.settings)
        loader._ctx = ctx
        loader._done.set()
        return loader

    @classmethod
    def deferred(cls, paths: Paths, settings: Settings) -> ContextLoader:
        """A loader for the (already migrated) database that opens it on a background
        thread once :meth:`start` is called, or at once when :meth:`result` is asked first.
        """
        loader = cls(settings)
        loader._paths = paths
        return loader

    def start(self) -> None:
        """Begin opening the context in the background (called once the first window is
        on screen: the import would otherwise compete with it for the interpreter)."""
        if self._started or self._paths is None:
            return
        self._started = True
        paths, settings = self._paths, self.settings

        def work() -> None:
            try:
                from hall.services.context import open_context

                self._ctx = open_context(paths, settings=settings)
            except BaseException as exc:  # handed to the GUI thread by result()
                self._error = exc
            finally:
                self._done.set()

        threading.Thread(target=work, name="open-context", daemon=True).start()

    def result(self) -> AppContext:
        """The context, waiting for it if needed; re-raises what opening it raised."""
        self.start()
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._ctx is not None
        return self._ctx

    def close(self) -> None:
        if self._done.is_set() and self._ctx is not None:
            self._ctx.close()
