"""``hall registry find`` and ``hall registry import``, run in-process as a script would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hall.cli import main
from hall.core.paths import resolve_paths
from hall.services.audit import Actor
from hall.services.context import open_context

from .cli_support import make_hall_dir, run
from .services.test_registry import code, entity_row, write_csv


@pytest.fixture
def hall_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_hall_dir(tmp_path, monkeypatch)


@pytest.fixture
def registry_file(tmp_path: Path) -> Path:
    rows = [entity_row(n, f"徐州市贾汪区{w}商贸有限公司") for n, w in enumerate("甲乙丙丁", 1)]
    rows.append(entity_row(5, "徐州市贾汪区味香居餐饮管理有限公司", status="在业", scope=""))
    return write_csv(tmp_path / "registry.csv", rows)


def test_import_then_find_by_name_and_by_code(hall_dir, registry_file, capsys) -> None:
    status, out, err = run(capsys, "registry", "import", str(registry_file))
    assert status == 0, err
    assert "已导入登记库 5 户（新增 5，更新 0，未变 0）" in out
    assert "100%" in err  # progress goes to stderr, the summary to stdout
    status, out, _err = run(capsys, "registry", "find", "徐州市贾汪区")
    assert status == 0
    lines = out.splitlines()
    # In name order (by character code: 丁 U+4E01 before 甲 U+7532).
    assert len(lines) == 5 and lines[0].startswith(code(4)) and "丁商贸" in lines[0]
    assert "张三" in lines[0] and "存续" in lines[0] and "江苏省徐州市贾汪区夏桥路1号" in lines[0]
    status, out, _err = run(capsys, "registry", "find", code(5).lower(), "--json")
    assert status == 0
    [found] = json.loads(out)
    assert found == found | {
        "code": code(5), "kind": "enterprise", "name": "徐州市贾汪区味香居餐饮管理有限公司",
        "legal_representative": "张三", "status": "在业", "registered_scope": [],
    }  # fmt: skip


def test_find_limit_and_the_trade_name(hall_dir, registry_file, capsys) -> None:
    run(capsys, "registry", "import", str(registry_file))
    status, out, _err = run(capsys, "registry", "find", "徐州市", "--limit", "2")
    assert status == 0 and len(out.splitlines()) == 3 and "只显示前2条" in out
    status, out, _err = run(capsys, "registry", "find", "味香居")
    assert status == 0 and code(5) in out


def test_find_nothing_ends_with_status_1(hall_dir, capsys) -> None:
    status, out, _err = run(capsys, "registry", "find", "没有这家公司")
    assert status == 1 and "没有找到“没有这家公司”" in out
    status, out, _err = run(capsys, "registry", "find", "没有这家公司", "--json")
    assert status == 1 and json.loads(out) == []


def test_a_bad_query_or_limit_is_one_clear_line(hall_dir, capsys) -> None:
    status, _out, err = run(capsys, "registry", "find", "91320305MA1N428244")
    assert status == 1 and "校验位" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as info:
        main(["registry", "find", "x", "--limit", "0"])
    assert info.value.code == 2 and "--limit：应为正整数" in capsys.readouterr().err


def test_a_person_found_by_id_number_is_shown_masked(hall_dir, capsys) -> None:
    from hall.services.applicants import ApplicantInput, ensure_applicant

    ctx = open_context(resolve_paths())
    with ctx.uow() as session:
        who = Actor.as_operator("cli:test", "命令行")
        person = ApplicantInput("320305196203142253", "王建国", phone="18026704888")
        ensure_applicant(session, ctx.clock, who, person)
    ctx.close()
    status, out, _err = run(capsys, "registry", "find", "320305196203142253", "--json")
    [found] = json.loads(out)
    assert status == 0 and found["code"] == "320305********2253"
    assert found["phone"] == "180****4888" and found["name"] == "王建国"


def test_a_refused_file_lists_its_bad_lines(hall_dir, tmp_path, capsys) -> None:
    rows = [entity_row(1), entity_row(2, name=" "), entity_row(1)]
    path = write_csv(tmp_path / "bad.csv", rows)
    status, out, err = run(capsys, "registry", "import", str(path))
    assert status == 1 and out == ""
    assert "2行有误" in err and "未导入任何数据" in err
    assert "第3行: 名称不能为空" in err and "第4行: 统一社会信用代码" in err
    status, out, _err = run(capsys, "registry", "find", code(1))
    assert status == 1  # nothing was written


def test_a_clerk_may_not_import(hall_dir, registry_file, capsys, monkeypatch) -> None:
    monkeypatch.setenv("HALL_USER", "clerk01")
    monkeypatch.setenv("HALL_PASSWORD", "correct horse 1")
    status, _out, err = run(capsys, "registry", "import", str(registry_file))
    assert status == 1 and "无权导入目录和日历" in err


def test_import_needs_a_signed_in_account(hall_dir, registry_file, capsys, monkeypatch) -> None:
    monkeypatch.setenv("HALL_PASSWORD", "wrong password 1")
    status, _out, err = run(capsys, "registry", "import", str(registry_file))
    assert status == 1 and "Traceback" not in err
    status, _out, _err = run(capsys, "registry", "find", code(1))
    assert status == 1


def test_a_missing_or_non_utf8_file_is_one_clear_line(hall_dir, tmp_path, capsys) -> None:
    status, _out, err = run(capsys, "registry", "import", str(tmp_path / "none.csv"))
    assert status == 1 and "文件或文件夹不存在" in err
    gbk = write_csv(tmp_path / "gbk.csv", [entity_row(1)], encoding="gbk")
    status, _out, err = run(capsys, "registry", "import", str(gbk))
    assert status == 1 and "UTF-8" in err and len(err.strip().splitlines()) == 1
