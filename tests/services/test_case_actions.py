"""What the counter may still do with an accepted case, and what it may not."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hall.core.errors import Conflict, NotFound, ValidationError
from hall.models import (
    AuditEntry,
    AuditHead,
    Base,
    ClockStop,
    OutboxEntry,
    SubCaseEvent,
    VerificationRequest,
)
from hall.models.enums import (
    CaseStatus,
    MaterialStatus,
    RequestStatus,
    SubCaseStatus,
    SupplementStatus,
)
from hall.services.case_actions import (
    answer_verification_request,
    receive_material,
    record_data_check,
    withdraw_case,
    withdraw_sub_case,
)
from hall.services.case_supplements import fulfil_supplement, request_supplement
from hall.services.cases import case_detail

from .test_cases import DEFERRED, accept

REASON = "申请人决定暂不经营娱乐项目"


def rows(ctx, model, *where):
    with ctx.uow() as s:
        return list(s.scalars(select(model).where(*where)))


def request_id(ctx, case) -> str:
    [request] = rows(ctx, VerificationRequest, VerificationRequest.case_id == case.id)
    return str(request.id)


def snapshot(ctx) -> dict[str, list[str]]:
    """Every table but the audit log's (a refusal of a role is audited; these are not)."""
    skip = {AuditEntry.__tablename__, AuditHead.__tablename__, OutboxEntry.__tablename__}
    with ctx.engine.connect() as conn:
        return {
            t.name: sorted(map(repr, conn.execute(select(t)).all()))
            for t in Base.metadata.sorted_tables
            if t.name not in skip
        }


def audit_count(ctx) -> tuple[int, int]:
    return len(rows(ctx, AuditEntry)), len(rows(ctx, OutboxEntry))


# --- withdrawing ----------------------------------------------------------------------------


def test_withdrawing_a_case_withdraws_what_is_under_review_and_keeps_what_was_decided(
    ctx, actor
) -> None:
    case = accept(ctx, actor)
    detail, changes = withdraw_case(ctx, actor, case.number, f"  {REASON}  ")
    assert changes.cases
    assert detail.status is CaseStatus.withdrawn and detail.withdrawn_reason == REASON
    assert detail.withdrawn_at == ctx.clock.now()
    status = {s.item_code: s.status for s in detail.sub_cases}
    assert status == {
        "SAMR-001": SubCaseStatus.approved,  # decided on the spot: the permit stands
        "MCT-001": SubCaseStatus.withdrawn,
        "NHC-001": SubCaseStatus.withdrawn,
    }
    events = rows(ctx, SubCaseEvent, SubCaseEvent.to_status == SubCaseStatus.withdrawn)
    assert len(events) == 2
    assert {(e.from_status, e.note, e.by) for e in events} == {
        (SubCaseStatus.under_review, REASON, "clerk01")
    }
    assert all(s.days_left is None for s in detail.sub_cases)
    # The fire brigade was already asked; its answer may still come.
    assert detail.verification_requests[0].status is RequestStatus.pending


def test_withdrawing_a_case_cancels_its_open_notice_and_restarts_nothing(ctx, actor, clock) -> None:
    case = accept(ctx, actor)
    request_supplement(ctx, actor, case.number, {"卫生检测报告": "缺少检测机构的盖章"})
    clock.advance(timedelta(days=2))
    detail, _ = withdraw_case(ctx, actor, case.number, REASON)
    [notice] = detail.supplements
    assert notice.status is SupplementStatus.cancelled and notice.closed_on == date(2026, 11, 25)
    [stop] = rows(ctx, ClockStop)
    assert (stop.ended_on, stop.working_days) == (date(2026, 11, 25), 2)
    assert detail.sub_case("NHC-001").stopped_days == 2


def test_a_withdrawal_needs_a_reason(ctx, actor) -> None:
    case = accept(ctx, actor)
    before = snapshot(ctx)
    with pytest.raises(ValidationError, match="请填写撤回的原因"):
        withdraw_case(ctx, actor, case.number, "   ")
    with pytest.raises(ValidationError, match="不能超过500个字"):
        withdraw_case(ctx, actor, case.number, "因" * 501)
    with pytest.raises(ValidationError, match="请填写撤回的原因"):
        withdraw_sub_case(ctx, actor, case.number, "MCT-001", "")
    assert snapshot(ctx) == before


