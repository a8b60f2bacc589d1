"""The counter's path as a state machine, without Qt: the code field, the applicant, the
plan for what is picked, the prefilled form, the data checks, what still stands in the
way per step, and acceptance from the state (the draft becoming the case)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update
from stdnum.cn import ric, uscc

from hall.core.errors import Conflict, ValidationError
from hall.models import (
    Applicant,
    AuditEntry,
    Case,
    IntakeDraft,
    MaterialCheck,
    SubCase,
    VerificationRequest,
    VerificationTask,
)
from hall.models.enums import (
    ApplicantKind,
    DraftStatus,
    MaterialStatus,
    ProofMode,
    RequestStatus,
    Route,
)
from hall.services.credit import add_record
from hall.services.drafts import discard_draft, open_drafts, save_draft
from hall.services.intake import plan_application
from hall.services.intake_flow import (
    accept_from_state,
    code_feedback,
    commitment_items,
    look_up_applicant,
    plan_for,
    prefilled,
    problems,
    run_data_checks,
    with_applicant,
)
from hall.services.intake_state import IntakeState, MaterialChoice, Step
from hall.services.verifiers import Answer, DataAnswer, DataQuery

from .test_intake import ANSWERS, APPLICANT, DAY, ENTERPRISE

PERSON = "32030519711203530X"
#: What the small catalog's 食品销售（仅销售预包装食品） (a filing) asks.
FILING_ANSWERS = {k: ANSWERS[k] for k in ("applicant_name", "contact_mobile", "business_address")}


def with_check(body: str) -> str:
    """A credit code with its GB 32100 check character (the 18th replaced)."""
    return body[:17] + uscc.calc_check_digit(body[:17])


def id_with_check(body: str) -> str:
    """A resident ID number with its ISO 7064 check character."""
    return body[:17] + ric.calc_check_digit(body[:17] + "0")


#: The lines an item decided on the spot needs settled now: the business licence seen
#: in the original, the health certificates too (the department's answer would come
#: after the decision).
SETTLED = {
    "营业执照": MaterialChoice(MaterialStatus.received.value),
    "从业人员健康证明": MaterialChoice(MaterialStatus.received.value),
}


def complete_state(**changes) -> IntakeState:
    """An application for 餐饮服务 (a commitment item) with nothing missing: the
    applicant, the form, the materials and the commitment letter signed."""
    state = IntakeState(
        applicant_code=ENTERPRISE,
        looked_up=ENTERPRISE,
        materials=dict(SETTLED),
        applicant_name=APPLICANT.name,
        legal_representative=APPLICANT.legal_representative,
        address=APPLICANT.address,
        phone=APPLICANT.phone,
        scope=("H0101",),
        answers=dict(ANSWERS),
        signed=("SAMR-001",),
        step=Step.accept,
    )
    return state.replace(**changes)


def filing_state(**changes) -> IntakeState:
    """食品销售（仅销售预包装食品）: a filing whose 经营场所使用证明 is on paper."""
    filing = {"scope": ("F1040",), "answers": dict(FILING_ANSWERS), "signed": ()}
    return complete_state(**(filing | changes))


def review_state(**changes) -> IntakeState:
    """Public-place health and another optimized item: both reviewed after acceptance,
    so a non-key paper material may be deferred (容缺)."""
    answers = ANSWERS | {"rooms": "20"}  # the hotel's rooms (MPS-001)
    return complete_state(**({"scope": ("K1040",), "signed": (), "answers": answers} | changes))


def count(ctx, model) -> int:
    with ctx.uow() as s:
        return s.scalar(select(func.count()).select_from(model))


def checks(ctx) -> dict[str, MaterialCheck]:
    with ctx.uow() as s:
        return {m.name: m for m in s.scalars(select(MaterialCheck))}


class FakePlatform:
    """A province's data-sharing exchange as a test double: confirms everything it is
    asked and remembers the queries."""

    SOURCE = "江苏省数据共享交换平台"

    def __init__(self, clock) -> None:
        self.clock = clock
        self.queries: list[DataQuery] = []

    def check(self, query: DataQuery) -> DataAnswer:
        self.queries.append(query)
        return DataAnswer(
            Answer.confirmed, f"{query.material}：电子证照有效", self.SOURCE, self.clock.now()
        )


# --- the code field -----------------------------------------------------------------------


def test_an_empty_code_field_asks_for_a_code() -> None:
    feedback = code_feedback("  ", today=DAY)
    assert not feedback.ok and feedback.code is None
    assert "请输入或扫描" in feedback.message


def test_an_incomplete_code_says_how_many_characters_are_missing() -> None:
    feedback = code_feedback("91320305ma", today=DAY)
    assert not feedback.ok and feedback.code is None and feedback.kind is None
    assert feedback.message == "已输入10位，还差8位"


def test_a_code_too_long_is_refused_with_its_length() -> None:
    feedback = code_feedback(ENTERPRISE + "1", today=DAY)
    assert not feedback.ok
    assert "现为19位" in feedback.message


@pytest.mark.parametrize(
    ("wrong", "reason"),
    [
        (ENTERPRISE[:-1] + "4", "第18位应为“3”，输入的是“4”"),
        (PERSON[:-1] + "1", "第18位应为“X”，输入的是“1”"),
    ],
)
def test_a_wrong_check_character_gives_the_reason(wrong: str, reason: str) -> None:
    feedback = code_feedback(wrong, today=DAY)
    assert not feedback.ok and feedback.code is None
    assert reason in feedback.message


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (ENTERPRISE, ApplicantKind.enterprise),
        (with_check("91110108MA01C3QE0"), ApplicantKind.enterprise),
        (with_check("N2320305MFJFX9MK1"), ApplicantKind.enterprise),  # a village collective
        (PERSON, ApplicantKind.person),
        (id_with_check("11010519491231002"), ApplicantKind.person),
    ],
)
def test_a_valid_code_is_accepted_with_its_kind(code: str, kind: ApplicantKind) -> None:
    feedback = code_feedback(code, today=DAY)
    assert feedback.ok, feedback.message
    assert (feedback.code, feedback.kind) == (code, kind)
    assert (
        "统一社会信用代码" if kind is ApplicantKind.enterprise else "身份证"
    ) in feedback.message


def test_fullwidth_lowercase_and_spaced_input_is_normalised() -> None:
    # A scanner in the wrong mode, or a Chinese input method, types fullwidth characters.
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in ENTERPRISE.lower())
    feedback = code_feedback(f" {fullwidth}\u3000", today=DAY)
    assert feedback.ok and feedback.code == ENTERPRISE
    spaced = code_feedback("3203 0519 7112 0353 0x", today=DAY)
    assert spaced.ok and spaced.code == PERSON and spaced.kind is ApplicantKind.person


# --- the applicant ------------------------------------------------------------------------


def test_a_registered_enterprise_fills_name_representative_and_address(demo_ctx) -> None:
    check = look_up_applicant(demo_ctx, ENTERPRISE.lower())
    assert check.code == ENTERPRISE and check.kind is ApplicantKind.enterprise
    assert check.registered is not None
    typed = IntakeState(applicant_code=ENTERPRISE.lower(), applicant_name="味香居")
    state = with_applicant(typed, check)
    assert state.applicant_code == ENTERPRISE
    assert state.applicant_name == "徐州市贾汪区味香居餐饮管理有限公司"
    assert state.legal_representative == "王建国"
    assert state.address == "江苏省徐州市贾汪区老矿街道工农北路136号"
    assert state.phone == "0516-87661715"


def test_a_credit_record_that_has_ended_does_not_bar_the_applicant(demo_ctx) -> None:
    # The demo registry's 味香居 was listed until 2025-08-04 and has repaired its credit.
    check = look_up_applicant(demo_ctx, ENTERPRISE)
    assert check.credit_records == () and not check.dishonest


def test_an_unknown_code_keeps_what_the_clerk_typed_for_the_same_code(ctx) -> None:
    typed = IntakeState(
        applicant_code=ENTERPRISE.lower(),
        applicant_name="味香居餐饮",
        legal_representative="王建国",
        address="工农北路136号",
        phone="13800138000",
    )
    check = look_up_applicant(ctx, ENTERPRISE)
    assert check.registered is None
    state = with_applicant(typed, check)
    assert state == typed.replace(applicant_code=ENTERPRISE, looked_up=ENTERPRISE)


def test_an_unknown_code_clears_what_was_typed_for_a_different_code(ctx) -> None:
    typed = IntakeState(
        applicant_code=PERSON,
        applicant_name="胡玉梅",
        legal_representative="胡玉梅",
        address="夏桥路1号",
        phone="13800138000",
        scope=("H0101",),
    )
    state = with_applicant(typed, look_up_applicant(ctx, ENTERPRISE))
    assert state == IntakeState(applicant_code=ENTERPRISE, looked_up=ENTERPRISE, scope=("H0101",))


def test_changing_from_a_registered_to_an_unknown_applicant_clears_the_registry_entry(
    demo_ctx,
) -> None:
    registered = with_applicant(IntakeState(), look_up_applicant(demo_ctx, ENTERPRISE))
    assert registered.applicant_name
    unknown = with_check("91320305MA00TEXT0")
    state = with_applicant(registered, look_up_applicant(demo_ctx, unknown))
    assert (state.applicant_code, state.applicant_name, state.address) == (unknown, "", "")


def test_a_dishonest_subjects_records_are_returned(ctx, operator) -> None:
    add_record(ctx, operator, ENTERPRISE, reason="虚假承诺", since=date(2026, 1, 1))
    add_record(ctx, operator, PERSON, reason="失信被执行人", since=date(2026, 1, 1))
    check = look_up_applicant(ctx, ENTERPRISE)
    assert check.dishonest
    assert [r.reason for r in check.credit_records] == ["虚假承诺"]


def test_a_record_starting_tomorrow_does_not_bar_today(ctx, operator) -> None:
    add_record(ctx, operator, ENTERPRISE, reason="虚假承诺", since=DAY + timedelta(days=1))
    assert not look_up_applicant(ctx, ENTERPRISE).dishonest


def test_an_invalid_code_is_not_looked_up(ctx) -> None:
    with pytest.raises(ValidationError, match="校验位不符"):
        look_up_applicant(ctx, ENTERPRISE[:-1] + "4")


# --- the plan -------------------------------------------------------------------------------


def test_a_left_out_item_that_the_selection_no_longer_brings_in_is_set_aside(ctx) -> None:
    state = complete_state(scope=("R5001",), without=("NHC-001",))
    plan = plan_for(ctx, state)
    assert [p.item.code for p in plan.items] == ["MCT-001"]
    assert [i.code for i in plan.left_out] == ["NHC-001"]
    # The clerk picks something else; the old choice must not stop the plan.
    plan = plan_for(ctx, state.replace(scope=("H0101",)))
    assert [p.item.code for p in plan.items] == ["SAMR-001"] and plan.left_out == ()
    with pytest.raises(ValidationError):  # what plan_for protects the clerk from
        plan_application(ctx, scope=["H0101"], applicant_code=ENTERPRISE, without=["NHC-001"])


def test_a_stale_normal_route_choice_is_set_aside(ctx) -> None:
    # Declined for 餐饮服务, which the clerk then took out; and a choice about an item
    # that is not (or no longer) a commitment item.
    for declined in (("SAMR-001",), ("SAMR-002",), ("XXX-999",)):
        plan = plan_for(ctx, filing_state(normal_route=declined))
        assert [(p.item.code, p.route) for p in plan.items] == [("SAMR-002", Route.filing)]


def test_normal_route_moves_a_commitment_item_to_the_normal_route(ctx) -> None:
    state = complete_state(normal_route=("SAMR-001",))
    plan = plan_for(ctx, state)
    [item] = plan.items
    assert item.route is Route.normal and not item.decided_on_the_spot
    assert item.statutory_deadline is not None and item.statutory_deadline.day == date(2026, 12, 21)
    assert commitment_items(plan) == ()
    # Without a commitment, the proofs the commitment stood for come on paper.
    modes = {m.name: m.proof_mode for m in plan.materials}
    assert modes["经营场所使用证明"] is ProofMode.paper


def test_an_item_asked_for_directly_is_not_left_out(ctx) -> None:
    plan = plan_for(ctx, complete_state(scope=("R5001",), items=("NHC-001",), without=("NHC-001",)))
    assert sorted(p.item.code for p in plan.items) == ["MCT-001", "NHC-001"]


def test_nothing_picked_is_a_validation_error(ctx) -> None:
    with pytest.raises(ValidationError, match="至少选择一项"):
        plan_for(ctx, complete_state(scope=()))


def test_a_plan_is_made_for_the_applicant_in_the_state(ctx, operator) -> None:
    add_record(ctx, operator, ENTERPRISE, reason="虚假承诺", since=date(2026, 1, 1))
    plan = plan_for(ctx, complete_state(applicant_code=ENTERPRISE.lower()))
    assert plan.applicant is not None and plan.applicant.code == ENTERPRISE
    assert plan.applicant.dishonest and plan.items[0].route is Route.normal
    assert plan_for(ctx, complete_state(applicant_code="")).applicant is None


# --- the prefilled form -----------------------------------------------------------------------


def test_prefilled_fills_empty_fields_from_the_applicant(ctx) -> None:
    state = complete_state(answers={}, phone="138 0013 8000")
    filled = prefilled(state, plan_for(ctx, state)).answers
    assert filled == {
        "applicant_name": APPLICANT.name,
        "legal_representative": "王建国",
        "contact_mobile": "13800138000",
    }


def test_prefilled_never_overwrites_typed_answers(ctx) -> None:
    typed = {"applicant_name": "味香居（分店）", "contact_mobile": "13900139000", "seats": "40"}
    state = complete_state(answers=typed, phone="13800138000")
    filled = prefilled(state, plan_for(ctx, state)).answers
    assert {k: filled[k] for k in typed} == typed
    assert filled["legal_representative"] == "王建国"


def test_prefilled_fills_only_fields_of_the_plan(ctx) -> None:
    state = complete_state(scope=("F1040",), answers={})
    filled = prefilled(state, plan_for(ctx, state)).answers
    assert "legal_representative" not in filled  # the filing does not ask for it
    assert filled["applicant_name"] == APPLICANT.name


@pytest.mark.parametrize(
    ("phone", "mobile"),
    [
        ("13800138000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("0516-87661715", None),  # a fixed line
        ("1380013800", None),  # ten digits
        ("12345678901", None),  # eleven digits starting with 1, but no mobile number
        ("1380013800X", None),
        ("", None),
    ],
)
def test_contact_mobile_is_prefilled_only_from_a_valid_mobile(
    ctx, phone: str, mobile: str | None
) -> None:
    state = complete_state(answers={}, phone=phone)
    filled = prefilled(state, plan_for(ctx, state)).answers
    assert filled.get("contact_mobile") == mobile


def test_prefilled_gives_an_enterprise_its_credit_code_and_registered_address(demo_ctx) -> None:
    # The bundled catalog's 货物进出口 (a filing with the commerce bureau) asks for both.
    state = with_applicant(
        IntakeState(scope=("F9020",)), look_up_applicant(demo_ctx, ENTERPRISE.lower())
    )
    filled = prefilled(state, plan_for(demo_ctx, state)).answers
    assert filled["uscc"] == ENTERPRISE
    assert filled["registered_address"] == "江苏省徐州市贾汪区老矿街道工农北路136号"
    person = IntakeState(applicant_code=PERSON, applicant_name="胡玉梅", scope=("F9020",))
    assert "uscc" not in prefilled(person, plan_for(demo_ctx, person)).answers


# --- data checks ------------------------------------------------------------------------------


def _registered_filing(demo_ctx) -> IntakeState:
    """味香居 from the demo registry, for the bundled catalog's filing of 食品销售."""
    state = with_applicant(IntakeState(scope=("F1040",)), look_up_applicant(demo_ctx, ENTERPRISE))
    return prefilled(state, plan_for(demo_ctx, state))


