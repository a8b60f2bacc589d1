"""What the command-line tests share: a data folder with accounts, and running `hall`."""

from __future__ import annotations

from pathlib import Path

import pytest

from hall.cli import main
from hall.core.paths import resolve_paths
from hall.models.enums import Role
from hall.services.audit import Actor
from hall.services.auth import create_user
from hall.services.context import open_context

ADMIN_PASSWORD = "the admin's own 1"


def make_hall_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder with the administrator ``root`` (and ``clerk01``), as whom the
    commands act: ``HALL_USER`` and ``HALL_PASSWORD`` are set as a script would."""
    monkeypatch.setenv("HALL_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("HALL_COUNTER", "C07")
    monkeypatch.delenv("HALL_SECRETS_PASSPHRASE", raising=False)
    ctx = open_context(resolve_paths())
    operator = Actor.as_operator("cli:test", "命令行")
    create_user(
        ctx, operator, "root", "管理员", Role.admin, ADMIN_PASSWORD, must_change_password=False
    )
    create_user(
        ctx, operator, "clerk01", "张敏", Role.clerk, "correct horse 1", must_change_password=False
    )
    ctx.close()
    monkeypatch.setenv("HALL_USER", "root")
    monkeypatch.setenv("HALL_PASSWORD", ADMIN_PASSWORD)
    return tmp_path / "cli"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``hall ARGS…`` in this process: its exit status, stdout and stderr."""
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err
