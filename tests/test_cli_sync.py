"""`hall sync …` without a hall server, and with one that does not answer."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hall.core.paths import resolve_paths
from hall.models import OutboxEntry
from hall.services.context import open_context

from .cli_support import make_hall_dir, run

DEAD = "postgresql://postgres@127.0.0.1:9/hall"  # nothing listens on the discard port


@pytest.fixture
def hall(tmp_path, monkeypatch: pytest.MonkeyPatch):
    return make_hall_dir(tmp_path, monkeypatch)


def test_a_standalone_hall_has_nothing_to_sync(hall, capsys) -> None:
    code, out, _err = run(capsys, "sync", "status", "--json")
    status = json.loads(out)
    assert code == 0 and status["configured"] is False and status["state"] is None
    assert status["waiting"] == len(status["changes"]) >= 2  # the two accounts made
    code, _out, err = run(capsys, "sync", "--once")
    assert code == 1 and "没有配置大厅服务器" in err


def joined(folder) -> None:
    """Make the test's folder a counter that synced with a hall server once."""
    from hall.sync.push import set_state

    ctx = open_context(resolve_paths())
    set_state(ctx.engine, "pull_cursor", {"xid": 1000, "pulled_at": "2026-11-23T01:00:00+00:00"})
    set_state(ctx.engine, "hall_server", {"id": "the-hall"})
    ctx.close()


def test_a_standalone_hall_pointed_at_a_server_is_told_why_it_cannot_join(
    hall, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("HALL_SERVER_URL", DEAD)
    code, out, _err = run(capsys, "sync", "--once")
    assert code == 1 and out.startswith("无法同步：") and "单机运行时建立" in out
    assert "新建数据文件夹" in out
    status = json.loads(run(capsys, "sync", "status", "--json")[1])
    assert status["state"] == "incompatible" and status["waiting"] >= 2  # nothing lost


def test_offline_the_counter_says_so_and_lists_what_waits(hall, capsys, monkeypatch) -> None:
    joined(hall)
    monkeypatch.setenv("HALL_SERVER_URL", DEAD)
    code, out, _err = run(capsys, "sync", "--once")
    assert code == 1 and out.startswith("离线：")
    code, out, _err = run(capsys, "sync", "status")
    assert code == 0 and "（离线）" in out and "postgresql://postgres@127.0.0.1:9/hall" in out
    assert "待同步变更" in out and "user.create" in out
    status = json.loads(run(capsys, "sync", "status", "--json")[1])
    assert status["state"] == "offline" and status["set_aside"] == 0


def test_an_administrator_retries_and_escalates_a_refused_change(hall, capsys, monkeypatch) -> None:
    ctx = open_context(resolve_paths())
    with ctx.uow() as s:
        row = s.scalar(select(OutboxEntry).order_by(OutboxEntry.seq))
        row.set_aside_at, row.last_error = datetime.now(UTC), "大厅服务器拒收：测试"
        seq = row.seq
    ctx.close()
    out = run(capsys, "sync", "status")[1]
    assert f"#{seq:<6}" in out and "【已搁置】大厅服务器拒收：测试" in out
    code, out, err = run(capsys, "sync", "escalate", str(seq), "--note", "已报信息中心")
    assert code == 0 and f"#{seq}" in out, err
    assert "【已上报：root，已报信息中心】" in run(capsys, "sync", "status")[1]
    code, out, err = run(capsys, "sync", "retry", str(seq))
    assert code == 0 and "重新排入" in out, err
    status = json.loads(run(capsys, "sync", "status", "--json")[1])
    assert status["set_aside"] == 0
    code, _out, err = run(capsys, "sync", "retry", str(seq))
    assert code == 1 and "没有被搁置" in err
    monkeypatch.setenv("HALL_PASSWORD", "correct horse 1")
    code, _out, err = run(capsys, "sync", "retry", str(seq), "--user", "clerk01")
    assert code == 1 and "无权" in err  # a clerk may look, not retry
