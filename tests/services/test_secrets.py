"""Where secrets are kept: the OS keyring, else a passphrase-sealed file; never in the
settings or the database."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest
from keyring.backends import chainer
from sqlalchemy import select

from hall.core.errors import SecretsUnavailable, ValidationError
from hall.models import AuditEntry
from hall.services.secrets import (
    SERVER_PASSWORD,
    EncryptedFileStore,
    KeyringStore,
    keyring_notice,
    keyring_service,
    keyring_usable,
    open_store,
    secrets_file,
)
from hall.services.settings_admin import server_password, store_server_password
from hall.services.signing import current_key, init_keys

from ..conftest import make_paths
from ..keyrings import MemoryKeyring, failing, installed

PASSPHRASE = "a long passphrase 2026"
SECRET = "9f2c41d0e8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1"


def test_the_keyring_store_keeps_gets_and_forgets(memory_keyring) -> None:
    store = KeyringStore("hall:/srv/hall")
    assert store.get("signing-key-1") is None
    store.set("signing-key-1", SECRET)
    assert store.get("signing-key-1") == SECRET
    assert memory_keyring.entries == {("hall:/srv/hall", "signing-key-1"): SECRET}
    store.delete("signing-key-1")
    store.delete("signing-key-1")  # already gone: nothing to do
    assert store.get("signing-key-1") is None
    assert "系统密钥环" in store.description


def test_a_failing_keyring_is_reported_not_raised_raw(no_keyring) -> None:
    with pytest.raises(SecretsUnavailable, match="无法使用系统密钥环"):
        KeyringStore("hall:x").get("a")
    with pytest.raises(SecretsUnavailable, match="无法使用系统密钥环"):
        KeyringStore("hall:x").set("a", "b")


def test_which_keyrings_count_as_usable(memory_keyring, tmp_path) -> None:
    assert keyring_usable() and keyring_notice(make_paths(tmp_path)) is None
    empty_chain = type("EmptyChainer", (chainer.ChainerBackend,), {"backends": []})
    with installed(empty_chain()):
        assert not keyring_usable()
    plain_file = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})
    with installed(plain_file()):
        assert not keyring_usable()


def test_no_keyring_is_not_usable_and_is_told(no_keyring, tmp_path) -> None:
    assert not keyring_usable()
    assert "没有可用的系统密钥环" in (keyring_notice(make_paths(tmp_path)) or "")


def test_once_the_sealed_file_exists_it_stays_the_store(tmp_path) -> None:
    """A keyring that appears later (a desktop session) must not hide the key in the file."""
    paths = make_paths(tmp_path)
    with installed(failing()):
        store = open_store(paths, lambda creating: "a long passphrase 2026")
        store.set("signing-key-x", "secret")
    with installed(MemoryKeyring()):
        again = open_store(paths, lambda creating: "a long passphrase 2026")
        assert isinstance(again, EncryptedFileStore) and again.get("signing-key-x") == "secret"
        assert "加密的文件" in (keyring_notice(paths) or "")


def test_two_programs_on_one_sealed_file_keep_each_others_secrets(tmp_path) -> None:
    path = tmp_path / "secrets.enc"
    window = EncryptedFileStore(path, "a long passphrase 2026", creating=True)
    window.set("server-password", "s1")
    command = EncryptedFileStore(path, "a long passphrase 2026")
    command.set("signing-key-new", "k2")
    window.set("server-password", "s2")  # the window was opened before the command wrote
    fresh = EncryptedFileStore(path, "a long passphrase 2026")
    assert fresh.get("signing-key-new") == "k2" and fresh.get("server-password") == "s2"


def test_each_data_folder_has_its_own_keyring_entry(tmp_path, memory_keyring) -> None:
    one, two = make_paths(tmp_path / "one"), make_paths(tmp_path / "two")
    assert keyring_service(one) != keyring_service(two)
    store = open_store(one, None)  # a keyring needs no passphrase
    assert isinstance(store, KeyringStore) and store.service == keyring_service(one)


def test_without_a_keyring_the_sealed_file_is_used(tmp_path, no_keyring) -> None:
    paths = make_paths(tmp_path)
    asked: list[bool] = []

    def passphrase(creating: bool) -> str:
        asked.append(creating)
        return PASSPHRASE

    store = open_store(paths, passphrase)
    assert isinstance(store, EncryptedFileStore) and store.path == secrets_file(paths)
    assert str(secrets_file(paths)) in store.description
    store.set("signing-key-1", SECRET)
    again = open_store(paths, passphrase)
    assert again.get("signing-key-1") == SECRET
    assert asked == [True, False]  # asked twice (and checked) only when making the file


def test_without_a_keyring_or_a_passphrase_the_message_says_what_to_set(
    tmp_path, no_keyring
) -> None:
    with pytest.raises(SecretsUnavailable, match="HALL_SECRETS_PASSPHRASE"):
        open_store(make_paths(tmp_path), None)


def test_the_sealed_file_keeps_secrets_across_reopening(tmp_path) -> None:
    path = tmp_path / "secrets.enc"
    store = EncryptedFileStore(path, PASSPHRASE, creating=True)
    assert not path.exists()  # nothing written until there is something to keep
    store.set("signing-key-1", SECRET)
    store.set(SERVER_PASSWORD, "服务器密码-1")
    store.delete("nothing-by-this-name")
    reopened = EncryptedFileStore(path, PASSPHRASE)
    assert reopened.get("signing-key-1") == SECRET
    assert reopened.get(SERVER_PASSWORD) == "服务器密码-1"
    reopened.delete("signing-key-1")
    assert EncryptedFileStore(path, PASSPHRASE).get("signing-key-1") is None


def test_a_wrong_passphrase_is_told_plainly(tmp_path) -> None:
    path = tmp_path / "secrets.enc"
    EncryptedFileStore(path, PASSPHRASE, creating=True).set("k", SECRET)
    with pytest.raises(SecretsUnavailable, match="口令不正确"):
        EncryptedFileStore(path, PASSPHRASE + "x")


def _sealed(path: Path) -> dict[str, object]:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "damage",
    [
        lambda sealed: "not json at all",
        lambda sealed: "[1, 2, 3]",
        lambda sealed: json.dumps({"version": 1, "kdf": "scrypt"}),
        lambda sealed: json.dumps({**sealed, "salt": "***not base64***"}),
        lambda sealed: json.dumps({**sealed, "version": 2}),
        lambda sealed: json.dumps({**sealed, "kdf": "pbkdf2"}),
        lambda sealed: "",
    ],
)
def test_a_corrupt_file_is_told_as_corrupt(tmp_path, damage) -> None:
    path = tmp_path / "secrets.enc"
    EncryptedFileStore(path, PASSPHRASE, creating=True).set("k", SECRET)
    path.write_text(damage(_sealed(path)), encoding="utf-8")
    with pytest.raises(SecretsUnavailable, match="已损坏") as info:
        EncryptedFileStore(path, PASSPHRASE)
    assert str(path) in str(info.value)


def test_a_changed_ciphertext_does_not_open(tmp_path) -> None:
    path = tmp_path / "secrets.enc"
    EncryptedFileStore(path, PASSPHRASE, creating=True).set("k", SECRET)
    sealed = _sealed(path)
    raw = bytearray(base64.b64decode(str(sealed["ciphertext"])))
    raw[0] ^= 1
    sealed["ciphertext"] = base64.b64encode(bytes(raw)).decode("ascii")
    path.write_text(json.dumps(sealed), encoding="utf-8")
    with pytest.raises(SecretsUnavailable):
        EncryptedFileStore(path, PASSPHRASE)


def test_a_short_passphrase_is_refused_for_a_new_file(tmp_path) -> None:
    path = tmp_path / "secrets.enc"
    with pytest.raises(SecretsUnavailable, match="至少10位"):
        EncryptedFileStore(path, "short1234", creating=True)
    assert not path.exists()


def test_the_file_does_not_hold_the_secret_in_clear(tmp_path) -> None:
    path = tmp_path / "secrets.enc"
    EncryptedFileStore(path, PASSPHRASE, creating=True).set("signing-key-1", SECRET)
    data = path.read_bytes()
    for form in (SECRET.encode(), bytes.fromhex(SECRET), base64.b64encode(SECRET.encode())):
        assert form not in data
    assert PASSPHRASE.encode() not in data and b"signing-key-1" not in data
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_file_is_readable_by_its_owner_only(tmp_path) -> None:
    path = tmp_path / "secrets.enc"
    store = EncryptedFileStore(path, PASSPHRASE, creating=True)
    store.set("k", SECRET)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    store.set("k2", SECRET)  # every write replaces the file: still private
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def _files_under(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_no_secret_reaches_the_settings_or_the_database(ctx, operator, memory_keyring) -> None:
    ctx.save_settings()
    init_keys(ctx, operator)
    store_server_password(ctx, operator, "server-Pass-8731")
    key = current_key(ctx)
    private = memory_keyring.entries[(keyring_service(ctx.paths), f"signing-key-{key.key_id}")]
    files = _files_under(ctx.paths.data)
    assert ctx.paths.database in files and ctx.paths.settings_file in files
    for path, data in files.items():
        for form in (private.encode(), bytes.fromhex(private), b"server-Pass-8731"):
            assert form not in data, f"a secret is in {path.name}"  # the WAL too
    ctx.engine.dispose()  # the last connection closed: the WAL is written into the file
    database = _files_under(ctx.paths.data)[ctx.paths.database]
    assert key.public_key.encode() in database  # the public half is


def test_with_the_sealed_file_the_key_goes_there_and_nowhere_else(
    ctx, operator, no_keyring
) -> None:
    ctx.passphrase = lambda creating: PASSPHRASE
    init_keys(ctx, operator)
    key = current_key(ctx)
    private = EncryptedFileStore(secrets_file(ctx.paths), PASSPHRASE).get(
        f"signing-key-{key.key_id}"
    )
    assert private is not None and len(bytes.fromhex(private)) == 32
    for path, data in _files_under(ctx.paths.data).items():
        assert private.encode() not in data and bytes.fromhex(private) not in data, path.name


def test_the_server_password_goes_to_the_store(ctx, operator, memory_keyring) -> None:
    store_server_password(ctx, operator, "server-Pass-8731")
    assert memory_keyring.entries[(keyring_service(ctx.paths), SERVER_PASSWORD)] == (
        "server-Pass-8731"
    )
    assert server_password(ctx) == "server-Pass-8731"
    with ctx.uow() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "settings.server_password"))
    assert entry is not None and "server-Pass-8731" not in json.dumps(entry.after)
    assert not ctx.paths.settings_file.exists() or b"server-Pass" not in (
        ctx.paths.settings_file.read_bytes()
    )


def test_an_empty_server_password_is_refused(ctx, operator, memory_keyring) -> None:
    with pytest.raises(ValidationError):
        store_server_password(ctx, operator, "")
    assert memory_keyring.entries == {}


def test_the_store_chosen_first_is_kept_in_the_settings(ctx, memory_keyring) -> None:
    from hall.core.settings import load_settings

    ctx.secrets().set("k", "v")
    assert load_settings(ctx.paths.settings_file).secret_store == "keyring"
    ctx._secrets = None  # a later start, over a remote session without the desktop keyring
    with installed(failing()), pytest.raises(SecretsUnavailable, match="桌面会话"):
        ctx.secrets()
    assert not secrets_file(ctx.paths).exists()  # no file made to hide the key from later


def test_the_window_cannot_unlock_a_key_file_that_does_not_exist(ctx, no_keyring) -> None:
    with pytest.raises(SecretsUnavailable, match="还没有密钥文件"):
        ctx.unlock_secrets("a long passphrase 2026")
    assert not ctx.secrets_open
