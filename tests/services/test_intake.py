from datetime import date

import pytest
from sqlalchemy import func, select

from hall.core.errors import Conflict, ValidationError
from hall.models import (
    Applicant,
    AuditEntry,
    Case,
    Commitment,
    MaterialCheck,
    OutboxEntry,
    SubCase,
    SubCaseEvent,
    VerificationTask,
)
from hall.models.enums import MaterialStatus, Route, SubCaseStatus, VerificationStatus
from hall.services.applicants import ApplicantInput, find_applicant
from hall.services.credit import add_record
from hall.services.forms import FormErrors
from hall.services.intake import accept_case, plan_application

ENTERPRISE = "91320305MA1N428243"
DAY = date(2026, 11, 23)
APPLICANT = ApplicantInput(
    ENTERPRISE,
    "徐州市贾汪区味香居餐饮管理有限公司",
    "王建国",
    "贾汪区老矿街道工农北路136号",
    "0516-87661715",
)
ANSWERS = {
    "applicant_name": "徐州市贾汪区味香居餐饮管理有限公司",
    "legal_representative": "王建国",
    "contact_mobile": "138 0013 8000",
    "business_address": "贾汪区老矿街道工农北路136号",
    "premises_area": "120.5",
    "employee_count": "12",
    "seats": "",
    "business_type": "餐饮服务经营者",
}


def rows(ctx, model, *where):
    with ctx.uow() as s:
        return list(s.scalars(select(model).where(*where)))


def test_accepting_applies_each_route(ctx, actor) -> None:
    plan = plan_application(
        ctx, scope=["H0101", "F1040", "R5001", "L0001"], applicant_code=ENTERPRISE, on=DAY
    )
    case, changes = accept_case(ctx, actor, plan, APPLICANT, ANSWERS)
    assert changes.cases
    assert case.number == "C01-20261123-0001"
    status = {s.item_code: (s.route, s.status) for s in case.sub_cases}
    assert status == {
        "SAMR-001": (Route.commitment, SubCaseStatus.approved),
        "SAMR-002": (Route.filing, SubCaseStatus.recorded),
        "MCT-001": (Route.optimized, SubCaseStatus.under_review),
        "NHC-001": (Route.optimized, SubCaseStatus.under_review),
        "MOT-001": (Route.cancelled, SubCaseStatus.informed),
    }
    review = next(s for s in case.sub_cases if s.item_code == "MCT-001")
    assert review.statutory_deadline == date(2026, 12, 21)
    assert review.promised_deadline == date(2026, 12, 7)
    tasks = rows(ctx, VerificationTask)
    assert len(tasks) == 1 and tasks[0].status is VerificationStatus.open
    assert tasks[0].due_date == date(2026, 12, 21)
    commitment = rows(ctx, Commitment)[0]
    assert commitment.conditions[0].startswith("经营场所面积")
    assert len(rows(ctx, SubCaseEvent)) == 5
    stored = rows(ctx, Case)[0]
    assert stored.answers["contact_mobile"] == "13800138000"
    assert stored.answers["premises_area"] == "120.5"
    assert "seats" not in stored.answers


def test_materials_checklist_records_each_proof_mode(ctx, actor) -> None:
    plan = plan_application(ctx, scope=["H0101", "R5001"], applicant_code=ENTERPRISE, on=DAY)
    accept_case(ctx, actor, plan, APPLICANT, ANSWERS)
    checks = {m.name: m.status for m in rows(ctx, MaterialCheck)}
    assert checks["营业执照"] is MaterialStatus.pending
    assert checks["经营场所使用证明"] is MaterialStatus.covered_by_commitment
    assert checks["消防安全检查合格证明"] is MaterialStatus.verification_requested
    assert checks["法定代表人无犯罪记录证明"] is MaterialStatus.not_required
    assert checks["卫生检测报告"] is MaterialStatus.received


