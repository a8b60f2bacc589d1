"""The clerk's queue panel driven from the keyboard, and the guide's desk: tickets,
pre-review handed over to the counter, appointments."""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QWidget
from sqlalchemy import select

from hall.models import Ticket
from hall.models.enums import AppointmentStatus, Role, TicketStatus
from hall.services.appointments import day_appointments
from hall.services.audit import Actor
from hall.services.queue import issue_ticket
from hall.services.queue_calls import counter_state
from hall.ui.prereview_dialog import PreReviewDialog
from hall.ui.queue_dialogs import RatingDialog

from .test_backoffice_ui import key, open_window
from .test_cases_ui import answer_dialogs

CLERK = Actor("clerk01", Role.clerk, "C01", "张敏")
GUIDE = Actor("guide01", Role.guide, "G01", "王芳")


def rate(value: int, reason: str = ""):
    def handler(dialog: QWidget) -> None:
        assert isinstance(dialog, RatingDialog)
        dialog.group.button(value).setChecked(True)
        dialog.reason.setText(reason)
        dialog.accept()

    return handler


def test_a_clerk_calls_serves_and_rates_with_the_keyboard(qtbot, demo_ctx) -> None:
    window = open_window(qtbot, demo_ctx, CLERK)
    panel = window.queue_panel
    assert panel is not None and panel.isVisible()
    key(qtbot, window, window, Qt.Key.Key_F5, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.number_label.text() == "B002")  # the elderly first
    assert "正在呼叫" in panel.ticket_label.text() and "老年人" in panel.ticket_label.text()
    key(qtbot, window, window, Qt.Key.Key_F6, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "正在办理" in panel.ticket_label.text())
    answered = answer_dialogs(qtbot, rate(2, "等得太久"))
    key(qtbot, window, window, Qt.Key.Key_F7, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(answered)
    qtbot.waitUntil(lambda: panel.number_label.text() == "—")
    with demo_ctx.uow() as s:
        row = s.scalar(select(Ticket).where(Ticket.number == "B002"))
        assert (row.status, row.rating, row.rating_reason) == (TicketStatus.served, 2, "等得太久")
    # The menu says the keys.
    assert window.actions_[next(a for a in window.actions_ if a.value == "queue_call")].shortcut()
    key(qtbot, window, window, Qt.Key.Key_F5, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.number_label.text() == "A001")
    key(qtbot, window, window, Qt.Key.Key_F8, Qt.KeyboardModifier.ControlModifier)  # park
    qtbot.waitUntil(lambda: panel.parked.count() == 1)
    key(qtbot, window, window, Qt.Key.Key_F7, Qt.KeyboardModifier.ShiftModifier
        | Qt.KeyboardModifier.ControlModifier)  # fmt: skip
    # Nothing at the counter to mark: said on the panel, no dialog in the way.
    qtbot.waitUntil(lambda: "没有正在呼叫或办理的号" in panel.message.text(), timeout=3000)
    key(qtbot, window, window, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier
        | Qt.KeyboardModifier.ControlModifier)  # fmt: skip
    qtbot.waitUntil(lambda: panel.number_label.text() == "A001")  # resumed


def test_a_pickup_ticket_opens_its_case_at_the_counter(qtbot, demo_ctx) -> None:
    from ..services.backoffice import accept_restaurant
    from .test_backoffice_ui import _decide_all

    case = accept_restaurant(demo_ctx)
    _decide_all(demo_ctx, case.number)
    ticket, _ = issue_ticket(demo_ctx, GUIDE, "C", case=case.number)
    window = open_window(qtbot, demo_ctx, CLERK)
    panel = window.queue_panel
    assert panel is not None
    qtbot.waitUntil(lambda: panel.counter is not None)
    panel.ctx.settings.recall_gap_seconds = 0
    from hall.services.queue_calls import call_number

    called, _changes = call_number(demo_ctx, CLERK, ticket.number)
    assert called.case_number == case.number
    panel.called.emit(called)
    assert window.pages.currentWidget() is window.pickup_page
    page = window.pickup_page
    assert page.detail is not None and page.detail.number == case.number
    assert page.docs.count() == 4


def test_the_guide_issues_pre_reviews_and_the_counter_opens_the_draft(qtbot, demo_ctx) -> None:
    guide = open_window(qtbot, demo_ctx, GUIDE)
    page = guide.guide_page
    assert page is not None and guide.pages.currentWidget() is page
    page.print_ticket.setChecked(False)
    page.issue("A")  # in the background: the desk never waits on the network
    qtbot.waitUntil(lambda: "A002" in page.message.text())
    qtbot.waitUntil(lambda: page.model.rowCount() == 8)
    row = next(r for r in range(page.model.rowCount()) if page.model.row_at(r).number == "A002")
    page.table.selectRow(row)

    def pre_review(dialog: QWidget) -> None:
        assert isinstance(dialog, PreReviewDialog)
        steps = [dialog.page.step_list.item(n).text() for n in range(dialog.page.step_list.count())]
        assert len(steps) == 4 and "材料" in steps[-1]  # no commitment, no acceptance
        applicant = dialog.page.steps[dialog.page.state.step]
        state = dialog.page.state.replace(applicant_name="徐州云龙小吃店", phone="13805161234")
        dialog.page.edit(state)
        assert applicant is not None
        dialog.accept()

    answered = answer_dialogs(qtbot, pre_review)
    page.prereview()
    qtbot.waitUntil(answered)
    qtbot.waitUntil(lambda: any(page.model.row_at(r).prereviewed
                                for r in range(page.model.rowCount())))  # fmt: skip

    clerk = open_window(qtbot, demo_ctx, CLERK)
    qtbot.wait(50)  # nothing to offer back yet: the draft is still the guide's
    panel = clerk.queue_panel
    assert panel is not None
    from hall.services.queue_calls import call_number

    called, _changes = call_number(demo_ctx, CLERK, "A002")
    assert called.draft_id is not None
    panel.called.emit(called)
    assert clerk.pages.currentWidget() is clerk.intake_page
    assert clerk.intake_page.state.applicant_name == "徐州云龙小吃店"
    assert clerk.intake_page.draft_id == called.draft_id
    assert counter_state(demo_ctx, CLERK).current.number == "A002"


def test_the_guide_books_and_checks_in_an_appointment(qtbot, demo_ctx) -> None:
    guide = open_window(qtbot, demo_ctx, GUIDE)
    tab = guide.guide_page.appointments
    guide.guide_page.tabs.setCurrentWidget(tab)
    # Read in the background (on the hall server, where there is one).
    qtbot.waitUntil(lambda: tab.day.currentData() == demo_ctx.clock.now().date())
    tab.category.setCurrentIndex(1)  # B
    qtbot.waitUntil(lambda: tab.slots.count() > 0)
    starts = [tab.slots.item(n).data(Qt.ItemDataRole.UserRole) for n in range(tab.slots.count())]
    assert starts[0] == time(10) and time(9) not in starts  # 09:30 now: 09:00 has begun
    tab.slots.setCurrentRow(0)
    tab.prefill("王建国", "13805161234", "")
    tab.book()
    qtbot.waitUntil(lambda: "已预约" in tab.message.text())
    booked = day_appointments(demo_ctx, demo_ctx.clock.now().date())
    assert len(booked) == 1 and booked[0].slot_start == time(10)
    qtbot.waitUntil(
        lambda: any(
            booked[0].number in tab.booked.item(n).text() for n in range(tab.booked.count())
        )
    )
    tab.booked.setCurrentRow(next(n for n in range(tab.booked.count())
                                  if booked[0].number in tab.booked.item(n).text()))  # fmt: skip
    tab.check_in()
    qtbot.waitUntil(lambda: "已签到" in tab.message.text())
    assert day_appointments(demo_ctx, booked[0].day)[0].status is AppointmentStatus.checked_in


def test_offline_a_clerk_calls_a_ticket_typed_in_by_its_number(
    qtbot, demo_ctx, monkeypatch
) -> None:
    from hall.sync.link import ServerLink

    # A counter of a hall server whose network is down: its own file, offline numbers.
    demo_ctx.link = ServerLink("postgresql://postgres@127.0.0.1:9/hall", None, demo_ctx.clock)
    demo_ctx.link.check()
    assert demo_ctx.offline
    window = open_window(qtbot, demo_ctx, CLERK)
    panel = window.queue_panel
    assert panel is not None
    monkeypatch.setattr(
        "hall.ui.queue_panel.QInputDialog.getText", lambda *_a, **_k: ("d001 ", True)
    )
    key(qtbot, window, window, Qt.Key.Key_F5,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)  # fmt: skip
    qtbot.waitUntil(lambda: panel.number_label.text() == "D001")
    with demo_ctx.uow() as s:
        row = s.scalar(select(Ticket).where(Ticket.number == "D001"))
        assert row.status is TicketStatus.called and row.called_counter == "C01"
    # A ticket issued here while offline carries the counter's code.
    ticket, _ = issue_ticket(demo_ctx, CLERK, "A")
    assert ticket.number == "C01-A001"


def test_the_slots_shown_are_those_of_the_category_chosen_last(
    qtbot, demo_ctx, monkeypatch
) -> None:
    """The guide picks A, then B at once; A's answer, arriving last, must not stand
    under B."""
    import threading

    from hall.services.appointments import Slot
    from hall.ui import appointments_tab

    release, a_answered = threading.Event(), threading.Event()
    b_reads: list[int] = []

    def slots(_ctx, letter: str, _day) -> list[Slot]:
        if letter == "A":
            release.wait(10)
            a_answered.set()
            return [Slot(time(16), time(16, 30), 1, 0)]
        b_reads.append(1)
        start = time(10 + len(b_reads))  # each read of B tells itself apart
        return [Slot(start, start.replace(minute=30), 7, 0)]

    def shown() -> list[time]:
        return [tab.slots.item(n).data(Qt.ItemDataRole.UserRole) for n in range(tab.slots.count())]

    guide = open_window(qtbot, demo_ctx, GUIDE)
    tab = guide.guide_page.appointments
    guide.guide_page.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.day.currentData() == demo_ctx.clock.now().date())
    monkeypatch.setattr(appointments_tab, "available_slots", slots)
    pool = QThreadPool.globalInstance()
    threads = pool.maxThreadCount()
    pool.setMaxThreadCount(max(4, threads))  # A's read waits on one; B's needs another
    try:
        choose_a_then_b(qtbot, tab, shown, release, a_answered)
    finally:
        release.set()
        pool.setMaxThreadCount(threads)


def choose_a_then_b(qtbot, tab, shown, release, a_answered) -> None:
    tab.category.setCurrentIndex(tab.category.findData("B"))
    qtbot.waitUntil(lambda: shown() == [time(11)])
    tab.category.setCurrentIndex(tab.category.findData("A"))  # its read waits
    tab.category.setCurrentIndex(tab.category.findData("B"))
    qtbot.waitUntil(lambda: shown() == [time(12)])
    release.set()
    qtbot.waitUntil(a_answered.is_set)
    qtbot.wait(300)  # A's answer is delivered to the tab now
    assert shown() == [time(12)]
