""" "Report a problem": one zip file for the hall's IT staff with what they ask for first:
the versions (program, Python, libraries, system, database schema), the settings (they
hold no secret), the last log, and what the user says happened. No database content and
no secret goes in; a server address loses any password it might carry.

Written to a temporary file and renamed: a full disk leaves no half file behind."""

from __future__ import annotations

import json
import platform
import sys
import zipfile
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import asdict
from datetime import datetime
from importlib import metadata
from pathlib import Path

from hall import __version__
from hall.core.errors import HallError, os_reason
from hall.core.i18n import _, current_language
from hall.core.paths import Paths
from hall.core.settings import Settings
from hall.db.quick import HEAD, sqlite_revision

#: The libraries whose versions matter when something goes wrong.
LIBRARIES = (
    "PySide6",
    "SQLAlchemy",
    "alembic",
    "psycopg",
    "psycopg-binary",
    "reportlab",
    "python-barcode",
    "zxing-cpp",
    "cbor2",
    "keyring",
    "cryptography",
    "argon2-cffi",
    "Pillow",
    "pypdf",
    "openpyxl",
    "python-stdnum",
    "chinesecalendar",
    "platformdirs",
)
#: The log's newest part kept (the file rotates at 2 MB; this is plenty for a problem).
LOG_TAIL = 1_000_000


def _library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "-"
    return versions


def _without_password(url: str) -> str:
    if not url:
        return ""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: say so rather than repeat it
        return "(not a valid URL)"


def versions(paths: Paths, settings: Settings, extra: Mapping[str, str] = {}) -> str:
    """The versions and places, one ``name: value`` per line (``extra``: what only the
    caller knows, such as Qt's own version)."""
    lines = {
        "hall": __version__,
        "python": sys.version.replace("\n", " "),
        "platform": platform.platform(),
        "frozen": str(getattr(sys, "frozen", False)),
        "language": current_language(),
        "schema": f"{sqlite_revision(paths.database) or '-'} (program: {HEAD})",
        "database": str(paths.database),
        "logs": str(paths.logs),
        "settings": str(paths.settings_file),
        "server": _without_password(settings.server_url) or "-",
        **extra,
        **_library_versions(),
    }
    return "".join(f"{name}: {value}\n" for name, value in lines.items())


def _last_log(paths: Paths) -> bytes:
    log = paths.logs / "hall.log"
    try:
        with log.open("rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(max(0, size - LOG_TAIL))
            return handle.read()
    except OSError:
        return b""


def default_name(now: datetime) -> str:
    return f"hall-problem-{now:%Y%m%d-%H%M}.zip"


def write_problem_report(
    paths: Paths,
    settings: Settings,
    out: Path,
    *,
    description: str = "",
    now: datetime,
    extra: Mapping[str, str] = {},
) -> Path:
    """Write the report to ``out``; returns it. Raises ``HallError`` saying why it could
    not be written (nothing is left behind then)."""
    settings_text = asdict(settings)
    settings_text["server_url"] = _without_password(settings.server_url)
    tmp = out.with_name(out.name + ".part")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("versions.txt", versions(paths, settings, extra))
            archive.writestr(
                "description.txt", f"{now.isoformat(timespec='seconds')}\n\n{description}\n"
            )
            archive.writestr(
                "settings.json", json.dumps(settings_text, ensure_ascii=False, indent=2)
            )
            archive.writestr("hall.log", _last_log(paths))
        tmp.replace(out)
    except OSError as exc:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise HallError(
            _("无法保存问题报告 {path}：{reason}。").format(path=out, reason=os_reason(exc))
        ) from exc
    return out
