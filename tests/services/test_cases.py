"""The Cases view: finding cases and reading one in full."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hall.core.errors import NotFound, PermissionDenied, ValidationError
from hall.models import Case, VerificationRequest
from hall.models.enums import (
    ApplicantKind,
    CaseStatus,
    MaterialStatus,
    ProofMode,
    RequestStatus,
    Role,
    Route,
    SubCaseStatus,
)
from hall.services.applicants import ApplicantInput
from hall.services.audit import Actor
from hall.services.case_actions import withdraw_case, withdraw_sub_case
from hall.services.case_materials import (
    answer_verification_request,
    receive_material,
    record_data_check,
)
from hall.services.case_supplements import fulfil_supplement, request_supplement
from hall.services.cases import case_detail, search_cases
from hall.services.intake import AcceptedCase, accept_case, plan_application

from .test_intake import ANSWERS, APPLICANT, DAY, ENTERPRISE

PERSON = "32030519711203530X"
PERSON_APPLICANT = ApplicantInput(PERSON, "胡玉梅", address="贾汪区泉旺路8号", phone="13912345678")
FILING_ANSWERS = {k: ANSWERS[k] for k in ("applicant_name", "contact_mobile", "business_address")}
#: The clerk of ``ctx`` (the ``actor`` fixture), for helpers that get no fixture.
CLERK = Actor("clerk01", Role.clerk, "C01", "张敏")
#: The paper material of the health permit, deferred (容缺) to a week after acceptance.
DEFERRED = {"卫生检测报告": DAY + timedelta(days=7)}


def accept(
    ctx,
    actor: Actor = CLERK,
    scope: tuple[str, ...] = ("H0101", "R5001"),
    *,
    code: str = ENTERPRISE,
    applicant: ApplicantInput = APPLICANT,
    answers=None,
    **options,
) -> AcceptedCase:
    """Accept a case today. By default: the food permit by commitment (approved on the
    spot), the entertainment and the health permits under review; the business licence
    waits for its data check, the fire certificate for its department."""
    plan = plan_application(ctx, scope=list(scope), applicant_code=code)
    case, _changes = accept_case(ctx, actor, plan, applicant, answers or ANSWERS, **options)
    return case


def accept_person(ctx, actor: Actor = CLERK) -> AcceptedCase:
    return accept(
        ctx, actor, ("F1040",), code=PERSON, applicant=PERSON_APPLICANT, answers=FILING_ANSWERS
    )


# --- search ---------------------------------------------------------------------------------


def test_search_finds_a_case_by_its_number_exactly_or_by_its_beginning(ctx, actor) -> None:
    first = accept(ctx, actor)
    second = accept(ctx, actor)
    assert [c.number for c in search_cases(ctx, actor, first.number)] == [first.number]
    assert [c.number for c in search_cases(ctx, actor, " c01-20261123-0002 ")] == [second.number]
    found = search_cases(ctx, actor, "C01-2026")
    assert [c.number for c in found] == [second.number, first.number]
    assert search_cases(ctx, actor, "C02-") == []


def test_search_finds_an_enterprise_by_its_credit_code_as_typed(ctx, actor) -> None:
    case = accept(ctx, actor)
    accept_person(ctx, actor)
    for typed in (ENTERPRISE, ENTERPRISE.lower(), "９１３２ ０３０５ ＭＡ１Ｎ ４２８２４３"):
        assert [c.number for c in search_cases(ctx, actor, typed)] == [case.number], typed
    assert search_cases(ctx, actor, "91320305MA1N428244") == []  # one character off


def test_search_finds_a_person_by_id_number_and_masks_it_in_the_list(ctx, actor) -> None:
    accept(ctx, actor)
    case = accept_person(ctx, actor)
    [found] = search_cases(ctx, actor, PERSON.lower())
    assert found.number == case.number
    assert found.applicant_kind is ApplicantKind.person
    # The clerk may see full numbers, but a list does not need them.
    assert found.applicant_code == "320305********530X"
    assert found.applicant_name == "胡玉梅"
    # An enterprise's credit code is public and never masked.
    enterprise = next(c for c in search_cases(ctx, actor) if c.number != case.number)
    assert enterprise.applicant_code == ENTERPRISE


def test_search_finds_an_applicant_by_part_of_the_name(ctx, actor) -> None:
    case = accept(ctx, actor)
    accept_person(ctx, actor)
    assert [c.number for c in search_cases(ctx, actor, "味香居")] == [case.number]
    assert [c.applicant_name for c in search_cases(ctx, actor, "玉")] == ["胡玉梅"]
    assert search_cases(ctx, actor, "100%") == []  # typed wildcards are plain text


def test_search_by_acceptance_day_lists_the_newest_first(ctx, actor, clock) -> None:
    monday = accept(ctx, actor)
    clock.advance(timedelta(days=1))
    tuesday = accept_person(ctx, actor)
    later = accept(ctx, actor)
    assert [c.number for c in search_cases(ctx, actor)] == [
        later.number,
        tuesday.number,
        monday.number,
    ]
    assert [c.number for c in search_cases(ctx, actor, on=DAY)] == [monday.number]
    on_tuesday = search_cases(ctx, actor, on=DAY + timedelta(days=1))
    assert [c.number for c in on_tuesday] == [later.number, tuesday.number]
    assert [c.number for c in search_cases(ctx, actor, "味香居", on=DAY)] == [monday.number]
    assert len(search_cases(ctx, actor, limit=2)) == 2


def test_a_limit_outside_the_range_is_refused(ctx, actor) -> None:
    with pytest.raises(ValidationError, match="1至1000"):
        search_cases(ctx, actor, limit=0)


def test_a_summary_counts_what_is_pending(ctx, actor) -> None:
    case = accept(ctx, actor, deferred=DEFERRED)
    [summary] = search_cases(ctx, actor)
    assert summary.id == case.id and summary.status is CaseStatus.accepted
    assert (summary.sub_cases, summary.under_review) == (3, 2)
    assert summary.pending_verifications == 1  # the fire certificate, asked of the brigade
    assert summary.deferred_materials == 1
    assert not summary.open_supplement and summary.has_pending
    assert summary.next_deadline == date(2026, 11, 30)  # the health permit's promise
    assert summary.counter == "C01" and summary.accepted_on == DAY
    request_supplement(ctx, actor, case.number, {"从业人员健康证明": "已过有效期"})
    assert search_cases(ctx, actor)[0].open_supplement


def test_a_withdrawn_case_waits_for_nothing(ctx, actor) -> None:
    case = accept(ctx, actor, deferred=DEFERRED)
    withdraw_case(ctx, actor, case.number, "申请人决定不再经营")
    [summary] = search_cases(ctx, actor)
    assert summary.status is CaseStatus.withdrawn
    assert (summary.under_review, summary.pending_verifications, summary.deferred_materials) == (
        0,
        0,
        0,
    )
    assert not summary.has_pending and summary.next_deadline is None
    assert case_detail(ctx, actor, case.number).pending == ()


def test_reading_cases_needs_the_counters_permission(ctx, guide) -> None:
    with pytest.raises(PermissionDenied):
        search_cases(ctx, guide)
    with pytest.raises(PermissionDenied):
        case_detail(ctx, guide, "C01-20261123-0001")


# --- detail ---------------------------------------------------------------------------------


def test_the_detail_shows_the_applicant_sub_cases_and_deadlines(ctx, actor) -> None:
    case = accept(ctx, actor)
    detail = case_detail(ctx, actor, case.number)
    assert detail.id == case.id and detail.number == case.number
    assert detail.as_of == DAY and detail.accepted_by == "clerk01" and detail.counter == "C01"
    assert detail.scope_codes == ("H0101", "R5001")
    a = detail.applicant
    assert (a.kind, a.code, a.name) == (ApplicantKind.enterprise, ENTERPRISE, APPLICANT.name)
    assert (a.legal_representative, a.address, a.phone) == (
        "王建国",
        "贾汪区老矿街道工农北路136号",
        "051687661715",  # as the registry keeps it
    )
    assert detail.answers["contact_mobile"] == "13800138000"
    food = detail.sub_case("SAMR-001")
    assert (food.route, food.status) == (Route.commitment, SubCaseStatus.approved)
    assert food.conditions and food.conditions[0].startswith("经营场所面积")
    assert food.verification_due == date(2026, 12, 21)
    assert food.days_left is None and not food.clock_stopped
    fun = detail.sub_case("MCT-001")
    assert fun.department_name == "文化和旅游局" and fun.status is SubCaseStatus.under_review
    assert (fun.promised_deadline, fun.statutory_deadline) == (
        date(2026, 12, 7),
        date(2026, 12, 21),
    )
    assert (fun.promised_days_left, fun.statutory_days_left, fun.days_left) == (10, 20, 10)
    assert fun.stopped_days == 0 and fun.conditions == () and fun.verification_due is None
    health = detail.sub_case("NHC-001")
    assert (health.promised_deadline, health.days_left) == (date(2026, 11, 30), 5)


def test_the_detail_lists_materials_requests_and_what_is_pending(ctx, actor) -> None:
    case = accept(ctx, actor, deferred=DEFERRED)
    detail = case_detail(ctx, actor, case.id)  # by id as well as by number
    licence = detail.material("营业执照")
    assert (licence.proof_mode, licence.status) == (
        ProofMode.data_verification,
        MaterialStatus.pending,
    )
    assert licence.source == "市场主体登记信息"
    assert licence.item_codes == ("SAMR-001", "MCT-001", "NHC-001")
    report = detail.material("卫生检测报告")
    assert (report.status, report.due_date) == (MaterialStatus.deferred, date(2026, 11, 30))
    assert detail.material("法定代表人无犯罪记录证明").status is MaterialStatus.not_required
    [request] = detail.verification_requests
    assert (request.material_name, request.department, request.status) == (
        "消防安全检查合格证明",
        "消防救援机构",
        RequestStatus.pending,
    )
    pending = "\n".join(detail.pending)
    assert "娱乐场所经营许可：已分送文化和旅游局，待认领，期限 2026-12-07，剩10个工作日" in pending
    assert "消防安全检查合格证明：已请消防救援机构核验，等待答复" in pending
    assert "卫生检测报告：容缺受理，申请人承诺 2026-11-30 前补交" in pending
    assert "营业执照：待数据核验" in pending
    assert "食品经营许可：事后核查须于 2026-12-21 前完成" in pending


def test_days_left_count_working_days_and_turn_negative_when_overdue(ctx, actor, clock) -> None:
    case = accept(ctx, actor, deferred=DEFERRED)
    clock.advance(timedelta(days=5))  # Saturday: no working day passed since Friday
    health = case_detail(ctx, actor, case.number).sub_case("NHC-001")
    assert health.days_left == 1
    clock.advance(timedelta(days=2))  # Monday 30 November: the deadline itself
    assert case_detail(ctx, actor, case.number).sub_case("NHC-001").days_left == 0
    clock.advance(timedelta(days=2))  # Wednesday 2 December
    detail = case_detail(ctx, actor, case.number)
    assert detail.sub_case("NHC-001").days_left == -2
    assert detail.as_of == date(2026, 12, 2)
    pending = "\n".join(detail.pending)
    assert (
        "公共场所卫生许可：已分送卫生健康委员会，待认领，期限 2026-11-30，已超期2个工作日"
        in pending
    )
    assert "卫生检测报告：容缺受理，申请人承诺 2026-11-30 前补交（已逾期）" in pending


def test_a_persons_id_number_is_shown_in_full_only_in_the_detail(ctx, actor) -> None:
    case = accept_person(ctx, actor)
    detail = case_detail(ctx, actor, case.number)
    assert detail.applicant.code == PERSON and detail.applicant.phone == "13912345678"
    assert search_cases(ctx, actor, PERSON)[0].applicant_code != PERSON


def test_an_unknown_case_is_not_found(ctx, actor) -> None:
    with pytest.raises(NotFound, match="没有编号为“C01-20261123-0099”的案件"):
        case_detail(ctx, actor, "C01-20261123-0099")


def test_the_history_tells_what_happened_in_time_order(ctx, actor, clock) -> None:
    case = accept(ctx, actor)
    clock.advance(timedelta(hours=1))
    request_supplement(ctx, actor, case.number, {"卫生检测报告": "缺少检测机构的盖章"})
    clock.advance(timedelta(hours=1))
    withdraw_case(ctx, actor, case.number, "申请人决定不再经营")
    history = case_detail(ctx, actor, case.number).history
    assert [h.action for h in history] == ["case.accept", "supplement.request", "case.withdraw"]
    assert [h.description for h in history] == [
        "受理申请（3个事项）",
        "一次性告知补正：卫生检测报告",
        "申请人撤回申请：申请人决定不再经营",
    ]
    assert {(h.actor, h.actor_name) for h in history} == {("clerk01", "张敏")}
    assert history[0].at < history[1].at < history[2].at


# --- sample calls for the permission matrix (tests/services/test_permissions.py) -----------


def sample_number(i: int) -> str:
    """The case :func:`sample_cases` made for the ``i``-th role's call."""
    return f"C01-{DAY:%Y%m%d}-{i + 1:04d}"


