"""The merged materials checklist at acceptance: what each line may become (by how its
proof is handled), deferred materials (容缺受理) and their promised dates, key materials,
and the rows acceptance leaves (the check, a department verification request)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hall.core.errors import Conflict, ValidationError
from hall.models import Case, IntakeDraft, MaterialCheck, VerificationRequest
from hall.models.enums import DraftStatus, MaterialStatus, ProofMode
from hall.services.catalog import import_catalog
from hall.services.drafts import save_draft
from hall.services.intake import accept_case, plan_application
from hall.services.intake_materials import MAX_DEFER_DAYS, check_outcomes, outcome_problems
from hall.services.intake_state import IntakeState

from ..conftest import SMALL_CATALOG
from .test_intake import ANSWERS, APPLICANT, DAY, ENTERPRISE

S = MaterialStatus
#: 餐饮服务, 歌舞娱乐活动 and the filing of 食品销售: every proof mode on one checklist.
SCOPE = ["H0101", "R5001", "F1040"]


def mark_key(ctx, operator, item: str, material: str) -> None:
    """Import the small catalog again with ``material`` of ``item`` a key material."""
    data = json.loads(SMALL_CATALOG.read_text(encoding="utf-8"))
    data["label"] = f"测试用小目录（{material}为关键材料）"
    [entry] = [i for i in data["items"] if i["code"] == item]
    [line] = [m for m in entry["materials"] if m["name"] == material]
    line["key"] = True
    import_catalog(ctx, operator, json.dumps(data, ensure_ascii=False).encode(), "key.json")


def plan(ctx, scope=SCOPE):
    return plan_application(ctx, scope=scope, applicant_code=ENTERPRISE, on=DAY)


def stored(ctx) -> dict[str, MaterialCheck]:
    with ctx.uow() as s:
        return {
            m.name: m for m in s.scalars(select(MaterialCheck).order_by(MaterialCheck.position))
        }


def count(ctx, model) -> int:
    with ctx.uow() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_the_merged_checklist_has_every_proof_mode(ctx) -> None:
    modes = {m.name: m.proof_mode for m in plan(ctx).materials}
    assert modes == {
        "营业执照": ProofMode.data_verification,
        # commitment for 餐饮服务, paper for the filing: the strictest wins
        "经营场所使用证明": ProofMode.paper,
        "食品安全管理制度": ProofMode.commitment,
        # department verification for 餐饮服务, paper for the hygiene licence
        "从业人员健康证明": ProofMode.paper,
        "卫生检测报告": ProofMode.paper,
        "法定代表人无犯罪记录证明": ProofMode.cancelled,
        "消防安全检查合格证明": ProofMode.department_verification,
    }


@pytest.mark.parametrize(
    ("material", "status"),
    [
        ("法定代表人无犯罪记录证明", S.received),  # cancelled: may not be asked for
        ("食品安全管理制度", S.received),  # the commitment stands for it
        ("食品安全管理制度", S.deferred),
        ("消防安全检查合格证明", S.deferred),  # a department answers, not the applicant
        ("卫生检测报告", S.verified),  # paper is received, not verified
        ("营业执照", S.not_required),
    ],
)
def test_an_outcome_that_does_not_fit_the_proof_mode_is_refused(
    ctx, material: str, status: MaterialStatus
) -> None:
    due = {material: DAY + timedelta(days=7)} if status is S.deferred else {}
    with pytest.raises(ValidationError, match=f"“{material}”的办理方式是.*不能记为") as info:
        check_outcomes(plan(ctx), {material: status}, due)
    assert info.value.field == "materials"


@pytest.mark.parametrize(
    ("material", "status"),
    [
        ("营业执照", S.verified),
        ("营业执照", S.received),  # the platform could not confirm: the original seen
        ("营业执照", S.deferred),
        ("消防安全检查合格证明", S.received),
        ("卫生检测报告", S.deferred),
    ],
)
def test_an_outcome_that_fits_the_proof_mode_is_allowed(
    ctx, material: str, status: MaterialStatus
) -> None:
    due = {material: DAY + timedelta(days=7)} if status is S.deferred else {}
    check_outcomes(plan(ctx), {material: status}, due)


def test_a_material_not_on_the_checklist_is_refused_even_as_a_promised_date(ctx) -> None:
    with pytest.raises(ValidationError, match="材料清单中没有：健康证明"):
        check_outcomes(plan(ctx), {}, {"健康证明": DAY + timedelta(days=7)})


@pytest.mark.parametrize(
    ("days", "ok"),
    [(-1, False), (0, False), (1, True), (MAX_DEFER_DAYS, True), (MAX_DEFER_DAYS + 1, False)],
)
def test_a_promised_date_must_be_after_today_and_within_90_days(ctx, days: int, ok: bool) -> None:
    found = outcome_problems(plan(ctx), {}, {"卫生检测报告": DAY + timedelta(days=days)})
    assert (found == []) is ok, found


def test_a_deferred_material_without_a_date_is_refused(ctx) -> None:
    with pytest.raises(ValidationError, match="须写明申请人承诺补交的日期"):
        check_outcomes(plan(ctx), {"卫生检测报告": S.deferred}, {})


def test_a_key_material_cannot_be_deferred(ctx, operator) -> None:
    mark_key(ctx, operator, "NHC-001", "卫生检测报告")
    key_plan = plan(ctx)
    assert {m.name for m in key_plan.materials if m.key} == {"卫生检测报告"}
    with pytest.raises(ValidationError, match="“卫生检测报告”是关键材料"):
        check_outcomes(key_plan, {}, {"卫生检测报告": DAY + timedelta(days=7)})
    check_outcomes(key_plan, {"卫生检测报告": S.received}, {})


def test_a_material_key_for_one_item_is_key_on_the_merged_line(ctx, operator) -> None:
    # 经营场所使用证明 is key for the filing only; 住宿服务's special-trade licence asks
    # for it too, as an ordinary material.
    mark_key(ctx, operator, "SAMR-002", "经营场所使用证明")
    merged = plan(ctx, ["K1040", "F1040"])
    [line] = [m for m in merged.materials if m.name == "经营场所使用证明"]
    assert line.key and set(line.items) == {"MPS-001", "SAMR-002"}
    found = outcome_problems(merged, {}, {"经营场所使用证明": DAY + timedelta(days=7)})
    assert len(found) == 1 and "关键材料" in found[0]


def test_every_problem_of_the_checklist_is_reported_together(ctx, operator) -> None:
    mark_key(ctx, operator, "NHC-001", "卫生检测报告")
    found = outcome_problems(
        plan(ctx),
        {"食品安全管理制度": S.received, "经营场所使用证明": S.deferred},
        {"卫生检测报告": DAY + timedelta(days=7), "不存在的材料": DAY},
    )
    assert len(found) == 4, found
    with pytest.raises(ValidationError) as info:
        check_outcomes(
            plan(ctx),
            {"食品安全管理制度": S.received, "经营场所使用证明": S.deferred},
            {"卫生检测报告": DAY + timedelta(days=7)},
        )
    for fragment in ("食品安全管理制度", "经营场所使用证明", "卫生检测报告"):
        assert fragment in info.value.message


# --- accept_case: the rows the checklist leaves ---------------------------------------------


def test_each_line_gets_its_check_with_its_items_and_source(ctx, actor) -> None:
    case, _ = accept_case(ctx, actor, plan(ctx), APPLICANT, ANSWERS)
    lines = stored(ctx)
    assert list(lines) == [m.name for m in plan(ctx).materials]
    assert all(m.case_id == case.id for m in lines.values())
    assert set(lines["营业执照"].item_codes) == {"SAMR-001", "SAMR-002", "MCT-001", "NHC-001"}
    assert lines["消防安全检查合格证明"].source == "消防救援机构"
    assert lines["卫生检测报告"].status is S.received and lines["卫生检测报告"].due_date is None


def test_a_promised_date_alone_makes_the_line_deferred(ctx, actor) -> None:
    due = DAY + timedelta(days=30)
    accept_case(ctx, actor, plan(ctx), APPLICANT, ANSWERS, deferred={"卫生检测报告": due})
    line = stored(ctx)["卫生检测报告"]
    assert (line.status, line.due_date) == (S.deferred, due)


def test_a_promised_date_is_not_kept_for_a_material_received_after_all(ctx, actor) -> None:
    accept_case(
        ctx,
        actor,
        plan(ctx),
        APPLICANT,
        ANSWERS,
        material_status={"卫生检测报告": S.received},
        deferred={"卫生检测报告": DAY + timedelta(days=30)},
    )
    line = stored(ctx)["卫生检测报告"]
    assert (line.status, line.due_date) == (S.received, None)


def test_a_refused_deferral_writes_nothing(ctx, actor, operator) -> None:
    mark_key(ctx, operator, "NHC-001", "卫生检测报告")
    with pytest.raises(ValidationError, match="关键材料"):
        accept_case(
            ctx, actor, plan(ctx), APPLICANT, ANSWERS, deferred={"卫生检测报告": DAY + timedelta(7)}
        )
    assert count(ctx, Case) == 0 and count(ctx, MaterialCheck) == 0


def test_only_a_department_verification_left_to_the_department_is_requested(ctx, actor) -> None:
    accept_case(ctx, actor, plan(ctx), APPLICANT, ANSWERS)
    with ctx.uow() as s:
        [request] = s.scalars(select(VerificationRequest)).all()
    line = stored(ctx)["消防安全检查合格证明"]
    assert request.material_id == line.id and request.department == "消防救援机构"
    # The applicant brought the certificate: nothing to ask the fire brigade.
    accept_case(
        ctx,
        actor,
        plan(ctx),
        APPLICANT,
        ANSWERS,
        material_status={"消防安全检查合格证明": S.received},
    )
    assert count(ctx, VerificationRequest) == 1


def test_material_notes_are_kept_on_their_lines(ctx, actor) -> None:
    notes = {"营业执照": "市场主体登记信息：存续", "不在清单上的材料": "忽略"}
    accept_case(ctx, actor, plan(ctx), APPLICANT, ANSWERS, material_notes=notes)
    lines = stored(ctx)
    assert lines["营业执照"].note == "市场主体登记信息：存续"
    assert {m.note for name, m in lines.items() if name != "营业执照"} == {""}


# --- accept_case: the draft -------------------------------------------------------------------


def test_accept_case_turns_the_draft_into_the_case(ctx, actor) -> None:
    draft = save_draft(ctx, actor, None, IntakeState(applicant_code=ENTERPRISE))
    case, _ = accept_case(ctx, actor, plan(ctx), APPLICANT, ANSWERS, draft_id=draft.id)
    with ctx.uow() as s:
        row = s.get(IntakeDraft, draft.id)
        assert row is not None and (row.status, row.case_id) == (DraftStatus.accepted, case.id)


def test_accept_case_with_an_unknown_draft_is_refused_and_writes_nothing(ctx, actor) -> None:
    import uuid

    with pytest.raises(Conflict, match="找不到这份草稿"):
        accept_case(ctx, actor, plan(ctx), APPLICANT, ANSWERS, draft_id=uuid.uuid4())
    assert count(ctx, Case) == 0 and count(ctx, MaterialCheck) == 0


def test_the_case_number_of_an_accepted_draft_is_not_used_up_by_a_refusal(ctx, actor) -> None:
    draft = save_draft(ctx, actor, None, IntakeState(applicant_code=ENTERPRISE))
    first, _ = accept_case(ctx, actor, plan(ctx), APPLICANT, ANSWERS, draft_id=draft.id)
    with pytest.raises(Conflict, match=first.number):
        accept_case(ctx, actor, plan(ctx), APPLICANT, ANSWERS, draft_id=draft.id)
    second, _ = accept_case(ctx, actor, plan(ctx), APPLICANT, ANSWERS)
    assert (first.number, second.number) == ("C01-20261123-0001", "C01-20261123-0002")
