"""The application context: everything a service needs, built once at start and passed
down (no singletons). Tests build their own with a temporary folder and a fixed clock."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine

from hall.core.clock import HALL_ZONE, Clock, SystemClock
from hall.core.errors import DatabaseError, os_reason
from hall.core.i18n import _
from hall.core.paths import Paths, resolve_paths
from hall.core.settings import (
    Settings,
    effective_counter,
    effective_server_url,
    load_settings,
    save_settings,
)
from hall.db import migrate, quick
from hall.db.engine import make_engine, sqlite_url
from hall.db.uow import UnitOfWork

if TYPE_CHECKING:
    from hall.services.catalog_views import CatalogSnapshot
    from hall.services.secrets import PassphraseProvider, SecretStore
    from hall.services.workdays import WorkdayCalendar
    from hall.sync.link import ServerLink

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    paths: Paths
    settings: Settings
    clock: Clock
    engine: Engine
    uow: UnitOfWork
    migrated: bool = False  # whether opening it just brought the schema up to date
    #: The hall server this counter syncs with (None: a hall of one counter).
    link: ServerLink | None = field(default=None, repr=False)
    #: True for the context that works on the hall server itself (the queue while online,
    #: an administrator's import): see :meth:`on_server`.
    on_server_engine: bool = False
    #: Asked for the secrets file's passphrase where the OS keyring cannot be used.
    passphrase: PassphraseProvider | None = field(default=None, repr=False)
    _secrets: SecretStore | None = field(default=None, repr=False)
    _catalog: CatalogSnapshot | None = field(default=None, repr=False)
    _calendar: WorkdayCalendar | None = field(default=None, repr=False)
    _server_ctx: AppContext | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        from hall.sync.capture import install

        install(self.uow.factory)

    @property
    def counter(self) -> str | None:
        """This installation's counter code (``HALL_COUNTER`` overrides the settings)."""
        return effective_counter(self.settings)

    @property
    def server(self) -> str:
        """The hall server's address without its password (empty: none configured)."""
        return self.link.display if self.link is not None else ""

    @property
    def offline(self) -> bool:
        """A counter of a hall server that cannot reach it right now."""
        return self.link is not None and not self.on_server_engine and not self.link.online

    def on_server(self) -> AppContext:
        """The context that works directly on the hall server (same settings, clock and
        secrets). Raises ``Offline`` when there is no server or it does not answer."""
        from hall.core.errors import Offline

        if self.on_server_engine:
            return self
        if self.link is None or not self.link.online:
            raise Offline(
                self.link.status().reason if self.link is not None else _("没有配置大厅服务器。")
            )
        if self._server_ctx is None:
            self._server_ctx = AppContext(
                self.paths,
                self.settings,
                self.clock,
                self.link.engine(),
                UnitOfWork(self.link.engine()),
                link=self.link,
                on_server_engine=True,
                passphrase=self.passphrase,
            )
        server = self._server_ctx
        server._secrets = self._secrets
        return server

    def where_queue_runs(self) -> AppContext:
        """The queue is decided on the hall server while it answers (two counters never
        call one ticket); offline, on this counter's own file."""
        if self.link is None or self.on_server_engine:
            return self
        if not self.link.asked:  # the first queue action of a command: ask once
            import time

            self.link.check(time.monotonic())
        return self.on_server() if self.link.online else self

    def save_settings(self) -> None:
        save_settings(self.paths.settings_file, self.settings)

    def catalog(self) -> CatalogSnapshot:
        """The current catalog version, loaded once and kept until the next import."""
        if self._catalog is None:
            from hall.services.catalog import load_snapshot

            self._catalog = load_snapshot(self)
        return self._catalog

    def calendar(self) -> WorkdayCalendar:
        if self._calendar is None:
            from hall.services.calendar import load_calendar

            self._calendar = load_calendar(self)
        return self._calendar

    def secrets(self) -> SecretStore:
        """The OS keyring, or the encrypted file where there is none (opened once)."""
        if self._secrets is None:
            from hall.services.secrets import demo_passphrase, open_store

            # The demo hall's file is sealed with the demo accounts' published password,
            # so its documents can be signed without anyone typing it.
            provider = demo_passphrase if self.settings.demo_hall else self.passphrase
            self._remember_store(open_store(self.paths, provider, self.settings.secret_store))
        assert self._secrets is not None
        return self._secrets

    def _remember_store(self, store: SecretStore) -> None:
        from hall.services.secrets import FILE, KEYRING, EncryptedFileStore

        self._secrets = store
        kind = FILE if isinstance(store, EncryptedFileStore) else KEYRING
        if self.settings.secret_store != kind:  # chosen once, kept from now on
            self.settings.secret_store = kind
            self.save_settings()

    @property
    def secrets_open(self) -> bool:
        return self._secrets is not None

    def unlock_secrets(self, passphrase: str) -> SecretStore:
        """Open the encrypted secrets file with ``passphrase`` (the window asks for it
        where there is no OS keyring). Raises ``SecretsUnavailable`` if it is wrong."""
        from hall.core.errors import SecretsUnavailable
        from hall.services.secrets import open_store, secrets_file

        if not secrets_file(self.paths).exists():
            raise SecretsUnavailable(
                _("本机还没有密钥文件。请管理员先生成签名密钥（hall keys init）。")
            )
        self._remember_store(
            open_store(self.paths, lambda _creating: passphrase, self.settings.secret_store)
        )
        assert self._secrets is not None
        return self._secrets

    def forget_catalog(self) -> None:
        self._catalog = None

    def forget_calendar(self) -> None:
        self._calendar = None

    def close(self) -> None:
        if self.on_server_engine and self.link is not None:
            return  # the counter's view of the server: its engine belongs to the link
        self.engine.dispose()
        if self.link is not None:
            self.link.close()


