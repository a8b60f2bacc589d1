"""``hall settings``: show them, set one as the administrator (checked, audited)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hall.core.i18n import set_language
from hall.core.settings import load_settings

from .cli_support import make_hall_dir, run


@pytest.fixture
def hall_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_hall_dir(tmp_path, monkeypatch)


def test_set_checks_saves_and_audits_then_show_lists_it(hall_dir, capsys) -> None:
    code, out, err = run(capsys, "settings", "set", "hall_code", "3203")
    assert code != 0 and "大厅编码“3203”无效" in err
    code, out, err = run(capsys, "settings", "set", "idle_lock_minutes", "ten")
    assert code != 0 and "应为整数" in err
    code, out, err = run(capsys, "settings", "set", "server_url", "postgresql://x/y")
    assert code != 0 and "不能在这里修改" in err
    code, out, err = run(capsys, "settings", "set", "idle_lock_minutes", "5")
    assert code == 0 and "idle_lock_minutes = 5" in out, err
    assert load_settings(hall_dir / "settings.json").idle_lock_minutes == 5
    code, out, _err = run(capsys, "settings", "show", "--json")
    assert code == 0 and json.loads(out)["idle_lock_minutes"] == 5
    code, out, _err = run(capsys, "audit", "verify", "--json")
    assert code == 0


def test_english_chosen_by_the_administrator_speaks_english_next_time(hall_dir, capsys) -> None:
    try:
        code, _out, err = run(capsys, "settings", "set", "language", "en")
        assert code == 0, err
        code, _out, err = run(capsys, "settings", "set", "hall_code", "3203")
        assert code != 0 and 'Hall code "3203" is not valid' in err
    finally:
        set_language("zh_CN")
    code, _out, err = run(capsys, "settings", "set", "language", "xx")
    assert code != 0 and ("xx" in err)
