"""The program speaks English completely: every text on every page of every role, and
of the dialogs around them, is English once English is chosen. Chinese may only be
data (a name, an item, an address from the database or the settings)."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QWidget,
)

from hall.core.i18n import LANGUAGES, set_language
from hall.models.enums import Role
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.queue import issue_ticket
from hall.ui.first_run import FirstRunWizard
from hall.ui.problem_dialog import ProblemReportDialog
from hall.ui.settings_dialog import SettingsDialog
from hall.ui.signin import SignInDialog
from hall.ui.startup import ContextLoader

from ..services.backoffice import CLERK, CULTURE, SUPERVISOR, accept_restaurant
from .test_backoffice_ui import open_window

#: A run of Chinese characters (punctuation aside: a full-width bracket around data is
#: not a missing translation).
RUN = re.compile(r"[\u4e00-\u9fff]+")
TAG = re.compile(r"<[^>]+>")
GUIDE = Actor("guide01", Role.guide, None, "王芳")
ADMIN = Actor("admin", Role.admin, "C01", "系统管理员")


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("zh_CN")


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
        if value[:1] in "[{":
            with contextlib.suppress(ValueError):
                yield from _strings(json.loads(value))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def data_runs(ctx: AppContext) -> set[str]:
    """Every run of Chinese in the database's text and the settings: that is data."""
    # Each language is named in its own language in the language choosers.
    runs: set[str] = set(RUN.findall(" ".join([ctx.settings.hall_name, *LANGUAGES.values()])))
    with sqlite3.connect(ctx.paths.database) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                for cell in row:
                    for text in _strings(cell):
                        runs.update(RUN.findall(text))
    return runs


def model_texts(model: QAbstractItemModel | None) -> Iterator[str]:
    if model is None:
        return
    root = QModelIndex()
    try:
        columns = model.columnCount(root)
    except TypeError:  # Qt's own list models (a completer's) keep it private
        columns = 1
    for column in range(columns):
        yield str(model.headerData(column, Qt.Orientation.Horizontal) or "")
    for row in range(min(model.rowCount(root), 50)):
        for column in range(columns):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.data(model.index(row, column), role)
                if isinstance(value, str):
                    yield value


def visible_texts(top: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for each text the user can see in ``top`` and its menus."""
    yield "title", top.windowTitle()
    for widget in [top, *top.findChildren(QWidget)]:
        if not widget.isVisibleTo(top) and not isinstance(widget, QMenu):
            continue
        name = f"{type(widget).__name__}#{widget.objectName()}"
        if widget.toolTip():
            yield name, widget.toolTip()
        if isinstance(widget, QLabel):
            yield name, TAG.sub(" ", widget.text())
        elif isinstance(widget, QAbstractButton):
            yield name, widget.text()
        elif isinstance(widget, QGroupBox):
            yield name, widget.title()
        elif isinstance(widget, QLineEdit | QPlainTextEdit):
            yield name, widget.placeholderText()
        elif isinstance(widget, QComboBox):
            yield from ((name, widget.itemText(i)) for i in range(widget.count()))
        elif isinstance(widget, QTabWidget):
            yield from ((name, widget.tabText(i)) for i in range(widget.count()))
        elif isinstance(widget, QAbstractItemView):
            yield from ((name, text) for text in model_texts(widget.model()))
        elif isinstance(widget, QMenu):
            yield name, widget.title()
        for action in widget.actions():
            if action.isVisible():
                yield f"{name} action", action.text()
                yield f"{name} action", action.statusTip()


def untranslated(top: QWidget, data: set[str]) -> list[str]:
    return sorted(
        {
            f"{where}: {text!r}"
            for where, text in visible_texts(top)
            if any(run not in data for run in RUN.findall(text))
        }
    )


def test_every_page_of_every_role_speaks_english(qtbot, demo_ctx, english) -> None:
    accept_restaurant(demo_ctx)  # a case in the inboxes and the lists
    issue_ticket(demo_ctx, GUIDE, "A")
    data = data_runs(demo_ctx)
    found: list[str] = []
    for actor in (CLERK, GUIDE, CULTURE, SUPERVISOR, ADMIN):
        window = open_window(qtbot, demo_ctx, actor)
        for show in (
            window.show_start_page,
            window.show_intake,
            window.show_cases,
            window.show_pickup,
            window.show_inbox,
            window.show_guide_desk,
            window.show_supervision,
            window.show_catalog,
        ):
            show()
            qtbot.wait(50)
            found += untranslated(window, data)
        # English runs longer than Chinese: every page must still fit a counter's screen.
        width = window.minimumSizeHint().width()
        if width > 1280:
            found.append(f"{actor.username}'s window needs {width} pixels, more than 1280")
        window.close()
    assert not found, "\n".join(sorted(set(found)))


def test_the_dialogs_around_the_window_speak_english(qtbot, demo_ctx, empty_ctx, english) -> None:
    data = data_runs(demo_ctx)
    dialogs: list[QWidget] = [
        SignInDialog(ContextLoader.ready(demo_ctx)),
        SettingsDialog(demo_ctx, ADMIN),
        ProblemReportDialog(demo_ctx.paths, demo_ctx.settings, demo_ctx.clock),
    ]
    wizard = FirstRunWizard(empty_ctx)
    found: list[str] = []
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        found += untranslated(dialog, data)
    qtbot.addWidget(wizard)
    wizard.show()
    for page_id in wizard.pageIds():
        found += untranslated(wizard.page(page_id), data)
    assert not found, "\n".join(found)


def test_the_check_sees_chinese_that_is_not_data(qtbot, demo_ctx) -> None:
    label = QLabel("Counter 张敏 · 未翻译")
    qtbot.addWidget(label)
    label.show()
    data = data_runs(demo_ctx)
    assert "张敏" in data
    assert untranslated(label, data) == ["QLabel#: 'Counter 张敏 · 未翻译'"]
