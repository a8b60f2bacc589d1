"""Supplement notices (一次性告知补正): one notice, everything at once, and the clock
that stands still until the materials arrive."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hall.core.errors import Conflict, ValidationError
from hall.models import AuditEntry, ClockStop
from hall.models.enums import MaterialStatus, StopReason, SupplementStatus
from hall.services.case_actions import receive_material
from hall.services.case_supplements import OTHER, fulfil_supplement, request_supplement
from hall.services.case_views import SupplementView
from hall.services.cases import case_detail

from .test_case_actions import rows, snapshot
from .test_cases import DEFERRED, accept

REPORT = {"卫生检测报告": "缺少检测机构的盖章"}


def give(ctx, actor, number, lines, note="") -> SupplementView:
    """Give a notice; the case comes back with it open."""
    detail, _changes = request_supplement(ctx, actor, number, lines, note)
    assert detail.open_supplement is not None
    return detail.open_supplement


def fulfil(ctx, actor, number) -> SupplementView:
    """Fulfil the open notice; the case comes back with it closed, last of its notices."""
    detail, _changes = fulfil_supplement(ctx, actor, number)
    assert detail.open_supplement is None
    return detail.supplements[-1]


def test_a_notice_stops_the_clocks_of_the_items_it_concerns_from_today(ctx, actor) -> None:
    case = accept(ctx, actor)
    lines = {"卫生检测报告": "缺少检测机构的盖章", "从业人员健康证明": "两人的证明已过期"}
    detail, changes = request_supplement(ctx, actor, case.number, lines, note="请一次补齐")
    assert changes.cases and detail.open_supplement is not None
    notice = detail.open_supplement
    assert notice.status is SupplementStatus.open and notice.requested_on == date(2026, 11, 23)
    assert [(line.material, line.problem) for line in notice.lines] == list(lines.items())
    assert notice.note == "请一次补齐" and notice.case_number == case.number
    # Both materials are the health permit's; the entertainment permit's review goes on.
    assert notice.item_codes == ("NHC-001",) and notice.days_stopped == 0
    detail = case_detail(ctx, actor, case.number)
    for name in lines:
        assert detail.material(name).status is MaterialStatus.supplement_requested
    health, fun = detail.sub_case("NHC-001"), detail.sub_case("MCT-001")
    assert health.clock_stopped and health.stopped_since == date(2026, 11, 23)
    assert not fun.clock_stopped
    [stop] = rows(ctx, ClockStop)
    assert (stop.reason, stop.supplement_id, stop.ended_on) == (
        StopReason.supplement,
        notice.id,
        None,
    )
    assert detail.open_supplement == detail.supplements[0]
    assert any(line.startswith("补正通知（2026-11-23发出）") for line in detail.pending)


def test_a_second_supplement_notice_while_one_is_open_is_refused(ctx, actor) -> None:
    case = accept(ctx, actor)
    request_supplement(ctx, actor, case.number, REPORT)
    before = snapshot(ctx)
    with pytest.raises(Conflict, match="补正须一次性告知，不能再发第二份通知"):
        request_supplement(ctx, actor, case.number, {"从业人员健康证明": "已过期"})
    assert snapshot(ctx) == before
    fulfil_supplement(ctx, actor, case.number)
    # Once the first is answered, a new problem can be told in a new notice.
    notice = give(ctx, actor, case.number, {"从业人员健康证明": "已过期"})
    assert notice.status is SupplementStatus.open


def test_the_clock_stops_during_a_supplement_and_the_deadline_moves_by_the_days_stopped(
    ctx, actor, clock
) -> None:
    case = accept(ctx, actor)
    start = case_detail(ctx, actor, case.number).sub_case("NHC-001")
    assert (start.promised_deadline, start.statutory_deadline) == (
        date(2026, 11, 30),
        date(2026, 12, 21),
    )
    request_supplement(ctx, actor, case.number, REPORT)  # Monday 23 November
    clock.advance(timedelta(days=3))  # Thursday 26 November: Tue, Wed, Thu stood still
    notice = fulfil(ctx, actor, case.number)
    assert notice.status is SupplementStatus.fulfilled and notice.closed_on == date(2026, 11, 26)
    assert notice.days_stopped == 3 and notice.closed_by == "clerk01"
    [stop] = rows(ctx, ClockStop)
    assert (stop.ended_on, stop.working_days) == (date(2026, 11, 26), 3)
    detail = case_detail(ctx, actor, case.number)
    health = detail.sub_case("NHC-001")
    assert health.stopped_days == 3 and not health.clock_stopped
    assert (health.promised_deadline, health.statutory_deadline) == (
        date(2026, 12, 3),
        date(2026, 12, 24),
    )
    # What was left when the clock stopped is left when it restarts.
    assert health.days_left == start.days_left == 5
    # The other department's review never stopped.
    fun = detail.sub_case("MCT-001")
    assert fun.stopped_days == 0 and fun.promised_deadline == date(2026, 12, 7)
    assert detail.material("卫生检测报告").status is MaterialStatus.received
    assert detail.history[-1].description == "补正材料已齐，恢复计时（计时停止3个工作日）"
    [entry] = rows(ctx, AuditEntry, AuditEntry.action == "supplement.fulfil")
    assert entry.after["deadlines"]["NHC-001"]["promised_deadline"] == "2026-12-03"


def test_a_notice_fulfilled_the_day_it_was_given_stopped_the_clock_zero_days(
    ctx, actor, clock
) -> None:
    case = accept(ctx, actor)
    request_supplement(ctx, actor, case.number, REPORT)
    clock.advance(timedelta(hours=5))
    notice = fulfil(ctx, actor, case.number)
    assert notice.days_stopped == 0
    health = case_detail(ctx, actor, case.number).sub_case("NHC-001")
    assert health.stopped_days == 0 and health.promised_deadline == date(2026, 11, 30)


def test_a_weekend_in_a_stop_does_not_count(ctx, actor, clock) -> None:
    case = accept(ctx, actor)
    clock.advance(timedelta(days=4))  # Friday 27 November
    request_supplement(ctx, actor, case.number, REPORT)
    clock.advance(timedelta(days=3))  # Monday 30 November: only Monday stood still
    notice = fulfil(ctx, actor, case.number)
    assert notice.days_stopped == 1
    health = case_detail(ctx, actor, case.number).sub_case("NHC-001")
    assert health.promised_deadline == date(2026, 12, 1)


def test_days_left_are_frozen_while_the_clock_is_stopped(ctx, actor, clock) -> None:
    case = accept(ctx, actor)
    clock.advance(timedelta(days=1))  # Tuesday: 4 working days left to the promise
    request_supplement(ctx, actor, case.number, REPORT)
    clock.advance(timedelta(days=8))  # Wednesday 2 December: past the old deadline
    detail = case_detail(ctx, actor, case.number)
    health = detail.sub_case("NHC-001")
    assert health.clock_stopped and health.days_left == 4
    assert detail.open_supplement is not None and detail.open_supplement.days_stopped == 6
    assert detail.sub_case("MCT-001").days_left == 3  # still running
    assert (
        "公共场所卫生许可：已分送卫生健康委员会，待认领，期限 2026-11-30，剩4个工作日（计时暂停中）"
        in detail.pending
    )


def test_the_last_listed_material_arriving_fulfils_the_notice(ctx, actor, clock) -> None:
    case = accept(ctx, actor)
    lines = {"卫生检测报告": "缺少盖章", "从业人员健康证明": "已过期"}
    request_supplement(ctx, actor, case.number, lines)
    clock.advance(timedelta(days=1))
    detail, _ = receive_material(ctx, actor, case.number, "卫生检测报告")
    assert detail.open_supplement is not None  # one more to come
    clock.advance(timedelta(days=1))
    detail, _ = receive_material(ctx, actor, case.number, "从业人员健康证明")
    assert detail.open_supplement is None
    [notice] = detail.supplements
    assert notice.status is SupplementStatus.fulfilled and notice.days_stopped == 2
    assert detail.sub_case("NHC-001").stopped_days == 2
    assert detail.history[-1].description == (
        "收到材料“从业人员健康证明”；补正材料已齐，恢复计时（计时停止2个工作日）"
    )


def test_a_notice_with_an_other_line_stops_every_review_and_waits_for_the_clerk(ctx, actor) -> None:
    case = accept(ctx, actor)
    lines = {"卫生检测报告": "缺少盖章", OTHER: "申请表中经营场所面积与租赁合同不一致"}
    notice = give(ctx, actor, case.number, lines)
    assert notice.item_codes == ("MCT-001", "NHC-001")
    detail, _ = receive_material(ctx, actor, case.number, "卫生检测报告")
    assert detail.open_supplement is not None  # the form's correction is not a material
    notice = fulfil(ctx, actor, case.number)
    assert notice.status is SupplementStatus.fulfilled


def test_a_notice_may_ask_again_for_a_deferred_material(ctx, actor) -> None:
    case = accept(ctx, actor, deferred=DEFERRED)
    notice = give(ctx, actor, case.number, REPORT)
    report = case_detail(ctx, actor, case.number).material("卫生检测报告")
    assert report.status is MaterialStatus.supplement_requested
    assert report.due_date == date(2026, 11, 30) and notice.item_codes == ("NHC-001",)


def test_a_notice_may_not_ask_for_what_the_reform_replaced_or_the_hall_checks_itself(
    ctx, actor
) -> None:
    case = accept(ctx, actor)
    before = snapshot(ctx)
    lines = {
        "法定代表人无犯罪记录证明": "请提供",
        "经营场所使用证明": "请提供租赁合同",
        "营业执照": "请提供复印件",
        "消防安全检查合格证明": "请提供原件",
    }
    with pytest.raises(ValidationError) as info:
        request_supplement(ctx, actor, case.number, lines)
    message = str(info.value)
    assert "“法定代表人无犯罪记录证明”是已取消的证明，不得要求提交" in message
    assert "“经营场所使用证明”已由申请人的承诺替代，不得要求提交" in message
    assert "“营业执照”尚待数据核验，请先核验" in message
    assert "“消防安全检查合格证明”正在等待部门核验的答复" in message
    assert snapshot(ctx) == before


def test_a_notice_may_not_ask_for_anything_off_the_checklist(ctx, actor) -> None:
    case = accept(ctx, actor)
    with pytest.raises(ValidationError, match="材料清单中没有：房产证。清单以外的材料不得要求提交"):
        request_supplement(ctx, actor, case.number, {"房产证": "请提供", **REPORT})


def test_each_line_of_a_notice_says_what_is_wrong(ctx, actor) -> None:
    case = accept(ctx, actor)
    with pytest.raises(ValidationError, match="请写明“卫生检测报告”需要补正的内容"):
        request_supplement(ctx, actor, case.number, {"卫生检测报告": "  "})
    with pytest.raises(ValidationError, match="至少要列出一项"):
        request_supplement(ctx, actor, case.number, {})
    with pytest.raises(ValidationError, match="不能超过500个字"):
        request_supplement(ctx, actor, case.number, {"卫生检测报告": "缺" * 501})


def test_a_notice_for_a_case_with_nothing_under_review_is_refused(ctx, actor) -> None:
    case = accept(ctx, actor, ("H0101",))  # decided on the spot
    with pytest.raises(Conflict, match="没有审查中的事项，不能通知补正"):
        request_supplement(ctx, actor, case.number, {OTHER: "申请表填写有误"})


def test_a_material_of_decided_items_only_cannot_be_asked_for(ctx, actor) -> None:
    case = accept(ctx, actor, ("H0101", "F1040", "R5001"))
    # The premises proof is on paper for the filing (recorded on the spot) only.
    with pytest.raises(ValidationError, match="“经营场所使用证明”所属的事项都已办结"):
        request_supplement(ctx, actor, case.number, {"经营场所使用证明": "缺少产权人签字"})


def test_fulfilling_without_an_open_notice_is_refused(ctx, actor) -> None:
    case = accept(ctx, actor)
    with pytest.raises(Conflict, match="没有等待补正的通知"):
        fulfil_supplement(ctx, actor, case.number)
