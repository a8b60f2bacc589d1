"""`hall inbox list/decide`, `hall pickup` and the decisions in `hall cases show --json`,
on a copy of the demo hall."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hall.cli import main

from .cli_support import run


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-inbox")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HALL_DATA_DIR", str(folder))
        mp.delenv("HALL_COUNTER", raising=False)
        mp.delenv("HALL_SECRETS_PASSPHRASE", raising=False)
        assert main(["init", "--demo"]) == 0
    return folder


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "demo"
    shutil.copytree(demo_template, folder)
    monkeypatch.setenv("HALL_DATA_DIR", str(folder))
    monkeypatch.delenv("HALL_COUNTER", raising=False)
    monkeypatch.delenv("HALL_SECRETS_PASSPHRASE", raising=False)
    monkeypatch.setenv("HALL_PASSWORD", "hall-demo-2026")
    return folder


def as_json(capsys, *args: str):
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_the_demo_leaves_sub_cases_waiting_and_a_reviewer_decides_them(demo, capsys) -> None:
    rows = as_json(capsys, "inbox", "list", "SAMR", "--user", "reviewer01")
    assert rows and all(r["department_code"] == "SAMR" for r in rows)
    row = rows[0]
    assert {"id", "case_number", "days_left", "claimed_by", "status"} <= set(row)

    code, _out, err = run(capsys, "inbox", "decide", row["id"], "reject", "--user", "reviewer01")
    assert code == 1 and "请填写不予许可的理由" in err
    code, _out, err = run(capsys, "inbox", "decide", row["id"], "supplement",
                          "--user", "reviewer01")  # fmt: skip
    assert code == 1 and "需要补正的内容" in err

    decided = as_json(capsys, "inbox", "decide", row["id"], "approve", "--user", "reviewer01")
    assert decided["sub_case"]["status"] == "approved"
    license_number = decided["sub_case"]["license"]
    assert license_number.startswith(decided["sub_case"]["item"] + "-C01-")
    code, _out, err = run(capsys, "inbox", "decide", row["id"], "reject", "--reason", "迟了",
                          "--user", "reviewer01")  # fmt: skip
    assert code == 1 and "不能再次决定" in err

    shown = as_json(capsys, "cases", "show", row["case_number"], "--user", "clerk01")
    sub = next(s for s in shown["sub_cases"] if s["id"] == row["id"])
    assert sub["decision"]["outcome"] == "approved" and sub["decision"]["by"] == "reviewer01"
    assert sub["license"] == license_number
    assert row["id"] not in [
        r["id"] for r in as_json(capsys, "inbox", "list", "--user", "reviewer01")
    ]


def test_another_departments_inbox_is_refused(demo, capsys) -> None:
    code, _out, err = run(capsys, "inbox", "list", "MCT", "--user", "reviewer01")
    assert code == 1 and "其他部门（MCT）" in err
    [mct] = as_json(capsys, "inbox", "list", "MCT", "--user", "reviewer03")
    code, _out, err = run(capsys, "inbox", "decide", mct["id"], "approve", "--user", "reviewer01")
    assert code == 1 and "其他部门" in err
    code, _out, err = run(capsys, "inbox", "decide", "C01-1", "approve", "--user", "reviewer01")
    assert code == 1 and "不是事项编号" in err


def test_a_rejected_item_is_ready_for_pickup_and_its_handover_recorded(demo, capsys) -> None:
    [row] = [
        r
        for r in as_json(capsys, "inbox", "list", "NMPA", "--user", "reviewer01")
        if r["case_number"].endswith("0004")
    ]
    decided = as_json(capsys, "inbox", "decide", row["id"], "reject", "--reason",
                      "经营场所面积不符合要求", "--user", "reviewer01")  # fmt: skip
    assert decided["case"]["ready_for_pickup"] is True
    work = as_json(capsys, "pickup", "list", "--user", "clerk01")
    assert row["case_number"] in [r["case_number"] for r in work["ready"]]
    code, _out, err = run(capsys, "pickup", "record", row["case_number"], "--collector", "张伟",
                          "--id-number", "320305198511232750", "--user", "clerk01")  # fmt: skip
    assert code == 1 and "校验位" in err
    code, out, err = run(capsys, "pickup", "record", row["case_number"], "--collector", "张伟",
                         "--id-number", "320305198511232751", "--user", "clerk01")  # fmt: skip
    assert code == 0, err
    assert "已登记领取" in out
    shown = as_json(capsys, "cases", "show", row["case_number"], "--user", "clerk01")
    assert shown["pickup"]["collector_name"] == "张伟"
    assert {"kind": "decision", "number": f"{row['case_number']}-NMPA-001"} in shown["pickup"][
        "documents"
    ]
