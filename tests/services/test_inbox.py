"""Parallel dispatch: a case accepted at the counter reaches each department's inbox,
is decided there by reviewers working in parallel, and comes back for pickup."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from hall.core.errors import Conflict, PermissionDenied, ValidationError
from hall.models import AuditEntry, DocumentPrint, License, SubCaseEvent
from hall.models.enums import (
    CaseStatus,
    MaterialStatus,
    Role,
    StopReason,
    SubCaseStatus,
    SupplementStatus,
)
from hall.services import decisions
from hall.services.audit import Actor
from hall.services.auth import create_user
from hall.services.bundles import prepare_bundle
from hall.services.case_materials import answer_verification_request, receive_material
from hall.services.cases import case_detail, search_cases
from hall.services.documents import How, PrintKind, prepare_document, record_handover
from hall.services.inbox import InboxView, list_inbox, review_detail
from hall.services.pickup import (
    CollectorRole,
    counter_work,
    find_for_pickup,
    pickup_documents,
    record_pickup,
)
from hall.services.queue import issue_ticket
from hall.services.verification import Verdict, verify_payload

from .backoffice import CLERK, CULTURE, FIRE, HEALTH, REPRESENTATIVE, SAMR, SUPERVISOR
from .backoffice import accept_restaurant as accept


def rows(ctx, model, *where):
    with ctx.uow() as s:
        return list(s.scalars(select(model).where(*where)))


def in_inbox(ctx, actor, number, view=InboxView.open):
    return [r for r in list_inbox(ctx, actor, view=view) if r.case_number == number]


def test_restaurant_goes_to_three_departments_is_decided_in_parallel_and_picked_up(
    demo_ctx,
) -> None:
    ctx = demo_ctx
    case = accept(ctx)
    # One click at the counter: each item under review is in its department's inbox.
    [samr] = in_inbox(ctx, SAMR, case.number)
    [culture] = in_inbox(ctx, CULTURE, case.number)
    [fire] = in_inbox(ctx, FIRE, case.number)
    assert (samr.item_code, culture.item_code, fire.item_code) == (
        "SAMR-002",
        "MCT-001",
        "FIRE-001",
    )
    assert samr.days_left is not None and samr.claimed_by is None
    # Cancelled, filed and committed-on-the-spot items never enter an inbox.
    assert in_inbox(ctx, HEALTH, case.number) == []
    assert {r.item_code for r in in_inbox(ctx, SAMR, case.number)} == {"SAMR-002"}

    # Market regulation approves: a license numbered at this installation.
    detail, changes = decisions.claim(ctx, SAMR, samr.id)
    assert changes.cases and detail.sub.claimed_by == "reviewer01"
    detail, _ = decisions.approve(ctx, SAMR, samr.id, "材料齐全，符合条件")
    assert detail.sub.status is SubCaseStatus.approved
    assert detail.sub.decided_by == "reviewer01"
    assert detail.sub.license_number and detail.sub.license_number.startswith("SAMR-002-C01-2026-")

    # Culture asks for a supplement: only its own clock stops; the counter is told.
    detail, _ = decisions.ask_supplement(
        ctx, CULTURE, culture.id, {"经营场所平面布局图": "未标明各包厢的面积和安全出口位置"}
    )
    assert detail.sub.clock_stopped and detail.sub.stop_reason is StopReason.supplement
    assert detail.case.sub_case("FIRE-001").clock_stopped is False
    work = counter_work(ctx, CLERK)
    [asked] = [s for s in work.supplements if s.case_number == case.number]
    assert asked.department == "文化广电和旅游局" and asked.materials == ("经营场所平面布局图",)
    with pytest.raises(Conflict, match="补正"):
        decisions.approve(ctx, CULTURE, culture.id)

    # Fire orders an on-site inspection: the clock stands still for it (art. 45).
    detail, _ = decisions.start_inspection(ctx, FIRE, fire.id, "现场检查疏散通道和消防设施")
    assert detail.sub.stop_reason is StopReason.special_procedure
    deadline = detail.sub.statutory_deadline
    assert deadline is not None
    ctx.clock.advance(timedelta(days=3))  # Monday → Thursday: 3 working days
    detail, _ = decisions.end_inspection(ctx, FIRE, fire.id, "疏散通道畅通，设施完好")
    assert detail.sub.stopped_days == 3 and not detail.sub.clock_stopped
    assert detail.sub.statutory_deadline == ctx.calendar().add_workdays(deadline, 3).day
    decisions.approve(ctx, FIRE, fire.id)

    # The applicant brings the plan; the counter records it and culture's clock runs again.
    receive_material(ctx, CLERK, case.number, "经营场所平面布局图")
    detail = review_detail(ctx, CULTURE, culture.id)
    assert not detail.sub.clock_stopped
    assert detail.case.open_supplement is None
    # Its verifications answered, culture approves: the case is closed, ready for pickup.
    for request in detail.case.verification_requests:
        answer_verification_request(ctx, CLERK, request.id, True, "核验属实")
    detail, _ = decisions.approve(ctx, CULTURE, culture.id)
    assert detail.case.status is CaseStatus.closed and detail.case.ready_for_pickup
    assert "等待申请人领取" in detail.case.pending[-1]
    [summary] = search_cases(ctx, CLERK, case.number)
    assert summary.ready_for_pickup and "待领取" in summary.pending_text()

    # Back at the counter: a pickup ticket brings the case up.
    ready = counter_work(ctx, CLERK).ready
    assert case.number in [r.case_number for r in ready]
    ticket, _ = issue_ticket(ctx, CLERK, "C", case=case.number)
    assert find_for_pickup(ctx, CLERK, ticket.number).number == case.number
    documents = pickup_documents(ctx, CLERK, case.number)
    kinds = [d.ref.kind for d in documents]
    assert kinds == [PrintKind.license] * 3 + [PrintKind.onecode]
    licenses = {v.item_code: v.number for v in detail.case.licenses}
    assert [d.ref.number for d in documents[:3]] == [
        licenses["SAMR-002"],
        licenses["MCT-001"],
        licenses["FIRE-001"],
    ]
    bundle = prepare_bundle(ctx, CLERK, [d.ref for d in documents], "领取")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(bundle.pdf)).pages)
    for number in licenses.values():
        assert number in text
    record_handover(ctx, CLERK, bundle, How.printer)
    printed = {(r.kind, r.number) for r in rows(ctx, DocumentPrint)}
    assert {(d.ref.kind.value, d.ref.number) for d in documents} <= printed

    detail, _ = record_pickup(
        ctx, CLERK, case.number, "张伟", REPRESENTATIVE, CollectorRole.applicant,
        tuple(d.ref for d in documents),
    )  # fmt: skip
    assert detail.pickup is not None and detail.pickup.collector_name == "张伟"
    assert not detail.ready_for_pickup
    assert case.number not in [r.case_number for r in counter_work(ctx, CLERK).ready]
    assert not search_cases(ctx, CLERK, case.number)[0].ready_for_pickup
    with pytest.raises(Conflict, match="已于"):
        record_pickup(ctx, CLERK, case.number, "张伟", REPRESENTATIVE, CollectorRole.applicant,
                      tuple(d.ref for d in documents))  # fmt: skip

    # Each sub-case's decision and license, as `hall cases show --json` gives them.
    shown = {s["item"]: s for s in case_detail(ctx, CLERK, case.number).to_json()["sub_cases"]}
    assert shown["SAMR-002"]["decision"]["by"] == "reviewer01"
    assert shown["SAMR-002"]["license"] == licenses["SAMR-002"]
    assert shown["MCT-001"]["decision"]["outcome"] == "approved"
    assert shown["NHC-002"]["license"] is None
    actions = [e.action for e in rows(ctx, AuditEntry)]
    for action in (
        "sub_case.claim",
        "sub_case.approve",
        "supplement.request",
        "sub_case.inspection_start",
        "sub_case.inspection_end",
        "case.pickup",
    ):
        assert action in actions


def test_a_reviewer_sees_and_decides_only_their_own_departments(demo_ctx) -> None:
    ctx = demo_ctx
    case = accept(ctx)
    culture = case.sub_case("MCT-001")
    with pytest.raises(PermissionDenied, match="其他部门"):
        list_inbox(ctx, SAMR, "MCT")
    with pytest.raises(PermissionDenied):
        review_detail(ctx, SAMR, culture.id)
    with pytest.raises(PermissionDenied):
        decisions.approve(ctx, SAMR, culture.id)
    with pytest.raises(PermissionDenied):
        decisions.claim(ctx, SAMR, culture.id)
    assert all(r.department_code in ("SAMR", "NMPA") for r in list_inbox(ctx, SAMR))
    assert case_detail(ctx, CLERK, case.number).sub_case("MCT-001").status is (
        SubCaseStatus.under_review
    )
    denied = [e for e in rows(ctx, AuditEntry) if e.action == "permission.denied"]
    assert len(denied) == 4
    # The supervisor watches every inbox but decides none.
    assert any(r.id == culture.id for r in list_inbox(ctx, SUPERVISOR))
    with pytest.raises(PermissionDenied):
        decisions.approve(ctx, SUPERVISOR, culture.id)
    # A clerk has no inbox.
    with pytest.raises(PermissionDenied):
        list_inbox(ctx, CLERK)


@pytest.fixture
def second_samr(demo_ctx) -> Actor:
    operator = Actor.as_operator("cli:test", "命令行")
    create_user(
        demo_ctx, operator, "reviewer11", "钱进", Role.reviewer, "correct horse 1",
        departments=("SAMR",), must_change_password=False,
    )  # fmt: skip
    return Actor("reviewer11", Role.reviewer, None, "钱进", ("SAMR",))


def test_two_reviewers_never_decide_the_same_sub_case(demo_ctx, second_samr) -> None:
    ctx = demo_ctx
    sub = accept(ctx).sub_case("SAMR-002")
    decisions.claim(ctx, SAMR, sub.id)
    with pytest.raises(Conflict, match="赵强"):
        decisions.claim(ctx, second_samr, sub.id)
    with pytest.raises(Conflict, match="赵强"):
        decisions.approve(ctx, second_samr, sub.id)
    with pytest.raises(PermissionDenied):  # another's claim: only a supervisor frees it
        decisions.release(ctx, second_samr, sub.id)
    assert [r.id for r in list_inbox(ctx, second_samr, view=InboxView.mine)] == []
    assert sub.id in [r.id for r in list_inbox(ctx, SAMR, view=InboxView.mine)]
    assert sub.id not in [r.id for r in list_inbox(ctx, SAMR, view=InboxView.unclaimed)]
    decisions.release(ctx, SUPERVISOR, sub.id)
    detail, _ = decisions.claim(ctx, second_samr, sub.id)
    assert detail.sub.claimed_by == "reviewer11"
    decisions.release(ctx, second_samr, sub.id)

    # Both press "approve" at the same moment on an unclaimed sub-case: one wins.
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def press(reviewer: Actor) -> None:
        barrier.wait()
        try:
            decisions.approve(ctx, reviewer, sub.id)
            outcomes.append("approved")
        except Conflict as exc:
            outcomes.append(exc.message)

    threads = [threading.Thread(target=press, args=(r,)) for r in (SAMR, second_samr)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o == "approved" for o in outcomes) == [False, True]
    assert len(rows(ctx, License, License.sub_case_id == sub.id)) == 1
    approvals = rows(
        ctx,
        SubCaseEvent,
        SubCaseEvent.sub_case_id == sub.id,
        SubCaseEvent.to_status == SubCaseStatus.approved,
    )
    assert len(approvals) == 1
    # Decided once, never again.
    with pytest.raises(Conflict, match="不能再次决定"):
        decisions.reject(ctx, SAMR, sub.id, "不符合条件")


def test_a_rejection_needs_a_reason_and_prints_a_verifiable_decision_notice(demo_ctx) -> None:
    ctx = demo_ctx
    case = accept(ctx)
    sub = case.sub_case("SAMR-002")
    with pytest.raises(ValidationError, match="理由"):
        decisions.reject(ctx, SAMR, sub.id, "   ")
    detail, _ = decisions.reject(ctx, SAMR, sub.id, "经营场所与住宅相连，未设置独立出入口<b>&")
    assert detail.sub.status is SubCaseStatus.rejected
    assert detail.sub.decision_basis  # the item's legal basis by default
    number = f"{case.number}-SAMR-002"
    # The reviewer sends it back themselves; the counter prints it at pickup.
    for who in (SAMR, CLERK):
        document = prepare_document(ctx, who, PrintKind.decision, number)
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(document.pdf)).pages)
        compact = text.replace("\n", "")
        assert "不予行政许可决定书" in compact and "未设置独立出入口<b>&" in compact
        assert "行政复议" in compact and "第三十八条" in compact
    with pytest.raises(PermissionDenied):
        prepare_document(ctx, CULTURE, PrintKind.decision, number)
    with ctx.uow() as session:
        from hall.services.decision_data import decision_notice, find_rejected

        found_case, found_sub = find_rejected(session, number)
        notice = decision_notice(session, ctx, CLERK, found_case, found_sub, 0)
    result = verify_payload(ctx, notice.qr)
    assert result.verdict is Verdict.valid and result.facts.number == number


def test_approval_waits_for_the_items_materials(demo_ctx) -> None:
    ctx = demo_ctx
    culture = accept(ctx).sub_case("MCT-001")
    with pytest.raises(Conflict, match="消防安全检查合格证明"):
        decisions.approve(ctx, CULTURE, culture.id)
    assert review_detail(ctx, CULTURE, culture.id).sub.status is SubCaseStatus.under_review


def test_a_department_may_ask_only_for_its_own_items_materials(demo_ctx) -> None:
    ctx = demo_ctx
    case = accept(ctx)
    fire = case.sub_case("FIRE-001")
    with pytest.raises(ValidationError, match="食品安全管理制度"):
        decisions.ask_supplement(ctx, FIRE, fire.id, {"食品安全管理制度": "缺页"})
    detail, _ = decisions.ask_supplement(ctx, FIRE, fire.id, {"其他": "请补充消防设施平面图"})
    assert detail.sub.clock_stopped
    others = [s for s in detail.case.sub_cases if s.under_review and s.item_code != "FIRE-001"]
    assert others and not any(s.clock_stopped for s in others)
    # One notice at a time: another department waits until it is fulfilled.
    with pytest.raises(Conflict, match="一次性告知"):
        decisions.ask_supplement(ctx, SAMR, case.sub_case("SAMR-002").id, {"其他": "再补"})
    # Refusing the item ends its stop, and the notice that stopped only it.
    detail, _ = decisions.reject(ctx, FIRE, fire.id, "逾期未补正")
    assert detail.case.open_supplement is None
    assert detail.case.supplements[-1].status is SupplementStatus.cancelled


def test_inbox_filters_and_the_demo_hall_leaves_work_waiting(demo_ctx) -> None:
    ctx = demo_ctx
    # The demo's dishonest applicant: their commitment item went to normal review.
    waiting = list_inbox(ctx, SAMR)
    assert any(r.item_code == "SAMR-002" and r.route.value == "normal" for r in waiting)
    police = Actor("reviewer04", Role.reviewer, None, "周磊", ("MPS",))
    [inspected] = list_inbox(ctx, police, view=InboxView.stopped)
    assert inspected.stop_reason is StopReason.special_procedure
    assert [r.item_code for r in list_inbox(ctx, CULTURE, view=InboxView.mine)] == ["MCT-004"]
    assert list_inbox(ctx, CULTURE, view=InboxView.unclaimed) == []
    decided = list_inbox(ctx, SAMR, view=InboxView.decided)
    assert [r.item_code for r in decided] == ["SAMR-004"]
    # Far ahead of the deadlines nothing is urgent; past them, everything is.
    assert list_inbox(ctx, SAMR, view=InboxView.urgent) == []
    ctx.clock.advance(timedelta(days=40))
    urgent = list_inbox(ctx, SAMR, view=InboxView.urgent)
    assert urgent and all(r.overdue for r in urgent)
    assert list_inbox(ctx, SAMR, query="不存在的名称") == []


def test_review_detail_shows_the_items_answers_and_materials(demo_ctx) -> None:
    ctx = demo_ctx
    case = accept(ctx)
    detail = review_detail(ctx, FIRE, case.sub_case("FIRE-001").id)
    labels = [label for label, _value in detail.answers]
    assert labels and len(labels) == len(set(labels))
    names = [m.name for m in detail.materials]
    assert "建设工程消防验收（备案）文件" in names and "食品安全管理制度" not in names
    verified = next(m for m in detail.materials if m.name == "建设工程消防验收（备案）文件")
    assert verified.status is MaterialStatus.verified and not verified.scannable
    assert "数据核验" in verified.settled_as
    assert detail.legal_basis


def test_the_urgent_view_is_not_cut_short_by_older_calm_items(demo_ctx) -> None:
    from hall.models import SubCase
    from hall.services.inbox import NEAR_DAYS

    from .backoffice import SUPERVISOR

    everything = list_inbox(demo_ctx, SUPERVISOR)
    assert len(everything) >= 2 and not any(r.near or r.overdue for r in everything)
    newest = everything[-1]
    with demo_ctx.uow(write=True) as s:  # accepted last, and its deadline comes near
        sub = s.get_one(SubCase, newest.id)
        sub.case.accepted_at += timedelta(hours=1)
        sub.promised_deadline = (
            demo_ctx.calendar()
            .add_workdays(
                demo_ctx.clock.now().astimezone(demo_ctx.clock.zone).date(), NEAR_DAYS - 1
            )
            .day
        )
    urgent = list_inbox(demo_ctx, SUPERVISOR, view=InboxView.urgent, limit=1)
    assert [r.id for r in urgent] == [newest.id] and urgent[0].near
