"""Data verification from what the hall holds: the market-entity registry and the
dishonest-subjects list, behind the interface a real data platform plugs into."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from hall.models import Applicant
from hall.services.applicants import ApplicantInput, ensure_applicant
from hall.services.credit import add_record
from hall.services.verifiers import (
    CREDIT,
    REGISTRATION,
    Answer,
    DataQuery,
    LocalDataPlatform,
)

from .test_intake import ENTERPRISE

PERSON = "32030519711203530X"
LISTED = "91320305MADYPWT69T"  # on the demo dishonest list until 2028


def query(code: str = ENTERPRISE, source: str | None = REGISTRATION) -> DataQuery:
    return DataQuery("营业执照", source, code, {})


def set_status(ctx, code: str, status: str | None) -> None:
    with ctx.uow() as s:
        s.execute(update(Applicant).where(Applicant.code == code).values(status=status))


def test_a_registered_enterprise_is_confirmed_with_its_name_status_and_founding_day(
    demo_ctx, clock
) -> None:
    answer = LocalDataPlatform(demo_ctx).check(query(ENTERPRISE.lower()))
    assert answer.answer is Answer.confirmed and answer.confirmed
    assert answer.detail == "徐州市贾汪区味香居餐饮管理有限公司，登记状态存续，成立于2017-06-12"
    assert answer.source == REGISTRATION and answer.checked_at == clock.now()
    assert answer.note() == f"{REGISTRATION}：{answer.detail}"


@pytest.mark.parametrize("status", ["注销", "吊销", "吊销，未注销", "撤销"])
def test_a_registration_that_no_longer_holds_is_not_confirmed(demo_ctx, status: str) -> None:
    set_status(demo_ctx, ENTERPRISE, status)
    answer = LocalDataPlatform(demo_ctx).check(query())
    assert answer.answer is Answer.not_found and not answer.confirmed
    assert f"登记状态为“{status}”" in answer.detail


def test_a_registration_in_business_under_another_status_name_is_confirmed(demo_ctx) -> None:
    set_status(demo_ctx, ENTERPRISE, "在业")
    answer = LocalDataPlatform(demo_ctx).check(query())
    assert answer.confirmed and "登记状态在业" in answer.detail


def test_an_applicant_entered_at_the_counter_is_found_without_a_status(
    ctx, clock, operator
) -> None:
    with ctx.uow() as s:
        ensure_applicant(s, clock, operator, ApplicantInput(ENTERPRISE, "味香居"))
    answer = LocalDataPlatform(ctx).check(query())
    assert answer.confirmed
    assert answer.detail == "味香居，在本地市场主体登记信息中"


def test_an_enterprise_not_in_the_registry_is_not_found(ctx) -> None:
    answer = LocalDataPlatform(ctx).check(query())
    assert answer.answer is Answer.not_found
    assert ENTERPRISE in answer.detail


@pytest.mark.parametrize(
    ("source", "named"),
    [
        ("社会保险参保信息", "社会保险参保信息"),
        ("人口信息库（居民身份证信息）", "人口信息库（居民身份证信息）"),
        (None, "未注明数据源"),
        ("", "未注明数据源"),
    ],
)
def test_a_source_the_hall_does_not_hold_is_unavailable(ctx, source, named: str) -> None:
    answer = LocalDataPlatform(ctx).check(query(source=source))
    assert answer.answer is Answer.unavailable and not answer.confirmed
    assert answer.source == named
    assert "尚未接入该数据源" in answer.detail


def test_a_source_is_recognised_within_a_longer_name(demo_ctx) -> None:
    answer = LocalDataPlatform(demo_ctx).check(query(source="全国市场主体登记信息（市场监管部门）"))
    assert answer.confirmed and answer.source == REGISTRATION


def test_the_credit_source_confirms_only_a_subject_not_listed(demo_ctx) -> None:
    platform = LocalDataPlatform(demo_ctx)
    listed = platform.check(query(LISTED, CREDIT))
    assert listed.answer is Answer.not_found
    assert listed.detail.startswith("在失信主体名单中：被列入严重违法失信名单")
    # 味香居's record ended in 2025 after its credit was repaired.
    repaired = platform.check(query(ENTERPRISE, CREDIT))
    assert repaired.confirmed and repaired.detail == "未列入失信主体名单"


def test_a_person_listed_today_is_not_confirmed_by_the_credit_source(ctx, operator) -> None:
    add_record(ctx, operator, PERSON, reason="失信被执行人", since=date(2026, 11, 23))
    answer = LocalDataPlatform(ctx).check(query(PERSON.lower(), "公共信用信息"))
    assert answer.answer is Answer.not_found and "失信被执行人" in answer.detail