def test_a_registered_enterprises_business_registration_is_verified_with_a_note(
    demo_ctx,
) -> None:
    state = _registered_filing(demo_ctx)
    checked = run_data_checks(demo_ctx, state, plan_for(demo_ctx, state))
    licence = checked.materials["营业执照"]
    assert licence.status == MaterialStatus.verified.value
    assert licence.note.startswith("市场主体登记信息：徐州市贾汪区味香居餐饮管理有限公司")
    assert "存续" in licence.note and "2017-06-12" in licence.note


def test_a_deregistered_enterprise_is_not_confirmed(demo_ctx) -> None:
    with demo_ctx.uow() as s:
        s.execute(update(Applicant).where(Applicant.code == ENTERPRISE).values(status="注销"))
    state = _registered_filing(demo_ctx)
    checked = run_data_checks(demo_ctx, state, plan_for(demo_ctx, state))
    licence = checked.materials["营业执照"]
    assert licence.status == MaterialStatus.not_confirmed.value
    assert "注销" in licence.note and "不再有效" in licence.note
    # It stands in the way until the paper original is received (or deferred).
    found = [p.message for p in problems(demo_ctx, checked, plan_for(demo_ctx, checked))]
    assert any("未通过数据核验" in m and "营业执照" in m for m in found)


