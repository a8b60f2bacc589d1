"""The daily report's SQL about cases: accepted per counter and clerk, their items by
reform mode and how many were decided on the spot, the sub-cases due, overdue and
decided in time per department, and the department verifications still pending. The
breakdowns are built as in :mod:`hall.services.report_queries`."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select, union_all

from hall.db.sqltime import local_date
from hall.models import Case, ClockStop, SubCase, SubCaseEvent, VerificationRequest
from hall.models.enums import CaseStatus, SubCaseStatus
from hall.services.report_queries import Column, Period, Query, grouped, union_by

ON_THE_SPOT = (SubCaseStatus.informed, SubCaseStatus.recorded, SubCaseStatus.approved)


def cases(p: Period) -> Query:
    keys = {"counter": Case.counter, "clerk": Case.accepted_by}

    def build(key: Column | None) -> Query:
        return grouped(
            select(
                func.count().label("n"),
                func.count(case((Case.offline.is_(True), 1))).label("offline"),
            ).where(Case.accepted_on.between(p.start, p.end)),
            key,
        )

    return union_by(keys, build)


def items(p: Period) -> Query:
    """The sub-cases of the period's cases per reform mode, and how many of them were
    decided at the counter when accepted (their first status)."""
    first = SubCaseEvent.from_status.is_(None)
    on_the_spot = and_(first, SubCaseEvent.to_status.in_(ON_THE_SPOT))
    keys = {"counter": Case.counter, "clerk": Case.accepted_by}

    def build(key: Column | None) -> Query:
        return grouped(
            select(
                SubCase.reform_mode.label("mode"),
                func.count(func.distinct(SubCase.id)).label("n"),
                func.count(func.distinct(case((on_the_spot, SubCase.id)))).label("on_the_spot"),
            )
            .select_from(Case)
            .join(SubCase, SubCase.case_id == Case.id)
            .outerjoin(SubCaseEvent, and_(SubCaseEvent.sub_case_id == SubCase.id, first))
            .where(Case.accepted_on.between(p.start, p.end)),
            key,
            SubCase.reform_mode,
        )

    return union_by(keys, build)


def _standing_still(p: Period) -> ColumnElement[bool]:
    return exists().where(
        ClockStop.sub_case_id == SubCase.id,
        ClockStop.started_on <= p.end,
        or_(ClockStop.ended_on.is_(None), ClockStop.ended_on > p.end),
    )


def deadlines(p: Period) -> tuple[Query, Query, Query]:
    """Per department: sub-cases due in the period; overdue at its end (undecided, the
    promised deadline past, the clock running); decided in it, and in time."""
    dept = (SubCase.department_code, SubCase.department_name)
    due = (
        select(*dept, func.count().label("n"))
        .where(SubCase.promised_deadline.between(p.start, p.end))
        .group_by(*dept)
    )
    # Undecided at the end: still under review, or decided only later. Two branches,
    # each read through its own index (under review by deadline; decided by when).
    late = SubCase.promised_deadline < p.end
    undecided = union_all(
        select(SubCase.id).where(SubCase.status == SubCaseStatus.under_review, late),
        select(SubCase.id).where(
            SubCase.decided_by.is_not(None), SubCase.decided_at >= p.until, late
        ),
    ).subquery("undecided")
    overdue = (
        select(*dept, func.count().label("n"))
        .select_from(undecided)
        .join(SubCase, SubCase.id == undecided.c.id)
        .join(Case, Case.id == SubCase.case_id)
        .where(Case.accepted_on <= p.end, ~_standing_still(p))
        .group_by(*dept)
    )
    in_time = SubCase.promised_deadline.is_(None) | (
        local_date(SubCase.decided_at, p.zone) <= SubCase.promised_deadline
    )
    decided = (
        select(
            *dept,
            func.count().label("n"),
            func.count(case((in_time, 1))).label("in_time"),
        )
        .where(
            SubCase.decided_by.is_not(None),
            SubCase.decided_at >= p.since,
            SubCase.decided_at < p.until,
        )
        .group_by(*dept)
    )
    return due, overdue, decided


def pending_verifications(p: Period) -> Query:
    """Department verification requests (部门核验) unanswered at the end of the period,
    per department asked."""
    return (
        select(VerificationRequest.department, func.count().label("n"))
        .join(Case, Case.id == VerificationRequest.case_id)
        .where(
            Case.status != CaseStatus.withdrawn,  # nobody waits for those answers
            VerificationRequest.requested_at < p.until,
            or_(
                VerificationRequest.answered_at.is_(None),
                VerificationRequest.answered_at >= p.until,
            ),
        )
        .group_by(VerificationRequest.department)
    )
