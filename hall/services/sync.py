"""Sync with the hall server, as the GUI, the command line and the tests see it.

:func:`sync_once` is one round: ask the server, send the scanned files and the outbox,
pull what the others did, fetch the files their rows name, then run again the credit
checks made on an old copy of the list (``sync_checks``). :func:`sync_status` says how
the link stands and how much waits; the changes themselves, and what an administrator
does with a refused one, are in ``sync_changes``.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError

from hall.core.errors import HallError, Offline
from hall.core.i18n import _
from hall.models import OutboxEntry, SyncState, User
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.sync import files, pull, push
from hall.sync.link import LinkState, is_connection_error
from hall.sync.rules import Owner, rule

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncStatus:
    configured: bool  # a hall server is configured
    state: LinkState | None  # None: no hall server
    since: datetime | None
    reason: str
    server: str
    waiting: int  # changes not yet on the server (set-aside ones included)
    set_aside: int
    oldest_waiting_at: datetime | None
    pushed_at: datetime | None
    pulled_at: datetime | None
    files_waiting: int

    def to_json(self) -> dict[str, object]:
        return {
            "configured": self.configured,
            "state": self.state.value if self.state else None,
            "since": self.since.isoformat() if self.since else None,
            "reason": self.reason,
            "server": self.server,
            "waiting": self.waiting,
            "set_aside": self.set_aside,
            "oldest_waiting_at": (
                self.oldest_waiting_at.isoformat() if self.oldest_waiting_at else None
            ),
            "pushed_at": self.pushed_at.isoformat() if self.pushed_at else None,
            "pulled_at": self.pulled_at.isoformat() if self.pulled_at else None,
            "files_waiting": self.files_waiting,
        }


@dataclass(frozen=True)
class SyncReport:
    state: LinkState
    reason: str = ""
    pushed: int = 0
    replayed: int = 0
    set_aside: int = 0
    audit: int = 0
    pulled: int = 0
    kept_local: int = 0
    files_up: int = 0
    files_down: int = 0
    flagged: tuple[str, ...] = ()  # case numbers flagged for the supervisor
    changes: Changes = field(default_factory=Changes)

    @property
    def did_something(self) -> bool:
        return bool(self.pushed or self.pulled or self.files_up or self.files_down)


def sync_status(ctx: AppContext) -> SyncStatus:
    """What waits to go to the hall server, and how the link stands."""
    with ctx.uow() as session:
        waiting, set_aside, oldest = session.execute(
            select(
                func.count(),
                func.count(OutboxEntry.set_aside_at),
                func.min(OutboxEntry.created_at),
            ).where(OutboxEntry.sent_at.is_(None))
        ).one()
    link = ctx.link
    status = link.status() if link is not None else None
    pushed = push.get_state(ctx.engine, "pushed").get("at")
    pulled = pull.cursor_state(ctx.engine).get("pulled_at")
    return SyncStatus(
        configured=link is not None,
        state=status.state if status else None,
        since=status.since if status else None,
        reason=status.reason if status else "",
        server=status.server if status else "",
        waiting=int(waiting),
        set_aside=int(set_aside),
        oldest_waiting_at=_as_datetime(oldest),
        pushed_at=datetime.fromisoformat(pushed) if pushed else None,
        pulled_at=datetime.fromisoformat(pulled) if pulled else None,
        files_waiting=(
            files.waiting_uploads(ctx.engine, ctx.paths.data / "scans") if link is not None else 0
        ),
    )


def _as_datetime(value: object) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    from datetime import UTC

    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def sync_once(ctx: AppContext, *, progress: Callable[[str], None] | None = None) -> SyncReport:
    """One round with the hall server. Never raises for a server that is gone or
    incompatible: the report says so and the counter goes on offline. Raises
    ``HallError`` when no hall server is configured."""
    link = ctx.link
    if link is None:
        raise HallError(_("没有配置大厅服务器：本机是单机运行的大厅。"))
    status = link.check(time.monotonic())
    if status.state is not LinkState.online:
        return SyncReport(status.state, status.reason)
    server = link.engine()
    try:
        problem = _identity_problem(ctx, server)
    except DBAPIError as exc:
        if not is_connection_error(exc):
            raise
        link.lost(exc, time.monotonic())
        return SyncReport(LinkState.offline, link.status().reason)
    if problem:
        link.refuse(problem, time.monotonic())
        return SyncReport(LinkState.incompatible, problem)
    origin = ctx.counter or "?"
    root = ctx.paths.data / "scans"
    tell = progress or (lambda _text: None)
    try:
        tell(_("正在上传扫描件…"))
        up = _files(files.upload, ctx, server, root)
        tell(_("正在上传本机的变更…"))
        pushed = push.push(
            ctx.engine,
            server,
            origin,
            ctx.clock.now,
            progress=lambda n: tell(_("已上传 {n} 条变更…").format(n=n)),
        )
        push.set_state(ctx.engine, "pushed", {"at": ctx.clock.now()})
        tell(_("正在下载其他窗口的变更…"))
        pulled = pull.pull(ctx.engine, server, ctx.clock.now)
        tell(_("正在下载扫描件…"))
        down = _files(files.download, ctx, server, root)
    except DBAPIError as exc:
        if not is_connection_error(exc):
            raise
        link.lost(exc, time.monotonic())
        return SyncReport(LinkState.offline, link.status().reason)
    if pulled.tables:
        ctx.forget_catalog()
        ctx.forget_calendar()
    from hall.services.sync_checks import recheck_credit

    checked, flagged = recheck_credit(ctx)
    if checked:  # the cases' "rechecked" marks (and any flag) go up at once
        try:
            pushed += push.push(ctx.engine, server, origin, ctx.clock.now)
        except DBAPIError as exc:
            if not is_connection_error(exc):
                raise
            link.lost(exc, time.monotonic())
    return SyncReport(
        LinkState.online,
        pushed=pushed.sent,
        replayed=pushed.replayed,
        set_aside=pushed.set_aside,
        audit=pushed.audit,
        pulled=pulled.applied,
        kept_local=pulled.kept_local,
        files_up=up.uploaded,
        files_down=down.downloaded,
        flagged=flagged,
        changes=_changes_of(pulled.tables, bool(flagged) or pushed.set_aside > 0),
    )


#: The hall server's identity (made by ``hall server init``), and the one this counter
#: syncs with: its pull cursor counts that server's transactions, no other's.
SERVER_ID = "hall_server"


def _identity_problem(ctx: AppContext, server: Engine) -> str:
    """Why this counter must not sync with ``server`` (empty: it may). The first round
    with a server binds the counter to it (``ServerLink.expected_id``)."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    assert ctx.link is not None
    with server.begin() as conn:  # a server set up before it had one gets it now
        conn.execute(
            pg_insert(SyncState)
            .values(name=SERVER_ID, value={"id": str(uuid.uuid4())})
            .on_conflict_do_nothing()
        )
        theirs: dict[str, str] = dict(
            conn.scalar(select(SyncState.value).where(SyncState.name == SERVER_ID)) or {}
        )
    mine = push.get_state(ctx.engine, SERVER_ID)
    if mine:
        ctx.link.expected_id = mine.get("id")
        return "" if mine.get("id") == theirs.get("id") else ctx.link.another_server()
    problem = standalone_problem(ctx)
    if problem:
        ctx.link.forbidden = problem
        return problem
    push.set_state(ctx.engine, SERVER_ID, theirs)
    ctx.link.expected_id = theirs.get("id")
    return ""


