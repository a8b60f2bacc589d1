"""The program as a person starts it: a real process."""

import os
import subprocess
import sys
from pathlib import Path


def start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")
    }
    environ.update({"HALL_DATA_DIR": str(tmp_path / "data"), "HALL_EXIT_AFTER_START": "1"}, **env)
    return subprocess.run(
        [sys.executable, "-m", "hall"], capture_output=True, text=True, env=environ, timeout=120
    )


def test_starts_shows_sign_in_and_exits_cleanly(tmp_path: Path) -> None:
    result = start(tmp_path, QT_QPA_PLATFORM="offscreen")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "hall.sqlite3").exists()  # migrated before any window


def test_without_a_display_it_says_so_instead_of_aborting(tmp_path: Path) -> None:
    result = start(tmp_path)
    assert result.returncode == 2
    assert "找不到图形显示" in result.stderr and "QT_QPA_PLATFORM=offscreen" in result.stderr
