from datetime import date

import pytest

from hall.core.errors import NotFound, ValidationError
from hall.models.enums import ProofMode, ReformMode, Route
from hall.services.credit import add_record
from hall.services.intake import plan_application

ENTERPRISE = "91320305MA1N428243"
DAY = date(2026, 11, 23)


def by_code(plan):
    return {p.item.code: p for p in plan.items}


def test_scope_entries_bring_in_each_permit_once_with_reasons(ctx) -> None:
    plan = plan_application(ctx, scope=["R5001", "K1040"], on=DAY)
    items = by_code(plan)
    assert list(items) == ["MCT-001", "NHC-001", "MPS-001"]
    assert items["NHC-001"].because_of == ("R5001", "K1040")
    assert items["MCT-001"].because_of == ("R5001",)


def test_every_reform_mode_gets_its_route_and_deadlines(ctx) -> None:
    plan = plan_application(
        ctx, scope=["H0101", "F1040", "R5001", "L0001"], applicant_code=ENTERPRISE, on=DAY
    )
    items = by_code(plan)
    cancelled, filing = items["MOT-001"], items["SAMR-002"]
    commitment, optimized = items["SAMR-001"], items["MCT-001"]
    assert cancelled.route is Route.cancelled and cancelled.decided_on_the_spot
    assert cancelled.statutory_deadline is None and "不得要求" in cancelled.note
    assert filing.route is Route.filing and filing.decided_on_the_spot
    assert filing.statutory_deadline is None and filing.promised_deadline is None
    assert commitment.route is Route.commitment and commitment.decided_on_the_spot
    assert commitment.statutory_deadline is None
    assert commitment.verification_due is not None
    assert commitment.verification_due.day == date(2026, 12, 21)  # 20 working days
    assert optimized.route is Route.optimized and not optimized.decided_on_the_spot
    assert optimized.promised_deadline.day == date(2026, 12, 7)  # 10 working days
    assert optimized.statutory_deadline.day == date(2026, 12, 21)  # 20 working days
    assert not optimized.deadline_provisional


def test_cancelled_items_ask_no_fields_and_no_materials(ctx) -> None:
    plan = plan_application(ctx, scope=["L0001"], on=DAY)
    assert plan.fields == () and plan.materials == ()


def test_merged_form_asks_each_field_once_grouped_with_its_items(ctx) -> None:
    plan = plan_application(ctx, scope=["H0101", "R5001"], on=DAY)
    keys = [f.field.key for f in plan.fields]
    assert len(keys) == len(set(keys))
    address = next(f for f in plan.fields if f.field.key == "business_address")
    assert address.items == ("SAMR-001", "MCT-001", "NHC-001")
    groups = [f.field.group for f in plan.fields]
    assert groups == sorted(groups, key=["申请人信息", "经营场所", "人员", "经营项目"].index)


def test_merged_materials_use_the_strictest_proof_mode(ctx) -> None:
    plan = plan_application(ctx, scope=["H0101", "R5001"], applicant_code=ENTERPRISE, on=DAY)
    materials = {m.name: m for m in plan.materials}
    assert materials["营业执照"].items == ("SAMR-001", "MCT-001", "NHC-001")
    assert materials["营业执照"].proof_mode is ProofMode.data_verification
    # Department verification for the food permit, paper for public-place hygiene: paper.
    assert materials["从业人员健康证明"].proof_mode is ProofMode.paper
    assert materials["经营场所使用证明"].proof_mode is ProofMode.commitment
    assert materials["法定代表人无犯罪记录证明"].proof_mode is ProofMode.cancelled


def test_dishonest_applicant_cannot_use_commitment(ctx, operator) -> None:
    add_record(
        ctx,
        operator,
        ENTERPRISE,
        reason="作出虚假承诺，许可被撤销",
        source="市场监管局",
        since=date(2026, 1, 5),
    )
    plan = plan_application(ctx, scope=["H0101"], applicant_code=ENTERPRISE, on=DAY)
    food = by_code(plan)["SAMR-001"]
    assert plan.applicant.dishonest
    assert food.item.reform_mode is ReformMode.commitment
    assert food.route is Route.normal and not food.decided_on_the_spot
    assert food.statutory_deadline.day == date(2026, 12, 21)
    assert food.promised_deadline is None and food.verification_due is None
    assert "失信主体名单" in food.note and "作出虚假承诺" in food.note
    # Without the commitment, the committed proofs are needed on paper.
    materials = {m.name: m.proof_mode for m in plan.materials}
    assert materials["经营场所使用证明"] is ProofMode.paper
    assert plan.to_json()["items"][0]["route"] == "normal"


def test_expired_and_future_credit_records_do_not_bar(ctx, operator) -> None:
    add_record(
        ctx, operator, ENTERPRISE, reason="旧记录", since=date(2024, 1, 1), until=date(2025, 12, 31)
    )
    add_record(ctx, operator, ENTERPRISE, reason="将来", since=date(2027, 1, 1))
    plan = plan_application(ctx, scope=["H0101"], applicant_code=ENTERPRISE, on=DAY)
    assert not plan.applicant.dishonest
    assert by_code(plan)["SAMR-001"].route is Route.commitment


def test_applicant_may_choose_the_normal_route(ctx) -> None:
    plan = plan_application(
        ctx, scope=["H0101"], applicant_code=ENTERPRISE, on=DAY, normal_route=["samr-001"]
    )
    food = by_code(plan)["SAMR-001"]
    assert food.route is Route.normal and "选择不采用告知承诺" in food.note