def sample_cases(ctx, _operator: Actor, *, notice: bool = False) -> None:
    """One case for each role's call, accepted by the clerk (the operator may not accept):
    each with a deferred material, a pending data check and a department verification;
    with ``notice``, an open supplement notice too."""
    for _role in Role:
        case = accept(ctx, CLERK, deferred=DEFERRED)
        if notice:
            request_supplement(ctx, CLERK, case.number, {"从业人员健康证明": "已过期"})


def sample_request(ctx, i: int) -> uuid.UUID:
    """The department verification request of the ``i``-th sample case."""
    with ctx.uow() as s:
        found = s.scalar(
            select(VerificationRequest.id)
            .join(Case, VerificationRequest.case_id == Case.id)
            .where(Case.number == sample_number(i))
        )
    assert found is not None
    return found


def _sample(call):
    return lambda ctx, a, i: call(ctx, a, sample_number(i))


CASE_SAMPLES = {
    "cases.search_cases": lambda ctx, a, i: search_cases(ctx, a, "味香居"),
    "cases.case_detail": _sample(case_detail),
    "case_actions.withdraw_case": _sample(lambda ctx, a, n: withdraw_case(ctx, a, n, "撤回")),
    "case_actions.withdraw_sub_case": _sample(
        lambda ctx, a, n: withdraw_sub_case(ctx, a, n, "MCT-001", "撤回")
    ),
    "case_materials.receive_material": _sample(
        lambda ctx, a, n: receive_material(ctx, a, n, "卫生检测报告")
    ),
    "case_materials.record_data_check": _sample(
        lambda ctx, a, n: record_data_check(ctx, a, n, "营业执照", True)
    ),
    "case_materials.answer_verification_request": lambda ctx, a, i: answer_verification_request(
        ctx, a, sample_request(ctx, i), True, "属实"
    ),
    "case_supplements.request_supplement": _sample(
        lambda ctx, a, n: request_supplement(ctx, a, n, {"从业人员健康证明": "已过期"})
    ),
    "case_supplements.fulfil_supplement": _sample(fulfil_supplement),
}
CASE_SETUP = {
    **{name: sample_cases for name in CASE_SAMPLES if name != "cases.search_cases"},
    "case_supplements.fulfil_supplement": lambda ctx, op: sample_cases(ctx, op, notice=True),
}
