"""The error hierarchy. Every error carries a message written for the clerk.

The GUI and the command line show ``str(error)``; nothing else of an error reaches a person.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from datetime import datetime

from hall.core.i18n import _


class HallError(Exception):
    """Base of every error the program expects and can explain to a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(HallError):
    """A value typed or scanned by a person is not acceptable."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidIdentifier(ValidationError):
    """A credit code, ID number or phone number fails its format or check digit."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an imported file: where, and why."""

    place: str
    reason: str

    def __str__(self) -> str:
        return f"{self.place}: {self.reason}"


class ImportRejected(HallError):
    """A file was refused as a whole; ``problems`` lists every reason found."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems


class NotFound(HallError):
    """Something asked for by code or number does not exist."""


class Conflict(HallError):
    """The action contradicts the current state (e.g. accepting a case twice)."""


class AuthenticationFailed(HallError):
    """Wrong user name or password."""


class AccountLocked(AuthenticationFailed):
    """Too many failed sign-ins: the account is locked until ``until`` (UTC)."""

    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until


class PermissionDenied(HallError):
    """The signed-in person's role does not allow the action (``permission``)."""

    def __init__(self, message: str, permission: str) -> None:
        super().__init__(message)
        self.permission = permission


class SecretsUnavailable(HallError):
    """A secret (the signing key, the server password) cannot be read or stored here."""


class DatabaseError(HallError):
    """The database cannot be opened, migrated or written."""


class Offline(DatabaseError):
    """The hall server does not answer (or is not this program's): what needs it waits."""


def os_reason(exc: OSError) -> str:
    """Why a file could not be used, in the clerk's words (the system says it in English)."""
    reasons = {
        errno.ENOENT: _("文件或文件夹不存在"),
        errno.EACCES: _("没有访问权限"),
        errno.EPERM: _("没有访问权限"),
        errno.EROFS: _("所在磁盘是只读的"),
        errno.ENOSPC: _("磁盘已满"),
        errno.EISDIR: _("这是一个文件夹，不是文件"),
        errno.ENOTDIR: _("路径中有一段是文件，不是文件夹"),
        errno.EEXIST: _("已有同名文件"),
    }
    return reasons.get(exc.errno or -1, exc.strerror or type(exc).__name__)