def test_deadline_into_an_unknown_year_is_provisional_and_says_so(ctx) -> None:
    plan = plan_application(ctx, scope=["R5001"], on=date(2026, 12, 24))
    item = by_code(plan)["MCT-001"]
    assert item.deadline_provisional and "暂定" in item.note
    assert plan.to_json()["items"][0]["deadline_provisional"] is True


def test_items_asked_directly_and_general_scope(ctx) -> None:
    plan = plan_application(ctx, scope=["日用百货销售"], items=["mps-001"], on=DAY)
    assert [s.code for s in plan.general_scope] == ["F2001"]
    assert by_code(plan)["MPS-001"].requested_directly
    assert by_code(plan)["MPS-001"].because_of == ()


def test_scope_by_wording_or_unique_keyword(ctx) -> None:
    assert by_code(plan_application(ctx, scope=["歌舞娱乐"], on=DAY)).keys() == {
        "MCT-001",
        "NHC-001",
    }
    with pytest.raises(NotFound):
        plan_application(ctx, scope=["潜水培训"], on=DAY)
    with pytest.raises(ValidationError, match="多条经营范围"):
        plan_application(ctx, scope=["销售"], on=DAY)  # 食品销售… and 日用百货销售


def test_unknown_item_and_empty_request_are_errors(ctx) -> None:
    with pytest.raises(NotFound, match="XX-1"):
        plan_application(ctx, items=["XX-1"], on=DAY)
    with pytest.raises(ValidationError):
        plan_application(ctx, on=DAY)


def test_plan_json_has_the_contract_keys(ctx) -> None:
    data = plan_application(ctx, scope=["H0101"], applicant_code=ENTERPRISE, on=DAY).to_json()
    assert set(data["applicant"]) >= {"code", "kind", "dishonest"}
    assert set(data["items"][0]) >= {
        "code",
        "name",
        "department",
        "reform_mode",
        "route",
        "decided_on_the_spot",
        "statutory_deadline",
        "promised_deadline",
        "deadline_provisional",
        "because_of",
        "note",
    }
    assert set(data["fields"][0]) >= {"key", "label", "items"}
    assert set(data["materials"][0]) >= {"name", "proof_mode", "items"}


def test_normal_route_accepts_fullwidth_codes_and_refuses_what_it_cannot_apply(ctx) -> None:
    plan = plan_application(
        ctx, scope=["H0101"], applicant_code=ENTERPRISE, on=DAY, normal_route=["ＳＡＭＲ－００１"]
    )
    assert by_code(plan)["SAMR-001"].route is Route.normal
    with pytest.raises(NotFound):
        plan_application(ctx, scope=["H0101"], on=DAY, normal_route=["SAMR-999"])
    with pytest.raises(ValidationError, match="不在本次申请中"):
        plan_application(ctx, scope=["H0101"], on=DAY, normal_route=["MCT-001"])
    with pytest.raises(ValidationError, match="不是告知承诺事项"):
        plan_application(ctx, scope=["R5001"], on=DAY, normal_route=["MCT-001"])


def test_items_that_do_not_apply_can_be_left_out(ctx) -> None:
    plan = plan_application(ctx, scope=["R5001"], on=DAY, without=["nhc-001"])
    assert list(by_code(plan)) == ["MCT-001"]
    assert [i.code for i in plan.left_out] == ["NHC-001"]
    assert "卫生检测报告" not in {m.name for m in plan.materials}
    assert plan.to_json()["left_out"] == [{"code": "NHC-001", "name": "公共场所卫生许可"}]
    with pytest.raises(ValidationError, match="不在本次申请中"):
        plan_application(ctx, scope=["R5001"], on=DAY, without=["SAMR-001"])
    with pytest.raises(ValidationError, match="直接申请"):
        plan_application(ctx, items=["MPS-001"], on=DAY, without=["MPS-001"])


def test_the_same_credit_record_is_not_added_twice(ctx, operator) -> None:
    from hall.core.errors import Conflict

    add_record(ctx, operator, ENTERPRISE, reason="虚假承诺", since=date(2026, 1, 5))
    with pytest.raises(Conflict, match="已存在"):
        add_record(ctx, operator, ENTERPRISE, reason="虚假承诺", since=date(2026, 1, 5))
    with pytest.raises(ValidationError, match="最多500个字"):
        add_record(ctx, operator, ENTERPRISE, reason="长" * 501)


def test_a_proof_commitment_on_an_optimized_item_stands_unless_the_applicant_may_not(
    ctx, operator
) -> None:
    import json

    from hall.services.catalog import import_catalog

    from ..conftest import SMALL_CATALOG

    data = json.loads(SMALL_CATALOG.read_text(encoding="utf-8"))
    data["label"] = "证明事项告知承诺"
    data["items"][2]["materials"][2]["proof_mode"] = "commitment"  # NHC-001 (optimized)
    import_catalog(ctx, operator, json.dumps(data, ensure_ascii=False).encode(), "v2.json")
    plan = plan_application(ctx, scope=["K1040"], applicant_code=ENTERPRISE, on=DAY)
    assert {m.name: m.proof_mode for m in plan.materials}["卫生检测报告"] is ProofMode.commitment
    add_record(ctx, operator, ENTERPRISE, reason="虚假承诺", since=date(2026, 1, 1))
    plan = plan_application(ctx, scope=["K1040"], applicant_code=ENTERPRISE, on=DAY)
    assert {m.name: m.proof_mode for m in plan.materials}["卫生检测报告"] is ProofMode.paper
