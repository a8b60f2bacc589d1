"""Intake drafts: kept as the clerk types, offered back after a crash, only to their own
clerk; and the state they keep, which must come back equal or, if damaged, usable."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hall.core.errors import Conflict, NotFound
from hall.models import IntakeDraft
from hall.models.enums import DraftStatus, Role
from hall.services.drafts import discard_draft, open_drafts, save_draft
from hall.services.intake_flow import accept_from_state, plan_for, problems
from hall.services.intake_state import IntakeState, MaterialChoice, Step

from .test_intake_flow import complete_state

FULL = IntakeState(
    applicant_code="91320305MA1N428243",
    applicant_name="徐州市贾汪区味香居餐饮管理有限公司",
    legal_representative="王建国",
    address="贾汪区老矿街道工农北路136号",
    phone="0516-87661715",
    scope=("H0101", "R5001"),
    items=("MPS-001",),
    without=("NHC-001",),
    normal_route=("SAMR-001",),
    answers={"premises_area": "120.5", "seats": ""},
    materials={
        "营业执照": MaterialChoice("verified", None, "市场主体登记信息：存续"),
        "卫生检测报告": MaterialChoice("deferred", "2026-12-10", ""),
    },
    signed=("SAMR-001",),
    step=Step.materials,
)


def later(clock, minutes: int = 1) -> None:
    clock.advance(timedelta(minutes=minutes))


def test_saving_creates_a_draft_then_updates_the_same_one(ctx, actor, clock) -> None:
    first = save_draft(ctx, actor, None, IntakeState(applicant_code="9132"))
    later(clock)
    second = save_draft(ctx, actor, first.id, FULL)
    assert second.id == first.id
    assert second.state == FULL
    assert second.created_at == first.created_at and second.updated_at > first.updated_at
    with ctx.uow() as s:
        [row] = s.scalars(select(IntakeDraft)).all()
        assert (row.username, row.counter, row.status) == ("clerk01", "C01", DraftStatus.open)
    assert [d.state for d in open_drafts(ctx, actor)] == [FULL]


def test_open_drafts_lists_only_the_actors_open_drafts_newest_first(
    ctx, actor, clock, make_account
) -> None:
    other = make_account("clerk02", Role.clerk)
    older = save_draft(ctx, actor, None, IntakeState(applicant_name="甲"))
    later(clock)
    newer = save_draft(ctx, actor, None, IntakeState(applicant_name="乙"))
    later(clock)
    save_draft(ctx, other, None, IntakeState(applicant_name="别人的"))
    gone = save_draft(ctx, actor, None, IntakeState(applicant_name="放弃的"))
    discard_draft(ctx, actor, gone.id)
    accepted = save_draft(ctx, actor, None, complete_state())
    accept_from_state(ctx, actor, complete_state(), accepted.id)
    assert [d.id for d in open_drafts(ctx, actor)] == [newer.id, older.id]
    later(clock)
    save_draft(ctx, actor, older.id, IntakeState(applicant_name="甲（改）"))
    assert [d.id for d in open_drafts(ctx, actor)] == [older.id, newer.id]
    assert [d.state.applicant_name for d in open_drafts(ctx, other)] == ["别人的"]


def test_another_users_draft_cannot_be_saved_over_or_discarded(ctx, actor, make_account) -> None:
    other = make_account("clerk02", Role.clerk)
    theirs = save_draft(ctx, other, None, IntakeState(applicant_name="别人的"))
    with pytest.raises(NotFound):
        save_draft(ctx, actor, theirs.id, IntakeState(applicant_name="覆盖"))
    with pytest.raises(NotFound):
        discard_draft(ctx, actor, theirs.id)
    [kept] = open_drafts(ctx, other)
    assert kept.state.applicant_name == "别人的"


def test_a_draft_that_does_not_exist_is_not_found(ctx, actor) -> None:
    with pytest.raises(NotFound, match="找不到这份草稿"):
        save_draft(ctx, actor, uuid.uuid4(), FULL)
    with ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(IntakeDraft)) == 0


def test_a_discarded_draft_cannot_be_saved(ctx, actor) -> None:
    draft = save_draft(ctx, actor, None, IntakeState(applicant_name="甲"))
    discard_draft(ctx, actor, draft.id)
    with pytest.raises(Conflict, match="已经受理或放弃"):
        save_draft(ctx, actor, draft.id, FULL)
    with pytest.raises(Conflict):
        discard_draft(ctx, actor, draft.id)
    with ctx.uow() as s:
        row = s.get(IntakeDraft, draft.id)
        assert row is not None and row.state["applicant_name"] == "甲"


def test_an_accepted_draft_cannot_be_saved_from_another_window(ctx, actor) -> None:
    draft = save_draft(ctx, actor, None, complete_state())
    accept_from_state(ctx, actor, complete_state(), draft.id)
    with pytest.raises(Conflict):
        save_draft(ctx, actor, draft.id, complete_state(applicant_name="改过"))


def test_a_draft_is_titled_by_its_applicant_and_what_was_picked(ctx, actor) -> None:
    assert (
        save_draft(ctx, actor, None, FULL).title
        == "徐州市贾汪区味香居餐饮管理有限公司（3项经营范围或事项）"
    )
    coded = save_draft(ctx, actor, None, IntakeState(applicant_code="9132"))
    assert coded.title == "9132（0项经营范围或事项）"
    assert save_draft(ctx, actor, None, IntakeState()).title.startswith("未填申请人")


# --- the state a draft keeps -------------------------------------------------------------------


def test_the_state_comes_back_equal_from_json(ctx, actor) -> None:
    assert IntakeState.from_json(FULL.to_json()) == FULL
    # as the JSON column stores it: text, then parsed again
    assert IntakeState.from_json(json.loads(json.dumps(FULL.to_json()))) == FULL
    assert IntakeState.from_json(IntakeState().to_json()) == IntakeState()
    save_draft(ctx, actor, None, FULL)
    assert [d.state for d in open_drafts(ctx, actor)] == [FULL]


def test_to_json_is_plain_json(ctx) -> None:
    data = FULL.to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["step"] == "materials" and data["scope"] == ["H0101", "R5001"]
    assert data["materials"]["卫生检测报告"] == {
        "status": "deferred",
        "due": "2026-12-10",
        "note": "",
    }


DAMAGED = [
    {"step": "finished"},
    {"step": ["applicant"]},
    {"step": None},
    {"applicant_code": 91320305, "applicant_name": None, "phone": ["0516"]},
    {"scope": "H0101"},
    {"scope": [None, 3, {"code": "H0101"}]},
    {"answers": ["applicant_name"]},
    {"answers": {"seats": None, "rooms": {"n": 1}, "premises_area": 120}},
    {"materials": ["营业执照"]},
    {"materials": {"营业执照": "verified"}},
    {"materials": {"营业执照": {"status": "lost", "due": 20261201, "note": None}}},
    {"materials": {"营业执照": {"status": 1}, "卫生检测报告": {"status": ["deferred"]}}},
    {"signed": {"SAMR-001": True}},
    {},
]


@pytest.mark.parametrize("damaged", DAMAGED, ids=[json.dumps(d)[:40] for d in DAMAGED])
def test_damaged_state_gives_a_usable_state(ctx, damaged) -> None:
    state = IntakeState.from_json(damaged)
    assert isinstance(state.step, Step)
    assert all(isinstance(v, str) for v in (*state.scope, *state.items, *state.signed))
    assert all(isinstance(v, str) for v in state.answers.values())
    assert "None" not in state.answers.values()
    # The path can go on from it: plan, problems and saving work.
    picked = state.replace(applicant_code="91320305MA1N428243", scope=("H0101",))
    problems(ctx, picked, plan_for(ctx, picked))
    assert IntakeState.from_json(state.to_json()) == state


@pytest.mark.parametrize("damaged", [None, [], "state", 3])
def test_a_state_that_is_not_an_object_gives_an_empty_state(damaged) -> None:
    assert IntakeState.from_json(damaged) == IntakeState()


def test_a_draft_with_a_damaged_state_is_still_offered_back(ctx, actor, clock) -> None:
    with ctx.uow() as s:
        s.add(
            IntakeDraft(
                username="clerk01",
                counter="C01",
                created_at=clock.now(),
                updated_at=clock.now(),
                status=DraftStatus.open,
                state={"step": 7, "scope": "H0101", "materials": {"营业执照": {"status": "x"}}},
            )
        )
    [draft] = open_drafts(ctx, actor)
    assert draft.state == IntakeState(materials={"营业执照": MaterialChoice()})