def test_a_withdrawn_case_takes_no_further_action(ctx, actor) -> None:
    case = accept(ctx, actor, deferred=DEFERRED)
    withdraw_case(ctx, actor, case.number, REASON)
    before, counts = snapshot(ctx), audit_count(ctx)
    refusals = [
        lambda: withdraw_case(ctx, actor, case.number, REASON),
        lambda: withdraw_sub_case(ctx, actor, case.number, "MCT-001", REASON),
        lambda: receive_material(ctx, actor, case.number, "卫生检测报告"),
        lambda: record_data_check(ctx, actor, case.number, "营业执照", True),
        lambda: request_supplement(ctx, actor, case.number, {"卫生检测报告": "缺章"}),
        lambda: fulfil_supplement(ctx, actor, case.number),
    ]
    for refused in refusals:
        with pytest.raises(Conflict, match="已撤回，不能再办理"):
            refused()
    assert snapshot(ctx) == before and audit_count(ctx) == counts


def test_a_case_with_nothing_under_review_cannot_be_withdrawn(ctx, actor) -> None:
    case = accept(ctx, actor, ("H0101",))  # the food permit, approved on the spot
    before = snapshot(ctx)
    with pytest.raises(Conflict, match="没有审查中的事项"):
        withdraw_case(ctx, actor, case.number, REASON)
    assert snapshot(ctx) == before


def test_withdrawing_one_sub_case_leaves_the_others_running(ctx, actor) -> None:
    case = accept(ctx, actor)
    detail, changes = withdraw_sub_case(ctx, actor, case.number, "mct-001", REASON)
    assert changes.cases and detail.status is CaseStatus.accepted
    assert detail.sub_case("MCT-001").status is SubCaseStatus.withdrawn
    assert detail.sub_case("NHC-001").status is SubCaseStatus.under_review
    [event] = rows(ctx, SubCaseEvent, SubCaseEvent.to_status == SubCaseStatus.withdrawn)
    assert event.sub_case_id == detail.sub_case("MCT-001").id and event.note == REASON
    assert detail.history[-1].description == f"申请人撤回“娱乐场所经营许可”：{REASON}"


def test_a_decided_sub_case_cannot_be_withdrawn(ctx, actor) -> None:
    case = accept(ctx, actor)
    before = snapshot(ctx)
    with pytest.raises(Conflict, match="“食品经营许可”的状态是“已准予许可”：只有审查中的事项"):
        withdraw_sub_case(ctx, actor, case.number, "SAMR-001", REASON)
    with pytest.raises(NotFound, match="没有事项“MPS-001”"):
        withdraw_sub_case(ctx, actor, case.number, "MPS-001", REASON)
    withdraw_sub_case(ctx, actor, case.number, "MCT-001", REASON)
    with pytest.raises(Conflict, match="已撤回"):
        withdraw_sub_case(ctx, actor, case.number, "MCT-001", REASON)
    assert snapshot(ctx) != before  # only the one allowed withdrawal changed anything


def test_withdrawing_the_last_open_sub_case_closes_a_case_with_decisions(ctx, actor) -> None:
    case = accept(ctx, actor)
    withdraw_sub_case(ctx, actor, case.number, "MCT-001", REASON)
    detail, _ = withdraw_sub_case(ctx, actor, case.number, "NHC-001", REASON)
    assert detail.status is CaseStatus.closed and detail.withdrawn_reason is None


def test_withdrawing_every_sub_case_one_by_one_withdraws_the_case(ctx, actor) -> None:
    case = accept(ctx, actor, ("R5001",))
    withdraw_sub_case(ctx, actor, case.number, "MCT-001", REASON)
    detail, _ = withdraw_sub_case(ctx, actor, case.number, "NHC-001", "不再经营")
    assert detail.status is CaseStatus.withdrawn and detail.withdrawn_reason == "不再经营"


