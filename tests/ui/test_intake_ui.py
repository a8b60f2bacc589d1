"""The counter's whole path on real widgets, driven with the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from hall.models import Applicant, Case, MaterialCheck, SubCase, VerificationRequest
from hall.models.enums import (
    MaterialStatus,
    RequestStatus,
    Role,
    Route,
    SubCaseStatus,
)
from hall.services.audit import Actor
from hall.services.drafts import open_drafts
from hall.services.intake_state import Step
from hall.ui.actions import ActionId
from hall.ui.main_window import MainWindow

from .intake_driver import (
    accept,
    fill_form,
    focused,
    next_step,
    pick,
    settle_materials,
    sign_commitments,
    type_code,
    type_text,
)

CLERK = Actor("clerk01", Role.clerk, "C01", "张敏")
RESTAURANT = "91320305MA1N428243"  # 味香居餐饮, in the demo registry
DISHONEST_PERSON = "320305199302119335"  # made a false commitment in 2026


def open_intake(qtbot, ctx, *, by_key: bool = False) -> MainWindow:
    window = MainWindow(ctx, CLERK)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # keys go where the focus is
    if by_key:
        window.show_catalog()  # somewhere else first: F3 brings the intake page
        qtbot.keyClick(focused(), Qt.Key.Key_F3)
        assert window.pages.currentWidget() is window.intake_page
    else:
        window.show_intake()
    assert window.intake_page is not None
    return window


def rows(ctx, model, *where):
    with ctx.uow() as s:
        return list(s.scalars(select(model).where(*where)))


def test_restaurant_with_packaged_food_and_karaoke_from_empty_screen_to_accepted_case(
    qtbot, demo_ctx
) -> None:
    window = open_intake(qtbot, demo_ctx, by_key=True)
    page = window.intake_page
    assert focused() is page.steps[Step.applicant].code  # no mouse: the keys go there
    type_code(qtbot, page, RESTAURANT)
    # A registered enterprise is filled in and the clerk goes straight on to the scope.
    assert page.state.applicant_name == "徐州市贾汪区味香居餐饮管理有限公司"
    assert page.state.step is Step.scope
    assert focused() is page.steps[Step.scope].search
    assert "未列入失信主体名单" in page.steps[Step.applicant].credit.text()
    pick(qtbot, page, "H2002")
    pick(qtbot, page, "F1040")
    pick(qtbot, page, "gwyl")  # 歌舞娱乐活动 by pinyin initials
    codes = {p.item.code for p in page.plan.items}
    assert {"SAMR-002", "SAMR-001", "NHC-001", "MCT-001", "FIRE-001"} <= codes
    table = page.steps[Step.scope].permits
    departments = {table.item(r, 1).text() for r in range(table.rowCount())}
    assert len(departments) >= 4  # market supervision, health, culture, fire
    fill_form(qtbot, page)
    assert not [p for p in page.problems if p.step is Step.form]
    next_step(qtbot)
    assert page.state.step is Step.materials
    settle_materials(qtbot, page)  # F5, and the originals seen where no data source is
    assert page.state.materials["营业执照"].status == MaterialStatus.verified.value
    next_step(qtbot)
    sign_commitments(qtbot, page)
    assert not page.problems
    accept(qtbot, page)

    assert page.result is not None
    number = page.result.number
    assert number.startswith("C01-20261123-")
    outcome = page.steps[Step.accept].outcome
    assert outcome.isVisible() and outcome.rowCount() == len(page.result.sub_cases)
    texts = [outcome.item(r, 2).text() for r in range(outcome.rowCount())]
    assert any("当场作出许可决定" in t for t in texts)
    assert any("当场备案" in t for t in texts)
    assert any(t.startswith("审查中") for t in texts)
    subs = {s.item_code: s for s in rows(demo_ctx, SubCase)}
    assert subs["SAMR-002"].route is Route.commitment
    assert subs["SAMR-002"].status is SubCaseStatus.approved
    assert subs["SAMR-001"].status is SubCaseStatus.recorded
    assert subs["MCT-001"].status is SubCaseStatus.under_review
    assert subs["MCT-001"].statutory_deadline is not None
    assert open_drafts(demo_ctx, CLERK) == []  # the draft became the case


def test_dishonest_person_is_told_with_the_record_and_commitment_falls_back(
    qtbot, demo_ctx
) -> None:
    window = open_intake(qtbot, demo_ctx)
    page = window.intake_page
    type_code(qtbot, page, DISHONEST_PERSON)
    credit = page.steps[Step.applicant].credit.text()
    assert "列入失信主体名单" in credit and "虚假承诺" in credit
    page.go(Step.scope)
    pick(qtbot, page, "H2002")
    samr = next(p for p in page.plan.items if p.item.code == "SAMR-002")
    assert samr.route is Route.normal
    page.go(Step.commitment)
    step = page.steps[Step.commitment]
    assert "不适用告知承诺" in step.credit.text()
    assert step._groups == {}  # nothing to sign: the item goes through normal approval
    assert not [p for p in page.problems if p.step is Step.commitment]
    fill_form(qtbot, page)
    settle_materials(qtbot, page)
    accept(qtbot, page)
    assert page.result is not None
    sub = next(s for s in page.result.sub_cases if s.item_code == "SAMR-002")
    assert sub.route is Route.normal and sub.status is SubCaseStatus.under_review


def test_unknown_applicant_is_entered_once_and_kept(qtbot, demo_ctx) -> None:
    unknown = "91320305MA1W5R7X3K"
    window = open_intake(qtbot, demo_ctx)
    page = window.intake_page
    type_code(qtbot, page, unknown)
    step = page.steps[Step.applicant]
    assert "校验通过" in step.feedback.text()
    assert "没有该企业" in step.registry.text()
    assert step.fields["applicant_name"].hasFocus()
    type_text(qtbot, step.fields["applicant_name"], "徐州市贾汪区新开张餐饮店")
    qtbot.keyClick(step.fields["applicant_name"], Qt.Key.Key_Return)
    pick(qtbot, page, "F1040")
    fill_form(qtbot, page, {"uscc": unknown})
    settle_materials(qtbot, page)
    accept(qtbot, page)
    assert page.result is not None
    kept = rows(demo_ctx, Applicant, Applicant.code == unknown)
    assert [a.name for a in kept] == ["徐州市贾汪区新开张餐饮店"]


def test_wrong_check_digit_is_explained_as_typed(qtbot, demo_ctx) -> None:
    window = open_intake(qtbot, demo_ctx)
    page = window.intake_page
    field = page.steps[Step.applicant].code
    field.setFocus()
    qtbot.keyClicks(field, "91320305MA1N42")
    assert "还差4位" in page.steps[Step.applicant].feedback.text()
    qtbot.keyClicks(field, "8244")  # last character wrong
    feedback = page.steps[Step.applicant].feedback.text()
    assert "校验" in feedback and "通过" not in feedback
    assert page.state.step is Step.applicant


def test_department_verification_stays_pending_on_the_case(qtbot, demo_ctx) -> None:
    window = open_intake(qtbot, demo_ctx)
    page = window.intake_page
    type_code(qtbot, page, RESTAURANT)
    pick(qtbot, page, "R5001")  # the fire brigade's check is a department verification
    fill_form(qtbot, page)
    settle_materials(qtbot, page)
    sign_commitments(qtbot, page)
    accept(qtbot, page)
    assert page.result is not None
    case = rows(demo_ctx, Case, Case.number == page.result.number)[0]
    checks = rows(demo_ctx, MaterialCheck, MaterialCheck.case_id == case.id)
    requested = [m for m in checks if m.status is MaterialStatus.verification_requested]
    assert requested
    requests = rows(demo_ctx, VerificationRequest, VerificationRequest.case_id == case.id)
    assert len(requests) == len(requested)
    assert {r.status for r in requests} == {RequestStatus.pending}


def test_accepting_again_after_acceptance_is_not_possible(qtbot, demo_ctx) -> None:
    window = open_intake(qtbot, demo_ctx)
    page = window.intake_page
    before = len(rows(demo_ctx, Case))  # the demo hall's own cases
    type_code(qtbot, page, RESTAURANT)
    pick(qtbot, page, "F1040")
    fill_form(qtbot, page)
    settle_materials(qtbot, page)
    accept(qtbot, page)
    assert page.result is not None
    accept(qtbot, page)  # the keys again: nothing happens
    assert len(rows(demo_ctx, Case)) == before + 1
    window.actions_[ActionId.new_application].trigger()  # Ctrl+N: the next applicant
    assert page.result is None and page.state.step is Step.applicant
    assert page.steps[Step.applicant].code.text() == ""


def test_a_code_not_yet_valid_is_kept_as_typed(qtbot, demo_ctx) -> None:
    window = open_intake(qtbot, demo_ctx)
    page = window.intake_page
    field = page.steps[Step.applicant].code
    qtbot.keyClicks(field, "9132030")
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    next_step(qtbot)
    page.go(Step.applicant)
    assert field.text() == "9132030"
    assert page.state.applicant_code == "9132030"  # in the draft too


def test_enter_right_after_typing_adds_what_was_typed_and_empty_enter_adds_nothing(
    qtbot, demo_ctx
) -> None:
    window = open_intake(qtbot, demo_ctx)
    page = window.intake_page
    page.go(Step.scope)
    search = page.steps[Step.scope].search
    qtbot.keyClick(search, Qt.Key.Key_Return)  # nothing typed
    assert page.state.scope == () and page.state.items == ()
    qtbot.keyClicks(search, "H2002")
    qtbot.keyClick(search, Qt.Key.Key_Return)  # before the search's pause has passed
    assert page.state.scope == ("H2002",) and page.state.items == ()
