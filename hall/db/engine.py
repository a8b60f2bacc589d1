"""Engines for the local SQLite file and the hall server, with the pragmas that make
SQLite safe for a counter: WAL, synchronous FULL, foreign keys on."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.pool import QueuePool

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)


def _apply_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        # pysqlite would begin a transaction only at the first write (so reads before it
        # are not isolated, and DDL commits as it goes); let SQLAlchemy emit BEGIN instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()


def _begin(connection: Any) -> None:
    immediate = connection.get_execution_options().get("hall_immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def sqlite_url(path: Path) -> URL:
    """The URL of a SQLite file, built as an object: a path with '%' or '#' in it would be
    decoded (and so changed) if it were parsed from a string."""
    return URL.create("sqlite+pysqlite", database=str(path))


def make_engine(
    url: str | URL, *, pool_size: int | None = None, connect_timeout: int | None = None
) -> Engine:
    """An engine for ``url``; SQLite connections get the counter's pragmas. For the hall
    server, ``pool_size`` connections are kept (as many as the threads that use it at
    once) and ``connect_timeout`` (seconds) bounds the wait for an unreachable one."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # Connections are kept (opening one with its pragmas is ~1 ms, most of a look-up
        # by code); each is used by one thread at a time, so pysqlite's same-thread check
        # is off. Whoever changes a connection's pragmas puts them back (see migrate.py).
        engine = create_engine(
            parsed,
            poolclass=QueuePool,
            connect_args={"check_same_thread": False},
            hide_parameters=True,  # errors are logged: no ID number or hash in the log
        )
        event.listen(engine, "connect", _apply_pragmas)
        event.listen(engine, "begin", _begin)
        return engine
    options: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
    if pool_size is not None:
        options["pool_size"] = pool_size
    if connect_timeout is not None:
        # A network that goes dead under an open connection (a pulled cable) is noticed
        # within seconds, not after the system's TCP timeout of many minutes.
        options["connect_args"] = {
            "connect_timeout": connect_timeout,
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 3,
            "keepalives_count": 3,
            "tcp_user_timeout": 15_000,  # ms without an acknowledgement: the link is gone
        }
    return create_engine(parsed, **options)