def standalone_problem(ctx: AppContext) -> str:
    """Why this counter's file cannot join a hall server: it was a hall of its own (it
    has accounts and work, and was never synced). Empty when it may."""
    with ctx.uow() as session:
        standalone = session.scalar(select(User.id).limit(1)) is not None
    if not standalone or pull.cursor_state(ctx.engine):
        return ""
    return _(
        "本机的数据库是单机运行时建立的（已有账号和记录），不能直接加入大厅服务器："
        "两边的目录、账号和编号会冲突。请为本机新建数据文件夹（HALL_DATA_DIR）后"
        "运行 hall init 加入；本机原有的数据仍在原文件夹中。"
    )


def bind_link(ctx: AppContext) -> None:
    """Tell a new link which server this counter syncs with, or that it must not: so that
    not even the queue goes to another hall's server before the first round."""
    if ctx.link is None:
        return
    mine = push.get_state(ctx.engine, SERVER_ID)
    if mine:
        ctx.link.expected_id = mine.get("id")
    else:
        ctx.link.forbidden = standalone_problem(ctx)


def _files(step, ctx: AppContext, server, root) -> files.FileResult:  # type: ignore[no-untyped-def]
    """One direction of the scanned files; a file that cannot be read or arrives damaged
    is logged and tried again next round, without holding up the rows."""
    try:
        result: files.FileResult = step(ctx.engine, server, root, ctx.clock.now)
    except (OSError, ValueError) as exc:
        log.warning("scanned files not synced this round: %s", exc)
        return files.FileResult()
    return result


def _changes_of(tables: frozenset[str], cases: bool) -> Changes:
    catalog = {"catalog_version", "permit_item", "scope_entry", "form_field", "department"}
    queue = {"ticket", "queue_event", "queue_category", "service_counter", "appointment"}
    work = {t for t in tables if rule(t).owner is Owner.counter} - queue
    return Changes(
        catalog=bool(tables & catalog),
        cases=cases or bool(work),
        applicants="applicant" in tables,
        credit="credit_record" in tables,
        calendar=bool(tables & {"calendar_year", "calendar_day"}),
        users="user_account" in tables,
        queue=bool(tables & queue),
    )


def pull_now(ctx: AppContext) -> None:
    """Bring the hall server's latest into the local file at once (after an action run
    on the server), quietly: the next round does it anyway if this fails."""
    if ctx.link is None or not ctx.link.online:
        return
    try:
        pull.pull(ctx.engine, ctx.link.engine(), ctx.clock.now)
    except DBAPIError as exc:
        if is_connection_error(exc):
            ctx.link.lost(exc, time.monotonic())
        else:
            log.warning("pull after a server action failed: %s", exc)


def join_server(ctx: AppContext) -> SyncReport:
    """A new counter's first round: everything the hall server holds comes down.
    Raises ``Offline`` when it does not answer or is not this program's."""
    report = sync_once(ctx)
    if report.state is not LinkState.online:
        raise Offline(_("无法从大厅服务器取得数据：{reason}").format(reason=report.reason))
    return report