def test_a_source_the_hall_does_not_hold_is_answered_unavailable_and_left_pending(
    demo_ctx,
) -> None:
    state = _registered_filing(demo_ctx)
    plan = plan_for(demo_ctx, state)
    sources = {m.name: m.source for m in plan.materials}
    assert sources["法定代表人（负责人）身份证明"] == "人口信息库（居民身份证信息）"
    proof = run_data_checks(demo_ctx, state, plan).materials["法定代表人（负责人）身份证明"]
    assert proof.status == MaterialStatus.pending.value
    assert proof.note.startswith("人口信息库（居民身份证信息）：")
    assert "尚未接入" in proof.note


def test_only_data_verification_lines_not_yet_settled_are_checked(ctx, clock) -> None:
    state = complete_state(scope=("H0101", "F1040"), materials={})
    plan = plan_for(ctx, state)
    platform = FakePlatform(clock)
    settled = state.replace(materials={"营业执照": MaterialChoice("received", note="原件已核")})
    assert run_data_checks(ctx, settled, plan, platform) == settled
    assert platform.queries == []
    checked = run_data_checks(ctx, state, plan, platform)
    assert [q.material for q in platform.queries] == ["营业执照"]  # the one data check
    assert set(checked.materials) == {"营业执照"}


def test_a_data_platform_passed_in_is_used(ctx, clock) -> None:
    # 味香居 is not in the small database's registry: only the fake can confirm it.
    state = complete_state(materials={})
    platform = FakePlatform(clock)
    checked = run_data_checks(ctx, state, plan_for(ctx, state), platform)
    [query] = platform.queries
    assert (query.material, query.source) == ("营业执照", "市场主体登记信息")
    assert query.applicant_code == ENTERPRISE
    assert query.answers["business_address"] == ANSWERS["business_address"]
    assert checked.materials["营业执照"] == MaterialChoice(
        "verified", None, "江苏省数据共享交换平台：营业执照：电子证照有效"
    )
    local = run_data_checks(ctx, state, plan_for(ctx, state))
    assert local.materials["营业执照"].status == "not_confirmed"  # the paper original, then


