"""Push: the outbox replayed to the hall server, in order, in batches.

Each batch is one server transaction: the rows are upserted by primary key (grouped by
table, parents before children, one ``executemany`` each) and every entry's id is kept
in ``sync_receipt``. An entry is marked sent here only after the server committed, so a
connection cut, a server restart or this process killed anywhere in between leaves
entries the server may already hold: their receipts make the replay change nothing.

A row the server refuses (a constraint it breaks) sets its entry aside with the reason,
and the batch goes on without it: nothing behind it waits. An administrator retries it
or escalates it from the sync page (``hall.services.sync``).
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError

from hall.core.i18n import _
from hall.models import AuditEntry, AuditHead, Base, OutboxEntry, SyncReceipt, SyncState
from hall.sync.codec import decode, jsonable, table, values_key
from hall.sync.link import is_connection_error, is_transient
from hall.sync.rules import rule

log = logging.getLogger(__name__)

BATCH = 500


@dataclass(frozen=True)
class PushResult:
    sent: int = 0  # entries the server now holds (applied now, or before: a replay)
    replayed: int = 0  # of them, entries it already had
    set_aside: int = 0
    audit: int = 0  # audit entries sent
    batches: int = 0

    def __add__(self, other: PushResult) -> PushResult:
        return PushResult(
            self.sent + other.sent,
            self.replayed + other.replayed,
            self.set_aside + other.set_aside,
            self.audit + other.audit,
            self.batches + other.batches,
        )


@functools.cache
def _rank() -> dict[str, int]:
    """Tables in the order their rows can be inserted (a parent before its children)."""
    return {t.name: i for i, t in enumerate(Base.metadata.sorted_tables)}


@dataclass(frozen=True)
class _Entry:
    seq: int
    id: uuid.UUID
    rows: tuple[dict[str, Any], ...]


def waiting(local: Engine, limit: int) -> list[_Entry]:
    """The oldest entries not yet sent and not set aside, in order."""
    with local.connect() as conn:
        result = conn.execute(
            select(OutboxEntry.seq, OutboxEntry.id, OutboxEntry.payload)
            .where(OutboxEntry.sent_at.is_(None), OutboxEntry.set_aside_at.is_(None))
            .order_by(OutboxEntry.seq)
            .limit(limit)
        )
        return [_Entry(seq, id_, tuple(payload.get("rows", ()))) for seq, id_, payload in result]


def push(
    local: Engine,
    server: Engine,
    origin: str,
    now: Callable[[], datetime],
    *,
    batch_size: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> PushResult:
    """Send the whole outbox (and this machine's audit chain) to ``server``.

    ``progress`` is told how many entries went after each batch. Raises ``DBAPIError``
    when the connection fails (whatever the server committed is recognised next time).
    """
    total = PushResult()
    while True:
        entries = waiting(local, batch_size)
        if not entries:
            break
        refused = apply_batch(server, entries, origin, now())
        _mark(local, entries, refused, now())
        total += PushResult(
            sent=len(entries) - len(refused.errors),
            replayed=refused.replayed,
            set_aside=len(refused.errors),
            batches=1,
        )
        if progress is not None:
            progress(total.sent)
    return total + PushResult(audit=push_audit(local, server, batch_size=batch_size * 4))


@dataclass
class _Outcome:
    errors: dict[uuid.UUID, str]
    replayed: int


def apply_batch(server: Engine, entries: Sequence[_Entry], origin: str, at: datetime) -> _Outcome:
    """Apply ``entries`` in one server transaction; returns the refused ones' reasons."""
    errors: dict[uuid.UUID, str] = {}
    with server.connect() as conn, conn.begin():
        # One push per counter at a time (its window and a `hall sync` beside it): the
        # second waits, then finds the first one's receipts and skips those entries.
        conn.execute(select(func.pg_advisory_xact_lock(func.hashtext("hall-push:" + origin))))
        conn.execute(select(func.set_config("hall.origin", origin[:16], True)))
        ids = [e.id for e in entries]
        done = set(conn.scalars(select(SyncReceipt.entry_id).where(SyncReceipt.entry_id.in_(ids))))
        todo = [e for e in entries if e.id not in done]
        try:
            with conn.begin_nested():
                _apply_rows(conn, todo)
        except (DBAPIError, *_UNREADABLE) as exc:
            if is_connection_error(exc) or is_transient(exc):
                raise
            log.info("batch refused (%s); applying its entries one by one", exc)
            for entry in todo:
                try:
                    with conn.begin_nested():
                        _apply_rows(conn, [entry])
                except (DBAPIError, *_UNREADABLE) as one:
                    if is_connection_error(one) or is_transient(one):
                        raise
                    errors[entry.id] = _refusal(one)
                    log.warning("outbox entry %s refused by the server: %s", entry.seq, one)
        accepted = [e.id for e in todo if e.id not in errors]
        if accepted:
            conn.execute(
                pg_insert(SyncReceipt).on_conflict_do_nothing(),
                [{"entry_id": i, "origin": origin, "received_at": at} for i in accepted],
            )
    return _Outcome(errors, len(done))


#: A row this program cannot read back (a value its column does not take).
_UNREADABLE = (ValueError, KeyError, TypeError)


def _refusal(exc: Exception) -> str:
    if isinstance(exc, DBAPIError):
        detail = str(exc.orig or exc).strip().splitlines()
        return _("大厅服务器拒收：{detail}").format(
            detail=detail[0] if detail else type(exc).__name__
        )
    return _("变更的内容无法读取（{kind}：{detail}），未发送。").format(
        kind=type(exc).__name__, detail=exc
    )


def _apply_rows(conn: Connection, entries: Iterable[_Entry]) -> None:
    """Upsert every row of ``entries``: the last value of each row wins, tables in
    dependency order (so a case goes before its sub-cases), one statement per table and
    set of columns; deletes after, children first."""
    upserts: dict[str, dict[str, tuple[dict[str, Any], frozenset[str] | None]]] = {}
    deletes: dict[str, dict[str, dict[str, Any]]] = {}
    for entry in entries:
        for row in entry.rows:
            name, values = row["table"], row["values"]
            if not rule(name).pushed or name not in Base.metadata.tables:
                continue
            key = values_key(name, values)
            if row.get("delete"):
                upserts.get(name, {}).pop(key, None)
                deletes.setdefault(name, {})[key] = values
                continue
            deletes.get(name, {}).pop(key, None)
            columns = frozenset(row["columns"]) if "columns" in row else None
            before = upserts.setdefault(name, {}).get(key)
            if before is not None and columns is not None:  # changed twice: both count
                columns = None if before[1] is None else before[1] | columns
            upserts[name][key] = (values, columns)
    rank = _rank()
    for name in sorted(upserts, key=rank.__getitem__):
        _upsert(conn, table(name), list(upserts[name].values()))
    for name in sorted(deletes, key=rank.__getitem__, reverse=True):
        t = table(name)
        pk = list(t.primary_key.columns)
        for values in deletes[name].values():
            typed = decode(name, values)
            conn.execute(delete(t).where(and_(*(c == typed[c.name] for c in pk))))


def _upsert(
    conn: Connection, t: Table, rows: list[tuple[dict[str, Any], frozenset[str] | None]]
) -> None:
    """Insert each row, or write over the server's row the columns the counter changed
    (all of them for a row it made). A row the table's rule says is final on the server
    stays as it is, and is touched (logged again, unchanged), so that the pull brings
    the server's state back to the counter that pushed an older one."""
    groups: dict[tuple[frozenset[str], frozenset[str] | None], list[dict[str, Any]]] = {}
    for values, columns in rows:
        typed = decode(t.name, values)
        groups.setdefault((frozenset(typed), columns), []).append(typed)
    rule_ = rule(t.name)
    pk = [c.name for c in t.primary_key.columns]
    final = rule_.final_column
    for (present, columns), params in groups.items():
        stmt = pg_insert(t)
        written = present if columns is None else present & columns
        changing = {c: stmt.excluded[c] for c in sorted(written) if c not in pk}
        if not changing:
            conn.execute(stmt.on_conflict_do_nothing(index_elements=pk), params)
            continue
        if not final:
            conn.execute(stmt.on_conflict_do_update(index_elements=pk, set_=changing), params)
            continue
        # Written out (the rule's own constants): an executemany takes no expanding IN.
        finals = ", ".join("'" + v.replace("'", "''") + "'" for v in rule_.final)
        column_sql = f'"{t.name}"."{final}"'
        kept = text(f'NOT ({column_sql} IN ({finals}) AND excluded."{final}" NOT IN ({finals}))')
        conn.execute(
            stmt.on_conflict_do_update(index_elements=pk, set_=changing, where=kept), params
        )
        server_final = t.c[final].in_(rule_.final)
        not_final = [p[pk[0]] for p in params if _plain(p.get(final)) not in rule_.final]
        if not_final and len(pk) == 1:
            column = t.c[pk[0]]
            conn.execute(
                update(t).where(column.in_(not_final), server_final).values({pk[0]: column})
            )


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)  # an enum member, as the rule names it


