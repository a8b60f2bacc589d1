"""The link to the hall server: its engine, and whether it answers.

The connectivity monitor asks :meth:`ServerLink.check` now and then (a short connect
timeout, then a growing pause after each failure, up to a minute). Everything else only
reads the state; whoever meets a dead connection calls :meth:`ServerLink.lost`, and the
counter goes on on its own file. A server whose schema is not this program's is
*incompatible*: the counter says so and keeps working offline rather than write to it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import URL, Engine, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError

from hall.core.clock import Clock
from hall.core.errors import ValidationError
from hall.core.i18n import _
from hall.db import migrate
from hall.db.engine import make_engine
from hall.db.uow import describe_database_error

log = logging.getLogger(__name__)

#: Seconds to wait for the server to answer a connection (the monitor's probe).
PROBE_TIMEOUT_S = 3
#: The pause after the n-th failure in a row: 2, 4, 8 … seconds, at most a minute.
MAX_BACKOFF_S = 60.0


class LinkState(StrEnum):
    online = "online"
    offline = "offline"
    incompatible = "incompatible"


@dataclass(frozen=True)
class LinkStatus:
    state: LinkState
    since: datetime | None  # when it went into this state (offline since 10:42)
    reason: str  # why it is offline or incompatible, for the clerk
    server: str  # the server's address without its password


def parse_server_url(text_: str) -> URL:
    """The server's URL, with the psycopg driver. Raises ``ValidationError`` for anything
    but a PostgreSQL URL with a host and a database."""
    try:
        url = make_url(text_.strip())
    except ArgumentError:
        url = None
    if url is None or url.get_backend_name() != "postgresql" or not url.database:
        raise ValidationError(
            _(
                "大厅服务器地址“{url}”无效，应写作 postgresql://用户名@主机:端口/数据库名，"
                "如 postgresql://hall@10.0.0.5:5432/hall。"
            ).format(url=text_.strip()),
            field="server_url",
        )
    return url.set(drivername="postgresql+psycopg")


def server_engine(
    text_: str, password: str | None = None, *, pool_size: int = 10, connect_timeout: int = 5
) -> Engine:
    """An engine for the hall server at ``text_`` (``password`` unless the URL has one)."""
    url = parse_server_url(text_)
    if url.password is None and password:
        url = url.set(password=password)
    return make_engine(url, pool_size=pool_size, connect_timeout=connect_timeout)


#: SQLSTATEs of a server that went away under a session (admin shutdown, crash, starting
#: up or shutting down); class 08 is the connection's own.
_GONE = {"57P01", "57P02", "57P03"}


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def is_connection_error(exc: BaseException) -> bool:
    """Whether a database error means the server is gone (not that it refused a row, or
    that a deadlock or a cancelled statement asks for the work to be tried again)."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    state = _sqlstate(exc)
    if state is None:  # the client's own failure: no answer from the server at all
        return isinstance(exc, OperationalError | InterfaceError)
    return state.startswith("08") or state in _GONE


def is_transient(exc: BaseException) -> bool:
    """A deadlock, a serialization failure, a lock or statement timeout: the server is
    there and nothing was refused; the same work is simply tried again later."""
    if not isinstance(exc, DBAPIError):
        return False
    state = _sqlstate(exc) or ""
    return state.startswith("40") or state in {"55P03", "57014"}


