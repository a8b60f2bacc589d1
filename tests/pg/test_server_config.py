"""Pointing a counter at the hall server: `hall server init`, ``HALL_SERVER_URL``, the
password from the keyring, and a server whose schema is not this program's."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from hall.core.errors import ValidationError
from hall.core.paths import resolve_paths
from hall.db import migrate
from hall.db.engine import make_engine
from hall.services.context import open_context
from hall.services.server import (
    parse_server_url,
    server_engine,
    store_password,
    stored_password,
)

from ..cli_support import run
from ..keyrings import MemoryKeyring, failing, installed

pytestmark = pytest.mark.pg


def test_a_counter_joins_the_server_it_is_pointed_at(pg_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HALL_DATA_DIR", str(tmp_path / "counter"))
    monkeypatch.setenv("HALL_SERVER_URL", pg_url)
    monkeypatch.setenv("HALL_COUNTER", "C05")

    code, _out, err = run(capsys, "init")  # before the server has a schema
    assert code == 1 and "hall server init" in err

    code, out, err = run(capsys, "server", "init", "--admin-password", "Hall server 2026")
    assert code == 0 and "已在大厅服务器上建立数据库结构" in out, err
    assert "已在大厅服务器上创建1个账号" in out
    assert "已是最新版本" in run(capsys, "server", "init")[1]

    code, out, err = run(capsys, "init")
    assert code == 0 and "已从大厅服务器" in out, err
    ctx = open_context(resolve_paths())
    try:  # the counter works on its own file, and knows the server
        assert ctx.engine.dialect.name == "sqlite" and ctx.link is not None
        assert "5432" in ctx.server
    finally:
        ctx.close()
    monkeypatch.setenv("HALL_USER", "admin")
    monkeypatch.setenv("HALL_PASSWORD", "Hall server 2026")
    code, out, _err = run(capsys, "queue", "status", "--json")
    assert code == 0 and [c["letter"] for c in json.loads(out)["categories"]] == list("ABCD")


def test_a_server_with_another_schema_is_left_untouched(pg_url, tmp_path, monkeypatch):
    engine = make_engine(pg_url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    monkeypatch.setenv("HALL_DATA_DIR", str(tmp_path / "counter"))
    monkeypatch.setenv("HALL_SERVER_URL", pg_url)
    ctx = open_context(resolve_paths())  # the counter opens on its own file
    try:
        assert ctx.link is not None
        status = ctx.link.check()
        assert status.state.value == "incompatible" and "比本程序新" in status.reason
    finally:
        ctx.close()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
    engine.dispose()


def test_the_password_comes_from_the_secret_store(pg_url, tmp_path, monkeypatch) -> None:
    from hall.core.settings import Settings
    from hall.services.secrets import SERVER_PASSWORD, open_store

    from ..conftest import make_paths

    paths = make_paths(tmp_path / "counter")
    paths.ensure()
    settings = Settings()
    monkeypatch.delenv("HALL_SECRETS_PASSPHRASE", raising=False)
    with installed(MemoryKeyring()):
        where = store_password(paths, settings, "s3cret", None)
        assert "密钥环" in where and settings.secret_store == "keyring"
        # The same entry `hall settings server-password` writes.
        assert open_store(paths, None, "keyring").get(SERVER_PASSWORD) == "s3cret"
        assert stored_password(paths, settings) == "s3cret"
        engine = server_engine(pg_url, stored_password(paths, settings))
        assert engine.url.password == "s3cret"
        engine.dispose()
    with installed(failing()):
        assert stored_password(paths, settings) is None  # PGPASSWORD or ~/.pgpass apply
        engine = server_engine(pg_url, None)
        assert engine.url.password is None
        engine.dispose()


def test_only_postgresql_urls_name_a_server() -> None:
    assert parse_server_url("postgresql://hall@10.0.0.5/hall").drivername == "postgresql+psycopg"
    for bad in ("sqlite:///x.db", "postgresql://hall@10.0.0.5", "not a url"):
        with pytest.raises(ValidationError, match="大厅服务器地址"):
            parse_server_url(bad)
