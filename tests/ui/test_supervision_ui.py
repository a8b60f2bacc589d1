"""The supervisor's page on real widgets: the dashboard follows the day live, prints
and exports the report without recording a handover; the overdue watch colours what is
late; the page and its tabs show by role."""

from __future__ import annotations

from datetime import timedelta

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from hall.models import DocumentPrint
from hall.models.enums import Role
from hall.services.audit import Actor
from hall.services.queue import issue_ticket
from hall.services.report_xlsx import report_xlsx
from hall.ui.actions import ActionId
from hall.ui.inbox_model import OVERDUE, Columns
from hall.ui.report_files import ReportPreviewDialog, save_report

from ..services.backoffice import CLERK, SUPERVISOR
from .test_backoffice_ui import open_window

GUIDE = Actor("guide01", Role.guide, "G01", "王芳")


def _preview() -> ReportPreviewDialog | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, ReportPreviewDialog) and widget.isVisible():
            return widget
    return None


def _supervision(qtbot, window):
    window.actions_[ActionId.supervision].trigger()
    page = window.supervision_page
    assert page is not None and window.pages.currentWidget() is page
    qtbot.waitUntil(lambda: page.dashboard.report is not None, timeout=10_000)
    return page


def test_the_dashboard_follows_the_day_and_prints_without_a_handover(
    qtbot, demo_ctx, tmp_path
) -> None:
    window = open_window(qtbot, demo_ctx, SUPERVISOR)
    page = _supervision(qtbot, window)
    dashboard = page.dashboard
    issued = dashboard.report.hall.issued
    assert issued > 0
    assert dashboard.tiles["issued"].value.text() == str(issued)
    assert dashboard.models["counters"].rowCount() == len(dashboard.report.counters)

    _ticket, changes = issue_ticket(demo_ctx, GUIDE, "A")
    window.bus.publish(changes)  # a ticket issued here: the figures follow shortly
    qtbot.waitUntil(
        lambda: dashboard.tiles["issued"].value.text() == str(issued + 1), timeout=10_000
    )

    with demo_ctx.uow() as s:
        prints = s.scalar(select(func.count()).select_from(DocumentPrint))
    dashboard.buttons["print"].click()
    qtbot.waitUntil(lambda: _preview() is not None, timeout=15_000)
    preview = _preview()
    assert preview is not None
    assert preview.page_count >= 1 and "业务量日报" in preview.windowTitle()
    target = tmp_path / "report.pdf"
    assert preview.save_to(target)
    assert target.read_bytes().startswith(b"%PDF") and "已保存" in preview.message.text()
    assert "补打" not in preview.windowTitle()
    preview.reject()
    with demo_ctx.uow() as s:  # a report is not a document handed over
        assert s.scalar(select(func.count()).select_from(DocumentPrint)) == prints

    book, said = tmp_path / "report.xlsx", []
    save_report(dashboard, dashboard.report, book, report_xlsx, lambda t, e: said.append((t, e)))
    qtbot.waitUntil(lambda: bool(said))
    summary = dict(openpyxl.load_workbook(book)["概况"].iter_rows(values_only=True))
    assert said[0][1] is False and summary["发放排队号"] == issued + 1
    blocked = tmp_path / "missing" / "r.xlsx"
    save_report(dashboard, dashboard.report, blocked, report_xlsx, lambda t, e: said.append((t, e)))
    qtbot.waitUntil(lambda: len(said) == 2)
    assert said[1][1] is True and not blocked.exists()


def test_the_overdue_watch_colours_what_is_late(qtbot, demo_ctx, clock) -> None:
    clock.advance(timedelta(days=60))  # every open review of the demo is late by now
    window = open_window(qtbot, demo_ctx, SUPERVISOR)
    page = _supervision(qtbot, window)
    assert page.overdue is not None
    page.tabs.setCurrentWidget(page.overdue)
    watch = page.overdue
    qtbot.waitUntil(lambda: watch.model.rowCount() > 0, timeout=10_000)
    rows = [watch.model.row_at(r) for r in range(watch.model.rowCount())]
    late = [r for r in rows if r.overdue]
    assert late and "超期" in watch.count.text()
    index = watch.model.index(rows.index(late[0]), Columns.left)
    assert watch.model.data(index, Qt.ItemDataRole.ForegroundRole).color() == OVERDUE
    assert "超期" in watch.model.data(index)
    holders = {watch.model.data(watch.model.index(n, Columns.holder)) for n in range(len(rows))}
    assert "孙伟" in holders  # the culture reviewer holds the internet café's item


def test_the_page_and_its_tabs_follow_the_role(qtbot, demo_ctx) -> None:
    window = open_window(qtbot, demo_ctx, CLERK)
    assert window.supervision_page is None
    assert not window.actions_[ActionId.supervision].isVisible()
    admin = open_window(qtbot, demo_ctx, Actor("admin", Role.admin, "C01", "管理员"))
    assert admin.supervision_page is not None and admin.supervision_page.overdue is None
