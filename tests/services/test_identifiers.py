from datetime import date

import pytest
from stdnum.cn import ric, uscc

from hall.core.errors import InvalidIdentifier
from hall.models.enums import ApplicantKind
from hall.services.identifiers import (
    parse_applicant_code,
    validate_mobile,
    validate_resident_id,
    validate_uscc,
)

GOOD_USCC = "91320305MA1N428243"
TODAY = date(2026, 11, 23)


def with_check(body: str) -> str:
    return body + uscc.calc_check_digit(body)


def test_valid_credit_code_passes() -> None:
    assert validate_uscc(GOOD_USCC) == GOOD_USCC


def test_lowercase_fullwidth_and_spaces_are_normalised() -> None:
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in GOOD_USCC.lower())
    assert validate_uscc(f"  {fullwidth}　") == GOOD_USCC
    assert validate_uscc("9132 0305-ma1n 428243") == GOOD_USCC


def test_wrong_check_character_names_the_expected_one() -> None:
    wrong = GOOD_USCC[:-1] + ("4" if GOOD_USCC[-1] != "4" else "5")
    with pytest.raises(InvalidIdentifier) as info:
        validate_uscc(wrong)
    assert "第18位应为“3”" in str(info.value)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("91320305MA1N42824", "应为18位"),
        ("91320305MA1N4282O3", "第17位“O”"),
        ("B1320305MA1N428243", "第1位“B”"),
        ("9132X305MA1N428243", "行政区划"),
        ("", "请填写"),
    ],
)
def test_malformed_credit_codes_say_what_is_wrong(raw: str, fragment: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        validate_uscc(raw)
    assert fragment in str(info.value)


@pytest.mark.parametrize("department", ["A", "N", "Y"])
def test_letter_registration_departments_are_valid_though_stdnum_refuses(department: str) -> None:
    code = with_check(f"{department}2320305MFJFX9MK1")
    assert not uscc.is_valid(code)  # the library's known gap
    assert validate_uscc(code) == code
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(InvalidIdentifier):
        validate_uscc(wrong)


def test_resident_id_valid_and_x_check_character() -> None:
    assert validate_resident_id("11010119981030016x", today=TODAY) == "11010119981030016X"


def test_resident_id_of_someone_born_before_their_region_code_existed() -> None:
    # 320305 (贾汪区) in stdnum's table starts in 1983; people born earlier carry it too.
    number = "32030519711203530X"
    assert not ric.is_valid(number)  # the library's other gap
    assert validate_resident_id(number, today=TODAY) == number


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("110101199002300018", "出生日期"),  # 30 February
        ("990101199003074479", "行政区划"),
        ("110101199003074478", "校验位"),
        ("11010119900307447", "应为18位"),
    ],
)
def test_bad_id_numbers_say_what_is_wrong(raw: str, fragment: str) -> None:
    body = raw[:17]
    if fragment != "校验位" and len(raw) == 18:
        raw = body + ric.calc_check_digit(body + "0")
    with pytest.raises(InvalidIdentifier) as info:
        validate_resident_id(raw, today=TODAY)
    assert fragment in str(info.value)


def test_id_number_born_in_the_future_is_refused() -> None:
    body = "11010120301201001"
    with pytest.raises(InvalidIdentifier, match="晚于今天"):
        validate_resident_id(body + ric.calc_check_digit(body + "0"), today=date(2026, 11, 23))


def test_applicant_code_tells_enterprise_from_person() -> None:
    assert parse_applicant_code(GOOD_USCC, today=TODAY).kind is ApplicantKind.enterprise
    assert parse_applicant_code("32030519711203530X", today=TODAY).kind is ApplicantKind.person
    with pytest.raises(InvalidIdentifier, match="身份证号码校验位"):
        parse_applicant_code("320305197112035301", today=TODAY)


@pytest.mark.parametrize("raw", ["138 0013 8000", "+86 13800138000", "１３８００１３８０００"])
def test_mobile_numbers_are_normalised(raw: str) -> None:
    assert validate_mobile(raw) == "13800138000"


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "abc"])
def test_bad_mobile_numbers_are_refused(raw: str) -> None:
    with pytest.raises(InvalidIdentifier, match="手机号码"):
        validate_mobile(raw)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [("110101900307447", "15位的旧身份证"), ("11010119900307447", "身份证号码应为18位")],
)
def test_short_id_numbers_are_named_as_id_numbers(raw: str, fragment: str) -> None:
    with pytest.raises(InvalidIdentifier, match=fragment):
        parse_applicant_code(raw, today=TODAY)


def test_an_id_number_of_someone_born_in_the_1800s_reads_as_an_id() -> None:
    body = "11010118991231001"
    with pytest.raises(InvalidIdentifier, match="身份证号码"):
        parse_applicant_code(
            body + ("0" if ric.calc_check_digit(body + "0") != "0" else "1"), today=TODAY
        )
