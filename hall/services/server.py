"""The hall server: a PostgreSQL database that the counters share, named by
``HALL_SERVER_URL`` (or the settings) as a URL without its password. The password is
kept in the installation's secret store (the OS keyring); where there is none,
PostgreSQL's own ``PGPASSWORD`` or ``~/.pgpass`` apply. The schema is made and
migrated with the same Alembic migrations as a counter's file (``hall server init``)."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from hall.core.errors import DatabaseError, HallError, ValidationError
from hall.core.i18n import _
from hall.db import migrate
from hall.db.uow import describe_database_error
from hall.sync.link import parse_server_url, server_engine

if TYPE_CHECKING:
    from hall.core.clock import Clock
    from hall.core.paths import Paths
    from hall.core.settings import Settings
    from hall.services.context import AppContext
    from hall.services.secrets import PassphraseProvider

log = logging.getLogger(__name__)

__all__ = ["init_server", "parse_server_url", "server_engine", "store_password", "stored_password"]


def stored_password(paths: Paths, settings: Settings) -> str | None:
    """The server's password from this installation's secret store (the OS keyring, or
    the encrypted file when ``HALL_SECRETS_PASSPHRASE`` opens it), or None: PostgreSQL's
    own ``PGPASSWORD`` or ``~/.pgpass`` then apply."""
    from hall.services.secrets import SERVER_PASSWORD, open_store

    env = os.environ.get("HALL_SECRETS_PASSPHRASE")
    provider = (lambda _creating: env) if env else None
    try:
        return open_store(paths, provider, settings.secret_store).get(SERVER_PASSWORD)
    except HallError as exc:
        log.info("no hall server password from the secret store: %s", exc.message)
    except Exception as exc:  # a broken keyring backend must not stop the counter
        log.warning("secret store unusable for the hall server's password: %s", exc)
    return None


def store_password(
    paths: Paths, settings: Settings, password: str, passphrase: PassphraseProvider | None
) -> str:
    """Keep the server's password in the secret store (where ``hall settings
    server-password`` keeps it too); returns the store's description. Raises
    ``SecretsUnavailable`` when no store can be opened."""
    from hall.core.settings import save_settings
    from hall.services.secrets import FILE, KEYRING, SERVER_PASSWORD, EncryptedFileStore, open_store

    if not password:
        raise ValidationError(_("请填写服务器密码。"), field="password")
    store = open_store(paths, passphrase, settings.secret_store)
    store.set(SERVER_PASSWORD, password)
    kind = FILE if isinstance(store, EncryptedFileStore) else KEYRING
    if settings.secret_store != kind:  # chosen once, kept from now on
        settings.secret_store = kind
        save_settings(paths.settings_file, settings)
    return store.description


def init_server(text: str, password: str | None = None) -> tuple[str | None, str]:
    """Create or migrate the server's schema. Returns the revision before and after.
    Raises ``DatabaseError`` when the server cannot be reached or is newer."""
    engine = server_engine(text, password, pool_size=1)
    try:
        _reachable(engine)
        before = migrate.current_revision(engine)
        migrate.upgrade(engine)
        _name_the_server(engine)
        return before, migrate.HEAD
    finally:
        engine.dispose()


def _name_the_server(engine: Engine) -> None:
    """Give a new hall server its identity: a counter syncs with one server only (its
    pull cursor counts that server's transactions)."""
    import uuid

    from sqlalchemy.dialects.postgresql import insert as pg_insert

    from hall.models import SyncState
    from hall.services.sync import SERVER_ID

    with engine.begin() as conn:
        conn.execute(
            pg_insert(SyncState)
            .values(name=SERVER_ID, value={"id": str(uuid.uuid4())})
            .on_conflict_do_nothing()
        )


def server_context(ctx: AppContext, text: str, password: str | None = None) -> AppContext:
    """A context that works directly on the hall server at ``text`` (to set it up: the
    catalog, the accounts, the categories, which every counter then pulls)."""
    server = server_context_for(ctx.paths, ctx.settings, text, password, clock=ctx.clock)
    server.passphrase = ctx.passphrase
    return server


def server_context_for(
    paths: Paths,
    settings: Settings,
    text: str,
    password: str | None = None,
    *,
    clock: Clock | None = None,
) -> AppContext:
    """:func:`server_context` for a command that has no local context."""
    from hall.core.clock import SystemClock
    from hall.db.uow import UnitOfWork
    from hall.services.context import AppContext, hall_zone

    engine = open_server(text, password)
    return AppContext(
        paths,
        settings,
        clock or SystemClock(hall_zone(settings)),
        engine,
        UnitOfWork(engine),
        on_server_engine=True,
    )


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


def open_server(text: str, password: str | None = None) -> Engine:
    """The engine of a reachable server whose schema is this program's. Raises
    ``DatabaseError`` otherwise, saying what the administrator should do."""
    engine = server_engine(text, password)
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