def _mark(local: Engine, entries: Sequence[_Entry], outcome: _Outcome, at: datetime) -> None:
    sent = [e.seq for e in entries if e.id not in outcome.errors]
    with local.begin() as conn:
        if sent:
            conn.execute(
                update(OutboxEntry)
                .where(OutboxEntry.seq.in_(sent))
                .values(
                    sent_at=at,
                    last_tried_at=at,
                    attempts=OutboxEntry.attempts + 1,
                    last_error="",
                )
            )
        for entry in entries:
            reason = outcome.errors.get(entry.id)
            if reason is not None:
                conn.execute(
                    update(OutboxEntry)
                    .where(OutboxEntry.seq == entry.seq)
                    .values(
                        set_aside_at=at,
                        last_tried_at=at,
                        attempts=OutboxEntry.attempts + 1,
                        last_error=reason,
                    )
                )


# -- the audit chain -------------------------------------------------------------------

_AUDIT_STATE = "audit_pushed"


def push_audit(local: Engine, server: Engine, *, batch_size: int = 2000) -> int:
    """Send this machine's audit entries that the server lacks, in chain order, and move
    the server's copy of this chain's head. Idempotent: entries are inserted by id."""
    sent = 0
    while True:
        with local.connect() as conn:
            head = conn.execute(select(AuditHead.chain).where(AuditHead.local)).scalar()
            if head is None:
                return sent
            state = conn.execute(
                select(SyncState.value).where(SyncState.name == _AUDIT_STATE)
            ).scalar()
            after = int(state["seq"]) if state and state.get("chain") == head else 0
            rows = conn.execute(
                select(AuditEntry.__table__)
                .where(AuditEntry.chain == head, AuditEntry.seq > after)
                .order_by(AuditEntry.seq)
                .limit(batch_size)
            ).mappings()
            entries = [dict(r) for r in rows]
        if not entries:
            return sent
        last = entries[-1]
        with server.begin() as conn:
            conn.execute(pg_insert(AuditEntry).on_conflict_do_nothing(), entries)
            _move_head(conn, head, last["seq"], last["hash"])
        set_state(local, _AUDIT_STATE, {"chain": head, "seq": last["seq"]})
        sent += len(entries)


