"""Post-event verification (事中事后监管): the tasks commitment decisions leave behind,
their outcomes (a false commitment revokes the license and bars the applicant from the
commitment route), combined inspections, and the revocation notice."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from hall.core.errors import Conflict, NotFound, ValidationError
from hall.models import (
    AuditEntry,
    CreditRecord,
    Inspection,
    License,
    RevokedDocument,
    SubCase,
    SubCaseEvent,
    VerificationTask,
)
from hall.models.enums import Role, Route, SubCaseStatus, VerificationStatus
from hall.services.audit import Actor
from hall.services.credit import add_record, records_in_force
from hall.services.demo_cases import DemoCase, accept_demo_case
from hall.services.documents import (
    How,
    PrintKind,
    case_documents,
    prepare_document,
    record_handover,
)
from hall.services.intake import accept_case, plan_application
from hall.services.supervision import (
    Outcome,
    assign_inspector,
    inspections,
    inspectors,
    plan_inspection,
    record_inspection,
    record_outcome,
    verification_tasks,
)
from hall.services.verification import Verdict, verify_payload

from ..printing.pdfcheck import compact, pages_text
from ..printing.render import decode_codes
from .backoffice import CLERK, REPRESENTATIVE, SUPERVISOR
from .test_intake import ANSWERS, APPLICANT, DAY, ENTERPRISE

NET = "91320305MA21KJQC66"  # 极速网络: the fire check and the catering license on commitment
HOTEL = "91320305MA1XUTJN0M"  # 悦宾酒店: four commitment items
NOODLE = "92320305MA1PU3B465"  # 老王面馆: the catering license on commitment
TODAY = date(2026, 11, 23)
OK = VerificationStatus.conditions_met
RECTIFY = VerificationStatus.rectify
FALSE = VerificationStatus.false_commitment


def rows(ctx, model, *where):
    with ctx.uow() as s:
        return list(s.scalars(select(model).where(*where)))


def count(ctx, model, *where) -> int:
    with ctx.uow() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def task_of(ctx, code: str, item: str):
    [task] = [
        t for t in verification_tasks(ctx, SUPERVISOR, applicant_code=code) if t.item_code == item
    ]
    return task


def route_of_next_application(ctx, code: str) -> Route:
    plan = plan_application(ctx, scope=("H2002",), applicant_code=code)
    [item] = [p for p in plan.items if p.item.code == "SAMR-002"]
    return item.route


def test_open_tasks_are_listed_by_due_date_with_working_days_left(demo_ctx) -> None:
    tasks = verification_tasks(demo_ctx, SUPERVISOR)
    assert len(tasks) == 7
    assert [t.due_date for t in tasks] == sorted(t.due_date for t in tasks)
    fire = task_of(demo_ctx, NET, "FIRE-001")
    assert tasks[0].due_date == fire.due_date == date(2026, 12, 21)
    assert fire.days_left == 20 and not fire.overdue  # four whole weeks, no holiday
    assert fire.case_number == "C01-20261123-0002"
    assert fire.applicant_name == "徐州市贾汪区极速网络科技有限公司" and fire.applicant_code == NET
    assert fire.department_code == "FIRE" and fire.status is VerificationStatus.open
    assert fire.license_numbers == ("FIRE-001-C01-2026-00001",)
    assert fire.inspector is None and fire.follow_up_of is None and fire.inspection_id is None
    assert not fire.due_provisional and fire.sub_case_status is SubCaseStatus.approved
    hotel = verification_tasks(demo_ctx, SUPERVISOR, applicant_code=HOTEL.lower())
    assert {t.item_code for t in hotel} == {"NHC-001", "FIRE-001", "SAMR-002", "SAMR-005"}
    with pytest.raises(ValidationError):
        verification_tasks(demo_ctx, SUPERVISOR, applicant_code="12345")


def test_working_days_left_skip_national_day_and_count_its_adjusted_saturday(
    demo_ctx, clock
) -> None:
    fire = task_of(demo_ctx, NET, "FIRE-001")
    with demo_ctx.uow() as s:
        s.get_one(VerificationTask, fire.id).due_date = date(2026, 10, 9)
    clock.advance(date(2026, 9, 29) - TODAY)
    # 30 September, then 8 and 9 October: 1 to 7 October are the National Day holiday.
    assert task_of(demo_ctx, NET, "FIRE-001").days_left == 3
    clock.advance(date(2026, 10, 9) - date(2026, 9, 29))
    assert task_of(demo_ctx, NET, "FIRE-001").days_left == 0
    clock.advance(date(2026, 10, 12) - date(2026, 10, 9))
    # Saturday 10 October is worked (调休), and Monday 12: two working days overdue.
    late = task_of(demo_ctx, NET, "FIRE-001")
    assert late.days_left == -2 and late.overdue


def test_an_inspector_must_be_an_active_account(demo_ctx, operator) -> None:
    from hall.services.auth import set_active

    fire = task_of(demo_ctx, NET, "FIRE-001")
    changes = assign_inspector(demo_ctx, SUPERVISOR, [fire.id], "reviewer05")
    assert changes.cases
    assigned = task_of(demo_ctx, NET, "FIRE-001")
    assert assigned.inspector == "reviewer05" and assigned.inspector_name == "吴刚"
    assert assigned.assigned_by == "super01" and assigned.assigned_at is not None
    with pytest.raises(ValidationError, match="在用的账号"):
        assign_inspector(demo_ctx, SUPERVISOR, [fire.id], "nobody")
    set_active(demo_ctx, operator, "reviewer04", False)
    with pytest.raises(ValidationError, match="在用的账号"):
        assign_inspector(demo_ctx, SUPERVISOR, [fire.id], "reviewer04")
    with pytest.raises(NotFound):
        assign_inspector(demo_ctx, SUPERVISOR, [uuid.uuid4()], "reviewer05")
    assert task_of(demo_ctx, NET, "FIRE-001").inspector == "reviewer05"
    entries = rows(demo_ctx, AuditEntry, AuditEntry.action == "verification.assign")
    assert [(e.before["inspector"], e.after["inspector"]) for e in entries] == [
        (None, "reviewer05")
    ]


def test_a_false_commitment_revokes_the_license_and_bars_the_next_commitment(
    demo_ctx,
) -> None:
    ctx = demo_ctx
    assert route_of_next_application(ctx, NET) is Route.commitment
    fire = task_of(ctx, NET, "FIRE-001")
    assign_inspector(ctx, SUPERVISOR, [fire.id], "reviewer05")
    facts = "现场核查发现安全出口仅1个，与承诺的“安全出口不少于2个”不符"
    with pytest.raises(ValidationError, match="事实"):
        record_outcome(ctx, SUPERVISOR, fire.id, FALSE, note="  ")
    result, changes = record_outcome(ctx, SUPERVISOR, fire.id, FALSE, note=facts)
    assert changes.cases and changes.credit
    assert result.task.status is FALSE and result.task.closed and result.task.days_left is None
    assert result.task.outcome_note == facts and result.task.closed_by == "super01"
    assert result.task.sub_case_status is SubCaseStatus.revoked
    assert result.revoked_licenses == fire.license_numbers == ("FIRE-001-C01-2026-00001",)
    assert result.follow_up is None
    assert result.document is not None and result.document.kind is PrintKind.revocation
    assert result.document.number == "C01-20261123-0002-FIRE-001"

    # The decision is revoked, with its event.
    [sub] = rows(ctx, SubCase, SubCase.id == fire.sub_case_id)
    assert sub.status is SubCaseStatus.revoked
    [event] = rows(ctx, SubCaseEvent, SubCaseEvent.to_status == SubCaseStatus.revoked)
    assert event.sub_case_id == sub.id and event.from_status is SubCaseStatus.approved
    assert facts in event.note
    # The license's code verifies as revoked.
    [license_] = rows(ctx, License, License.number == "FIRE-001-C01-2026-00001")
    verified = verify_payload(ctx, license_.qr_payload)
    assert verified.verdict is Verdict.revoked and "虚假承诺" in verified.revocation.reason
    # The credit record, in force today.
    with ctx.uow() as s:
        [credit] = records_in_force(s, NET, TODAY)
    assert credit == result.credit_record
    assert credit.reason.startswith("虚假承诺：公众聚集场所投入使用、营业前消防安全检查")
    assert "C01-20261123-0002" in credit.reason and facts in credit.reason
    assert credit.source == "徐州市贾汪区政务服务中心" and credit.until is None
    # One audit entry for the outcome, before and after.
    [entry] = rows(ctx, AuditEntry, AuditEntry.action == "verification.outcome")
    assert entry.before["status"] == "open" and entry.after["status"] == "false_commitment"
    assert entry.after["revoked_licenses"] == ["FIRE-001-C01-2026-00001"]
    # The case's other commitment item is untouched.
    samr = task_of(ctx, NET, "SAMR-002")
    assert samr.status is VerificationStatus.open
    assert samr.sub_case_status is SubCaseStatus.approved

    # The next application for a commitment item goes the normal route.
    assert route_of_next_application(ctx, NET) is Route.normal
    number = accept_demo_case(ctx, DemoCase(NET, ("H2002",)), REPRESENTATIVE)
    with ctx.uow() as s:
        [new] = s.scalars(
            select(SubCase).join(SubCase.case).where(SubCase.item_code == "SAMR-002")
            .where(SubCase.case.has(number=number))
        ).all()  # fmt: skip
        assert new.route is Route.normal and new.status is SubCaseStatus.under_review
        assert (
            s.scalar(select(VerificationTask).where(VerificationTask.sub_case_id == new.id)) is None
        )
    # The notice is among the case's documents.
    refs = case_documents(ctx, CLERK, "C01-20261123-0002")
    assert [r.number for r in refs if r.kind is PrintKind.revocation] == [result.document.number]


def test_rectify_closes_the_task_and_opens_a_follow_up_due_on_that_day(demo_ctx) -> None:
    ctx = demo_ctx
    task = task_of(ctx, NOODLE, "SAMR-002")
    assign_inspector(ctx, SUPERVISOR, [task.id], "super01")
    for bad, match in (
        (None, "整改期限"),
        (TODAY, "晚于今天"),
        (TODAY - timedelta(days=3), "晚于今天"),
    ):
        with pytest.raises(ValidationError, match=match):
            record_outcome(ctx, SUPERVISOR, task.id, RECTIFY, note="留样柜未配备", rectify_by=bad)
    with pytest.raises(ValidationError, match="整改的问题"):
        record_outcome(ctx, SUPERVISOR, task.id, RECTIFY, note="", rectify_by=date(2026, 12, 4))
    assert count(ctx, VerificationTask) == 7  # nothing written by the refusals
    result, changes = record_outcome(
        ctx, SUPERVISOR, task.id, RECTIFY, note="留样柜未配备", rectify_by=date(2026, 12, 4)
    )
    assert changes.cases and not changes.credit
    assert result.task.status is RECTIFY and result.task.rectify_by == date(2026, 12, 4)
    follow = result.follow_up
    assert follow is not None and follow.follow_up_of == task.id
    assert follow.due_date == date(2026, 12, 4) and follow.status is VerificationStatus.open
    assert follow.inspector == "super01" and follow.days_left == 9
    assert result.document is None and result.revoked_licenses == ()
    # The open list now has the follow-up instead of the task; the credit is untouched.
    open_ids = [t.id for t in verification_tasks(ctx, SUPERVISOR, applicant_code=NOODLE)]
    assert open_ids == [follow.id]
    every = verification_tasks(ctx, SUPERVISOR, include_closed=True, applicant_code=NOODLE)
    assert {t.id for t in every} == {task.id, follow.id}
    with ctx.uow() as s:
        assert records_in_force(s, NOODLE, TODAY) == []
    # The follow-up is settled in its turn.
    done, _ = record_outcome(ctx, SUPERVISOR, follow.id, OK, note="已整改到位")
    assert done.task.status is OK and done.task.outcome_note == "已整改到位"


def test_a_closed_task_refuses_a_second_outcome(demo_ctx) -> None:
    task = task_of(demo_ctx, NOODLE, "SAMR-002")
    record_outcome(demo_ctx, SUPERVISOR, task.id, OK, note="")
    before = count(demo_ctx, AuditEntry)
    for outcome in (OK, FALSE):
        with pytest.raises(Conflict, match="已办结"):
            record_outcome(demo_ctx, SUPERVISOR, task.id, outcome, note="再次核查")
    with pytest.raises(Conflict, match="已办结"):
        assign_inspector(demo_ctx, SUPERVISOR, [task.id], "super01")
    assert count(demo_ctx, AuditEntry) == before
    [row] = rows(demo_ctx, VerificationTask, VerificationTask.id == task.id)
    assert row.status is OK and row.outcome_note == ""
    with pytest.raises(ValidationError, match="核查结果"):
        record_outcome(demo_ctx, SUPERVISOR, task_of(demo_ctx, NET, "FIRE-001").id,
                       VerificationStatus.open, note="")  # fmt: skip


def test_a_task_whose_license_was_revoked_meanwhile_takes_no_outcome(demo_ctx) -> None:
    ctx = demo_ctx
    fire = task_of(ctx, NET, "FIRE-001")
    with ctx.uow() as s:  # a second task of the same decision (as a sync could bring)
        twin = VerificationTask(sub_case_id=fire.sub_case_id, due_date=date(2027, 1, 8),
                                window_days=30, status=VerificationStatus.open)  # fmt: skip
        s.add(twin)
        s.flush()
        twin_id = twin.id
    record_outcome(ctx, SUPERVISOR, fire.id, FALSE, note="消防设施未安装")
    moot = next(t for t in verification_tasks(ctx, SUPERVISOR) if t.id == twin_id)
    assert moot.status is VerificationStatus.open and moot.moot and moot.days_left is None
    for outcome in (OK, FALSE):
        with pytest.raises(Conflict, match="不再有效"):
            record_outcome(ctx, SUPERVISOR, twin_id, outcome, note="复查")
    assert count(ctx, CreditRecord, CreditRecord.subject_code == NET) == 1


def test_a_combined_inspection_takes_only_open_tasks_of_one_applicant(demo_ctx) -> None:
    ctx = demo_ctx
    net = task_of(ctx, NET, "FIRE-001")
    hotel = task_of(ctx, HOTEL, "FIRE-001")
    with pytest.raises(ValidationError, match="同一申请人"):
        plan_inspection(ctx, SUPERVISOR, [net.id, hotel.id], planned_on=date(2026, 11, 26),
                        inspector="reviewer05")  # fmt: skip
    with pytest.raises(ValidationError, match="早于今天"):
        plan_inspection(ctx, SUPERVISOR, [hotel.id], planned_on=date(2026, 11, 20),
                        inspector="reviewer05")  # fmt: skip
    record_outcome(ctx, SUPERVISOR, net.id, OK, note="")
    other = task_of(ctx, NET, "SAMR-002")
    with pytest.raises(ValidationError, match="已办结"):
        plan_inspection(ctx, SUPERVISOR, [net.id, other.id], planned_on=date(2026, 11, 26),
                        inspector="reviewer05")  # fmt: skip
    assert count(ctx, Inspection) == 0
    assert task_of(ctx, HOTEL, "FIRE-001").inspector is None


def plan_hotel(ctx):
    tasks = verification_tasks(ctx, SUPERVISOR, applicant_code=HOTEL)
    view, changes = plan_inspection(
        ctx, SUPERVISOR, [t.id for t in tasks], planned_on=date(2026, 11, 26),
        inspector="reviewer05", note="综合查一次：卫生、消防、食品、酒类",
    )  # fmt: skip
    assert changes.cases
    return view, {t.item_code: t.id for t in tasks}


def test_one_visit_settles_every_task_of_the_applicant(demo_ctx) -> None:
    ctx = demo_ctx
    view, ids = plan_hotel(ctx)
    assert view.applicant_code == HOTEL and view.inspector_name == "吴刚" and view.open
    assert {t.item_code for t in view.tasks} == set(ids)
    assert all(t.inspection_id == view.id and t.inspector == "reviewer05" for t in view.tasks)
    assert [v.id for v in inspections(ctx, SUPERVISOR)] == [view.id]
    # A task planned in a visit gets its inspector from the visit.
    with pytest.raises(Conflict, match="综合检查"):
        assign_inspector(ctx, SUPERVISOR, [ids["NHC-001"]], "super01")
    outcomes = {
        ids["NHC-001"]: Outcome(OK),
        ids["FIRE-001"]: Outcome(OK, "消防设施完好"),
        ids["SAMR-002"]: Outcome(RECTIFY, "从业人员健康证明过期", date(2026, 12, 10)),
        ids["SAMR-005"]: Outcome(FALSE, "未设置酒类商品专柜，与承诺不符"),
    }
    results, changes = record_inspection(ctx, SUPERVISOR, view.id, outcomes)
    assert changes.cases and changes.credit
    by_item = {r.task.item_code: r for r in results}
    assert {k: r.task.status for k, r in by_item.items()} == {
        "NHC-001": OK, "FIRE-001": OK, "SAMR-002": RECTIFY, "SAMR-005": FALSE,
    }  # fmt: skip
    assert by_item["SAMR-002"].follow_up.due_date == date(2026, 12, 10)
    assert by_item["SAMR-005"].document.number.endswith("-SAMR-005")
    assert len(rows(ctx, AuditEntry, AuditEntry.action == "verification.outcome")) == 4
    # Every task of the visit is closed: it is no longer an open inspection.
    assert inspections(ctx, SUPERVISOR) == ()
    [closed] = inspections(ctx, SUPERVISOR, include_closed=True, applicant_code=HOTEL)
    assert closed.id == view.id and not closed.open
    with pytest.raises(Conflict, match="已办结"):
        record_inspection(ctx, SUPERVISOR, view.id, {ids["NHC-001"]: Outcome(OK)})


def test_a_visit_is_recorded_all_or_nothing(demo_ctx, operator) -> None:
    ctx = demo_ctx
    view, ids = plan_hotel(ctx)
    credit_before = count(ctx, CreditRecord)
    audit_before = count(ctx, AuditEntry)

    def nothing_written() -> None:
        assert all(t.status is VerificationStatus.open for t in rows(ctx, VerificationTask))
        assert count(ctx, VerificationTask) == 7
        assert count(ctx, RevokedDocument) == 0
        assert count(ctx, CreditRecord) == credit_before
        assert all(s.status is not SubCaseStatus.revoked for s in rows(ctx, SubCase))
        assert count(ctx, AuditEntry) == audit_before

    # One outcome breaks its rules: refused before anything is written.
    with pytest.raises(ValidationError, match="晚于今天"):
        record_inspection(ctx, SUPERVISOR, view.id, {
            ids["SAMR-005"]: Outcome(FALSE, "未设置酒类商品专柜"),
            ids["SAMR-002"]: Outcome(RECTIFY, "健康证明过期", TODAY),
        })  # fmt: skip
    nothing_written()
    # A task of another applicant's, or none of this visit's.
    with pytest.raises(ValidationError, match="不在这次综合检查中"):
        record_inspection(ctx, SUPERVISOR, view.id, {
            ids["NHC-001"]: Outcome(OK),
            task_of(ctx, NET, "FIRE-001").id: Outcome(OK),
        })  # fmt: skip
    nothing_written()
    # One fails while being written (its credit record is already there): the others
    # written before it in the same transaction are undone.
    with ctx.uow() as s:
        item = s.get_one(SubCase, task_of(ctx, HOTEL, "SAMR-005").sub_case_id).item_name
    add_record(
        ctx, operator, HOTEL, reason=f"虚假承诺：{item}（受理编号 C01-20261123-0003）：无专柜"
    )
    credit_before, audit_before = count(ctx, CreditRecord), count(ctx, AuditEntry)
    with pytest.raises(Conflict, match="记录已存在"):
        record_inspection(ctx, SUPERVISOR, view.id, {
            ids["NHC-001"]: Outcome(OK),
            ids["FIRE-001"]: Outcome(FALSE, "疏散通道堵塞"),
            ids["SAMR-005"]: Outcome(FALSE, "无专柜"),
        })  # fmt: skip
    nothing_written()
    with pytest.raises(NotFound):
        record_inspection(ctx, SUPERVISOR, uuid.uuid4(), {ids["NHC-001"]: Outcome(OK)})


def test_the_revocation_notice_prints_verifies_and_reprints(demo_ctx, qapp) -> None:
    ctx = demo_ctx
    fire = task_of(ctx, NET, "FIRE-001")
    assign_inspector(ctx, SUPERVISOR, [fire.id], "reviewer05")
    facts = "安全出口仅1个 <b>&amp; <font size=40>"
    result, _ = record_outcome(ctx, SUPERVISOR, fire.id, FALSE, note=facts)
    ref = result.document
    document = prepare_document(ctx, SUPERVISOR, ref.kind, ref.number)
    assert document.copy == 0 and document.number == ref.number
    [page] = pages_text(document.pdf)
    text = compact(page)
    for fact in ("撤销行政许可决定书", f"编号：{ref.number}", "徐州市贾汪区极速网络科技有限公司",
                 "FIRE-001-C01-2026-00001", compact(facts), "第六十九条第二款", "虚假承诺",
                 "信用修复前", "一般程序", "六十日内依法申请行政复议", "六个月内",
                 "核查人员吴刚", "2026年11月23日", "送达回执"):  # fmt: skip
        assert fact in text, fact
    [(_kind, payload)] = [c for c in decode_codes(document.pdf) if c[0] == "QRCode"]
    verified = verify_payload(ctx, payload)
    assert verified.verdict is Verdict.valid
    assert verified.facts.number == ref.number and verified.facts.holder_code == NET
    assert verified.facts.kind.value == "notice"
    # Handed over once, it prints again as a copy.
    record_handover(ctx, SUPERVISOR, document, How.printer)
    again = prepare_document(ctx, SUPERVISOR, PrintKind.revocation, ref.number.lower())
    assert again.copy == 1 and "补打件（第1次）" in compact(pages_text(again.pdf)[0])
    with pytest.raises(NotFound, match="撤销行政许可决定书"):
        prepare_document(ctx, SUPERVISOR, PrintKind.revocation, "C01-20261123-0002-SAMR-002")


# --- the permission matrix (tests/services/test_permissions.py) -----------------------

SUPERVISOR_OF_CTX = Actor("super01", Role.supervisor, "C01", "刘洋")


def _accept_commitment(ctx, _operator: Actor) -> None:
    """A commitment case in the small test catalog: one open verification task."""
    plan = plan_application(ctx, scope=["H0101"], applicant_code=ENTERPRISE, on=DAY)
    accept_case(ctx, CLERK, plan, APPLICANT, ANSWERS)


def _planned(ctx, operator: Actor) -> None:
    _accept_commitment(ctx, operator)
    plan_inspection(ctx, SUPERVISOR_OF_CTX, _task_ids(ctx), planned_on=DAY, inspector="clerk01")


def _task_ids(ctx) -> list[uuid.UUID]:
    """The open tasks (any id when none is left: the refusal comes first)."""
    with ctx.uow() as s:
        found = list(
            s.scalars(select(VerificationTask.id).where(VerificationTask.status == "open"))
        )
    return found or [uuid.uuid4()]


def _inspection(ctx) -> uuid.UUID:
    with ctx.uow() as s:
        return s.scalars(select(Inspection.id)).first() or uuid.uuid4()


SUPERVISION_SAMPLES = {
    "supervision.verification_tasks": lambda ctx, a, i: verification_tasks(ctx, a),
    "supervision.inspections": lambda ctx, a, i: inspections(ctx, a, include_closed=True),
    "supervision.inspectors": lambda ctx, a, i: inspectors(ctx, a),
    "supervision.assign_inspector": lambda ctx, a, i: assign_inspector(
        ctx, a, _task_ids(ctx), "clerk01"
    ),
    "supervision.record_outcome": lambda ctx, a, i: record_outcome(
        ctx, a, _task_ids(ctx)[0], OK, note=f"符合 {i}"
    ),
    "supervision.plan_inspection": lambda ctx, a, i: plan_inspection(
        ctx, a, _task_ids(ctx), planned_on=DAY, inspector="clerk01", note=f"检查 {i}"
    ),
    "supervision.record_inspection": lambda ctx, a, i: record_inspection(
        ctx, a, _inspection(ctx), {_task_ids(ctx)[0]: Outcome(OK, f"符合 {i}")}
    ),
}
SUPERVISION_SETUP = {
    **dict.fromkeys(SUPERVISION_SAMPLES, _accept_commitment),
    "supervision.record_inspection": _planned,
}


def test_inspectors_are_the_active_accounts_but_the_administrators(demo_ctx) -> None:
    from hall.services.auth import set_active

    people = dict(inspectors(demo_ctx, SUPERVISOR))
    assert people["reviewer02"] == "陈静" and "admin" not in people
    set_active(demo_ctx, Actor.as_operator("cli:test", "命令行"), "reviewer02", False)
    assert "reviewer02" not in dict(inspectors(demo_ctx, SUPERVISOR))
