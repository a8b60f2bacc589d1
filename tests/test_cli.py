"""The command line, run in-process the way a script would call it."""

import json
from pathlib import Path

import pytest

from hall.cli import main
from hall.db.migrate import HEAD

from .conftest import SMALL_CATALOG


@pytest.fixture
def hall_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HALL_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("HALL_COUNTER", "C07")
    assert main(["catalog", "import", str(SMALL_CATALOG)]) == 0
    return tmp_path / "cli"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_catalog_show_json_contract(hall_dir, capsys) -> None:
    code, out, _ = run(capsys, "catalog", "show", "--json")
    data = json.loads(out)
    assert code == 0 and data["version"] == 1
    item = next(i for i in data["items"] if i["code"] == "SAMR-001")
    assert item == item | {
        "name": "食品经营许可",
        "department": "市场监督管理局",
        "reform_mode": "commitment",
        "statutory_days": 20,
        "promised_days": None,
        "verification_days": 20,
    }
    scope = next(s for s in data["scope"] if s["code"] == "R5001")
    assert scope["licensed"] is True and scope["items"] == ["MCT-001", "NHC-001"]
    assert {"code", "text", "licensed", "items"} <= set(scope)


def test_derive_json_contract(hall_dir, capsys) -> None:
    code, out, _ = run(
        capsys,
        "derive",
        "--scope",
        "H0101",
        "歌舞娱乐活动",
        "--item",
        "MOT-001",
        "--applicant",
        "９１３２０３０５ma1n428243",
        "--date",
        "2026-11-23",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["applicant"] == data["applicant"] | {
        "code": "91320305MA1N428243",
        "kind": "enterprise",
        "dishonest": False,
    }
    routes = {i["code"]: i["route"] for i in data["items"]}
    assert routes == {
        "SAMR-001": "commitment",
        "MCT-001": "optimized",
        "NHC-001": "optimized",
        "MOT-001": "cancelled",
    }
    mct = next(i for i in data["items"] if i["code"] == "MCT-001")
    assert mct["statutory_deadline"] == "2026-12-21" and mct["promised_deadline"] == "2026-12-07"
    assert mct["because_of"] == ["R5001"]


def test_credit_add_then_derive_shows_the_gate(hall_dir, capsys) -> None:
    code, out, _ = run(
        capsys,
        "credit",
        "add",
        "91320305MA1N428243",
        "--reason",
        "虚假承诺",
        "--since",
        "2026-01-01",
    )
    assert code == 0 and "91320305MA1N428243" in out
    code, out, _ = run(capsys, "credit", "list", "--json")
    assert json.loads(out)[0]["reason"] == "虚假承诺"
    code, out, _ = run(
        capsys,
        "derive",
        "--scope",
        "H0101",
        "--applicant",
        "91320305MA1N428243",
        "--date",
        "2026-11-23",
        "--json",
    )
    data = json.loads(out)
    assert data["applicant"]["dishonest"] is True
    assert data["items"][0]["route"] == "normal"
    assert data["items"][0]["statutory_deadline"] == "2026-12-21"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["derive", "--scope", "H0101", "--applicant", "91320305MA1N428244"], "校验位"),
        (["derive", "--scope", "H0101", "--applicant", "320305197112035301"], "身份证号码校验位"),
        (["derive", "--item", "NOPE-1"], "NOPE-1"),
        (["credit", "add", "123", "--reason", "x"], "统一社会信用代码应为18位"),
        (["catalog", "import", "/nonexistent/catalog.json"], "无法读取目录文件"),
    ],
)
def test_errors_exit_non_zero_with_one_clear_line(hall_dir, capsys, args, fragment) -> None:
    code, _out, err = run(capsys, *args)
    assert code == 1
    assert err.count("\n") == 1 and fragment in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["derive", "--scope", "H0101", "--date", "2026-13-01"], "不是有效的日期"),
        (["derive", "--scope", "H0101", "--date", "20261201"], "YYYY-MM-DD"),
        (["derive", "--scope", "H0101", "--date", "9999-12-20"], "超出可办理的范围"),
        (["credit", "add", "91320305MA1N428243"], "缺少必需的参数：--reason"),
        (["db"], "缺少必需的参数：子命令"),
        (["nosuch"], "不能是“nosuch”"),
    ],
)
def test_usage_mistakes_are_one_chinese_line_with_status_2(
    hall_dir, capsys, args, fragment
) -> None:
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1 and "usage" not in err