class ServerLink:
    """One hall server and what is known of it. Safe to share between threads."""

    def __init__(self, url: str, password: str | None, clock: Clock) -> None:
        self.url = url
        self._password = password
        self._clock = clock
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._state = LinkState.offline
        self._since: datetime | None = None
        self._reason = _("尚未连接大厅服务器。")
        self._failures = 0
        self._next_probe = 0.0  # monotonic seconds; 0: probe at once
        #: The identity of the one server this counter syncs with (None: not yet known).
        self.expected_id: str | None = None
        #: Why this counter must never work with a server (a standalone file): empty if
        #: it may.
        self.forbidden = ""

    @property
    def display(self) -> str:
        try:
            url = parse_server_url(self.url).set(drivername="postgresql")
        except ValidationError:
            return self.url
        return url.render_as_string(hide_password=True)

    def engine(self) -> Engine:
        """The server's engine (made on first use; connecting is still lazy)."""
        with self._lock:
            if self._engine is None:
                self._engine = server_engine(
                    self.url, self._password, pool_size=4, connect_timeout=PROBE_TIMEOUT_S
                )
            return self._engine

    def status(self) -> LinkStatus:
        with self._lock:
            return LinkStatus(self._state, self._since, self._reason, self.display)

    @property
    def online(self) -> bool:
        return self._state is LinkState.online

    @property
    def asked(self) -> bool:
        """Whether the server was asked at all yet (a new link knows nothing)."""
        return self._since is not None

    def probe_due(self, monotonic_now: float) -> bool:
        """Whether the monitor should ask the server again (the backoff has passed)."""
        return self.online or monotonic_now >= self._next_probe

    def check(self, monotonic_now: float = 0.0) -> LinkStatus:
        """Ask the server whether it answers, has this program's schema and is the one
        this counter syncs with."""
        if self.forbidden:
            self._set(LinkState.incompatible, self.forbidden, monotonic_now)
            return self.status()
        identity = None
        try:
            engine = self.engine()
            with engine.connect() as conn:
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                if revision == migrate.HEAD and self.expected_id is not None:
                    value = conn.execute(
                        text("SELECT value FROM sync_state WHERE name = 'hall_server'")
                    ).scalar()
                    identity = (value or {}).get("id")
        except ValidationError as exc:
            self._set(LinkState.incompatible, exc.message, monotonic_now)
            return self.status()
        except DBAPIError as exc:
            if is_connection_error(exc):
                self.lost(exc, monotonic_now)
            else:  # it answers, but has no schema of ours
                self._set(
                    LinkState.incompatible,
                    _("大厅服务器的数据库尚未初始化：请管理员运行 hall server init。"),
                    monotonic_now,
                )
            return self.status()
        if revision == migrate.HEAD and self.expected_id not in (None, identity):
            self._set(LinkState.incompatible, self.another_server(), monotonic_now)
        elif revision == migrate.HEAD:
            self._set(LinkState.online, "", monotonic_now)
        elif revision is not None and revision not in migrate.known_revisions():
            self._set(
                LinkState.incompatible,
                _(
                    "大厅服务器的数据库版本（{rev}）比本程序新：本机继续离线工作，"
                    "请安装新版本的程序后再同步。"
                ).format(rev=revision),
                monotonic_now,
            )
        else:
            self._set(
                LinkState.incompatible,
                _(
                    "大厅服务器的数据库版本较旧（{rev}）：本机继续离线工作，"
                    "请管理员运行 hall server init 升级服务器。"
                ).format(rev=revision or _("空")),
                monotonic_now,
            )
        return self.status()

    def another_server(self) -> str:
        return _(
            "本机此前与另一台大厅服务器同步，不能与 {server} 同步（两台服务器的记录"
            "无法合并）。请为本机新建数据文件夹后运行 hall init 加入这台服务器。"
        ).format(server=self.display)

    def refuse(self, reason: str, monotonic_now: float = 0.0) -> None:
        """The server answers but this counter must not work with it (another hall's
        server, a standalone file): nothing goes there, the queue included."""
        log.warning("hall server %s refused: %s", self.display, reason)
        self._set(LinkState.incompatible, reason, monotonic_now)

    def lost(self, exc: BaseException, monotonic_now: float = 0.0) -> None:
        """The server stopped answering (seen by whoever was using it)."""
        reason = (
            describe_database_error(exc)
            if isinstance(exc, DBAPIError)
            else _("大厅服务器没有响应。")
        )
        log.info("hall server %s unreachable: %s", self.display, exc)
        self._set(LinkState.offline, reason, monotonic_now)
        if self._engine is not None:
            self._engine.dispose()  # the pool's connections are dead: start afresh

    def _set(self, state: LinkState, reason: str, monotonic_now: float) -> None:
        with self._lock:
            if state is not self._state or self._since is None:
                self._since = self._clock.now()
                if state is LinkState.online:
                    log.info("hall server %s online", self.display)
            self._state = state
            self._reason = reason
            if state is LinkState.online:
                self._failures = 0
                self._next_probe = 0.0
            else:
                self._failures += 1
                pause = min(MAX_BACKOFF_S, 2.0 ** min(self._failures, 6))
                self._next_probe = monotonic_now + pause

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
