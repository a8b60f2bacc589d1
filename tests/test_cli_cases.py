"""`hall cases …`, run in-process the way a script would call it (the real clock)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hall.core.paths import resolve_paths
from hall.models import AuditEntry
from hall.models.enums import Role
from hall.services.applicants import ApplicantInput
from hall.services.audit import Actor
from hall.services.auth import create_user
from hall.services.catalog import import_catalog
from hall.services.context import open_context
from hall.services.intake import accept_case, plan_application

from .cli_support import run
from .conftest import SMALL_CATALOG
from .services.test_intake import ANSWERS, APPLICANT, ENTERPRISE

CLERK_PASSWORD = "correct horse 1"
PERSON = "32030519711203530X"


@pytest.fixture
def hall_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder with the test catalog, the administrator ``root``, the clerk
    ``clerk01`` (as whom the commands act) and two cases accepted today at C07: an
    enterprise's (food by commitment, entertainment and health under review) and a
    person's filing."""
    monkeypatch.setenv("HALL_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("HALL_COUNTER", "C07")
    ctx = open_context(resolve_paths())
    operator = Actor.as_operator("cli:test", "命令行")
    import_catalog(ctx, operator, SMALL_CATALOG.read_bytes(), SMALL_CATALOG.name)
    create_user(ctx, operator, "root", "管理员", Role.admin, "the admin's own 1",
                must_change_password=False)  # fmt: skip
    create_user(ctx, operator, "clerk01", "张敏", Role.clerk, CLERK_PASSWORD,
                must_change_password=False)  # fmt: skip
    clerk = Actor("clerk01", Role.clerk, "C07", "张敏")
    plan = plan_application(ctx, scope=["H0101", "R5001"], applicant_code=ENTERPRISE)
    accept_case(ctx, clerk, plan, APPLICANT, ANSWERS)
    plan = plan_application(ctx, scope=["F1040"], applicant_code=PERSON)
    answers = {k: ANSWERS[k] for k in ("applicant_name", "contact_mobile", "business_address")}
    accept_case(ctx, clerk, plan, ApplicantInput(PERSON, "胡玉梅"), answers)
    ctx.close()
    monkeypatch.setenv("HALL_USER", "clerk01")
    monkeypatch.setenv("HALL_PASSWORD", CLERK_PASSWORD)
    return tmp_path / "cli"


def numbers(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    code, out, err = run(capsys, "cases", "list", *args, "--json")
    assert code == 0, err
    return [c["number"] for c in json.loads(out)]


def enterprise_case(capsys: pytest.CaptureFixture[str]) -> str:
    [number] = numbers(capsys, "--query", ENTERPRISE)
    return number


def sign_ins(hall_dir: Path) -> int:
    ctx = open_context(resolve_paths())
    try:
        with ctx.uow() as s:
            return s.scalar(select(func.count()).where(AuditEntry.action == "user.sign_in")) or 0
    finally:
        ctx.close()


def test_cases_list_json_contract(hall_dir, capsys) -> None:
    code, out, _ = run(capsys, "cases", "list", "--json")
    assert code == 0
    data = json.loads(out)
    assert [c["applicant"]["kind"] for c in data] == ["person", "enterprise"]  # newest first
    person, enterprise = data
    assert enterprise == enterprise | {
        "counter": "C07",
        "status": "accepted",
        "sub_cases": 3,
        "applicant": {"code": ENTERPRISE, "name": APPLICANT.name, "kind": "enterprise"},
    }
    assert enterprise["number"].startswith("C07-")
    assert enterprise["pending"] == {
        "under_review": 2,
        "verification_requests": 1,
        "deferred_materials": 0,
        "open_supplement": False,
    }
    assert person["applicant"]["code"] == "320305********530X"  # masked in a list


def test_cases_list_finds_by_query_and_day(hall_dir, capsys) -> None:
    everything = numbers(capsys)
    assert numbers(capsys, "--query", PERSON.lower()) == everything[:1]
    assert numbers(capsys, "--query", "味香居") == everything[1:]
    assert numbers(capsys, "--date", "2020-01-01") == []
    assert numbers(capsys, "--query", everything[0][:4]) == everything


def test_cases_list_prints_one_aligned_line_per_case(hall_dir, capsys) -> None:
    code, out, _ = run(capsys, "cases", "list")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert "胡玉梅" in lines[0] and "已受理" in lines[0]
    assert "审查中2项，待部门核验1项" in lines[1]
    code, out, _ = run(capsys, "cases", "list", "--query", "没有这家")
    assert code == 0 and out.strip() == "没有找到案件。"


def test_cases_show_json_contract(hall_dir, capsys) -> None:
    number = enterprise_case(capsys)
    code, out, _ = run(capsys, "cases", "show", number.lower(), "--json")
    assert code == 0
    data = json.loads(out)
    assert {"number", "accepted_on", "counter", "status", "applicant", "sub_cases",
            "materials", "verification_requests", "supplements", "licenses",
            "history", "pending", "answers"} <= set(data)  # fmt: skip
    assert data["number"] == number and data["status"] == "accepted"
    assert data["applicant"] == data["applicant"] | {
        "code": ENTERPRISE,
        "name": APPLICANT.name,
        "kind": "enterprise",
    }
    sub = {s["item"]: s for s in data["sub_cases"]}
    assert set(sub) == {"SAMR-001", "MCT-001", "NHC-001"}
    fun = sub["MCT-001"]
    assert set(fun) >= {"item", "name", "department", "route", "status", "days_left",
                        "statutory_deadline", "promised_deadline", "stopped_days",
                        "clock_stopped"}  # fmt: skip
    assert (fun["name"], fun["department"], fun["route"], fun["status"]) == (
        "娱乐场所经营许可",
        "文化和旅游局",
        "optimized",
        "under_review",
    )
    assert fun["days_left"] == 10 and fun["stopped_days"] == 0 and fun["clock_stopped"] is False
    assert sub["SAMR-001"]["days_left"] is None and sub["SAMR-001"]["conditions"]
    materials = {m["name"]: m for m in data["materials"]}
    assert materials["营业执照"]["status"] == "pending"
    assert materials["营业执照"]["items"] == ["SAMR-001", "MCT-001", "NHC-001"]
    [request] = data["verification_requests"]
    assert (request["material"], request["status"]) == ("消防安全检查合格证明", "pending")
    assert data["supplements"] == []
    # The commitment item decided on the spot has its license (no key here: no code yet).
    [issued] = data["licenses"]
    assert issued["number"] == "SAMR-001-C07-2026-00001" and issued["item_code"] == "SAMR-001"
    assert issued["qr_payload"] is None and issued["revoked"] is False
    assert [h["action"] for h in data["history"]] == ["case.accept"]
    assert data["answers"]["contact_mobile"] == "13800138000"


def test_cases_show_prints_the_case_in_chinese(hall_dir, capsys) -> None:
    number = enterprise_case(capsys)
    code, out, _ = run(capsys, "cases", "show", number)
    assert code == 0
    assert out.startswith(f"案件 {number}（已受理）")
    expected = [
        "许可事项（3项）：",
        "娱乐场所经营许可",
        "（剩10个工作日）",
        "材料（7项）：",
        "部门核验：",
        "待办：",
        "办理记录：",
        "张敏（clerk01）",
        "受理申请（3个事项）",
    ]
    for text in expected:
        assert text in out, text


def test_reading_cases_adds_no_sign_in_to_the_audit_log(hall_dir, capsys) -> None:
    before = sign_ins(hall_dir)
    enterprise_case(capsys)
    assert sign_ins(hall_dir) == before


def test_an_unknown_case_fails_with_one_line(hall_dir, capsys) -> None:
    code, out, err = run(capsys, "cases", "show", "C07-20200101-0001")
    assert code == 1 and out == ""
    assert err.strip() == "hall：错误：没有编号为“C07-20200101-0001”的案件。"


def test_an_account_that_may_not_accept_cases_may_not_read_them(
    hall_dir, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("HALL_USER", "root")
    monkeypatch.setenv("HALL_PASSWORD", "the admin's own 1")
    code, _, err = run(capsys, "cases", "list")
    assert code == 1 and "无权受理申请" in err


def test_cases_withdraw_withdraws_an_item_then_the_case(hall_dir, capsys) -> None:
    number = enterprise_case(capsys)
    code, out, _ = run(
        capsys, "cases", "withdraw", number, "--item", "nhc-001", "--reason", "不做了"
    )
    assert code == 0 and "“公共场所卫生许可”" in out and "已受理" in out
    code, out, _ = run(capsys, "cases", "withdraw", number, "--reason", "申请人决定不再经营")
    assert code == 0
    assert out.splitlines() == [
        f"已撤回案件 {number}。",
        "已作出决定的事项不因撤回而失效：食品经营许可",
    ]
    code, _, err = run(capsys, "cases", "withdraw", number, "--reason", "再撤一次")
    assert code == 1 and "已撤回，不能再办理" in err
    code, out, _ = run(capsys, "cases", "show", number, "--json")
    assert json.loads(out)["status"] == "withdrawn"
