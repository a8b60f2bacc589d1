"""Typed settings with defaults and descriptions, stored as JSON in the config folder.

Each setting is declared once with its type, default and description. The file carries a
version; upgrade steps bring older files forward. ``HALL_COUNTER`` overrides the counter.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from hall.core.errors import ValidationError
from hall.core.i18n import _

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1
COUNTER_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")


@dataclass
class Settings:
    version: int = field(default=SETTINGS_VERSION, metadata={"doc": "format of this file"})
    counter_code: str | None = field(
        default=None, metadata={"doc": "this installation's counter, e.g. C01"}
    )
    hall_name: str = field(default="", metadata={"doc": "the hall's name as printed"})
    hall_code: str = field(default="", metadata={"doc": "the hall's administrative code"})
    language: str = field(default="zh_CN", metadata={"doc": "language of the program"})
    timezone: str = field(default="Asia/Shanghai", metadata={"doc": "the hall's time zone"})


def normalize_counter_code(raw: str) -> str:
    """Upper-case and check a counter code such as ``C01``."""
    code = raw.strip().upper()
    if not COUNTER_CODE.match(code):
        raise ValidationError(
            _("窗口编号“{code}”无效：应以字母开头，由2至8位大写字母或数字组成，如 C01。").format(
                code=raw.strip()
            ),
            field="counter",
        )
    return code


# Upgrade steps: version N -> N + 1, applied in order to the raw dictionary.
_UPGRADES: dict[int, Any] = {}


def load_settings(path: Path) -> Settings:
    """Read settings from ``path``; a missing or unreadable file gives the defaults."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        log.warning("settings file %s unreadable (%s); using defaults", path, exc)
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    version = int(raw.get("version", 1))
    while version in _UPGRADES:
        raw = _UPGRADES[version](raw)
        version += 1
    known = {f.name for f in fields(Settings)}
    values = {k: v for k, v in raw.items() if k in known}
    values["version"] = SETTINGS_VERSION
    return Settings(**values)


def save_settings(path: Path, settings: Settings) -> None:
    """Write settings atomically: a killed process leaves the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(settings), ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)


def effective_counter(settings: Settings, environ: dict[str, str] | None = None) -> str | None:
    """The counter code in force: ``HALL_COUNTER`` if set, else the settings' one."""
    env = os.environ if environ is None else environ
    override = env.get("HALL_COUNTER")
    if override:
        return normalize_counter_code(override)
    return settings.counter_code
