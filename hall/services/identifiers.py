"""Unified social credit codes, resident ID numbers and mobile numbers.

Input typed with a Chinese input method arrives fullwidth, in lower case or wrapped in
spaces; it is normalised (NFKC, upper case, no separators), not refused. Every refusal
is an :class:`InvalidIdentifier` whose message tells the clerk what is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

from hall.core.errors import InvalidIdentifier
from hall.core.i18n import _
from hall.models.enums import ApplicantKind

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 32100-2015 table 1: registration-management departments. python-stdnum accepts
# only the digits; A (编办), N (农业) and Y (其他) are valid too.
USCC_DEPARTMENTS = frozenset("123456789ANY")
_SEPARATORS = re.compile(r"[\s\-_]+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_PHONE = re.compile(r"^(0\d{2,3})?\d{7,8}$")


def normalize(raw: str) -> str:
    """Fullwidth to ASCII, upper case, spaces and dashes removed."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)).upper()


def validate_uscc(raw: str) -> str:
    """Return the normalised unified social credit code, or raise ``InvalidIdentifier``."""
    code = normalize(raw)
    if not code:
        raise InvalidIdentifier(_("请填写统一社会信用代码。"), field="uscc")
    if len(code) != 18:
        raise InvalidIdentifier(
            _("统一社会信用代码应为18位，现为{n}位。").format(n=len(code)), field="uscc"
        )
    for position, char in enumerate(code, start=1):
        if char not in USCC_ALPHABET:
            raise InvalidIdentifier(
                _(
                    "统一社会信用代码第{pos}位“{char}”不是允许的字符（不使用 I、O、S、V、Z）。"
                ).format(pos=position, char=char),
                field="uscc",
            )
    if code[0] not in USCC_DEPARTMENTS:
        raise InvalidIdentifier(
            _("统一社会信用代码第1位“{char}”不是登记管理部门代码。").format(char=code[0]),
            field="uscc",
        )
    if not code[2:8].isdigit():
        raise InvalidIdentifier(
            _("统一社会信用代码第3至8位应为行政区划代码（6位数字）。"), field="uscc"
        )
    expected = uscc.calc_check_digit(code[:17])
    if code[0].isdigit():
        # stdnum covers the common case; its checks stay authoritative where it applies.
        try:
            uscc.validate(code)
        except stdnum_errors.InvalidChecksum:
            raise _uscc_checksum_error(code, expected) from None
        except stdnum_errors.ValidationError as exc:
            raise InvalidIdentifier(_("统一社会信用代码格式不正确。"), field="uscc") from exc
    elif code[17] != expected:
        raise _uscc_checksum_error(code, expected)
    return code


def _uscc_checksum_error(code: str, expected: str) -> InvalidIdentifier:
    return InvalidIdentifier(
        _(
            "统一社会信用代码校验位不符：第18位应为“{expected}”，输入的是“{got}”。请核对是否输错。"
        ).format(expected=expected, got=code[17]),
        field="uscc",
    )


def validate_resident_id(raw: str, *, today: date) -> str:
    """Return the normalised 18-digit resident ID number, or raise ``InvalidIdentifier``.

    Checks the length, the ISO 7064 check character, that the birth date is a real date
    not in the future, and that the region code is known.
    """
    number = normalize(raw)
    if not number:
        raise InvalidIdentifier(_("请填写身份证号码。"), field="id_number")
    if len(number) != 18:
        raise InvalidIdentifier(
            _("身份证号码应为18位，现为{n}位。").format(n=len(number)), field="id_number"
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise InvalidIdentifier(
            _("身份证号码前17位应为数字，第18位为数字或 X。"), field="id_number"
        )
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        raise InvalidIdentifier(
            _(
                "身份证号码校验位不符：第18位应为“{expected}”，输入的是“{got}”。请核对是否输错。"
            ).format(expected=expected, got=number[17]),
            field="id_number",
        )
    try:
        born = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise InvalidIdentifier(
            _("身份证号码中的出生日期“{digits}”不是有效日期。").format(digits=number[6:14]),
            field="id_number",
        ) from None
    if born > today:
        raise InvalidIdentifier(
            _("身份证号码中的出生日期 {born} 晚于今天。").format(born=born.isoformat()),
            field="id_number",
        )
    if not region_known(number[:6]):
        raise InvalidIdentifier(
            _("身份证号码前6位“{region}”不是有效的行政区划代码。").format(region=number[:6]),
            field="id_number",
        )
    return number


def region_known(region: str) -> bool:
    """Whether a 6-digit administrative division code has ever been assigned.

    ``stdnum.cn.ric.get_birth_place`` also requires the code to have existed in the
    birth year, which refuses everyone born before the code's table starts (1983 for
    most counties), though the code is assigned when the ID is issued, not at birth.
    """
    from stdnum import numdb

    results = numdb.get("cn/loc").info(region)
    return any("county" in props for _part, props in results)


def validate_mobile(raw: str) -> str:
    """An 11-digit mainland mobile number; ``+86`` and separators are dropped."""
    number = normalize(raw).removeprefix("+86").removeprefix("0086")
    if not _MOBILE.match(number):
        raise InvalidIdentifier(
            _("手机号码“{raw}”无效：应为以1开头的11位数字。").format(raw=raw.strip()),
            field="mobile",
        )
    return number


def validate_phone(raw: str) -> str:
    """A mobile number or a fixed line with an optional area code."""
    number = normalize(raw)
    if _MOBILE.match(number.removeprefix("+86")):
        return number.removeprefix("+86")
    if not _PHONE.match(number):
        raise InvalidIdentifier(
            _("电话号码“{raw}”无效：请填写手机号码或带区号的固定电话。").format(raw=raw.strip()),
            field="phone",
        )
    return number


@dataclass(frozen=True)
class ApplicantCode:
    code: str
    kind: ApplicantKind


def parse_applicant_code(raw: str, *, today: date) -> ApplicantCode:
    """Tell a credit code from an ID number and validate it.

    Both are 18 characters; an ID number is 17 digits and a digit or X, a credit code
    starts with its department character. Where both readings are possible, the one whose
    check character matches wins; the error names the kind the input most looks like.
    """
    code = normalize(raw)
    if not code:
        raise InvalidIdentifier(_("请填写统一社会信用代码或身份证号码。"), field="applicant")
    if len(code) != 18 and code.rstrip("X").isdigit() and len(code) in (15, 16, 17, 19):
        # Digits only: an ID number typed short or long, not a credit code.
        if len(code) == 15:
            raise InvalidIdentifier(
                _("这是15位的旧身份证号码，请改用18位的新号码。"), field="applicant"
            )
        return ApplicantCode(validate_resident_id(code, today=today), ApplicantKind.person)
    looks_like_id = len(code) == 18 and code[:17].isdigit() and code[6:8] in {"18", "19", "20"}
    if looks_like_id:
        try:
            return ApplicantCode(validate_resident_id(code, today=today), ApplicantKind.person)
        except InvalidIdentifier as id_error:
            try:
                return ApplicantCode(validate_uscc(code), ApplicantKind.enterprise)
            except InvalidIdentifier:
                raise id_error from None
    return ApplicantCode(validate_uscc(code), ApplicantKind.enterprise)
