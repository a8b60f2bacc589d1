"""The counter's document scanner: high-speed scanners save into a folder, which the
counter watches; a file is offered once it has stopped changing, and moved into the
folder's ``已导入`` once taken in (so it is not offered twice)."""

from __future__ import annotations

import logging
import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hall.core.errors import ValidationError, os_reason
from hall.core.i18n import _
from hall.services.audit import Actor, record
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.permissions import Permission, guarded

log = logging.getLogger(__name__)

#: What a scanner's folder may hold that is taken in (anything else there is left alone).
SCAN_SUFFIXES = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"})
#: A file in the scanner's folder is taken only once it has not changed for this long
#: (the scanner may still be writing it).
SETTLED_SECONDS = 2.0
#: The sub-folder of the scanner's folder that files taken in are moved to.
TAKEN_FOLDER = "已导入"


@dataclass(frozen=True)
class IncomingScan:
    """A file waiting in the scanner's folder."""

    path: Path
    name: str
    size: int
    modified: datetime


def scanner_files(folder: Path, now: float | None = None) -> tuple[IncomingScan, ...]:
    """The files in a scanner's folder that look like scans and have stopped changing,
    oldest first. A folder that is missing or unreadable has none (the caller says so)."""
    moment = time.time() if now is None else now
    found = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return ()
    for entry in entries:
        try:
            if not entry.is_file() or entry.name.startswith("."):
                continue
            if Path(entry.name).suffix.lower() not in SCAN_SUFFIXES:
                continue
            stat = entry.stat()
        except OSError:
            continue
        if moment - stat.st_mtime < SETTLED_SECONDS:
            continue
        found.append(
            IncomingScan(
                Path(entry.path),
                entry.name,
                stat.st_size,
                datetime.fromtimestamp(stat.st_mtime).astimezone(),
            )
        )
    return tuple(sorted(found, key=lambda f: (f.modified, f.name)))


def take_from_scanner(path: Path) -> None:
    """Move a file taken in out of the scanner's folder (into ``已导入``), so it is not
    offered again. A failure is logged: the scan is stored already."""
    target_dir = path.parent / TAKEN_FOLDER
    try:
        target_dir.mkdir(exist_ok=True)
        target = target_dir / path.name
        n = 1
        while target.exists():
            target = target_dir / f"{path.stem}-{n}{path.suffix}"
            n += 1
        shutil.move(str(path), str(target))
    except OSError as exc:
        log.warning("could not move %s out of the scanner folder: %s", path, exc)


@guarded(Permission.accept_case)
def set_scanner_folder(ctx: AppContext, actor: Actor, folder: str) -> Changes:
    """The folder this counter's document scanner saves into ("" for none): the clerk
    sets it up at their own counter. Raises ``ValidationError`` for a folder that does
    not exist or cannot be read."""
    text = folder.strip()
    if text:
        path = Path(text).expanduser()
        if not path.is_dir() or not os.access(path, os.R_OK | os.X_OK):
            raise ValidationError(
                _("文件夹“{path}”不存在或无法读取。").format(path=text), field="scanner_folder"
            )
        text = str(path.resolve())
    before = ctx.settings.scanner_folder
    with ctx.uow() as session:
        record(
            session, ctx.clock, actor, "settings.change", "settings", "local",
            before={"scanner_folder": before}, after={"scanner_folder": text},
        )  # fmt: skip
        ctx.settings.scanner_folder = text
        try:
            ctx.save_settings()
        except OSError as exc:
            ctx.settings.scanner_folder = before
            raise ValidationError(
                _("无法保存设置：{reason}。设置未改动。").format(reason=os_reason(exc))
            ) from exc
    return Changes(settings=True)