# --- problems ---------------------------------------------------------------------------------


def test_a_complete_state_has_no_problems(ctx) -> None:
    state = complete_state()
    assert problems(ctx, state, plan_for(ctx, state)) == []


def test_each_steps_problems_appear_in_path_order(ctx) -> None:
    plan = plan_for(ctx, complete_state())
    state = complete_state(
        applicant_name=" ",
        answers=dict(ANSWERS, premises_area="0"),
        materials={"营业执照": MaterialChoice("deferred")},
        signed=(),
    )
    found = problems(ctx, state, plan)
    assert [(p.step, p.field) for p in found] == [
        (Step.applicant, "applicant_name"),
        (Step.form, "premises_area"),
        (Step.materials, None),
        (Step.commitment, "SAMR-001"),
    ]
    assert "承诺补交的日期" in found[2].message


def test_a_bad_code_and_nothing_picked_are_problems_of_the_first_two_steps(ctx) -> None:
    found = problems(ctx, IntakeState(applicant_code="9132"), None)
    assert [(p.step, p.field) for p in found] == [
        (Step.applicant, "applicant_code"),
        (Step.scope, None),
    ]
    assert found[0].message == "已输入4位，还差14位"


def test_an_unsigned_commitment_letter_is_a_problem(ctx) -> None:
    state = complete_state(signed=())
    [problem] = problems(ctx, state, plan_for(ctx, state))
    assert (problem.step, problem.field) == (Step.commitment, "SAMR-001")
    assert "食品经营许可" in problem.message