def test_accept_writes_audit_and_outbox_in_the_same_transaction(ctx, actor) -> None:
    plan = plan_application(ctx, scope=["H0101"], applicant_code=ENTERPRISE, on=DAY)
    case, _ = accept_case(ctx, actor, plan, APPLICANT, ANSWERS)
    audit = rows(ctx, AuditEntry, AuditEntry.action == "case.accept")
    assert len(audit) == 1 and audit[0].actor == "clerk01" and audit[0].counter == "C01"
    assert audit[0].after["number"] == case.number
    outbox = rows(ctx, OutboxEntry, OutboxEntry.entity == "case")
    assert len(outbox) == 1 and outbox[0].sent_at is None and outbox[0].op == "upsert"
    replicated = outbox[0].payload["rows"]
    tables = [r["table"] for r in replicated]
    assert tables == [
        "case",
        "sub_case",
        "sub_case_event",
        *["material_check"] * 4,
        "verification_request",  # the fire-safety check asked of the fire brigade
        "commitment",
        "verification_task",
        "license",  # decided on the spot: the license is issued with the case
        # New in the same transaction, and so carried too (hall.sync.capture), although
        # accept_case did not name it.
        "applicant",
    ]
    assert replicated[0]["values"]["id"] == str(case.id)
    assert replicated[1]["values"]["route"] == "commitment"
    assert replicated[1]["values"]["case_id"] == str(case.id)
    # The unknown applicant was entered once and kept, with its own audit entry.
    assert find_applicant(ctx, ENTERPRISE.lower()).name == APPLICANT.name
    assert rows(ctx, AuditEntry, AuditEntry.action == "applicant.create")


def test_invalid_answers_write_nothing_and_list_every_problem(ctx, actor) -> None:
    plan = plan_application(ctx, scope=["H0101"], applicant_code=ENTERPRISE, on=DAY)
    bad = dict(
        ANSWERS,
        contact_mobile="12345",
        premises_area="0",
        business_type="酒吧",
        employee_count="十二",
    )
    bad.pop("business_address")
    with pytest.raises(FormErrors) as info:
        accept_case(ctx, actor, plan, APPLICANT, bad)
    assert set(info.value.errors) == {
        "contact_mobile",
        "premises_area",
        "business_type",
        "employee_count",
        "business_address",
    }
    assert "经营场所面积" in info.value.errors["premises_area"]
    for model in (Case, SubCase, Applicant, OutboxEntry):
        with ctx.uow() as s:
            count = s.scalar(select(func.count()).select_from(model))
        assert count == (2 if model is OutboxEntry else 0)  # the catalog, the clerk's account


def test_dishonest_applicant_case_goes_to_review(ctx, actor, operator) -> None:
    add_record(ctx, operator, ENTERPRISE, reason="虚假承诺", since=date(2026, 1, 1))
    plan = plan_application(ctx, scope=["H0101"], applicant_code=ENTERPRISE, on=DAY)
    case, _ = accept_case(ctx, actor, plan, APPLICANT, ANSWERS)
    sub = case.sub_cases[0]
    assert sub.route is Route.normal and sub.status is SubCaseStatus.under_review
    assert sub.statutory_deadline == date(2026, 12, 21)
    assert rows(ctx, VerificationTask) == []


def test_case_numbers_count_per_counter_and_day(ctx, actor) -> None:
    plan = plan_application(ctx, scope=["F1040"], applicant_code=ENTERPRISE, on=DAY)
    answers = {k: ANSWERS[k] for k in ("applicant_name", "contact_mobile", "business_address")}
    first, _ = accept_case(ctx, actor, plan, APPLICANT, answers)
    second, _ = accept_case(ctx, actor, plan, APPLICANT, answers)
    assert (first.number, second.number) == ("C01-20261123-0001", "C01-20261123-0002")


def test_plan_made_for_someone_else_is_refused(ctx, actor) -> None:
    plan = plan_application(ctx, scope=["F1040"], applicant_code=ENTERPRISE, on=DAY)
    other = ApplicantInput("32030519711203530X", "胡玉梅")
    with pytest.raises(Conflict):
        accept_case(ctx, actor, plan, other, ANSWERS)


def test_provisional_deadline_is_kept_on_the_sub_case(ctx, actor, clock) -> None:
    clock.advance(date(2026, 12, 28) - date(2026, 11, 23))
    plan = plan_application(ctx, scope=["K1040"], applicant_code=ENTERPRISE)
    answers = dict(ANSWERS, rooms="30")
    case, _ = accept_case(ctx, actor, plan, APPLICANT, answers)
    assert all(s.deadline_provisional for s in case.sub_cases)


