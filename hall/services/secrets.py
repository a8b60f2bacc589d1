"""Where secrets live: the hall's signing key and the hall server's password.

In the OS keyring (``keyring``: Windows Credential Manager, macOS Keychain, the Secret
Service of a Linux desktop), never in the settings file or the database. Where no
keyring backend works (a headless machine), in ``secrets.enc`` in the data folder,
encrypted with AES-256-GCM under a key derived by scrypt from a passphrase the
administrator sets; the program says which store is in use.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import keyring
import keyring.errors
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from hall.core.errors import SecretsUnavailable, os_reason
from hall.core.i18n import _
from hall.core.paths import Paths

log = logging.getLogger(__name__)

SERVER_PASSWORD = "server-password"
MIN_PASSPHRASE = 10
SCRYPT_N = 2**15  # about 50 ms and 32 MB: slow to guess, quick enough to open once

#: Asked for the file store's passphrase; ``creating`` is True when the file is new (so
#: the passphrase should be asked twice and checked against the rules).
PassphraseProvider = Callable[[bool], str]


class SecretStore(Protocol):
    #: Where the secrets are, for the person reading a message.
    description: str

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...


# The demo hall's secrets file passphrase: published, like the demo accounts' password.
DEMO_PASSPHRASE = "hall-demo-2026"


def demo_passphrase(_creating: bool) -> str:
    return DEMO_PASSPHRASE


def keyring_usable() -> bool:
    """Whether the OS keyring can keep secrets here (not the fail or plain-text ones)."""
    from keyring.backends import chainer, fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return False
    # keyrings.alt's plain-text file is a keyring in name only.
    return not type(backend).__module__.startswith("keyrings.alt")


class KeyringStore:
    def __init__(self, service: str) -> None:
        self.service = service
        self.description = _("系统密钥环（{name}）").format(name=keyring.get_keyring().name)

    def _fail(self, exc: Exception) -> SecretsUnavailable:
        log.warning("keyring %s failed: %s", self.service, exc)
        return SecretsUnavailable(
            _("无法使用系统密钥环：{reason}").format(reason=str(exc) or type(exc).__name__)
        )

    def get(self, name: str) -> str | None:
        try:
            return keyring.get_password(self.service, name)
        except keyring.errors.KeyringError as exc:
            raise self._fail(exc) from exc

    def set(self, name: str, value: str) -> None:
        try:
            keyring.set_password(self.service, name, value)
        except keyring.errors.KeyringError as exc:
            raise self._fail(exc) from exc

    def delete(self, name: str) -> None:
        try:
            keyring.delete_password(self.service, name)
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as exc:
            raise self._fail(exc) from exc


class EncryptedFileStore:
    """Secrets in one file, sealed with AES-GCM under a key derived once from the
    passphrase. The file is read again for every question and rewritten whole, under a
    lock, for every change: two programs using it (the window and a command) never undo
    each other's secrets."""

    def __init__(self, path: Path, passphrase: str, *, creating: bool = False) -> None:
        self.path = path
        self.description = _("加密文件 {path}").format(path=path)
        self._lock_path = path.with_name(path.name + ".lock")
        if path.exists():
            sealed = self._sealed()
            self._salt, self._n = sealed.salt, sealed.n
            self._key = _derive(passphrase, self._salt, self._n)
            self._decrypt(sealed)  # a wrong passphrase is told now, not at the first use
        else:
            if len(passphrase) < MIN_PASSPHRASE:
                raise SecretsUnavailable(_("密钥文件的口令至少{n}位。").format(n=MIN_PASSPHRASE))
            self._salt, self._n = os.urandom(16), SCRYPT_N
            self._key = _derive(passphrase, self._salt, self._n)

    def _corrupt(self) -> SecretsUnavailable:
        return SecretsUnavailable(
            _(
                "密钥文件 {path} 已损坏，无法读取。请从备份恢复；没有备份时，"
                "把它移到别处，再由管理员运行“hall keys rotate --compromised”生成新密钥。"
            ).format(path=self.path)
        )

    def _sealed(self) -> _Sealed:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if raw.get("version") != 1 or raw.get("kdf") != "scrypt":
                raise ValueError("unknown format")
            sealed = _Sealed(
                base64.b64decode(raw["salt"]),
                int(raw.get("n", SCRYPT_N)),
                base64.b64decode(raw["nonce"]),
                base64.b64decode(raw["ciphertext"]),
            )
        except OSError as exc:
            raise SecretsUnavailable(
                _("无法读取密钥文件 {path}：{reason}").format(path=self.path, reason=os_reason(exc))
            ) from exc
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise self._corrupt() from exc
        if not 2**14 <= sealed.n <= 2**20:
            raise self._corrupt()
        return sealed

    def _decrypt(self, sealed: _Sealed) -> dict[str, str]:
        if sealed.salt != getattr(self, "_salt", sealed.salt):
            raise SecretsUnavailable(_("密钥文件已被另一个口令重新建立，请重新打开程序。"))
        try:
            plain = AESGCM(self._key).decrypt(sealed.nonce, sealed.ciphertext, _AAD)
        except InvalidTag:
            raise SecretsUnavailable(_("密钥文件的口令不正确，或文件已被改动。")) from None
        try:
            values = json.loads(plain.decode("utf-8"))
        except ValueError as exc:
            raise self._corrupt() from exc
        return {str(k): str(v) for k, v in values.items()}

    def _read(self) -> dict[str, str]:
        return self._decrypt(self._sealed()) if self.path.exists() else {}

    def get(self, name: str) -> str | None:
        return self._read().get(name)

    def set(self, name: str, value: str) -> None:
        with self._locked():
            self._write({**self._read(), name: value})

    def delete(self, name: str) -> None:
        with self._locked():
            values = self._read()
            if name in values:
                del values[name]
                self._write(values)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """An exclusive lock on a file beside the store (POSIX); elsewhere none is taken."""
        try:
            import fcntl
        except ImportError:  # Windows: the keyring is there, this store is the fallback
            yield
            return
        try:
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise SecretsUnavailable(
                _("无法使用密钥文件 {path}：{reason}").format(path=self.path, reason=os_reason(exc))
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _write(self, values: dict[str, str]) -> None:
        nonce = os.urandom(12)
        plain = json.dumps(values, ensure_ascii=False).encode("utf-8")
        sealed = {
            "version": 1,
            "kdf": "scrypt",
            "n": self._n,
            "salt": base64.b64encode(self._salt).decode("ascii"),
            "nonce": base64.b64encode(nonce).decode("ascii"),
            "ciphertext": base64.b64encode(AESGCM(self._key).encrypt(nonce, plain, _AAD)).decode(
                "ascii"
            ),
        }
        tmp = self.path.with_suffix(".tmp")
        try:
            # Made private from the start, not narrowed after being written (and not a
            # leftover of a killed program, which would keep its old mode).
            tmp.unlink(missing_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(sealed, handle)
                handle.flush()
                os.fsync(handle.fileno())
            tmp.replace(self.path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise SecretsUnavailable(
                _("无法写入密钥文件 {path}：{reason}。密钥未保存。").format(
                    path=self.path, reason=os_reason(exc)
                )
            ) from exc


_AAD = b"hall-secrets-v1"


@dataclass(frozen=True)
class _Sealed:
    salt: bytes
    n: int
    nonce: bytes
    ciphertext: bytes


def _derive(passphrase: str, salt: bytes, n: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=8, p=1).derive(passphrase.encode("utf-8"))


def secrets_file(paths: Paths) -> Path:
    return paths.data / "secrets.enc"


def keyring_service(paths: Paths) -> str:
    """One keyring entry per data folder, so two installations never share a key."""
    return f"hall:{paths.data}"


KEYRING, FILE = "keyring", "file"


def uses_file_store(paths: Paths, chosen: str = "") -> bool:
    """Whether this installation keeps its secrets in the encrypted file. The choice is
    made once (``Settings.secret_store``) and kept: a keyring that appears later, or one
    missing for a moment (a remote session without the desktop's services), must not
    send the program looking for its key in the other place."""
    if chosen in (KEYRING, FILE):
        return chosen == FILE
    return secrets_file(paths).exists() or not keyring_usable()


def open_store(
    paths: Paths, passphrase: PassphraseProvider | None, chosen: str = ""
) -> SecretStore:
    """The OS keyring, or the encrypted file (asking ``passphrase``): see
    :func:`uses_file_store`.

    Raises ``SecretsUnavailable`` when the keyring chosen earlier does not work now, when
    the file store is needed and no passphrase can be had, or the passphrase is wrong.
    """
    if not uses_file_store(paths, chosen):
        if not keyring_usable():
            raise SecretsUnavailable(
                _(
                    "本机的密钥保存在系统密钥环中，但现在无法使用系统密钥环"
                    "（例如通过远程终端登录、没有桌面会话）。请在本机的桌面会话中操作。"
                )
            )
        return KeyringStore(keyring_service(paths))
    path = secrets_file(paths)
    creating = not path.exists()
    log.warning("no usable OS keyring; secrets are kept in %s", path)
    if passphrase is None:
        raise SecretsUnavailable(
            _(
                "签名密钥保存在加密文件 {path} 中，需要管理员设置的口令：在窗口中用"
                "“文件 → 解锁密钥文件”（Ctrl+Shift+U）输入；在命令行中于终端输入，"
                "或设置环境变量 HALL_SECRETS_PASSPHRASE。"
            ).format(path=path)
        )
    return EncryptedFileStore(path, passphrase(creating), creating=creating)


def keyring_notice(paths: Paths, chosen: str = "") -> str | None:
    """What to tell at start when secrets are in the encrypted file, or None."""
    if not uses_file_store(paths, chosen):
        return None
    if keyring_usable():
        return _("签名密钥和服务器密码保存在由管理员口令加密的文件 {path} 中。").format(
            path=secrets_file(paths)
        )
    return _("本机没有可用的系统密钥环：签名密钥和服务器密码保存在由管理员口令加密的文件中。")