def test_a_dishonest_applicant_has_no_commitment_problem(ctx, operator) -> None:
    add_record(ctx, operator, ENTERPRISE, reason="虚假承诺", since=date(2026, 1, 1))
    state = complete_state(signed=())
    plan = plan_for(ctx, state)
    assert [p.route for p in plan.items] == [Route.normal]  # the credit gate
    assert commitment_items(plan) == ()
    assert problems(ctx, state, plan) == []


def test_a_declined_commitment_needs_no_signature(ctx) -> None:
    state = complete_state(signed=(), normal_route=("SAMR-001",))
    assert problems(ctx, state, plan_for(ctx, state)) == []


def test_a_deferred_key_material_is_a_problem(ctx, operator) -> None:
    from .test_intake_materials import mark_key

    mark_key(ctx, operator, "SAMR-002", "经营场所使用证明")
    due = (DAY + timedelta(days=10)).isoformat()
    state = filing_state(materials={"经营场所使用证明": MaterialChoice("deferred", due)})
    [problem] = problems(ctx, state, plan_for(ctx, state))
    assert problem.step is Step.materials
    assert "关键材料" in problem.message and "经营场所使用证明" in problem.message


@pytest.mark.parametrize(
    ("due", "reason"),
    [
        (None, "须写明申请人承诺补交的日期"),
        ("", "须写明申请人承诺补交的日期"),
        ((DAY - timedelta(days=1)).isoformat(), "今天之后90天以内"),
        (DAY.isoformat(), "今天之后90天以内"),
        ((DAY + timedelta(days=91)).isoformat(), "今天之后90天以内"),
        ("2026-02-30", "不是有效日期"),
        ("下周一", "不是有效日期"),
    ],
)
def test_a_deferred_material_needs_a_promised_date_within_90_days(
    ctx, due: str | None, reason: str
) -> None:
    state = filing_state(materials={"经营场所使用证明": MaterialChoice("deferred", due)})
    [problem] = problems(ctx, state, plan_for(ctx, state))
    assert problem.step is Step.materials and reason in problem.message