def test_withdrawing_the_only_item_a_notice_concerns_cancels_the_notice(ctx, actor) -> None:
    case = accept(ctx, actor)
    request_supplement(ctx, actor, case.number, {"卫生检测报告": "缺少检测机构的盖章"})
    detail, _ = withdraw_sub_case(ctx, actor, case.number, "NHC-001", REASON)
    assert detail.supplements[0].status is SupplementStatus.cancelled
    assert detail.open_supplement is None
    assert not detail.sub_case("NHC-001").clock_stopped


# --- materials ------------------------------------------------------------------------------


def test_a_deferred_material_received_later_is_no_longer_pending(ctx, actor, clock) -> None:
    case = accept(ctx, actor, deferred=DEFERRED)
    clock.advance(timedelta(days=3))
    detail, changes = receive_material(ctx, actor, case.number, " 卫生检测报告 ", note="原件已核")
    assert changes.cases
    report = detail.material("卫生检测报告")
    assert (report.status, report.note) == (MaterialStatus.received, "原件已核")
    assert report.due_date == date(2026, 11, 30)  # the promise is kept as history
    assert report.updated_at == clock.now()
    assert not any("卫生检测报告" in line for line in detail.pending)
    assert detail.history[-1].description == "收到材料“卫生检测报告”"


def test_a_material_that_is_not_awaited_cannot_be_received(ctx, actor) -> None:
    case = accept(ctx, actor)
    before = snapshot(ctx)
    with pytest.raises(Conflict, match="“卫生检测报告”的状态是“已收取”，无需补交"):
        receive_material(ctx, actor, case.number, "卫生检测报告")
    with pytest.raises(Conflict, match="已承诺"):
        receive_material(ctx, actor, case.number, "经营场所使用证明")
    with pytest.raises(Conflict, match="等待部门核验的答复"):
        receive_material(ctx, actor, case.number, "消防安全检查合格证明")
    with pytest.raises(NotFound, match="材料清单中没有“营业执照副本”"):
        receive_material(ctx, actor, case.number, "营业执照副本")
    assert snapshot(ctx) == before


def test_a_data_check_confirmed_verifies_the_material(ctx, actor) -> None:
    case = accept(ctx, actor)
    detail, _ = record_data_check(ctx, actor, case.number, "营业执照", True, "登记状态：存续")
    licence = detail.material("营业执照")
    assert (licence.status, licence.note) == (MaterialStatus.verified, "登记状态：存续")
    with pytest.raises(Conflict, match="不需要核验"):
        record_data_check(ctx, actor, case.number, "营业执照", False)


def test_a_data_check_not_confirmed_must_be_made_good_on_paper(ctx, actor) -> None:
    case = accept(ctx, actor)
    detail, _ = record_data_check(ctx, actor, case.number, "营业执照", False, "平台无记录")
    assert detail.material("营业执照").status is MaterialStatus.not_confirmed
    assert "营业执照：核验未通过，须提交纸质材料" in detail.pending
    detail, _ = receive_material(ctx, actor, case.number, "营业执照")
    assert detail.material("营业执照").status is MaterialStatus.received


def test_a_data_check_of_a_material_not_checked_by_data_is_refused(ctx, actor) -> None:
    case = accept(ctx, actor)
    with pytest.raises(Conflict, match="办理方式是提交纸质材料，不是数据核验"):
        record_data_check(ctx, actor, case.number, "卫生检测报告", True)


def test_a_department_verification_confirmed_verifies_the_material(ctx, actor, clock) -> None:
    case = accept(ctx, actor)
    clock.advance(timedelta(days=1))
    detail, changes = answer_verification_request(
        ctx, actor, request_id(ctx, case), True, "消防救援机构电话答复：证明属实"
    )
    assert changes.cases
    [request] = detail.verification_requests
    assert request.status is RequestStatus.confirmed
    assert (request.answered_by, request.answered_at) == ("clerk01", clock.now())
    assert detail.material("消防安全检查合格证明").status is MaterialStatus.verified
    assert not any("消防" in line for line in detail.pending)
    assert detail.history[-1].description == "登记部门核验答复“消防安全检查合格证明”：部门确认属实"


