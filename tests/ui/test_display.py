"""The hall display: what it shows, what it announces (to a fake voice), and its window."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from hall.core.errors import DatabaseError
from hall.models.enums import Role
from hall.services.audit import Actor
from hall.services.queue_calls import call_next, finish, recall
from hall.ui import display as display_module
from hall.ui import voice as voice_module
from hall.ui.display import HallDisplay
from hall.ui.voice import Voice

CLERK = Actor("clerk01", Role.clerk, "C01", "张敏")
CLERK2 = Actor("clerk02", Role.clerk, "C02", "李娜")


class FakeVoice:
    def __init__(self) -> None:
        self.said: list[str] = []

    def say(self, text: str) -> None:
        self.said.append(text)


@pytest.fixture
def voice() -> FakeVoice:
    return FakeVoice()


def shown(qtbot, ctx, voice: FakeVoice, **kwargs) -> HallDisplay:
    """A display that has made its first read."""
    display = HallDisplay(ctx, voice=voice, **kwargs)
    qtbot.addWidget(display)
    display.resize(1280, 720)
    display.show()
    qtbot.waitUntil(lambda: display.seen is not None, timeout=5_000)
    return display


def read_again(qtbot, display: HallDisplay) -> None:
    """One more read, done (the timer reads too; either way the result is the same)."""
    qtbot.waitUntil(lambda: not display.reading, timeout=5_000)
    display.refresh()
    qtbot.waitUntil(lambda: not display.reading, timeout=5_000)


def test_the_latest_call_its_window_and_earlier_calls_are_shown(qtbot, demo_ctx, voice) -> None:
    first, _ = call_next(demo_ctx, CLERK)
    demo_ctx.clock.advance(timedelta(minutes=1))
    second, _ = call_next(demo_ctx, CLERK2)
    assert first is not None and second is not None
    display = shown(qtbot, demo_ctx, voice)
    assert display.number_label.text() == second.number
    assert display.window_label.text() == "→ 2 号窗口"
    assert display.rows[0][0].text() == first.number
    assert display.rows[0][1].text() == "→ 1 号窗口"
    assert display.rows[1][0].text() == ""
    bar = [label.text() for label in display.waiting.boxes if label.isVisible()]
    assert any(text.startswith("A 企业登记\n") for text in bar), bar
    assert any("等候" in text and "分钟" in text for text in bar), bar


def test_the_calls_made_before_it_started_are_not_announced(qtbot, demo_ctx, voice) -> None:
    call_next(demo_ctx, CLERK)
    display = shown(qtbot, demo_ctx, voice)
    read_again(qtbot, display)
    assert voice.said == []


def test_a_new_call_is_announced_once(qtbot, demo_ctx, voice) -> None:
    display = shown(qtbot, demo_ctx, voice)
    assert display.state_label.text() == "暂无叫号"
    called, _ = call_next(demo_ctx, CLERK)
    assert called is not None
    qtbot.waitUntil(lambda: bool(voice.said), timeout=5_000)
    spoken = " ".join(called.number)
    assert voice.said == [f"请 {spoken} 号到 1 号窗口办理"]
    assert display.number_label.text() == called.number
    read_again(qtbot, display)
    read_again(qtbot, display)
    assert len(voice.said) == 1


def test_calls_between_two_reads_are_announced_oldest_first(qtbot, demo_ctx, voice) -> None:
    display = shown(qtbot, demo_ctx, voice)
    display.timer.stop()  # both calls land before the next read
    qtbot.waitUntil(lambda: not display.reading, timeout=5_000)
    first, _ = call_next(demo_ctx, CLERK)
    demo_ctx.clock.advance(timedelta(seconds=5))
    second, _ = call_next(demo_ctx, CLERK2)
    assert first is not None and second is not None
    read_again(qtbot, display)
    assert [text.split(" 号到")[0] for text in voice.said] == [
        "请 " + " ".join(first.number),
        "请 " + " ".join(second.number),
    ]


def test_a_recall_is_announced_again(qtbot, demo_ctx, voice) -> None:
    display = shown(qtbot, demo_ctx, voice)
    called, _ = call_next(demo_ctx, CLERK)
    assert called is not None
    qtbot.waitUntil(lambda: len(voice.said) == 1, timeout=5_000)
    demo_ctx.clock.advance(timedelta(seconds=demo_ctx.settings.recall_gap_seconds + 1))
    recall(demo_ctx, CLERK)
    qtbot.waitUntil(lambda: len(voice.said) == 2, timeout=5_000)
    assert voice.said[1] == "再次呼叫：" + voice.said[0]
    assert display.state_label.text() == "再次呼叫"
    assert display.rows[0][0].text() == ""  # the ticket once, not twice


def test_the_administrators_template_is_spoken(qtbot, demo_ctx, voice) -> None:
    demo_ctx.settings.announce_template = "{number} 号请到 {window} 号窗口"
    display = shown(qtbot, demo_ctx, voice)
    called, _ = call_next(demo_ctx, CLERK)
    assert called is not None
    qtbot.waitUntil(lambda: bool(voice.said), timeout=5_000)
    assert voice.said == [" ".join(called.number) + " 号请到 1 号窗口"]
    assert display.number_label.text() == called.number


@pytest.mark.parametrize("how", ["setting", "option"])
def test_muted_shows_the_call_and_says_nothing(qtbot, demo_ctx, voice, how) -> None:
    if how == "setting":
        demo_ctx.settings.voice_muted = True
    display = shown(qtbot, demo_ctx, voice, muted=how == "option")
    called, _ = call_next(demo_ctx, CLERK)
    assert called is not None
    qtbot.waitUntil(lambda: display.number_label.text() == called.number, timeout=5_000)
    read_again(qtbot, display)
    assert voice.said == []


def test_an_unreadable_database_is_said_on_screen_and_the_display_recovers(
    qtbot, demo_ctx, voice, monkeypatch
) -> None:
    display = shown(qtbot, demo_ctx, voice)

    def broken(ctx, limit):
        raise DatabaseError("数据库文件已损坏。")

    real = display_module.recent_calls
    monkeypatch.setattr(display_module, "recent_calls", broken)
    read_again(qtbot, display)
    assert display.problem.isVisible()
    assert "无法读取排队信息：数据库文件已损坏。" in display.problem.text()
    assert "Traceback" not in display.problem.text()
    monkeypatch.setattr(display_module, "recent_calls", real)
    read_again(qtbot, display)
    assert not display.problem.isVisible()


def test_esc_toggles_full_screen_and_ctrl_q_closes(qtbot, demo_ctx, voice) -> None:
    display = shown(qtbot, demo_ctx, voice)
    display.activateWindow()
    qtbot.waitUntil(display.isActiveWindow)
    qtbot.keyClick(display, Qt.Key.Key_Escape)
    qtbot.waitUntil(display.isFullScreen)
    qtbot.keyClick(display, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not display.isFullScreen())
    qtbot.keyClick(display, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not display.isVisible())
    assert not display.timer.isActive()


def test_the_voice_says_one_announcement_after_the_other(qtbot) -> None:
    slow = [sys.executable, "-c", "import time; time.sleep(0.3)"]
    voice = Voice(use_qt=False, command=lambda text: slow)
    began: list[tuple[str, float]] = []
    voice.started.connect(lambda text: began.append((text, time.monotonic())))
    voice.say("一")
    voice.say("二")
    assert voice.kind == "espeak" and voice.busy
    qtbot.waitUntil(lambda: len(began) == 2, timeout=10_000)
    qtbot.waitUntil(lambda: not voice.busy, timeout=10_000)
    assert [text for text, _at in began] == ["一", "二"]
    assert began[1][1] - began[0][1] >= 0.3  # the second waited for the first to end


def test_without_any_voice_it_stays_silent(qtbot, monkeypatch, caplog) -> None:
    monkeypatch.setattr(voice_module, "espeak_available", lambda: False)
    with caplog.at_level(logging.WARNING, logger="hall.ui.voice"):
        voice = Voice(use_qt=False)
    voice.say("请 A 0 0 1 号到 1 号窗口办理")
    assert voice.kind == "" and not voice.busy
    assert "no Chinese voice" in caplog.text


def test_hall_display_starts_and_exits(tmp_path: Path) -> None:
    env = {**os.environ, "HALL_DATA_DIR": str(tmp_path / "data"), "HALL_EXIT_AFTER_START": "1"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    code = "import sys; from hall.app import run_display; sys.exit(run_display(sys.argv[1:]))"
    result = subprocess.run(
        [sys.executable, "-c", code, "--windowed", "--mute"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "hall.sqlite3").exists()


def test_after_finishing_the_window_still_shows_the_last_call(qtbot, demo_ctx, voice) -> None:
    called, _ = call_next(demo_ctx, CLERK)
    assert called is not None
    finish(demo_ctx, CLERK, 5)
    display = shown(qtbot, demo_ctx, voice)
    assert display.number_label.text() == called.number


def test_a_read_finishing_after_closing_says_nothing(qtbot, demo_ctx, voice) -> None:
    display = shown(qtbot, demo_ctx, voice)
    qtbot.waitUntil(lambda: not display.reading, timeout=5_000)
    call_next(demo_ctx, CLERK)
    display.refresh()  # under way while the window closes
    display.close()
    qtbot.waitUntil(lambda: not display.reading, timeout=5_000)
    assert voice.said == []
