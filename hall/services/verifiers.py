"""Data verification (数据核验): the clerk queries the shared data platform instead of
asking the applicant for a proof.

:class:`DataPlatform` is the interface a real platform (a province's data-sharing
exchange) plugs into. :class:`LocalDataPlatform` answers from what this hall holds: the
market-entity registry for business registrations, and the dishonest-subjects list. A
source it does not hold is answered ``unavailable``: the clerk then sees the original
on paper, or asks the owning department.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import select

from hall.core.clock import local_today
from hall.core.i18n import _
from hall.models import Applicant
from hall.services.context import AppContext
from hall.services.credit import records_in_force
from hall.services.identifiers import parse_applicant_code

#: The registry statuses under which a business registration no longer holds.
DEAD_STATUSES = ("注销", "吊销", "撤销")
REGISTRATION = "市场主体登记信息"
CREDIT = "信用信息"


class Answer(StrEnum):
    confirmed = "confirmed"
    not_found = "not_found"
    unavailable = "unavailable"


@dataclass(frozen=True)
class DataQuery:
    material: str
    source: str | None
    applicant_code: str
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class DataAnswer:
    answer: Answer
    detail: str
    source: str
    checked_at: datetime

    @property
    def confirmed(self) -> bool:
        return self.answer is Answer.confirmed

    def note(self) -> str:
        """What the checklist keeps of the answer."""
        return _("{source}：{detail}").format(source=self.source, detail=self.detail)


class DataPlatform(Protocol):
    """Answers one data-verification query; never raises for a missing fact."""

    def check(self, query: DataQuery) -> DataAnswer: ...


class LocalDataPlatform:
    """The hall's own copies of shared data, behind the platform interface."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def check(self, query: DataQuery) -> DataAnswer:
        source = query.source or ""
        if REGISTRATION in source:
            return self._registration(query)
        if CREDIT in source:
            return self._credit(query)
        return self._answer(
            Answer.unavailable,
            _("本大厅尚未接入该数据源，请核对原件或向主管部门核验。"),
            source or _("未注明数据源"),
        )

    def _answer(self, answer: Answer, detail: str, source: str) -> DataAnswer:
        return DataAnswer(answer, detail, source, self.ctx.clock.now())

    def _registration(self, query: DataQuery) -> DataAnswer:
        code = parse_applicant_code(query.applicant_code, today=local_today(self.ctx.clock)).code
        with self.ctx.uow() as session:
            row = session.scalar(select(Applicant).where(Applicant.code == code))
            found = None if row is None else (row.name, row.status, row.established)
        if found is None:
            return self._answer(
                Answer.not_found,
                _("登记信息中没有代码为{code}的市场主体。").format(code=code),
                REGISTRATION,
            )
        name, status, established = found
        if status and any(dead in status for dead in DEAD_STATUSES):
            return self._answer(
                Answer.not_found,
                _("{name}的登记状态为“{status}”，营业执照已不再有效。").format(
                    name=name, status=status
                ),
                REGISTRATION,
            )
        if status:
            detail = _("{name}，登记状态{status}").format(name=name, status=status)
        else:
            detail = _("{name}，在本地市场主体登记信息中").format(name=name)
        if isinstance(established, date):
            detail += _("，成立于{day}").format(day=established.isoformat())
        return self._answer(Answer.confirmed, detail, REGISTRATION)

    def _credit(self, query: DataQuery) -> DataAnswer:
        day = local_today(self.ctx.clock)
        code = parse_applicant_code(query.applicant_code, today=day).code
        with self.ctx.uow() as session:
            records = records_in_force(session, code, day)
        if records:
            return self._answer(
                Answer.not_found,
                _("在失信主体名单中：{reason}").format(reason=records[0].reason),
                CREDIT,
            )
        return self._answer(Answer.confirmed, _("未列入失信主体名单"), CREDIT)