def test_a_department_denial_needs_its_answer_and_is_recorded_once(ctx, actor) -> None:
    case = accept(ctx, actor)
    rid = request_id(ctx, case)
    with pytest.raises(ValidationError, match="请写明部门答复的内容"):
        answer_verification_request(ctx, actor, rid, False, " ")
    detail, _ = answer_verification_request(ctx, actor, rid, False, "未查到该证明")
    assert detail.verification_requests[0].status is RequestStatus.denied
    assert detail.material("消防安全检查合格证明").status is MaterialStatus.not_confirmed
    with pytest.raises(Conflict, match="已于2026-11-23登记了答复"):
        answer_verification_request(ctx, actor, rid, True, "属实")
    with pytest.raises(NotFound, match="没有这条部门核验请求"):
        answer_verification_request(ctx, actor, "not-an-id", True, "")


def test_a_department_may_still_answer_for_a_withdrawn_case(ctx, actor) -> None:
    case = accept(ctx, actor)
    withdraw_case(ctx, actor, case.number, REASON)
    detail, _ = answer_verification_request(ctx, actor, request_id(ctx, case), True, "属实")
    assert detail.verification_requests[0].status is RequestStatus.confirmed


# --- the audit log --------------------------------------------------------------------------


def test_every_change_is_audited_and_in_the_outbox_with_its_rows(ctx, actor) -> None:
    case = accept(ctx, actor, deferred=DEFERRED)
    other = accept(ctx, actor)
    calls = [
        (
            "material.receive",
            lambda: receive_material(ctx, actor, case.number, "卫生检测报告"),
            ["material_check"],
        ),
        (
            "material.data_check",
            lambda: record_data_check(ctx, actor, case.number, "营业执照", True),
            ["material_check"],
        ),
        (
            "verification_request.answer",
            lambda: answer_verification_request(ctx, actor, request_id(ctx, case), True, ""),
            ["verification_request", "material_check"],
        ),
        (
            "supplement.request",
            lambda: request_supplement(ctx, actor, case.number, {"卫生检测报告": "缺章"}),
            ["supplement_request", "material_check", "clock_stop"],
        ),
        (
            "supplement.fulfil",
            lambda: fulfil_supplement(ctx, actor, case.number),
            ["supplement_request", "material_check", "sub_case", "clock_stop"],
        ),
        (
            "sub_case.withdraw",
            lambda: withdraw_sub_case(ctx, actor, case.number, "MCT-001", REASON),
            ["sub_case", "sub_case_event"],
        ),
        (
            "case.withdraw",
            lambda: withdraw_case(ctx, actor, other.number, REASON),
            ["case", "sub_case", "sub_case", "sub_case_event", "sub_case_event"],
        ),
    ]
    for action, call, tables in calls:
        audit_before, outbox_before = audit_count(ctx)
        call()
        entries = rows(ctx, AuditEntry, AuditEntry.action == action)
        assert len(entries) == 1, action
        assert (entries[0].actor, entries[0].counter) == ("clerk01", "C01"), action
        assert audit_count(ctx) == (audit_before + 1, outbox_before + 1), action
        [outbox] = [o for o in rows(ctx, OutboxEntry) if o.payload["action"] == action]
        assert outbox.op == "upsert" and outbox.sent_at is None, action
        assert [r["table"] for r in outbox.payload["rows"]] == tables, action
    withdrawn = rows(ctx, AuditEntry, AuditEntry.action == "case.withdraw")[0]
    assert withdrawn.after["reason"] == REASON
    assert withdrawn.after["kept"] == {"SAMR-001": "approved"}
    assert withdrawn.before["sub_cases"]["MCT-001"] == "under_review"
    history = case_detail(ctx, actor, case.number).history
    assert [h.action for h in history] == [
        "case.accept",
        "material.receive",
        "material.data_check",
        "verification_request.answer",
        "supplement.request",
        "supplement.fulfil",
        "sub_case.withdraw",
    ]
