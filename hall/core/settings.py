"""Typed settings with defaults and descriptions, stored as JSON in the config folder.

Each setting is declared once with its type, default and description. The file carries a
version; upgrade steps bring older files forward. ``HALL_COUNTER`` overrides the counter.
"""

from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from hall.core.errors import ValidationError
from hall.core.i18n import LANGUAGES, _

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1
COUNTER_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")
HALL_CODE = re.compile(r"^(\d{6}|\d{9}|\d{12})$")


@dataclass
class Settings:
    version: int = field(default=SETTINGS_VERSION, metadata={"doc": "format of this file"})
    counter_code: str | None = field(
        default=None, metadata={"doc": "this installation's counter, e.g. C01"}
    )
    hall_name: str = field(default="", metadata={"doc": "the hall's name as printed"})
    hall_code: str = field(default="", metadata={"doc": "the hall's administrative code"})
    language: str = field(
        default="",
        metadata={"doc": "language of the program: zh_CN or en (empty: the system's)"},
    )
    timezone: str = field(default="Asia/Shanghai", metadata={"doc": "the hall's time zone"})
    lockout_attempts: int = field(
        default=5,
        metadata={"doc": "failed sign-ins in a row that lock an account", "min": 1, "max": 100},
    )
    lockout_minutes: int = field(
        default=15,
        metadata={"doc": "how long a locked account stays locked", "min": 1, "max": 24 * 60},
    )
    demo_hall: bool = field(
        default=False,
        metadata={"doc": "the demo hall: its secrets file takes the published demo password"},
    )
    secret_store: str = field(
        default="",
        metadata={"doc": "where this installation keeps its secrets: keyring or file (set once)"},
    )
    idle_lock_minutes: int = field(
        default=10,
        metadata={"doc": "idle minutes before the window locks", "min": 1, "max": 8 * 60},
    )
    scanner_folder: str = field(
        default="",
        metadata={"doc": "the folder this counter's document scanner saves into (watched)"},
    )
    scan_max_mb: int = field(
        default=50,
        metadata={"doc": "the largest scanned file taken in, in MB", "min": 1, "max": 1024},
    )
    server_url: str = field(
        default="",
        metadata={
            "doc": "the hall server, a PostgreSQL URL without its password "
            "(HALL_SERVER_URL overrides; the password is kept in the keyring)"
        },
    )
    ticket_printer: str = field(
        default="",
        metadata={
            "doc": "an ESC/POS ticket printer: tcp://HOST[:PORT] or usb:VENDOR:PRODUCT "
            "(empty: tickets go to the system's printer)"
        },
    )
    opening_hours: str = field(
        default="09:00-12:00,13:30-17:00",
        metadata={"doc": "the hall's opening hours on a working day, for appointment slots"},
    )
    appointment_grace_minutes: int = field(
        default=15,
        metadata={
            "doc": "minutes after its slot ends before an appointment not checked in is released",
            "min": 0,
            "max": 240,
        },
    )
    recall_gap_seconds: int = field(
        default=30,
        metadata={"doc": "the shortest time between two calls of one ticket", "min": 0, "max": 600},
    )
    calls_before_no_show: int = field(
        default=3,
        metadata={
            "doc": "calls without answer after which a ticket is a no-show",
            "min": 1,
            "max": 10,
        },
    )
    voice_muted: bool = field(
        default=False, metadata={"doc": "the hall display does not speak its calls"}
    )
    announce_template: str = field(
        default="",
        metadata={
            "doc": "what the hall display says on a call, with {number} and {window} "
            "(empty: the standard sentence of the program's language)"
        },
    )


def normalize_counter_code(raw: str) -> str:
    """Upper-case and check a counter code such as ``C01``."""
    code = unicodedata.normalize("NFKC", raw).strip().upper()
    if not COUNTER_CODE.match(code):
        raise ValidationError(
            _("窗口编号“{code}”无效：应以字母开头，由2至8位大写字母或数字组成，如 C01。").format(
                code=raw.strip()
            ),
            field="counter",
        )
    return code


def normalize_hall_code(raw: str) -> str:
    """Check the hall's administrative division code (GB/T 2260: six digits for a county,
    nine or twelve for a township), or nothing."""
    code = unicodedata.normalize("NFKC", raw).strip()
    if code and not HALL_CODE.match(code):
        raise ValidationError(
            _(
                "大厅编码“{code}”无效：应为6位行政区划代码（如 320305），"
                "或9位、12位的乡镇街道代码。"
            ).format(code=raw.strip()),
            field="hall_code",
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
        # Logged, not printed: logging is not set up yet and a clerk should not see it.
        log.info("settings file %s unreadable (%s); using defaults", path, exc)
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    version = raw.get("version", 1)
    version = version if isinstance(version, int) and not isinstance(version, bool) else 1
    while version in _UPGRADES:
        raw = _UPGRADES[version](raw)
        version += 1
    defaults = Settings()
    values: dict[str, Any] = {}
    for f in fields(Settings):
        value = raw.get(f.name)
        if f.name == "version" or value is None:
            continue
        default = getattr(defaults, f.name)
        expected = str if default is None else type(default)  # counter_code: str or None
        if type(value) is not expected:  # exact: True is not a valid int here
            log.info("setting %s has a value of the wrong type; using the default", f.name)
        elif not f.metadata.get("min", value) <= value <= f.metadata.get("max", value):
            log.info("setting %s is out of range; using the default", f.name)
        else:
            values[f.name] = value
    if values.get("language", "") not in ("", *LANGUAGES):
        log.info(
            "setting language %r is not a language of this program; ignored", values["language"]
        )
        values.pop("language")
    counter = values.get("counter_code")
    if counter is not None:
        try:
            values["counter_code"] = normalize_counter_code(counter)
        except ValidationError:
            log.info("setting counter_code %r is not a counter code; ignored", counter)
            values.pop("counter_code")
    return Settings(**values)


def save_settings(path: Path, settings: Settings) -> None:
    """Write settings atomically: a killed process leaves the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(settings), ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)


def effective_server_url(settings: Settings, environ: dict[str, str] | None = None) -> str:
    """The hall server in force: ``HALL_SERVER_URL`` if set, else the settings' one
    (empty: this counter works alone on its own database)."""
    env = os.environ if environ is None else environ
    return (env.get("HALL_SERVER_URL") or settings.server_url).strip()


def effective_counter(settings: Settings, environ: dict[str, str] | None = None) -> str | None:
    """The counter code in force: ``HALL_COUNTER`` if set, else the settings' one."""
    env = os.environ if environ is None else environ
    override = env.get("HALL_COUNTER")
    if override:
        try:
            return normalize_counter_code(override)
        except ValidationError as exc:
            raise ValidationError(
                _("环境变量 HALL_COUNTER 有误：{message}").format(message=exc.message),
                field="counter",
            ) from None
    return settings.counter_code
