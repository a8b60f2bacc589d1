"""Identity and phone numbers are masked unless the screen needs them and the role may
see them; enterprises' credit codes are public and never masked."""

from __future__ import annotations

import pytest

from hall.models.enums import Role
from hall.services.audit import Actor
from hall.services.masking import (
    is_resident_id,
    mask_applicant_code,
    mask_id_number,
    mask_phone,
    shown_code,
    shown_phone,
)

PERSON = "32030519711203530X"
ENTERPRISE = "91320305MA1N428243"


def someone(role: Role) -> Actor:
    return Actor(f"{role.value}01", role, "C01", departments=("SAMR",))


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("110101199003071234", "110101********1234"),
        (PERSON, "320305********530X"),
        ("110101900307123", "110101*****7123"),  # the old 15-digit card
        ("123456789", "*********"),  # too short to keep anything
        ("", ""),
    ],
)
def test_id_numbers_keep_region_and_last_four(number, masked) -> None:
    assert mask_id_number(number) == masked
    assert len(mask_id_number(number)) == len(number)


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0516-87654321", "0516-****4321"),
        ("010-1234567", "010-****567"),  # at least four digits hidden
        ("87654321", "****4321"),
        ("12345", "****5"),
        ("1234", "****"),
    ],
)
def test_phone_numbers_are_masked_mobile_and_landline(phone, masked) -> None:
    assert mask_phone(phone) == masked


def test_a_mobile_number_never_shows_its_middle_four() -> None:
    assert "1234" not in mask_phone("13812345678")


def test_credit_codes_are_left_as_they_are_and_id_numbers_masked() -> None:
    assert mask_applicant_code(ENTERPRISE) == ENTERPRISE
    assert mask_applicant_code(PERSON) == "320305********530X"
    assert is_resident_id(PERSON) and not is_resident_id(ENTERPRISE)
    # As typed: lower-case x, full-width digits, spaces; and the old 15-digit numbers.
    assert mask_applicant_code("32030519711203530x") == "320305********530X"
    assert mask_applicant_code("３２０３０５１９７１１２０３５３０X") == "320305********530X"
    assert mask_applicant_code("3203 0519 7112 0353 0X") == "320305********530X"
    assert mask_applicant_code("320305711203530") == "320305*****3530"


@pytest.mark.parametrize("role", [Role.clerk, Role.guide, Role.reviewer, Role.supervisor])
def test_the_full_number_only_where_needed_and_to_roles_that_may_see_it(role) -> None:
    who = someone(role)
    assert shown_code(who, PERSON, full_needed=True) == PERSON
    assert shown_code(who, PERSON) == "320305********530X"
    assert shown_phone(who, "13812345678", full_needed=True) == "13812345678"
    assert shown_phone(who, "13812345678") == "138****5678"


def test_the_administrator_sees_masked_numbers_even_where_they_are_needed() -> None:
    admin = someone(Role.admin)
    assert shown_code(admin, PERSON, full_needed=True) == "320305********530X"
    assert shown_phone(admin, "13812345678", full_needed=True) == "138****5678"
    assert shown_code(admin, ENTERPRISE, full_needed=True) == ENTERPRISE


def test_the_operator_acts_as_administrator_and_sees_masked_numbers(operator) -> None:
    assert shown_code(operator, PERSON, full_needed=True) == "320305********530X"


def test_no_phone_shows_as_nothing() -> None:
    assert shown_phone(someone(Role.clerk), None, full_needed=True) == ""
    assert shown_phone(someone(Role.clerk), "") == ""


def test_id_numbers_with_any_separators_are_masked() -> None:
    assert mask_applicant_code("110105.19491231.002X") == "110105********002X"
    assert mask_applicant_code("110105_19491231_002x") == "110105********002X"
    assert mask_applicant_code("110105—19491231—002X") == "110105********002X"