def _move_head(conn: Connection, chain: str, seq: int, hash_: str) -> None:
    """Move the server's copy of ``chain``'s head forward to ``seq`` (made on the first
    push). Not ``INSERT … ON CONFLICT DO UPDATE``: the server's trigger that keeps heads
    moving forward runs before the conflict is seen and refuses the insert of a known
    chain; and a head already at or past ``seq`` (a replay) is left alone."""
    moved = conn.execute(
        update(AuditHead)
        .where(AuditHead.chain == chain, AuditHead.seq < seq)
        .values(seq=seq, hash=hash_)
    ).rowcount
    if not moved and conn.scalar(select(AuditHead.seq).where(AuditHead.chain == chain)) is None:
        conn.execute(pg_insert(AuditHead).values(chain=chain, seq=seq, hash=hash_, local=False))


def set_state(local: Engine, name: str, value: dict[str, Any]) -> None:
    """Keep one named sync value on this machine."""
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    stmt = sqlite_insert(SyncState).values(name=name, value=jsonable(value))
    with local.begin() as conn:
        conn.execute(
            stmt.on_conflict_do_update(index_elements=["name"], set_={"value": stmt.excluded.value})
        )


def get_state(local: Engine, name: str) -> dict[str, Any]:
    with local.connect() as conn:
        value = conn.execute(select(SyncState.value).where(SyncState.name == name)).scalar()
    return dict(value) if value else {}
