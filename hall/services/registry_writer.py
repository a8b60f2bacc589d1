"""Writing checked registry rows in bulk, fast enough for a city (1.3 million rows).

The work is split in two so that it runs on two cores: :meth:`RegistryWriter.prepare`
turns a batch of rows into what the database takes, and touches no connection (the
import calls it in the thread that reads the file); :meth:`RegistryWriter.write` sends
it, in the session's thread.

On SQLite a batch is one JSON array and one ``INSERT … SELECT … FROM json_each(?)``:
a single call into SQLite per batch, which lets the reading thread run meanwhile
(executemany would take Python's lock back for every row, and the two threads would wait
on each other). Elsewhere (PostgreSQL), and on an SQLite built without JSON, a batch is
one executemany of a statement that SQLAlchemy compiled for the dialect, with values
made by the columns' own bind processors.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Dialect, Index, bindparam, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from hall.models import Applicant
from hall.models.enums import ApplicantKind
from hall.models.parties import applicant_id
from hall.services.registry_file import Entity

_TABLE = Applicant.metadata.tables[Applicant.__tablename__]
_FILE_COLUMNS = ("name", "legal_representative", "address", "registered_scope", "status")
_CACHE_KIB = 256 * 1024  # SQLite's page cache while importing: a city's indexes are ~200 MB

# A batch as a JSON array of [code, name, legal rep, address, scope JSON, status, id].
_FROM_JSON = """
INSERT INTO applicant (kind, code, name, legal_representative, address, registered_scope,
                       status, created_at, updated_at, id)
SELECT :kind, json_extract(value, '$[0]'), json_extract(value, '$[1]'),
       json_extract(value, '$[2]'), json_extract(value, '$[3]'), json_extract(value, '$[4]'),
       json_extract(value, '$[5]'), :now, :now, json_extract(value, '$[6]')
FROM json_each(:rows)
"""
# Known codes get the file's values, but only where one differs (so that ``updated_at``
# and the count of updated rows mean a change). ``WHERE true`` is SQLite's way of
# telling this ON CONFLICT from a join's ON.
_UPSERT = (
    _FROM_JSON
    + """WHERE true ON CONFLICT (code) DO UPDATE SET
    name = excluded.name, legal_representative = excluded.legal_representative,
    address = excluded.address, registered_scope = excluded.registered_scope,
    status = excluded.status, updated_at = excluded.updated_at
WHERE applicant.name IS NOT excluded.name
   OR applicant.legal_representative IS NOT excluded.legal_representative
   OR applicant.address IS NOT excluded.address
   OR applicant.registered_scope IS NOT excluded.registered_scope
   OR applicant.status IS NOT excluded.status
