"""Where an action runs: the queue on the hall server while it answers, everything else
on this counter's own file (pushed from its outbox).

The queue is decided on the server so that two counters never call the same ticket. If
the server stops answering in the middle of a queue action, that action's transaction
there is lost whole, the link is marked offline and the action runs again here, on
the counter's own file: the clerk sees it done, not an error.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from hall.core.errors import DatabaseError
from hall.services.context import AppContext
from hall.sync.link import is_connection_error

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


def run_where_queue_runs(
    ctx: AppContext,
    func: Callable[Concatenate[AppContext, P], R],
    *args: P.args,
    **kwargs: P.kwargs,
) -> R:
    """Call ``func(ctx', …)`` with the context the queue runs on now (see above)."""
    return _run(ctx, func, False, *args, **kwargs)


def change_where_queue_runs(
    ctx: AppContext,
    func: Callable[Concatenate[AppContext, P], R],
    *args: P.args,
    **kwargs: P.kwargs,
) -> R:
    """:func:`run_where_queue_runs` for an action that changes the queue: done on the
    hall server, its outcome is pulled here at once (the guide pre-reviews the ticket she
    just issued; a called pickup ticket opens its case from this counter's file)."""
    return _run(ctx, func, True, *args, **kwargs)


def _run(
    ctx: AppContext,
    func: Callable[Concatenate[AppContext, P], R],
    pull: bool,
    *args: P.args,
    **kwargs: P.kwargs,
) -> R:
    target = ctx.where_queue_runs()
    if target is ctx:
        return func(ctx, *args, **kwargs)
    try:
        result = func(target, *args, **kwargs)
    except DatabaseError as exc:
        cause = exc.__cause__
        if ctx.link is None or cause is None or not is_connection_error(cause):
            raise
        log.warning("hall server lost during %s; done on this counter instead", func.__name__)
        ctx.link.lost(cause)
        return func(ctx, *args, **kwargs)
    if pull:
        from hall.services.sync import pull_now

        pull_now(ctx)
    return result


def queue_side(
    func: Callable[Concatenate[AppContext, P], R],
) -> Callable[Concatenate[AppContext, P], R]:
    """Make a queue service run where the queue runs (for reads without a guard)."""

    @functools.wraps(func)
    def wrapper(ctx: AppContext, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return run_where_queue_runs(ctx, func, *args, **kwargs)

    return wrapper


def on_hall_server(
    func: Callable[Concatenate[AppContext, P], R],
) -> Callable[Concatenate[AppContext, P], R]:
    """Make a bulk import of data the hall server owns (the catalog, the calendar) run on
    the server itself when the counter has one, then pull it down; a counter cannot
    import it for the hall while offline (``Offline`` says so). Alone, a counter imports
    into its own file."""

    @functools.wraps(func)
    def wrapper(ctx: AppContext, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if ctx.link is None or ctx.on_server_engine:
            return func(ctx, *args, **kwargs)
        if not ctx.link.online:
            import time

            ctx.link.check(time.monotonic())
        result = func(ctx.on_server(), *args, **kwargs)
        from hall.services.sync import pull_now

        pull_now(ctx)
        ctx.forget_catalog()
        ctx.forget_calendar()
        return result

    return wrapper
