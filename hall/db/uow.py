"""The unit of work: the only way services get a session.

One ``with uow() as session:`` block is one transaction: everything in it is committed
together at the end, or nothing is if an exception leaves the block.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from hall.core.errors import DatabaseError
from hall.core.i18n import _

log = logging.getLogger(__name__)

#: The execution option that makes :mod:`hall.db.engine` begin with ``BEGIN IMMEDIATE``.
IMMEDIATE = "hall_immediate"


class UnitOfWork:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._factory = sessionmaker(engine, expire_on_commit=False)

    @property
    def factory(self) -> sessionmaker[Session]:
        return self._factory

    @contextmanager
    def __call__(self, *, write: bool = False) -> Iterator[Session]:
        """A transaction. ``write`` takes SQLite's write lock at once (``BEGIN
        IMMEDIATE``, waiting for it as long as the busy timeout): a transaction that
        reads and then writes would otherwise fail outright when another connection
        wrote in between, since its snapshot can no longer become a write."""
        session = self._factory()
        try:
            if write:
                session.connection(execution_options={IMMEDIATE: True})
            yield session
            session.commit()
        except DBAPIError as exc:
            session.rollback()
            log.exception("database error")
            raise DatabaseError(describe_database_error(exc)) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def describe_database_error(exc: DBAPIError) -> str:
    """What a database failure means for the clerk; the driver's own text goes to the log."""
    text = str(exc.orig if exc.orig is not None else exc).lower()
    if "disk is full" in text:
        return _("磁盘已满，本次操作未保存。请清理磁盘空间后重试，已保存的数据不受影响。")
    if "locked" in text:
        return _("数据库正被其他程序占用，本次操作未保存，请稍后重试。")
    if "readonly" in text or "read-only" in text:
        return _("数据库文件只读，本次操作未保存。请检查数据目录的写入权限。")
    if "unable to open" in text:
        return _("无法打开数据库文件：数据文件夹不存在或没有写入权限。")
    if "not a database" in text or "malformed" in text:
        return _("数据库文件已损坏，或不是本程序的数据库。请联系管理员从备份恢复。")
    if "could not connect" in text or "connection refused" in text or "timeout" in text:
        return _("无法连接数据库服务器。")
    return _("数据库出错（{kind}），本次操作未保存。详情已记入日志。").format(
        kind=type(exc.orig or exc).__name__
    )
