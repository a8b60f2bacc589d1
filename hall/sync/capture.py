"""Every change of a replicated table reaches the outbox, whoever made it.

Services name the rows an action changed (``hall.services.audit.record``); a row they
forget would silently never reach the hall server. So the unit of work also watches its
session: each flush notes the replicated rows added, changed or deleted, and just before
the commit the action's outbox entry is completed with all of them, at their final
values (or an entry of its own is added when the action wrote none). Bulk statements
(``session.execute(insert(...))``) are not seen: they are used only for data the hall
server owns and imports itself (the catalog, the registry).

Only the counter's own SQLite database keeps an outbox: an action run on the hall
server (the queue while online) is already where it has to be.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, sessionmaker

from hall.models import OutboxEntry
from hall.sync.codec import jsonable, row_values
from hall.sync.rules import is_replicated

#: ``session.info`` keys: the rows seen so far, and the action's outbox entry.
CHANGED = "hall_changed"
ENTRY = "hall_outbox"


def install(factory: sessionmaker[Session]) -> None:
    """Watch every session ``factory`` makes."""
    event.listen(factory, "after_flush", _collect)
    event.listen(factory, "before_commit", _complete)
    event.listen(factory, "after_commit", _forget)
    event.listen(factory, "after_rollback", _forget)


def keeps_outbox(session: Session) -> bool:
    """Whether this session's database has an outbox (a counter's SQLite file)."""
    return session.get_bind().dialect.name == "sqlite"


def _collect(session: Session, _flush_context: Any) -> None:
    if not keeps_outbox(session):
        return
    changed: dict[tuple[str, str], _Seen] = session.info.setdefault(CHANGED, {})
    for obj, kind in (
        *((o, "new") for o in session.new),
        *((o, "dirty") for o in session.dirty),
        *((o, "deleted") for o in session.deleted),
    ):
        state = sa_inspect(obj)
        name = state.mapper.local_table.name
        if not is_replicated(name):
            continue
        if kind == "dirty" and not session.is_modified(obj):
            continue
        key = (name, "|".join(str(v) for v in state.mapper.primary_key_from_instance(obj)))
        seen = changed.get(key)
        if kind == "deleted":
            changed[key] = _Seen(obj, True, None)
        elif kind == "new" or (seen is not None and seen.columns is None):
            changed[key] = _Seen(obj, False, None)  # made in this transaction: whole
        else:
            columns = {
                attr.columns[0].name
                for attr in state.mapper.column_attrs
                if state.attrs[attr.key].history.has_changes()
            }
            if seen is not None and seen.columns is not None:
                columns |= seen.columns
            changed[key] = _Seen(obj, False, columns)


@dataclass
class _Seen:
    """A replicated row this transaction touched: deleted, or changed in ``columns``
    (None: made here, whole)."""

    obj: object
    deleted: bool
    columns: set[str] | None


def _complete(session: Session) -> None:
    if not keeps_outbox(session):
        return
    session.flush()
    changed: dict[tuple[str, str], _Seen] = session.info.get(CHANGED, {})
    if not changed:
        return
    entry: OutboxEntry | None = session.info.get(ENTRY)
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    captured = {
        key: row_entry(seen.obj, seen.deleted, seen.columns) for key, seen in changed.items()
    }
    if entry is not None:
        for row in entry.payload.get("rows", []):  # the action's own order comes first
            key = _payload_key(row)
            if key in captured and key not in seen:
                rows.append(captured[key])
                seen.add(key)
            elif key not in seen:
                rows.append(row)
                seen.add(key)
    rows.extend(row for key, row in captured.items() if key not in seen)
    if entry is None:
        first = rows[0]
        session.add(
            OutboxEntry(
                created_at=datetime.now(UTC),
                entity=first["table"],
                entity_id=_payload_key(first)[1][:64],
                op="upsert",
                payload={"action": "change", "rows": rows},
            )
        )
    else:
        entry.payload = {**entry.payload, "rows": rows}
        entry.op = "upsert"
    session.info[CHANGED] = {}
    session.flush()


def row_entry(obj: object, deleted: bool, columns: set[str] | None = None) -> dict[str, Any]:
    """One row of an outbox payload: the table and its values (or, deleted, its key).
    ``columns``: the ones this action changed in a row that existed before. The push
    writes only those over the server's row (an account's failed sign-in count, not its
    password or its role, which the administrator may have changed meanwhile); the whole
    row still travels, for a server that does not have it yet."""
    state = sa_inspect(obj)
    name = state.mapper.local_table.name
    if deleted:
        pk = state.mapper.primary_key_from_instance(obj)
        names = [c.name for c in state.mapper.local_table.primary_key.columns]
        return {
            "table": name,
            "delete": True,
            "values": jsonable(dict(zip(names, pk, strict=True))),
        }
    entry: dict[str, Any] = {"table": name, "values": row_values(obj)}
    if columns is not None:
        entry["columns"] = sorted(columns)
    return entry


def _payload_key(row: dict[str, Any]) -> tuple[str, str]:
    from hall.sync.codec import table

    values = row["values"]
    columns = [c.name for c in table(row["table"]).primary_key.columns]
    return row["table"], "|".join(str(values[c]) for c in columns)


def _forget(session: Session) -> None:
    session.info.pop(CHANGED, None)
    session.info.pop(ENTRY, None)
