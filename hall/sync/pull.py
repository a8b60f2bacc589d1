"""Pull: what changed on the hall server since this counter last asked.

The server's triggers log every change of a pulled table in ``sync_change`` with the id
of the transaction that made it. The cursor is a transaction id: a pull reads the
changes of every transaction older than the oldest one still running in the hall's
database, all of them finished, so none is skipped because it committed late; the next
pull starts there. (Not ``pg_snapshot_xmin``, which counts the transactions of every
database of the cluster: a long one elsewhere would hold every counter back.)

The changes are applied to the local file in one transaction, with foreign keys checked
at its end (a sub-case may arrive before its case). A row of a counter-owned table that
this machine changed and has not pushed yet is left alone: the local change goes up
first and the server's outcome comes back with a later pull. Server-owned rows always
take the server's values; a local row in the way of one of its unique keys (a category
letter made on a counter before it joined the hall server) gives way.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, delete, func, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from hall.models import OutboxEntry, SyncChange, SyncState
from hall.sync.codec import decode, jsonable, table, values_key
from hall.sync.rules import Owner, rule

log = logging.getLogger(__name__)

CURSOR = "pull_cursor"
FETCH = 2000


@dataclass(frozen=True)
class PullResult:
    changes: int = 0  # log rows read
    applied: int = 0  # rows written here
    kept_local: int = 0  # rows left alone because a local change waits to go up
    tables: frozenset[str] = frozenset()  # tables that changed here


def pending_keys(conn: Connection) -> set[tuple[str, str]]:
    """(table, key) of every row in an outbox entry not yet on the server."""
    keys: set[tuple[str, str]] = set()
    names = table_names()
    for (payload,) in conn.execute(
        select(OutboxEntry.payload).where(OutboxEntry.sent_at.is_(None))
    ):
        for row in payload.get("rows", ()):
            name = row.get("table")
            if name in names:
                keys.add((name, values_key(name, row["values"])))
    return keys


def table_names() -> set[str]:
    from hall.models import Base

    return set(Base.metadata.tables)


#: One pull at a time in a process (the background round and the one after a queue
#: action): two at once would read overlapping windows and move the cursor back.
_ONE_AT_A_TIME = threading.Lock()


def pull(
    local: Engine,
    server: Engine,
    now: Callable[[], datetime],
    *,
    progress: Callable[[int], None] | None = None,
) -> PullResult:
    """Bring the server's changes since the cursor into the local file. Raises
    ``DBAPIError`` when the server fails (nothing is applied then, the cursor stays)."""
    with _ONE_AT_A_TIME:
        return _pull(local, server, now, progress)


def _pull(
    local: Engine,
    server: Engine,
    now: Callable[[], datetime],
    progress: Callable[[int], None] | None,
) -> PullResult:
    with local.connect() as conn:
        state = conn.execute(select(SyncState.value).where(SyncState.name == CURSOR)).scalar()
    cursor = int(state["xid"]) if state else 0
    latest: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    read = 0
    with server.connect() as sconn, sconn.begin():
        upper = horizon(sconn)
        if upper <= cursor:
            return PullResult()
        # Not only the changes of the window's transactions (``cursor <= xid < upper``):
        # the log from the first of those on, committed ones above the window included.
        # A row's changes are logged in the order they were made (a second writer waits
        # for the first to commit), not in the order of the transactions' ids: a row's
        # newest state may be above the window (pushed from here a moment ago, while
        # another transaction held the horizon back) or come from a lower id that wrote
        # it last. The window's own changes would bring an older state back here.
        first = select(func.min(SyncChange.seq)).where(SyncChange.xid >= cursor)
        result = sconn.execution_options(yield_per=FETCH).execute(
            select(SyncChange.table_name, SyncChange.op, SyncChange.row_data)
            .where(SyncChange.seq >= first.scalar_subquery())
            .order_by(SyncChange.seq)
        )
        names = table_names()
        for name, op, values in result:
            read += 1
            if name not in names:  # a table of a newer program: not ours to keep
                continue
            latest[(name, values_key(name, values))] = (op, values)
            if progress is not None and read % FETCH == 0:
                progress(read)
    applied, kept, tables = _apply(local, latest, upper, now())
    return PullResult(read, applied, kept, frozenset(tables))


def horizon(conn: Connection) -> int:
    """The id below which every transaction of this database has finished: the next id
    to be given out, or the oldest still running here if that is lower. Read in this
    order (the activity view is a snapshot taken at its first use in a transaction), a
    transaction below the result cannot still be running when the changes are read.
    An autovacuum's ANALYZE, which also holds a transaction id for a while, holds nothing
    back (it writes none of the hall's tables). The activity view hides the type of
    another role's session (NULL), not its transaction: those count."""
    xmax = int(
        conn.execute(text("SELECT pg_snapshot_xmax(pg_current_snapshot())::text")).scalar_one()
    )
    running = conn.execute(
        text(
            "SELECT backend_xid::text FROM pg_stat_activity "
            "WHERE datname = current_database() AND backend_xid IS NOT NULL "
            "AND backend_type IS DISTINCT FROM 'autovacuum worker' "
            "AND pid <> pg_backend_pid()"
        )
    ).scalars()
    upper = xmax
    for xid32 in running:
        older = _older_by(int(xid32), xmax)
        if older:  # (one that began after xmax was read does not hold anything back)
            upper = min(upper, xmax - older)
    return upper


def _older_by(xid32: int, xmax: int) -> int:
    """How far a 32-bit transaction id (as the activity view shows it) lies before the
    64-bit ``xmax``, counted modulo 2**32 as PostgreSQL compares them; 0 when it is not
    before it."""
    behind = ((xmax & 0xFFFFFFFF) - xid32) % (1 << 32)
    return behind if 0 < behind < (1 << 31) else 0


def _apply(
    local: Engine,
    latest: dict[tuple[str, str], tuple[str, dict[str, Any]]],
    upper: int,
    at: datetime,
) -> tuple[int, int, set[str]]:
    """Write the changes and move the cursor, in one local transaction."""
    applied = kept = 0
    tables: set[str] = set()
    with local.connect() as conn:
        conn = conn.execution_options(hall_immediate=True)
        with conn.begin():
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            pending = pending_keys(conn)
            upserts: dict[str, list[dict[str, Any]]] = {}
            deletes: dict[str, list[dict[str, Any]]] = {}
            for (name, key), (op, values) in latest.items():
                owner = rule(name).owner
                if owner is Owner.counter and (name, key) in pending:
                    kept += 1
                    continue
                target = deletes if op == "delete" else upserts
                target.setdefault(name, []).append(decode(name, values))
            for name, rows in upserts.items():
                _upsert_local(conn, table(name), rows)
                applied += len(rows)
                tables.add(name)
            for name, rows in deletes.items():
                t = table(name)
                pk = list(t.primary_key.columns)
                for values in rows:
                    conn.execute(delete(t).where(and_(*(c == values[c.name] for c in pk))))
                applied += len(rows)
                tables.add(name)
            _save_cursor(conn, upper, at)
    return applied, kept, tables


def _upsert_local(conn: Connection, t: Table, rows: list[dict[str, Any]]) -> None:
    groups: dict[frozenset[str], list[dict[str, Any]]] = {}
    for values in rows:
        groups.setdefault(frozenset(values), []).append(values)
    pk = [c.name for c in t.primary_key.columns]
    for columns, params in groups.items():
        stmt = sqlite_insert(t)
        changing = {c: stmt.excluded[c] for c in sorted(columns) if c not in pk}
        upsert = (
            stmt.on_conflict_do_update(index_elements=pk, set_=changing)
            if changing
            else stmt.on_conflict_do_nothing(index_elements=pk)
        )
        try:
            with conn.begin_nested():
                conn.execute(upsert, params)
        except IntegrityError:
            server_owned = rule(t.name).owner is Owner.server
            for values in params:
                if server_owned:  # a local row holds one of its unique keys: it gives way
                    _make_way(conn, t, values)
                    conn.execute(upsert, [values])
                    continue
                try:
                    with conn.begin_nested():
                        conn.execute(upsert, [values])
                except IntegrityError as exc:
                    # Two counters made rows with one natural key while both were offline
                    # (two first reprints of a license): this one's own row stays here, its
                    # push is set aside for the administrator, and the pull goes on.
                    log.warning("pull: a %s row clashes with one made here: %s", t.name, exc.orig)


def _make_way(conn: Connection, t: Table, values: dict[str, Any]) -> None:
    pk = list(t.primary_key.columns)
    not_this = ~and_(*(c == values[c.name] for c in pk))
    for columns in _unique_keys(t):
        if all(c.name in values for c in columns):
            match = and_(*(c == values[c.name] for c in columns))
            gone = conn.execute(delete(t).where(match, not_this)).rowcount
            if gone:
                log.info("pull: a local %s row gave way to the server's", t.name)


def _unique_keys(t: Table) -> list[list[Any]]:
    from sqlalchemy import UniqueConstraint

    keys = [list(c.columns) for c in t.constraints if isinstance(c, UniqueConstraint)]
    keys += [[c] for c in t.columns if c.unique]
    keys += [list(i.columns) for i in t.indexes if i.unique]
    return keys


def _save_cursor(conn: Connection, xid: int, at: datetime) -> None:
    stmt = sqlite_insert(SyncState).values(
        name=CURSOR, value=jsonable({"xid": xid, "pulled_at": at})
    )
    conn.execute(
        stmt.on_conflict_do_update(index_elements=["name"], set_={"value": stmt.excluded.value})
    )


def cursor_state(local: Engine) -> dict[str, Any]:
    """The pull cursor and when the last pull finished (empty before the first)."""
    with local.connect() as conn:
        value = conn.execute(select(SyncState.value).where(SyncState.name == CURSOR)).scalar()
    return dict(value) if value else {}