def test_catalog_import_with_errors_lists_them_and_keeps_the_old_version(
    hall_dir, capsys, tmp_path
) -> None:
    bad = tmp_path / "bad.json"
    data = json.loads(SMALL_CATALOG.read_text(encoding="utf-8"))
    data["items"][0]["reform_mode"] = "maybe"
    data["scope"][0]["items"] = ["GHOST"]
    bad.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run(capsys, "catalog", "import", str(bad))
    assert code == 1
    assert "items[0].reform_mode" in err and "scope[0].items[0]" in err
    code, out, _ = run(capsys, "catalog", "show", "--json")
    assert json.loads(out)["version"] == 1


def test_calendar_import_makes_2027_deadlines_final(hall_dir, capsys, tmp_path) -> None:
    args = ["derive", "--scope", "R5001", "--date", "2026-12-24", "--json"]
    _, out, _ = run(capsys, *args)
    assert json.loads(out)["items"][0]["deadline_provisional"] is True
    cal = tmp_path / "2027.json"
    cal.write_text(
        json.dumps(
            {
                "format": "hall-calendar/1",
                "year": 2027,
                "label": "2027",
                "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-01"}],
                "workdays": [],
            }
        )
    )
    code, out, _ = run(capsys, "calendar", "import", str(cal))
    assert code == 0 and "2027" in out
    _, out, _ = run(capsys, *args)
    item = json.loads(out)["items"][0]
    assert item["deadline_provisional"] is False
    assert item["statutory_deadline"] == "2027-01-22"


def test_malformed_counter_override_is_reported(hall_dir, capsys, monkeypatch) -> None:
    monkeypatch.setenv("HALL_COUNTER", "窗口1")
    code, _, err = run(capsys, "catalog", "show")
    assert code == 1 and "窗口编号" in err


def test_db_upgrade_reports_the_revision(hall_dir, capsys, tmp_path, monkeypatch) -> None:
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0 and f"已是最新版本（{HEAD}）" in out
    monkeypatch.setenv("HALL_DATA_DIR", str(tmp_path / "new"))
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0 and f"已升级到版本 {HEAD}" in out


def test_a_closed_pipe_is_not_an_error(hall_dir, tmp_path) -> None:
    import os
    import subprocess
    import sys

    env = dict(os.environ, HALL_DATA_DIR=str(hall_dir))
    reader = subprocess.Popen(
        [sys.executable, "-m", "hall", "catalog", "show"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert reader.stdout is not None
    reader.stdout.readline()
    reader.stdout.close()  # like `| head -1`
    _out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    assert b"Traceback" not in err and "内部错误".encode() not in err


@pytest.mark.parametrize("kind", ["file", "corrupt", "readonly"])
def test_unusable_data_folder_or_database_is_one_clear_line(
    tmp_path, capsys, monkeypatch, kind
) -> None:
    import os

    target = tmp_path / "data"
    if kind == "file":
        target.write_text("hi")
        fragment = "无法使用数据文件夹"
    elif kind == "corrupt":
        target.mkdir()
        (target / "hall.sqlite3").write_bytes(os.urandom(4096))
        fragment = "不是本程序的数据库"
    else:
        import errno

        import hall.cli

        def read_only(_folder):
            raise OSError(errno.EROFS, "Read-only file system")

        monkeypatch.setattr(hall.cli, "setup_logging", read_only)
        fragment = "所在磁盘是只读的"
    monkeypatch.setenv("HALL_DATA_DIR", str(target))
    code, _out, err = run(capsys, "credit", "list")
    assert code == 1 and fragment in err, err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_data_folder_with_url_characters_works(tmp_path, capsys, monkeypatch) -> None:
    folder = tmp_path / "dir#1 %20 x"
    monkeypatch.setenv("HALL_DATA_DIR", str(folder))
    assert main(["catalog", "import", str(SMALL_CATALOG)]) == 0
    from hall.core.paths import resolve_paths
    from hall.db.quick import sqlite_is_current

    assert sqlite_is_current(resolve_paths().database)
    assert not (tmp_path / "dir").exists()  # no stray file beside the folder