@pytest.mark.parametrize("days", [1, 90])
def test_a_deferred_material_promised_within_90_days_is_no_problem(ctx, days: int) -> None:
    due = (DAY + timedelta(days=days)).isoformat()
    state = review_state(materials={"卫生检测报告": MaterialChoice("deferred", due)})
    assert problems(ctx, state, plan_for(ctx, state)) == []


def test_an_item_decided_on_the_spot_cannot_wait_for_a_deferred_material(ctx) -> None:
    due = (DAY + timedelta(days=5)).isoformat()
    state = filing_state(materials={**SETTLED, "经营场所使用证明": MaterialChoice("deferred", due)})
    [problem] = problems(ctx, state, plan_for(ctx, state))
    assert problem.step is Step.materials
    assert "不能容缺" in problem.message and "当场办结" in problem.message


def test_an_item_decided_on_the_spot_needs_its_data_checked_or_the_original_seen(ctx) -> None:
    state = filing_state(materials={})
    [problem] = problems(ctx, state, plan_for(ctx, state))
    assert "营业执照" in problem.message and "尚未核验" in problem.message
    seen = filing_state(materials={"营业执照": MaterialChoice("received")})
    assert problems(ctx, seen, plan_for(ctx, seen)) == []


def test_every_material_problem_is_listed_not_only_the_first(ctx, operator) -> None:
    from .test_intake_materials import mark_key

    mark_key(ctx, operator, "SAMR-002", "经营场所使用证明")
    state = filing_state(
        scope=("F1040", "R5001"),
        answers=dict(ANSWERS),
        materials={
            "经营场所使用证明": MaterialChoice("deferred", "2026-12-01"),
            "卫生检测报告": MaterialChoice("deferred"),
        },
    )
    found = [p for p in problems(ctx, state, plan_for(ctx, state)) if p.step is Step.materials]
    assert len(found) == 2, found
    assert "关键材料" in found[0].message and "卫生检测报告" in found[1].message


def test_choices_for_lines_no_longer_on_the_checklist_are_no_problem(ctx) -> None:
    # Deferred without a date, then the clerk took out the scope that needed it; and a
    # status its line no longer allows (the proof became a commitment).
    state = complete_state(
        materials={
            **SETTLED,
            "卫生检测报告": MaterialChoice("deferred"),
            "经营场所使用证明": MaterialChoice("deferred"),
        }
    )
    assert problems(ctx, state, plan_for(ctx, state)) == []


def test_an_invalid_phone_of_a_new_applicant_is_a_problem_of_the_applicant_step(ctx, actor) -> None:
    state = complete_state(phone="12345")
    [problem] = problems(ctx, state, plan_for(ctx, state))
    assert (problem.step, problem.field) == (Step.applicant, "phone")
    with pytest.raises(ValidationError, match="电话号码"):
        accept_from_state(ctx, actor, state)
    assert count(ctx, Case) == 0


def test_a_registered_applicants_phone_is_not_the_clerks_problem(demo_ctx) -> None:
    # The registry's number is not written again at acceptance, whatever its format.
    with demo_ctx.uow() as s:
        s.execute(update(Applicant).where(Applicant.code == ENTERPRISE).values(phone="87661715转8"))
    state = with_applicant(IntakeState(scope=("F1040",)), look_up_applicant(demo_ctx, ENTERPRISE))
    found = problems(demo_ctx, state, plan_for(demo_ctx, state))
    assert [p for p in found if p.step is Step.applicant] == []


# --- acceptance -------------------------------------------------------------------------------


