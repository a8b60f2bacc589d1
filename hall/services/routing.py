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
    target = ctx.where_queue_runs()
    if target is ctx:
        return func(ctx, *args, **kwargs)
    try:
        return func(target, *args, **kwargs)
    except DatabaseError as exc:
        cause = exc.__cause__
        if ctx.link is None or cause is None or not is_connection_error(cause):
            raise
        log.warning("hall server lost during %s; done on this counter instead", func.__name__)
        ctx.link.lost(cause)
        return func(ctx, *args, **kwargs)


def queue_side(
    func: Callable[Concatenate[AppContext, P], R],
) -> Callable[Concatenate[AppContext, P], R]:
    """Make a queue service run where the queue runs (for reads without a guard)."""

    @functools.wraps(func)
    def wrapper(ctx: AppContext, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return run_where_queue_runs(ctx, func, *args, **kwargs)

    return wrapper
