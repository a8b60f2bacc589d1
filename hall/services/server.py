"""The hall server: a PostgreSQL database that the counters share, named by
``HALL_SERVER_URL`` (or the settings) as a URL without its password. The password is
kept in the OS keyring under the server's address; where there is none, PostgreSQL's
own ``PGPASSWORD`` or ``~/.pgpass`` apply. The schema is made and migrated with the same
Alembic migrations as a counter's file (``hall server init``)."""

from __future__ import annotations

import logging

from sqlalchemy import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from hall.core.errors import DatabaseError, HallError, ValidationError
from hall.core.i18n import _
from hall.db import migrate
from hall.db.engine import make_engine
from hall.db.uow import describe_database_error

log = logging.getLogger(__name__)

#: The keyring service under which server passwords are kept.
KEYRING_SERVICE = "hall-server"
CONNECT_TIMEOUT_S = 5


def parse_server_url(text: str) -> URL:
    """The server's URL, with the psycopg driver. Raises ``ValidationError`` for anything
    but a PostgreSQL URL with a host and a database."""
    try:
        url = make_url(text.strip())
    except ArgumentError:
        url = None
    if url is None or url.get_backend_name() != "postgresql" or not url.database:
        raise ValidationError(
            _(
                "大厅服务器地址“{url}”无效，应写作 postgresql://用户名@主机:端口/数据库名，"
                "如 postgresql://hall@10.0.0.5:5432/hall。"
            ).format(url=text.strip()),
            field="server_url",
        )
    return url.set(drivername="postgresql+psycopg")


def keyring_user(url: URL) -> str:
    """The name a server's password is kept under: ``hall@10.0.0.5:5432/hall``."""
    return f"{url.username or ''}@{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def _keyring_password(url: URL) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(KEYRING_SERVICE, keyring_user(url))
        except KeyringError as exc:
            log.info("no password for the hall server from the keyring: %s", exc)
    except Exception as exc:  # a broken keyring backend must not stop the counter
        log.warning("keyring unusable for the hall server's password: %s", exc)
    return None


def store_password(text: str, password: str) -> str:
    """Keep the server's password in the OS keyring; returns the name it is kept under.
    Raises ``HallError`` where this machine has no keyring."""
    import keyring
    from keyring.errors import KeyringError

    url = parse_server_url(text)
    try:
        keyring.set_password(KEYRING_SERVICE, keyring_user(url), password)
    except KeyringError as exc:
        raise HallError(
            _(
                "本机没有可用的系统密钥环，无法保存服务器密码（{reason}）。"
                "可改用 PostgreSQL 的 ~/.pgpass 文件或 PGPASSWORD 环境变量。"
            ).format(reason=exc)
        ) from exc
    return keyring_user(url)


def server_engine(text: str, *, pool_size: int = 10) -> Engine:
    """An engine for the hall server at ``text``, its password from the keyring."""
    url = parse_server_url(text)
    if url.password is None:
        password = _keyring_password(url)
        if password:
            url = url.set(password=password)
    return make_engine(url, pool_size=pool_size, connect_timeout=CONNECT_TIMEOUT_S)


def init_server(text: str) -> tuple[str | None, str]:
    """Create or migrate the server's schema. Returns the revision before and after.
    Raises ``DatabaseError`` when the server cannot be reached or is newer."""
    engine = server_engine(text, pool_size=1)
    try:
        _reachable(engine)
        before = migrate.current_revision(engine)
        migrate.upgrade(engine)
        return before, migrate.HEAD
    finally:
        engine.dispose()


def _reachable(engine: Engine) -> None:
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        log.warning("hall server unreachable: %s", exc)
        raise DatabaseError(
            _("无法连接大厅服务器 {host}：{reason}").format(
                host=engine.url.render_as_string(hide_password=True),
                reason=describe_database_error(exc),
            )
        ) from exc


def open_server(text: str) -> Engine:
    """The engine of a reachable server whose schema is this program's. Raises
    ``DatabaseError`` otherwise, saying what the administrator should do."""
    engine = server_engine(text)
    try:
        _reachable(engine)
        revision = migrate.current_revision(engine)
        if revision != migrate.HEAD:
            if revision is not None and revision not in migrate.known_revisions():
                message = _(
                    "大厅服务器的数据库版本（{rev}）比本程序新：请安装新版本的程序。"
                ).format(rev=revision)
            else:
                message = _(
                    "大厅服务器的数据库尚未初始化或版本较旧（{rev}）："
                    "请管理员运行 hall server init。"
                ).format(rev=revision or _("空"))
            raise DatabaseError(message)
    except BaseException:
        engine.dispose()
        raise
    return engine
