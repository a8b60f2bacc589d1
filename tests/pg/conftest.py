"""A real PostgreSQL server: each test gets its own database, created and dropped here.

The server is named by ``HALL_TEST_PG_URL`` (``HALL_TEST_PG`` is its older name), an
administrator's URL such as ``postgresql://postgres@db.example:5433/postgres``; by default
127.0.0.1:5432, user postgres, trust auth, as on CI. Each test's database is on that
server, reached as that user. On a machine without one these tests are skipped, except
on CI (``CI`` set), where a missing server is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import URL, make_url

DEFAULT_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def admin_url() -> URL:
    """The administrator's URL from the environment (any driver suffix dropped)."""
    raw = os.environ.get("HALL_TEST_PG_URL") or os.environ.get("HALL_TEST_PG") or DEFAULT_ADMIN
    return make_url(raw).set(drivername="postgresql")


def libpq(url: URL | str) -> str:
    """A libpq connection string (psycopg's) for a SQLAlchemy URL of any driver."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def admin_connection(url: URL | str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(libpq(url), autocommit=True, connect_timeout=3)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The SQLAlchemy URL of a fresh, empty database, dropped after the test."""
    import psycopg

    admin = admin_url()
    try:
        connection = admin_connection(admin)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        shown = admin.render_as_string(hide_password=True)
        pytest.skip(f"no PostgreSQL server at {shown}: {exc}")
    name = f"hall_test_{uuid.uuid4().hex[:12]}"
    with connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        with admin_connection(admin) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# The sync fault tests' fixtures (tests/pg/sync_support.py), for every module here.
from .sync_support import fault_proxy, hall_url, seeded_template, small_batches  # noqa: E402, F401
