"""Report a problem: one zip with the versions, the settings without secrets, the last
log and what the user said; nothing half written when it cannot be saved."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from hall import __version__
from hall.core.errors import HallError
from hall.services.problem_report import LOG_TAIL, default_name, write_problem_report

NOW = datetime(2026, 11, 23, 10, 42)


def test_the_report_holds_versions_settings_log_and_description(ctx) -> None:
    ctx.settings.server_url = "postgresql://hall:s3cret@10.0.0.5/hall"
    ctx.paths.logs.mkdir(parents=True, exist_ok=True)
    log = ctx.paths.logs / "hall.log"
    log.write_bytes(b"old line\n" * (LOG_TAIL // 9 + 10) + "最后一行：打印失败\n".encode())
    out = ctx.paths.data / default_name(NOW)
    assert out.name == "hall-problem-20261123-1042.zip"
    write_problem_report(
        ctx.paths, ctx.settings, out, description="打印受理通知书时提示错误", now=NOW,
        extra={"qt": "6.x"},
    )  # fmt: skip
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        versions = archive.read("versions.txt").decode()
        settings = json.loads(archive.read("settings.json"))
        kept_log = archive.read("hall.log")
        description = archive.read("description.txt").decode()
    assert names == {"versions.txt", "settings.json", "hall.log", "description.txt"}
    assert f"hall: {__version__}" in versions and "qt: 6.x" in versions
    assert "schema: 0008 (program: 0008)" in versions and "SQLAlchemy: 2." in versions
    assert "s3cret" not in versions and "s3cret" not in json.dumps(settings)
    assert settings["counter_code"] == "C01" and "***" in settings["server_url"]
    assert len(kept_log) == LOG_TAIL and kept_log.decode().endswith("最后一行：打印失败\n")
    assert "打印受理通知书时提示错误" in description and "2026-11-23T10:42:00" in description


def test_a_report_that_cannot_be_written_says_why_and_leaves_nothing(ctx, tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(HallError) as caught:
        write_problem_report(ctx.paths, ctx.settings, blocker / "report.zip", now=NOW)
    assert "无法保存问题报告" in caught.value.message
    assert [p.name for p in tmp_path.iterdir()] == ["not-a-folder"] or not list(
        tmp_path.glob("**/*.part")
    )


def test_without_a_log_or_a_database_the_report_is_still_written(empty_ctx, tmp_path) -> None:
    out = Path(tmp_path) / "r.zip"
    write_problem_report(empty_ctx.paths, empty_ctx.settings, out, now=NOW)
    with zipfile.ZipFile(out) as archive:
        assert archive.read("hall.log") == b""
        assert "server: -" in archive.read("versions.txt").decode()