"""
)
_KNOWN_IN_JSON = """
SELECT count(*) FROM applicant
WHERE code IN (SELECT json_extract(value, '$[0]') FROM json_each(:rows))
"""


class RegistryWriter:
    """Adds new codes and updates known ones whose values differ, counting each. One
    writer per import, inside its transaction; :meth:`finish` before the commit."""

    def __init__(self, session: Session, now: datetime, *, expected_rows: int) -> None:
        self.conn = session.connection()
        dialect = self.conn.dialect
        c = _TABLE.c
        self.sqlite = dialect.name == "sqlite"
        self.json = self.sqlite and _has_json(self.conn)
        if self.sqlite:
            # Kept in memory while writing (this connection only) instead of churning
            # through SQLite's default 2 MB (bare sqlite3, a city's rows with these
            # indexes: 46,000 against 16,600 rows/s).
            self.conn.exec_driver_sql(f"PRAGMA cache_size=-{_CACHE_KIB}")
            self.conn.exec_driver_sql("PRAGMA threads=2")  # a second core sorts the index
        existing = self.conn.scalar(select(func.count()).select_from(_TABLE)) or 0
        self.empty = existing == 0
        # Filling a (nearly) empty registry: one sort builds the name index faster than a
        # million random inserts into it (bare sqlite3: 67,000 against 46,000 rows/s). Inside
        # the transaction, so a failed import puts it back; on SQLite only, whose readers
        # go on reading the last commit meanwhile (PostgreSQL would lock them out).
        self._rebuild: Index | None = None
        if self.sqlite and existing * 4 < expected_rows:
            [self._rebuild] = [i for i in _TABLE.indexes if i.name == "ix_applicant_name"]
            self._rebuild.drop(self.conn)
        self.added = self.updated = self.unchanged = 0
        self._now = _db_value(c.updated_at, now, dialect)
        self._kind = _db_value(c.kind, ApplicantKind.enterprise, dialect)
        self._scope = _scope_writer(dialect)
        self._ids = _id_maker(dialect)
        self._insert = _Compiled(
            self.conn, insert(_TABLE),
            ("kind", "code", *_FILE_COLUMNS, "created_at", "updated_at", "id"),
        )  # fmt: skip
        self._update = _Compiled(
            self.conn,
            update(_TABLE).where(c.code == bindparam("match_code")),
            (*_FILE_COLUMNS, "updated_at", "match_code"),
        )

    def prepare(self, entities: Sequence[Entity]) -> Any:
        """What :meth:`write` sends for these rows (their codes distinct, also from
        earlier batches). Uses no connection: safe to call in another thread, one batch
        after another."""
        if not self.json:
            return entities
        scope = self._scope
        ids = self._ids([e[0] for e in entities])
        return len(entities), json.dumps(
            [
                (code, name, rep, address, scope(codes), status, row_id)
                for (code, name, rep, address, codes, status, _line), row_id in zip(
                    entities, ids, strict=True
                )
            ],
            ensure_ascii=False,
            check_circular=False,
        )

    def write(self, prepared: Any) -> None:
        """Send one prepared batch (in the session's thread)."""
        if self.json:
            count, rows = prepared
            if not count:
                return
            params = {"kind": self._kind, "now": self._now, "rows": rows}
            if self.empty:  # nothing to compare with: every code is new
                self.conn.exec_driver_sql(_FROM_JSON, params)
                self.added += count
                return
            known = self.conn.exec_driver_sql(_KNOWN_IN_JSON, {"rows": rows}).scalar_one()
            self.conn.exec_driver_sql(_UPSERT, params)
            changed = self.conn.exec_driver_sql("SELECT changes()").scalar_one()
            self._count(count, added=count - known, updated=changed - (count - known))
            return
        self._write_rows(prepared)

    def _write_rows(self, chunk: Sequence[Entity]) -> None:
        if not chunk:
            return
        if self.empty:
            new, changed = chunk, []
        else:
            known = self._known([e[0] for e in chunk])
            new = [e for e in chunk if e[0] not in known]
            changed = [e for e in chunk if e[0] in known and known[e[0]] != e[1:6]]
        kind, now, scope = self._kind, self._now, self._scope
        self._insert.run(
            [
                (kind, code, name, rep, address, scope(codes), status, now, now, row_id)
                for (code, name, rep, address, codes, status, _line), row_id in zip(
                    new, self._ids([e[0] for e in new]), strict=True
                )
            ]
        )
        self._update.run(
            [
                (name, rep, address, scope(codes), status, now, code)
                for code, name, rep, address, codes, status, _line in changed
            ]
        )
        self._count(len(chunk), added=len(new), updated=len(changed))

    def _count(self, rows: int, *, added: int, updated: int) -> None:
        self.added += added
        self.updated += updated
        self.unchanged += rows - added - updated

    def _known(self, codes: list[str]) -> dict[str, tuple[Any, ...]]:
        """The file's columns of the rows already there, in :class:`Entity`'s form."""
        c = _TABLE.c
        found = self.conn.execute(
            select(c.code, c.name, c.legal_representative, c.address, c.registered_scope,
                   c.status).where(c.code.in_(codes))
        )  # fmt: skip
        return {r[0]: (r[1], r[2], r[3], ";".join(r[4] or ()), r[5]) for r in found}

    def finish(self) -> None:
        if self._rebuild is not None:
            self._rebuild.create(self.conn)
        if self.sqlite:
            self.conn.exec_driver_sql("PRAGMA cache_size=-2000")  # SQLite's defaults
            self.conn.exec_driver_sql("PRAGMA threads=0")


def _has_json(conn: Connection) -> bool:
    """Whether this SQLite has its JSON functions (built in since 3.38, usually before)."""
    try:  # a failed statement leaves an SQLite transaction as it was
        conn.exec_driver_sql("SELECT json_extract('[1]', '$[0]')")
    except DBAPIError:
        return False
    return True


class _Compiled:
    """A Core statement compiled once for this connection's dialect, run with
    ready-made values given in ``keys`` order."""

    def __init__(self, conn: Connection, stmt: ClauseElement, keys: Sequence[str]) -> None:
        columns = [k for k in keys if k in _TABLE.c]
        compiled = stmt.compile(dialect=conn.dialect, column_keys=columns)
        assert isinstance(compiled, SQLCompiler)
        self.conn, self.sql, self.keys = conn, str(compiled), tuple(keys)
        self.positional = compiled.positiontup
        self.reorder: list[int] | None = None
        if self.positional is not None:
            where = [self.keys.index(name) for name in self.positional]
            self.reorder = None if where == list(range(len(keys))) else where

    def run(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        params: list[Any]
        if self.positional is None:  # named parameters (psycopg)
            params = [dict(zip(self.keys, r, strict=True)) for r in rows]
        elif self.reorder is None:
            params = rows
        else:
            params = [tuple(r[i] for i in self.reorder) for r in rows]
        self.conn.exec_driver_sql(self.sql, params)


def _db_value(column: Any, value: Any, dialect: Dialect) -> Any:
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor(value) if processor else value


def _scope_writer(dialect: Dialect) -> Callable[[str], Any]:
    """The stored JSON of a scope list given as codes joined by ";". The codes are letters
    and digits only (checked), so where the dialect writes ``json.dumps`` text, a
    replace gives the same text several times faster."""
    column = _TABLE.c.registered_scope
    if _db_value(column, ["F1040", "H2002"], dialect) == '["F1040", "H2002"]':
        return lambda codes: '["' + codes.replace(";", '", "') + '"]' if codes else "[]"
    return lambda codes: _db_value(column, codes.split(";") if codes else [], dialect)


def _id_maker(dialect: Dialect) -> Callable[[Sequence[str]], list[Any]]:
    """Row ids made from the codes (:func:`hall.models.parties.applicant_id`): every
    machine of a hall that imports the registry gives an entity the same id, so a case
    that names it means the same row on the hall server and on every counter.
    Where the dialect stores a UUID as its 32 hex digits, the digits are made directly."""
    column = _TABLE.c.id
    sample = applicant_id("0")
    stored = _db_value(column, sample, dialect)
    if stored == sample.hex:
        return lambda codes: [applicant_id(code).hex for code in codes]
    if stored is sample:  # a native UUID type: the driver takes the objects
        return lambda codes: [applicant_id(code) for code in codes]
    return lambda codes: [_db_value(column, applicant_id(code), dialect) for code in codes]