def test_accepting_a_complete_state_makes_the_case_and_the_draft_becomes_it(ctx, actor) -> None:
    state = complete_state()
    draft = save_draft(ctx, actor, None, state)
    case, changes = accept_from_state(ctx, actor, state, draft.id)
    assert changes.cases and case.number == "C01-20261123-0001"
    assert case.applicant_code == ENTERPRISE and case.applicant_name == APPLICANT.name
    assert [(s.item_code, s.route) for s in case.sub_cases] == [("SAMR-001", Route.commitment)]
    with ctx.uow() as s:
        row = s.get(IntakeDraft, draft.id)
        assert row is not None
        assert (row.status, row.case_id) == (DraftStatus.accepted, case.id)
    assert open_drafts(ctx, actor) == []
    assert count(ctx, VerificationTask) == 1


def test_the_draft_stays_open_when_acceptance_fails_inside_its_transaction(
    ctx, actor, monkeypatch
) -> None:
    from hall.services import intake

    def broken(*args, **kwargs):
        raise RuntimeError("disk went away")

    state = complete_state()
    draft = save_draft(ctx, actor, None, state)
    monkeypatch.setattr(intake, "add_material_rows", broken)
    with pytest.raises(RuntimeError):
        accept_from_state(ctx, actor, state, draft.id)
    assert count(ctx, Case) == 0
    assert [d.id for d in open_drafts(ctx, actor)] == [draft.id]


def test_accepting_the_same_draft_twice_is_refused_with_the_case_number(ctx, actor) -> None:
    state = complete_state()
    draft = save_draft(ctx, actor, None, state)
    case, _ = accept_from_state(ctx, actor, state, draft.id)
    audit = count(ctx, AuditEntry)
    with pytest.raises(Conflict, match=case.number):
        accept_from_state(ctx, actor, state, draft.id)
    assert count(ctx, Case) == 1 and count(ctx, SubCase) == 1
    assert count(ctx, AuditEntry) == audit


def test_a_discarded_draft_cannot_be_accepted(ctx, actor) -> None:
    state = complete_state()
    draft = save_draft(ctx, actor, None, state)
    discard_draft(ctx, actor, draft.id)
    with pytest.raises(Conflict, match="放弃"):
        accept_from_state(ctx, actor, state, draft.id)
    assert count(ctx, Case) == 0


def test_another_clerks_draft_cannot_be_accepted(ctx, actor, make_account) -> None:
    from hall.models.enums import Role

    other = make_account("clerk02", Role.clerk)
    state = complete_state()
    draft = save_draft(ctx, other, None, state)
    with pytest.raises(Conflict, match="找不到这份草稿"):
        accept_from_state(ctx, actor, state, draft.id)
    assert count(ctx, Case) == 0
    assert [d.id for d in open_drafts(ctx, other)] == [draft.id]


def test_accepting_with_problems_lists_them_all_and_writes_nothing(ctx, actor) -> None:
    state = complete_state(applicant_name="", answers=dict(ANSWERS, employee_count="十二"))
    state = state.replace(signed=())
    draft = save_draft(ctx, actor, None, state)
    before = [count(ctx, model) for model in (Case, AuditEntry, Applicant, MaterialCheck)]
    with pytest.raises(ValidationError) as info:
        accept_from_state(ctx, actor, state, draft.id)
    message = info.value.message
    assert "请填写申请人名称" in message
    assert "从业人员数" in message
    assert "尚未签署告知承诺书" in message
    after = [count(ctx, model) for model in (Case, AuditEntry, Applicant, MaterialCheck)]
    assert after == before
    assert [d.id for d in open_drafts(ctx, actor)] == [draft.id]


def test_the_plan_is_made_again_at_acceptance(ctx, actor, operator) -> None:
    # Signed while the applicant could still commit; listed before the clerk accepts.
    state = complete_state()
    assert commitment_items(plan_for(ctx, state))
    add_record(ctx, operator, ENTERPRISE, reason="虚假承诺", since=date(2026, 11, 1))
    case, _ = accept_from_state(ctx, actor, state)
    assert [s.route for s in case.sub_cases] == [Route.normal]
    assert count(ctx, VerificationTask) == 0


def test_answers_the_applicant_step_knows_are_accepted_without_being_typed(ctx, actor) -> None:
    answers = {k: v for k, v in ANSWERS.items() if k not in ("applicant_name", "contact_mobile")}
    accept_from_state(ctx, actor, complete_state(answers=answers, phone="13800138000"))
    with ctx.uow() as s:
        stored = s.scalars(select(Case)).one().answers
    assert stored["applicant_name"] == APPLICANT.name
    assert stored["contact_mobile"] == "13800138000"


