"""Where the program keeps its files.

The per-user folders come from platformdirs; ``HALL_DATA_DIR`` puts everything (data,
settings, logs) under one folder instead, which is what tests and portable installs use.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "hall"


def _resources() -> Path:
    """``resources/`` beside the package in a checkout; in a bundle built by PyInstaller
    (``installer/hall.spec``), the copy unpacked with the program (``sys._MEIPASS``)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and isinstance(bundle, str):
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


RESOURCES = _resources()


@dataclass(frozen=True)
class Paths:
    data: Path
    config: Path
    logs: Path

    @property
    def database(self) -> Path:
        return self.data / "hall.sqlite3"

    @property
    def backups(self) -> Path:
        return self.data / "backups"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    def ensure(self) -> Paths:
        """Make the folders; new ones are private to the user (ID numbers and password
        hashes live there), folders that exist are left as the administrator set them."""
        for folder in (self.data, self.config, self.logs):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self


def resolve_paths(environ: dict[str, str] | None = None) -> Paths:
    """The folders for this user, honouring ``HALL_DATA_DIR``."""
    env = os.environ if environ is None else environ
    override = env.get("HALL_DATA_DIR")
    if override:
        root = Path(override).expanduser().resolve()
        return Paths(data=root, config=root, logs=root / "logs")
    import platformdirs  # only here: it is not needed on the start-up path of most installs

    return Paths(
        data=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        config=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        logs=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )


def resource(*parts: str) -> Path:
    """A file shipped with the program under ``resources/``."""
    return RESOURCES.joinpath(*parts)
