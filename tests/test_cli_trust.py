"""The administrator's trust commands, run in-process the way a script would call them."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from hall.core.clock import local_today
from hall.core.errors import AuthenticationFailed
from hall.core.paths import resolve_paths
from hall.models.enums import Role
from hall.services.audit import Actor
from hall.services.auth import must_change_password, sign_in
from hall.services.context import AppContext, open_context
from hall.services.payload import DocumentFacts, DocumentKind, b45decode, b45encode
from hall.services.signing import sign_document

from .cli_support import make_hall_dir, run
from .keyrings import MemoryKeyring, failing, installed

CLERK = Actor("clerk01", Role.clerk, "C01", "张敏")
FACTS = DocumentFacts(
    kind=DocumentKind.license,
    number="JY13203050000123",
    holder="徐州市贾汪区味香居餐饮管理有限公司",
    holder_code="91320305MA1N428243",
    item="SAMR-001",
    issued=date(2026, 1, 1),  # replaced by today: the key is made now, by the real clock
    valid_until=None,
)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with installed(MemoryKeyring()) as backend:
        assert isinstance(backend, MemoryKeyring)
        yield backend


@pytest.fixture
def hall_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_hall_dir(tmp_path, monkeypatch)


@pytest.fixture
def hall(hall_dir: Path) -> Iterator[AppContext]:
    """The same data folder as the commands use, opened by the test itself."""
    ctx = open_context(resolve_paths())
    yield ctx
    ctx.close()


def signed_license(ctx: AppContext) -> str:
    return sign_document(ctx, CLERK, replace(FACTS, issued=local_today(ctx.clock)))


# --- users ---------------------------------------------------------------------------------


def test_users_add_prints_a_temporary_password_that_must_be_changed(hall, capsys) -> None:
    code, out, _ = run(capsys, "users", "add", "WangFang", "--name", "王芳", "--role", "guide")
    assert code == 0 and "wangfang" in out and "导办员" in out
    match = re.search(r"初始密码：(\S+?)（", out)
    assert match, out
    who = sign_in(hall, "wangfang", match.group(1), "C07")
    assert must_change_password(hall, who)


def test_users_add_with_a_password_prints_no_password(hall, capsys) -> None:
    code, out, _ = run(
        capsys, "users", "add", "li", "--role", "clerk", "--password", "given pass 1"
    )
    assert code == 0 and "初始密码" not in out and "given pass 1" not in out
    assert sign_in(hall, "li", "given pass 1", "C07").username == "li"


def test_users_add_refuses_a_reviewer_without_department(hall_dir, capsys) -> None:
    code, _, err = run(capsys, "users", "add", "zhao", "--role", "reviewer")
    assert code == 1 and "部门" in err and "Traceback" not in err
    code, _out, _ = run(
        capsys, "users", "add", "zhao", "--role", "reviewer", "--department", "SAMR"
    )
    assert code == 0


def test_users_list_shows_state_and_json(hall_dir, capsys) -> None:
    run(capsys, "users", "add", "wang", "--name", "王芳", "--role", "guide")
    run(capsys, "users", "add", "zhao", "--role", "reviewer", "--department", "samr", "nhc")
    code, out, _ = run(capsys, "users", "list")
    assert code == 0 and "王芳" in out and "待改密码" in out and "NHC,SAMR" in out
    code, out, _ = run(capsys, "users", "list", "--json")
    data = {u["username"]: u for u in json.loads(out)}
    assert data["zhao"] == data["zhao"] | {
        "role": "reviewer", "departments": ["NHC", "SAMR"], "active": True,
        "must_change_password": True, "locked_until": None,
    }  # fmt: skip


def test_users_disable_and_enable(hall, capsys) -> None:
    run(capsys, "users", "add", "li", "--role", "clerk", "--password", "given pass 1")
    code, out, _ = run(capsys, "users", "disable", "li")
    assert code == 0 and "已停用" in out
    with pytest.raises(AuthenticationFailed):
        sign_in(hall, "li", "given pass 1", "C07")
    _, out, _ = run(capsys, "users", "list", "--json")
    assert {u["username"]: u for u in json.loads(out)}["li"]["active"] is False
    code, out, _ = run(capsys, "users", "enable", "li")
    assert code == 0 and "已启用" in out
    assert sign_in(hall, "li", "given pass 1", "C07")


def test_users_disable_refuses_oneself_and_unknown_names(hall_dir, capsys) -> None:
    code, _, err = run(capsys, "users", "disable", "root")  # the account acting
    assert code == 1 and "自己" in err
    code, _, err = run(capsys, "users", "disable", "nobody")
    assert code == 1 and "nobody" in err


def test_users_reset_password_gives_a_temporary_one_to_change(hall, capsys) -> None:
    run(capsys, "users", "add", "li", "--role", "clerk", "--password", "given pass 1")
    code, out, _ = run(capsys, "users", "reset-password", "li")
    assert code == 0 and "锁定已解除" in out
    temporary = re.search(r"临时密码：(\S+?)（", out).group(1)
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", temporary)
    with pytest.raises(AuthenticationFailed):
        sign_in(hall, "li", "given pass 1", "C07")
    assert must_change_password(hall, sign_in(hall, "li", temporary, "C07"))


# --- keys ----------------------------------------------------------------------------------


def test_keys_init_show_and_rotate(hall_dir, capsys, memory_keyring) -> None:
    code, out, _ = run(capsys, "keys", "show-public")
    assert code == 1 and "hall keys init" in out
    code, out, _ = run(capsys, "keys", "init")
    assert code == 0 and "系统密钥环" in out and "当前" in out
    assert len(memory_keyring.entries) == 1
    code, _, err = run(capsys, "keys", "init")
    assert code == 1 and "hall keys rotate" in err
    _, out, _ = run(capsys, "keys", "show-public", "--json")
    [first] = json.loads(out)
    assert first["current"] and first["algorithm"] == "ed25519"
    assert len(bytes.fromhex(first["public_key"])) == 32
    code, out, _ = run(capsys, "keys", "rotate", "--reason", "定期更换")
    assert code == 0 and "仍可核验" in out
    _, out, _ = run(capsys, "keys", "show-public", "--json")
    keys = json.loads(out)
    assert [k["current"] for k in keys] == [True, False]
    assert keys[1]["key_id"] == first["key_id"] and keys[1]["valid_until"]
    code, out, _ = run(capsys, "keys", "show-public")
    assert code == 0 and out.count("密钥 ") == 2 and first["public_key"] in out


def test_keys_init_without_a_keyring_uses_the_sealed_file(hall_dir, capsys, monkeypatch) -> None:
    monkeypatch.setenv("HALL_SECRETS_PASSPHRASE", "a long passphrase 2026")
    with installed(failing()):
        code, out, err = run(capsys, "keys", "init")
    assert code == 0, err
    assert "加密文件" in out and "secrets.enc" in out
    assert "加密的密钥文件" in err  # said, since it is not the OS keyring
    assert (hall_dir / "secrets.enc").exists()


def test_keys_init_without_a_keyring_or_passphrase_says_what_to_set(
    hall_dir, capsys, monkeypatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal
    with installed(failing()):
        code, _, err = run(capsys, "keys", "init")
    assert code == 1 and "HALL_SECRETS_PASSPHRASE" in err and "Traceback" not in err
    assert not (hall_dir / "secrets.enc").exists()
    _, out, _ = run(capsys, "keys", "show-public", "--json")
    assert json.loads(out) == []  # nothing half made


# --- verify, revoke, audit -----------------------------------------------------------------


@pytest.fixture
def keyed(hall, capsys, memory_keyring) -> AppContext:
    assert run(capsys, "keys", "init")[0] == 0
    return hall


def test_verify_a_valid_code_prints_its_facts(keyed, capsys) -> None:
    code, out, _ = run(capsys, "verify", signed_license(keyed))
    assert code == 0 and "真实有效" in out
    assert "许可证" in out and FACTS.number in out and FACTS.holder in out
    assert FACTS.holder_code in out and "长期" in out


def test_verify_a_changed_code_fails(keyed, capsys) -> None:
    text = signed_license(keyed)
    raw = bytearray(b45decode(text[4:]))
    raw[-1] ^= 1
    code, out, _ = run(capsys, "verify", "HL1:" + b45encode(bytes(raw)))
    assert code == 1 and "签名不符" in out
    assert "未经核验" in out and FACTS.number in out  # what it claims, said to be unproven
    _, out, _ = run(capsys, "verify", text)
    assert "未经核验" not in out
    code, out, _ = run(capsys, "verify", "not a code")
    assert code == 1 and "无法识别" in out


def test_verify_json_gives_the_verdict(keyed, capsys) -> None:
    code, out, _ = run(capsys, "verify", "--json", signed_license(keyed))
    data = json.loads(out)
    assert code == 0 and data["verdict"] == "valid" and data["valid"] is True
    assert data["facts"]["number"] == FACTS.number and data["key"]["current"] is True
    # What the code says is at the top too, for scripts.
    assert (data["kind"], data["number"], data["holder"]) == ("license", FACTS.number, FACTS.holder)
    code, out, _ = run(capsys, "verify", "--json", "HL1:ZZZ")
    data = json.loads(out)
    assert code == 1 and data["verdict"] == "malformed" and data["valid"] is False
    assert data["kind"] is None and data["number"] is None and data["holder"] is None


def test_verify_reads_a_scan_from_standard_input(keyed, capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(signed_license(keyed) + "\r\n"))
    code, out, _ = run(capsys, "verify", "-")
    assert code == 0 and "真实有效" in out


def test_a_revoked_document_verifies_as_revoked(keyed, capsys) -> None:
    text = signed_license(keyed)
    code, out, _ = run(
        capsys, "documents", "revoke", "license", FACTS.number, "--reason", "证照信息有误"
    )
    assert code == 0 and FACTS.number in out
    code, out, _ = run(capsys, "verify", text)
    assert code == 1 and "已撤销" in out and "证照信息有误" in out
    code, _, err = run(capsys, "documents", "revoke", "license", FACTS.number, "--reason", "再次")
    assert code == 1 and "已经撤销过" in err


def test_audit_verify_says_intact(hall_dir, capsys) -> None:
    run(capsys, "users", "add", "li", "--role", "clerk")
    code, out, _ = run(capsys, "audit", "verify")
    count = int(re.search(r"审计日志完整：(\d+)条记录", out).group(1))
    assert code == 0 and count >= 4  # two accounts made, a sign-in, the new account
    code, out, _ = run(capsys, "audit", "verify", "--json")
    assert code == 0 and json.loads(out) == {
        "intact": True, "entries": count, "chains": 1, "broken": None,  # reading adds nothing
    }  # fmt: skip


def test_audit_verify_names_the_changed_entry(hall_dir, capsys) -> None:
    for name in ("li", "wang", "zhao"):
        run(capsys, "users", "add", name, "--role", "clerk")
    with sqlite3.connect(hall_dir / "hall.sqlite3") as db:
        db.execute("DROP TRIGGER audit_entry_no_update")
        db.execute("UPDATE audit_entry SET actor = 'someone_else' WHERE seq = 2")
        entry_id = db.execute("SELECT id FROM audit_entry WHERE seq = 2").fetchone()[0]
    db.close()
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 1 and "第2条" in out and "someone_else" in out and "user.create" in out
    code, out, _ = run(capsys, "audit", "verify", "--json")
    broken = json.loads(out)["broken"]
    assert code == 1 and broken["seq"] == 2
    assert broken["id"].replace("-", "") == str(entry_id).replace("-", "")


def test_changing_commands_need_a_signed_in_account(hall_dir, capsys, monkeypatch) -> None:
    monkeypatch.delenv("HALL_USER")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # a script, not a terminal
    code, _, err = run(capsys, "users", "add", "mallory", "--role", "admin")
    assert code == 1 and "--user" in err
    code, _, err = run(capsys, "users", "add", "mallory", "--role", "admin", "--user", "root")
    assert code == 0, err
    monkeypatch.setenv("HALL_PASSWORD", "not the password 1")
    code, _, err = run(capsys, "users", "add", "eve", "--role", "admin", "--user", "root")
    assert code == 1 and "用户名或密码错误" in err
    monkeypatch.setenv("HALL_PASSWORD", "correct horse 1")
    code, _, err = run(capsys, "users", "add", "eve", "--role", "admin", "--user", "clerk01")
    assert code == 1 and "无权管理账号" in err
    monkeypatch.delenv("HALL_PASSWORD")
    code, _, err = run(
        capsys, "credit", "add", "91320305MA1N428243", "--reason", "x", "--user", "root"
    )
    assert code == 1 and "HALL_PASSWORD" in err


def test_own_password_is_changed_at_the_command_line(hall_dir, capsys, monkeypatch) -> None:
    monkeypatch.setenv("HALL_PASSWORD", "correct horse 1")
    monkeypatch.setenv("HALL_NEW_PASSWORD", "a new horse 22")
    code, out, err = run(capsys, "users", "passwd", "--user", "clerk01")
    assert code == 0 and "已修改" in out, err
    ctx = open_context(resolve_paths())
    try:
        assert sign_in(ctx, "clerk01", "a new horse 22", "C07").username == "clerk01"
    finally:
        ctx.close()


def test_demo_data_is_not_added_to_a_real_installation(hall_dir, capsys) -> None:
    code, out, _ = run(capsys, "init", "--demo")
    assert code == 0 and "未添加演示账号" in out
    _, out, _ = run(capsys, "users", "list", "--json")
    assert {u["username"] for u in json.loads(out)} == {"clerk01", "root"}


def test_the_server_password_goes_to_the_keyring_only(
    hall_dir, capsys, monkeypatch, memory_keyring
) -> None:
    monkeypatch.setenv("HALL_SERVER_PASSWORD", "pg secret 42")
    code, out, err = run(capsys, "settings", "server-password")
    assert code == 0 and "密码已保存" in out, err
    assert "pg secret 42" in memory_keyring.entries.values()
    for name in ("hall.sqlite3", "settings.json"):
        if (hall_dir / name).exists():
            assert b"pg secret 42" not in (hall_dir / name).read_bytes()


def test_audit_verify_runs_on_a_log_that_cannot_be_written(hall_dir, capsys) -> None:
    """An attacker deleted the head: checking must still work, and say so."""
    with sqlite3.connect(hall_dir / "hall.sqlite3") as db:
        db.execute("DROP TRIGGER audit_head_no_delete")
        db.execute("DELETE FROM audit_head")
    code, out, err = run(capsys, "audit", "verify")
    assert code == 1 and "链头记录被删除" in out, err
    code, _, err = run(capsys, "users", "add", "li", "--role", "clerk")  # writes: refused
    assert code == 1 and "链头记录缺失" in err


def test_a_lost_key_is_revoked_by_its_id(keyed, capsys) -> None:
    text = signed_license(keyed)
    key_id = json.loads(run(capsys, "keys", "show-public", "--json")[1])[0]["key_id"]
    code, out, err = run(capsys, "keys", "revoke", key_id, "--reason", "窗口电脑丢失")
    assert code == 0 and "已吊销" in out, err
    code, out, _ = run(capsys, "verify", text)
    assert code == 1 and "密钥已吊销" in out
    keys = json.loads(run(capsys, "keys", "show-public", "--json")[1])
    assert [k["current"] for k in keys] == [True, False] and keys[1]["revoked_at"]
    code, _, err = run(capsys, "keys", "revoke", "deadbeef", "--reason", "x")
    assert code == 1 and "deadbeef" in err
