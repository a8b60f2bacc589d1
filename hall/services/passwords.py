"""Password rules and hashing. Hashes are argon2id (argon2-cffi's defaults); a hash made
with weaker parameters is replaced at the next successful sign-in."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hall.core.errors import ValidationError
from hall.core.i18n import _

MIN_LENGTH = 8
MAX_LENGTH = 128

# The passwords tried first by anyone guessing (and the demo's own): refused outright.
COMMON = frozenset(
    {
        "12345678", "123456789", "1234567890", "87654321", "11111111", "88888888",
        "00000000", "66666666", "password", "password1", "passw0rd", "qwertyui",
        "qwerty123", "abc12345", "abcd1234", "a1234567", "admin123", "admin888",
        "root1234", "iloveyou", "woaini520", "woaini1314", "1qaz2wsx", "qazwsxedc",
        "hall-demo-2026",
    }
)  # fmt: skip

_hasher = PasswordHasher()


def check_rules(password: str, username: str = "", *, allow_demo: bool = False) -> None:
    """Raise ``ValidationError`` saying what is wrong with ``password``, if anything.

    Rules: 8 to 128 characters; at least two of letters, digits and other characters;
    not the user name (or containing it); not one of the commonest passwords.
    """
    if len(password) < MIN_LENGTH:
        raise ValidationError(_("密码至少{n}位。").format(n=MIN_LENGTH), field="password")
    if len(password) > MAX_LENGTH:
        raise ValidationError(_("密码最多{n}位。").format(n=MAX_LENGTH), field="password")
    kinds = (
        any(ch.isalpha() for ch in password),
        any(ch.isdigit() for ch in password),
        any(not ch.isalnum() for ch in password),
    )
    if sum(kinds) < 2:
        raise ValidationError(_("密码须包含字母、数字、符号中的至少两类。"), field="password")
    lowered = password.lower()
    if username and username.lower() in lowered:
        raise ValidationError(_("密码不能包含用户名。"), field="password")
    if lowered in COMMON and not (allow_demo and lowered == "hall-demo-2026"):
        raise ValidationError(_("这个密码太常见，很容易被猜到，请换一个。"), field="password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def waste_time(password: str) -> None:
    """Spend what a real check costs, so a missing account cannot be told by the time."""
    _hasher.hash(password)