def test_a_deferred_material_is_stored_deferred_with_its_due_date(ctx, actor) -> None:
    due = DAY + timedelta(days=14)
    accept_from_state(
        ctx,
        actor,
        review_state(materials={"卫生检测报告": MaterialChoice("deferred", due.isoformat())}),
    )
    stored = checks(ctx)
    assert stored["卫生检测报告"].status is MaterialStatus.deferred
    assert stored["卫生检测报告"].due_date == due
    # Items under review: the data check may still be made after acceptance.
    assert stored["营业执照"].status is MaterialStatus.pending
    assert stored["营业执照"].due_date is None


def test_a_department_verification_leaves_one_pending_request(ctx, actor) -> None:
    # The fire brigade's check for a karaoke room (reviewed after acceptance).
    case, _ = accept_from_state(ctx, actor, review_state(scope=("R5001",)))
    with ctx.uow() as s:
        [request] = s.scalars(select(VerificationRequest)).all()
        material = s.get(MaterialCheck, request.material_id)
        assert material is not None
        assert material.name == "消防安全检查合格证明"
        assert material.status is MaterialStatus.verification_requested
    assert request.status is RequestStatus.pending and request.case_id == case.id
    assert request.requested_by == "clerk01" and request.department


def test_data_check_notes_are_kept_on_the_material_check(ctx, actor, clock) -> None:
    state = complete_state(materials={"从业人员健康证明": SETTLED["从业人员健康证明"]})
    state = run_data_checks(ctx, state, plan_for(ctx, state), FakePlatform(clock))
    accept_from_state(ctx, actor, state)
    licence = checks(ctx)["营业执照"]
    assert licence.status is MaterialStatus.verified
    assert licence.note == "江苏省数据共享交换平台：营业执照：电子证照有效"
    assert checks(ctx)["从业人员健康证明"].note == ""  # no data check for it


def test_a_failed_data_check_blocks_until_the_original_is_received(ctx, actor) -> None:
    state = complete_state(materials={"从业人员健康证明": SETTLED["从业人员健康证明"]})
    state = run_data_checks(ctx, state, plan_for(ctx, state))
    with pytest.raises(ValidationError, match="未通过数据核验"):
        accept_from_state(ctx, actor, state)
    failed = state.materials["营业执照"]
    received = MaterialChoice(MaterialStatus.received.value, None, failed.note)
    state = state.replace(materials={**state.materials, "营业执照": received})
    accept_from_state(ctx, actor, state)
    licence = checks(ctx)["营业执照"]
    assert licence.status is MaterialStatus.received
    assert "没有代码为" in licence.note and ENTERPRISE in licence.note


def test_another_applicant_drops_what_was_about_the_previous_one(demo_ctx) -> None:
    first = look_up_applicant(demo_ctx, "91320305MA1N428243")  # 味香居
    state = with_applicant(IntakeState(scope=("H2002",)), first)
    state = state.replace(
        answers={"uscc": first.code, "applicant_name": "味香居", "seats": "40"},
        materials={
            "营业执照": MaterialChoice("verified", None, "市场主体登记信息：味香居"),
            "经营场所平面布局图": MaterialChoice("received"),
        },
        signed=("SAMR-002",),
    )
    other = with_applicant(state, look_up_applicant(demo_ctx, "91320305MA2055QB7B"))  # 星悦
    assert other.applicant_name == "徐州市贾汪区星悦娱乐有限公司"
    assert other.answers == {"seats": "40"}  # what is about the business, not the applicant
    assert other.materials == {"经营场所平面布局图": MaterialChoice("received")}
    assert other.signed == ()  # a letter is signed by one applicant
    assert other.looked_up == "91320305MA2055QB7B"


def test_a_credit_code_in_the_form_that_is_not_the_applicants_is_a_problem(demo_ctx) -> None:
    state = with_applicant(
        IntakeState(scope=("F1040",)), look_up_applicant(demo_ctx, "91320305MA1N428243")
    )
    state = prefilled(state, plan_for(demo_ctx, state))
    assert state.answers["uscc"] == "91320305MA1N428243"
    assert not [
        p for p in problems(demo_ctx, state, plan_for(demo_ctx, state)) if p.field == "uscc"
    ]
    wrong = state.replace(answers=state.answers | {"uscc": "91320305MA2055QB7B"})
    found = [p for p in problems(demo_ctx, wrong, plan_for(demo_ctx, wrong)) if p.field == "uscc"]
    assert found and "不一致" in found[0].message