def test_cases_keep_the_catalog_version_they_were_accepted_under(ctx, actor, operator) -> None:
    import json

    from hall.services.catalog import import_catalog

    from ..conftest import SMALL_CATALOG

    plan = plan_application(ctx, scope=["F1040"], applicant_code=ENTERPRISE, on=DAY)
    first_version = ctx.catalog().version_id
    data = json.loads(SMALL_CATALOG.read_text(encoding="utf-8"))
    data["label"] = "第二版"
    import_catalog(ctx, operator, json.dumps(data).encode(), "v2.json")  # lands mid-application
    answers = {k: ANSWERS[k] for k in ("applicant_name", "contact_mobile", "business_address")}
    accept_case(ctx, actor, plan, APPLICANT, answers)
    assert ctx.catalog().version_id != first_version
    assert rows(ctx, Case)[0].catalog_version_id == first_version


def test_credit_listed_after_the_plan_blocks_acceptance(ctx, actor, operator) -> None:
    plan = plan_application(ctx, scope=["H0101"], applicant_code=ENTERPRISE, on=DAY)
    assert plan.items[0].route is Route.commitment
    add_record(ctx, operator, ENTERPRISE, reason="虚假承诺", since=date(2026, 11, 1))
    with pytest.raises(Conflict, match="信用状况"):
        accept_case(ctx, actor, plan, APPLICANT, ANSWERS)
    assert rows(ctx, Case) == [] and rows(ctx, VerificationTask) == []


def test_a_plan_for_another_day_is_refused(ctx, actor) -> None:
    plan = plan_application(ctx, scope=["F1040"], applicant_code=ENTERPRISE, on=date(2026, 11, 20))
    with pytest.raises(Conflict, match="不是今天"):
        accept_case(ctx, actor, plan, APPLICANT, ANSWERS)


def test_unknown_material_outcome_is_refused(ctx, actor) -> None:
    plan = plan_application(ctx, scope=["F1040"], applicant_code=ENTERPRISE, on=DAY)
    answers = {k: ANSWERS[k] for k in ("applicant_name", "contact_mobile", "business_address")}
    with pytest.raises(ValidationError, match="材料清单中没有"):
        accept_case(
            ctx,
            actor,
            plan,
            APPLICANT,
            answers,
            material_status={"不存在的材料": MaterialStatus.received},
        )


def test_loading_the_year_recounts_stored_provisional_deadlines(
    ctx, actor, clock, operator
) -> None:
    from hall.services.calendar import import_calendar

    clock.advance(date(2026, 12, 24) - date(2026, 11, 23))
    plan = plan_application(ctx, scope=["H0101", "R5001"], applicant_code=ENTERPRISE)
    accept_case(ctx, actor, plan, APPLICANT, ANSWERS)
    review = rows(ctx, SubCase, SubCase.item_code == "MCT-001")[0]
    task = rows(ctx, VerificationTask)[0]
    assert review.deadline_provisional and task.due_provisional
    # A commitment sub-case has no deadline of its own: only its task's date is provisional.
    assert not rows(ctx, SubCase, SubCase.item_code == "SAMR-001")[0].deadline_provisional
    assert review.statutory_deadline == date(2027, 1, 21)  # Monday to Friday guess
    raw = (
        b'{"format": "hall-calendar/1", "year": 2027, "label": "2027", "holidays": '
        b'[{"name": "New Year", "from": "2027-01-01", "to": "2027-01-01"}], "workdays": []}'
    )
    imported, changes = import_calendar(ctx, operator, raw, "2027.json")
    # the two sub-cases under review and the verification task
    assert imported.recounted == 3 and changes.cases
    review = rows(ctx, SubCase, SubCase.item_code == "MCT-001")[0]
    task = rows(ctx, VerificationTask)[0]
    assert not review.deadline_provisional and review.statutory_deadline == date(2027, 1, 22)
    assert not task.due_provisional and task.due_date == date(2027, 1, 22)
    recounts = rows(ctx, AuditEntry, AuditEntry.action == "sub_case.deadline_recount")
    assert recounts and recounts[0].after["provisional"] is False


