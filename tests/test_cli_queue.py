"""`hall queue …` for kiosks and scripts, and `hall server …` without a server."""

from __future__ import annotations

import json

import pytest

from hall.core.paths import resolve_paths
from hall.services.context import open_context
from hall.services.queue import ensure_categories

from .cli_support import make_hall_dir, run


@pytest.fixture
def hall(tmp_path, monkeypatch: pytest.MonkeyPatch):
    folder = make_hall_dir(tmp_path, monkeypatch)
    ctx = open_context(resolve_paths())
    with ctx.uow() as session:
        ensure_categories(session)
    ctx.close()
    monkeypatch.setenv("HALL_USER", "clerk01")
    monkeypatch.setenv("HALL_PASSWORD", "correct horse 1")
    return folder


def test_issue_call_finish_and_status(hall, capsys) -> None:
    assert run(capsys, "queue", "issue", "A")[1].strip() == "A001"
    assert run(capsys, "queue", "issue", "a")[1].strip() == "A002"
    code, out, _err = run(capsys, "queue", "issue", "A", "--priority", "--json")
    assert code == 0 and json.loads(out)["priority"] == "elderly"

    code, out, err = run(capsys, "queue", "call", "C03", "--json")
    assert code == 0, err
    called = json.loads(out)["ticket"]
    assert called["number"] == "A003" and called["status"] == "called"  # the priority first

    code, out, err = run(capsys, "queue", "finish", "C03", "--rating", "2", "--reason", "慢")
    assert code == 0 and out.strip() == "A003", err

    # The installation's own counter (HALL_COUNTER=C07) when none is named.
    assert run(capsys, "queue", "call")[1].strip() == "A001"
    assert run(capsys, "queue", "no-show")[1].strip() == "A001"

    code, out, _err = run(capsys, "queue", "status", "--json")
    status = json.loads(out)
    a = next(c for c in status["categories"] if c["letter"] == "A")
    assert a["waiting"] == 1 and a["open_counters"] == 2
    assert (status["served"], status["no_show"]) == (1, 1)
    assert {c["counter"] for c in status["counters"]} == {"C03", "C07"}
    code, out, _err = run(capsys, "queue", "status")
    assert "企业登记" in out and "C03" in out


def test_calling_with_nobody_waiting_says_so(hall, capsys) -> None:
    code, out, _err = run(capsys, "queue", "call", "C03", "--json")
    assert code == 0 and json.loads(out) == {"ticket": None}
    assert "没有等候的号" in run(capsys, "queue", "call", "C03")[1]


def test_errors_are_one_clear_line(hall, capsys) -> None:
    code, _out, err = run(capsys, "queue", "issue", "Z")
    assert code == 1 and "没有业务类别“Z”" in err
    code, _out, err = run(capsys, "queue", "finish", "C03")
    assert code == 1 and "没有正在呼叫或办理的号" in err
    code, _out, err = run(capsys, "queue", "call", "3C")
    assert code == 1 and "窗口编号“3C”无效" in err


def test_server_init_needs_a_server(hall, capsys, monkeypatch) -> None:
    monkeypatch.delenv("HALL_SERVER_URL", raising=False)
    code, _out, err = run(capsys, "server", "init")
    assert code == 1 and "没有配置大厅服务器" in err
    code, _out, err = run(capsys, "server", "init", "--url", "mysql://x@y/z")
    assert code == 1 and "大厅服务器地址" in err
    # A port nobody listens on: a clear line, not a traceback.
    code, _out, err = run(capsys, "server", "init", "--url", "postgresql://hall@127.0.0.1:9/hall")
    assert code == 1 and "无法连接大厅服务器" in err
