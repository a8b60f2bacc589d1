"""Where secrets live: the hall's signing key and the hall server's password.

In the OS keyring (``keyring``: Windows Credential Manager, macOS Keychain, the Secret
Service of a Linux desktop), never in the settings file or the database. Where no
keyring backend works (a headless machine), in ``secrets.enc`` in the data folder,
encrypted with AES-256-GCM under a key derived by scrypt from a passphrase the
administrator sets; the program says which store is in use.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from collections.abc import Callable
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
    """Secrets in one file, sealed with AES-GCM; every write replaces the file whole."""

    def __init__(self, path: Path, passphrase: str, *, creating: bool = False) -> None:
        self.path = path
        self.description = _("加密文件 {path}").format(path=path)
        self._key: bytes
        self._salt: bytes
        self._n: int
        self._values: dict[str, str] = {}
        if path.exists():
            self._open(passphrase)
        else:
            if len(passphrase) < MIN_PASSPHRASE:
                raise SecretsUnavailable(_("密钥文件的口令至少{n}位。").format(n=MIN_PASSPHRASE))
            self._salt = os.urandom(16)
            self._n = SCRYPT_N
            self._key = _derive(passphrase, self._salt, self._n)

    def _open(self, passphrase: str) -> None:
        try:
            sealed = json.loads(self.path.read_text(encoding="utf-8"))
            self._salt = base64.b64decode(sealed["salt"])
            nonce = base64.b64decode(sealed["nonce"])
            ciphertext = base64.b64decode(sealed["ciphertext"])
            self._n = int(sealed.get("n", SCRYPT_N))
            if not 2**14 <= self._n <= 2**20:
                raise ValueError("scrypt cost out of range")
            if sealed.get("version") != 1 or sealed.get("kdf") != "scrypt":
                raise ValueError("unknown format")
        except OSError as exc:
            raise SecretsUnavailable(
                _("无法读取密钥文件 {path}：{reason}").format(path=self.path, reason=os_reason(exc))
            ) from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise SecretsUnavailable(
                _("密钥文件 {path} 已损坏，无法读取。请从备份恢复，或重新生成密钥。").format(
                    path=self.path
                )
            ) from exc
        self._key = _derive(passphrase, self._salt, self._n)
        try:
            plain = AESGCM(self._key).decrypt(nonce, ciphertext, b"hall-secrets-v1")
        except InvalidTag:
            raise SecretsUnavailable(_("密钥文件的口令不正确，或文件已被改动。")) from None
        values = json.loads(plain.decode("utf-8"))
        self._values = {str(k): str(v) for k, v in values.items()}

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def set(self, name: str, value: str) -> None:
        self._write({**self._values, name: value})

    def delete(self, name: str) -> None:
        if name in self._values:
            self._write({k: v for k, v in self._values.items() if k != name})

    def _write(self, values: dict[str, str]) -> None:
        nonce = os.urandom(12)
        plain = json.dumps(values, ensure_ascii=False).encode("utf-8")
        sealed = {
            "version": 1,
            "kdf": "scrypt",
            "n": self._n,
            "salt": base64.b64encode(self._salt).decode("ascii"),
            "nonce": base64.b64encode(nonce).decode("ascii"),
            "ciphertext": base64.b64encode(
                AESGCM(self._key).encrypt(nonce, plain, b"hall-secrets-v1")
            ).decode("ascii"),
        }
        tmp = self.path.with_suffix(".tmp")
        try:
            with tmp.open("w", encoding="utf-8") as handle:
                json.dump(sealed, handle)
                handle.flush()
                os.fsync(handle.fileno())
            if os.name == "posix":
                tmp.chmod(0o600)
            tmp.replace(self.path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise SecretsUnavailable(
                _("无法写入密钥文件 {path}：{reason}。密钥未保存。").format(
                    path=self.path, reason=os_reason(exc)
                )
            ) from exc
        self._values = values


def _derive(passphrase: str, salt: bytes, n: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=8, p=1).derive(passphrase.encode("utf-8"))


def secrets_file(paths: Paths) -> Path:
    return paths.data / "secrets.enc"


def keyring_service(paths: Paths) -> str:
    """One keyring entry per data folder, so two installations never share a key."""
    return f"hall:{paths.data}"


def open_store(paths: Paths, passphrase: PassphraseProvider | None) -> SecretStore:
    """The keyring where it works, else the encrypted file (asking ``passphrase``).

    Raises ``SecretsUnavailable`` when the file store is needed and no passphrase can be
    had, or the passphrase is wrong.
    """
    if keyring_usable():
        return KeyringStore(keyring_service(paths))
    path = secrets_file(paths)
    creating = not path.exists()
    log.warning("no usable OS keyring; secrets are kept in %s", path)
    if passphrase is None:
        raise SecretsUnavailable(
            _(
                "本机没有可用的系统密钥环，密钥保存在加密文件 {path} 中，需要管理员设置的口令。"
                "请设置环境变量 HALL_SECRETS_PASSPHRASE，或在终端中运行以输入口令。"
            ).format(path=path)
        )
    return EncryptedFileStore(path, passphrase(creating), creating=creating)


def keyring_notice() -> str | None:
    """What to tell at start when secrets cannot go into the OS keyring, or None."""
    if keyring_usable():
        return None
    return _("本机没有可用的系统密钥环：签名密钥和服务器密码保存在由管理员口令加密的文件中。")
