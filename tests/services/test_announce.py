"""What the hall display says on a call, the administrator's template, and espeak-ng."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from hall.core.errors import HallError, ValidationError
from hall.services import announce
from hall.services.announce import (
    announcement,
    check_template,
    espeak_available,
    speak_command,
    spoken_number,
    synthesize,
)


def test_the_standard_sentence_reads_the_number_character_by_character() -> None:
    assert announcement("", "A012", "3") == "请 A 0 1 2 号到 3 号窗口办理"
    assert announcement("   ", "B004", "12") == "请 B 0 0 4 号到 12 号窗口办理"


def test_a_ticket_number_is_spoken_one_character_at_a_time() -> None:
    assert spoken_number("A012") == "A 0 1 2"
    assert spoken_number("A 012") == "A 0 1 2"


def test_the_administrators_template_is_used() -> None:
    template = "{number} 号，请到 {window} 号窗口"
    assert announcement(template, "C001", "5") == "C 0 0 1 号，请到 5 号窗口"
    assert announcement("请{number}号办理", "D001", "2") == "请D 0 0 1号办理"


def test_a_recall_says_it_again() -> None:
    first = announcement("", "A012", "3")
    again = announcement("", "A012", "3", recall=True)
    assert again == "再次呼叫：" + first
    assert announcement("{number} 到 {window}", "A1", "2", recall=True) == "再次呼叫：A 1 到 2"


@pytest.mark.parametrize(
    "template",
    ["请 {numbr} 号到 {window} 号窗口", "请 {number 号", "请 number} 号", "请 {} 号", "{number.x}"],
)
def test_a_broken_template_falls_back_to_the_standard_sentence(
    template: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="hall.services.announce"):
        text = announcement(template, "A012", "3")
    assert text == "请 A 0 1 2 号到 3 号窗口办理"
    assert "unusable" in caplog.text


@pytest.mark.parametrize(
    ("template", "says"),
    [
        ("请 {numbr} 号到 {window} 号窗口", "未知字段“{numbr}”"),
        ("请 {number[0]} 号", "未知字段“{number[0]}”"),
        ("请 {number 号到 {window} 号窗口", "花括号不成对"),
        ("请到 {window} 号窗口", "没有 {number}"),
        ("请 {number:d} 号", "无法使用"),
    ],
)
def test_check_template_names_what_is_wrong(template: str, says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_template(template)
    assert says in caught.value.message
    assert caught.value.field == "announce_template"


@pytest.mark.parametrize("template", ["", "{number} 到 {window}", "请 {number} 号 {{VIP}}"])
def test_check_template_accepts_good_templates(template: str) -> None:
    check_template(template)


def test_literal_braces_are_kept() -> None:
    assert announcement("请 {number} 号 {{VIP}}", "A1", "2") == "请 A 1 号 {VIP}"


def test_the_speak_command_keeps_a_leading_dash_out_of_the_options() -> None:
    argv = speak_command("-请 A 0 1 2 号")
    assert argv[0] == "espeak-ng" and argv[1] == "-v"
    assert argv[-2:] == ["--", "-请 A 0 1 2 号"]


def test_synthesize_without_espeak_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(announce.shutil, "which", lambda name: None)
    assert not espeak_available()
    with pytest.raises(HallError, match="espeak-ng"):
        synthesize("请 A 0 1 2 号", tmp_path / "call.wav")


def test_a_failing_espeak_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "espeak-ng"
    fake.write_text("#!/bin/sh\necho 'voice not found' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(announce.shutil, "which", lambda name: str(fake))
    with pytest.raises(HallError, match="voice not found"):
        synthesize("请 A 0 1 2 号", tmp_path / "call.wav")


@pytest.mark.skipif(not espeak_available(), reason="espeak-ng is not installed here")
def test_synthesize_writes_a_wav_file(tmp_path: Path) -> None:
    path = synthesize(announcement("", "A012", "3"), tmp_path / "call.wav")
    data = path.read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    # A whole sentence: over a second of 22 kHz 16-bit audio, not an empty header.
    assert len(data) > 44_000


@pytest.mark.skipif(not espeak_available(), reason="espeak-ng is not installed here")
def test_the_mandarin_voice_reads_chinese_characters() -> None:
    """espeak-ng 1.51's ``cmn`` reads 请 as English "king three"; the voice chosen must not."""
    import subprocess

    phonemes = subprocess.run(
        ["espeak-ng", "-q", "-x", "-v", announce.espeak_voice(), "--", "请"],
        capture_output=True, text=True, timeout=20, check=True,
    ).stdout  # fmt: skip
    assert "(en)" not in phonemes