def open_context(
    paths: Paths | None = None,
    *,
    clock: Clock | None = None,
    upgrade: bool = True,
    settings: Settings | None = None,
) -> AppContext:
    """Open this machine's own database (migrating it first, after a backup) and the
    settings. Where a hall server is configured (``HALL_SERVER_URL`` or the settings) the
    context also holds the link to it; nothing here waits for it to answer.

    Raises ``DatabaseError`` when the local database cannot be opened or migrated, or was
    made by a newer program.
    """
    paths = paths or resolve_paths()
    try:
        paths.ensure()
    except OSError as exc:
        raise DatabaseError(
            _("无法使用数据文件夹 {path}：{reason}。").format(
                path=paths.data, reason=os_reason(exc)
            )
        ) from exc
    settings = settings or load_settings(paths.settings_file)
    problem = quick.sqlite_file_problem(paths.database)
    if problem:
        raise DatabaseError(problem)
    _keep_private(paths)
    engine = make_engine(sqlite_url(paths.database))
    migrated = False
    if upgrade and not quick.sqlite_is_current(paths.database):
        migrated = migrate.upgrade(engine, sqlite_path=paths.database, backups=paths.backups)
    clock = clock or SystemClock(hall_zone(settings))
    ctx = AppContext(
        paths,
        settings,
        clock,
        engine,
        UnitOfWork(engine),
        migrated=migrated,
        link=server_link(paths, settings, clock),
    )
    if ctx.link is not None:
        from hall.services.sync import bind_link

        bind_link(ctx)
    return ctx


def server_link(paths: Paths, settings: Settings, clock: Clock) -> ServerLink | None:
    """The link to the configured hall server, or None (the password is read here, from
    the secret store, once)."""
    url = effective_server_url(settings)
    if not url:
        return None
    from hall.services.server import stored_password
    from hall.sync.link import ServerLink

    return ServerLink(url, stored_password(paths, settings), clock)


def _keep_private(paths: Paths) -> None:
    """The database holds ID numbers and password hashes: readable by its OS user only.
    Made so before SQLite opens it (SQLite gives its -wal and -shm files the same mode),
    and narrowed on every start for a file an older program or a copy left open."""
    if os.name != "posix":
        return
    db = paths.database
    try:
        if not db.exists():
            os.close(os.open(db, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        elif db.stat().st_mode & 0o077:
            db.chmod(0o600)
        if paths.data.stat().st_mode & 0o077:
            log.warning("data folder %s can be read by other users of this machine", paths.data)
    except OSError as exc:  # the database's own checks say what is wrong with it
        log.warning("could not make %s private: %s", db, exc)


def hall_zone(settings: Settings) -> tzinfo:
    """The hall's time zone from the settings (Asia/Shanghai if unknown)."""
    try:
        return ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown time zone %r in the settings; using Asia/Shanghai", settings.timezone)
        return HALL_ZONE