def test_loading_the_year_keeps_the_days_a_supplement_stopped_the_clock(
    ctx, actor, clock, operator
) -> None:
    from sqlalchemy import update

    from hall.services.calendar import import_calendar

    clock.advance(date(2026, 12, 24) - date(2026, 11, 23))
    plan = plan_application(ctx, scope=["H0101", "R5001"], applicant_code=ENTERPRISE)
    accept_case(ctx, actor, plan, APPLICANT, ANSWERS)
    with ctx.uow() as s:  # as if a supplement notice had stopped the clock for 3 days
        s.execute(update(SubCase).where(SubCase.item_code == "MCT-001").values(stopped_days=3))
    raw = (
        b'{"format": "hall-calendar/1", "year": 2027, "label": "2027", "holidays": '
        b'[{"name": "New Year", "from": "2027-01-01", "to": "2027-01-01"}], "workdays": []}'
    )
    import_calendar(ctx, operator, raw, "2027.json")
    review = rows(ctx, SubCase, SubCase.item_code == "MCT-001")[0]
    # 2027-01-22 without the stop (the test above); three working days later with it.
    assert review.statutory_deadline == date(2027, 1, 27)


def test_a_material_outcome_must_fit_its_proof_mode(ctx, actor) -> None:
    plan = plan_application(ctx, scope=["R5001"], applicant_code=ENTERPRISE, on=DAY)
    answers = {
        k: ANSWERS[k]
        for k in (
            "applicant_name",
            "legal_representative",
            "contact_mobile",
            "business_address",
            "premises_area",
            "employee_count",
        )
    }
    with pytest.raises(ValidationError, match="不能记为“已收取”"):
        accept_case(
            ctx,
            actor,
            plan,
            APPLICANT,
            answers,
            material_status={"法定代表人无犯罪记录证明": MaterialStatus.received},
        )
    accept_case(
        ctx, actor, plan, APPLICANT, answers, material_status={"营业执照": MaterialStatus.verified}
    )
    assert {m.name: m.status for m in rows(ctx, MaterialCheck)}[
        "营业执照"
    ] is MaterialStatus.verified


def test_fullwidth_answers_are_normalised(ctx, actor) -> None:
    plan = plan_application(ctx, scope=["H0101"], applicant_code=ENTERPRISE, on=DAY)
    answers = dict(
        ANSWERS,
        premises_area="１２０．５",
        employee_count="１２",
        contact_mobile="１３８００１３８０００",
    )
    accept_case(ctx, actor, plan, APPLICANT, answers)
    stored = rows(ctx, Case)[0].answers
    assert (stored["premises_area"], stored["employee_count"]) == ("120.5", 12)
    assert stored["contact_mobile"] == "13800138000"


def test_every_action_writes_its_audit_and_outbox_entries(ctx, actor, operator) -> None:
    from hall.models.enums import Role
    from hall.services.auth import create_user, sign_in
    from hall.services.calendar import import_calendar

    def entries(action):
        audit = rows(ctx, AuditEntry, AuditEntry.action == action)
        outbox = [o for o in rows(ctx, OutboxEntry) if o.payload["action"] == action]
        return audit, outbox

    view, _ = add_record(ctx, operator, ENTERPRISE, reason="虚假承诺", since=date(2026, 1, 1))
    audit, outbox = entries("credit.add")
    assert len(audit) == 1 and audit[0].actor == "cli:test"
    assert outbox[0].op == "upsert"
    assert outbox[0].payload["rows"][0]["values"]["id"] == str(view.id)
    create_user(ctx, operator, "guide09", "导办", Role.guide, "long password 1")
    sign_in(ctx, "guide09", "long password 1", "C01")
    raw = (
        b'{"format": "hall-calendar/1", "year": 2027, "label": "2027", "holidays": '
        b'[{"name": "x", "from": "2027-01-01", "to": "2027-01-01"}], "workdays": []}'
    )
    import_calendar(ctx, operator, raw, "2027.json")
    # Every row an action changes travels with it (hall.sync.capture).
    for action, n, op in (
        ("user.create", 2, "upsert"),  # the clerk's (made by the fixture) and the guide's
        ("user.sign_in", 1, "event"),  # a good sign-in changes no row
        ("calendar.import", 1, "upsert"),
        # (its version's row; the items go in bulk, for this counter only: a counter of
        # a hall server imports on the server, see hall.services.routing)
        ("catalog.import", 1, "upsert"),
    ):
        audit, outbox = entries(action)
        assert len(audit) == n and len(outbox) == n, action
        assert outbox[0].op == op, action
    created = entries("user.create")[1][1].payload
    assert [r["table"] for r in created["rows"]] == ["user_account"]
    # The account travels with its password's hash (others counters sign it in offline),
    # never with the password.
    assert "long password 1" not in str(created)
    assert created["rows"][0]["values"]["password_hash"].startswith("$argon2")
