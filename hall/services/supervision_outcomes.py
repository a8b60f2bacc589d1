"""The rules of a verification outcome, shared by a single task
(:func:`hall.services.supervision.record_outcome`) and a combined inspection's visit
(:func:`hall.services.supervision.record_inspection`). Everything here runs inside the
caller's transaction, which checked the right.

* **Conditions met**: the task is closed.
* **Rectify by a date** (责令整改): the date must be after today and what to rectify
  said; the task is closed and a follow-up task, due on that date with the same
  inspector, is opened.
* **False commitment** (虚假承诺): the facts found must be said. The decision is revoked
  (the sub-case becomes revoked, with its event), every license of it is revoked as a
  document (its code verifies as revoked), and a credit record is written for the
  applicant from today on, so the credit gate turns their next commitment application
  to the normal route; a revocation notice is to be printed.

A closed task takes no second outcome; neither does an open task whose decision is no
longer in force (withdrawn or revoked meanwhile): there is nothing left to verify, and
a finding on it would revoke nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.core.errors import Conflict, NotFound, ValidationError
from hall.core.i18n import N_, _
from hall.models import Applicant, Case, SubCase, SubCaseEvent, VerificationTask
from hall.models.enums import SubCaseStatus, VerificationStatus
from hall.services.audit import Actor, record
from hall.services.case_clock import workdays_after
from hall.services.context import AppContext
from hall.services.credit import MAX_REASON, CreditRecordView, write_record
from hall.services.decision_data import notice_number
from hall.services.labels import sub_case_status_name
from hall.services.licenses import case_licenses
from hall.services.payload import DocumentKind
from hall.services.supervision_views import Outcome
from hall.services.verification import revoke_in
from hall.services.workdays import WorkdayCalendar

MAX_NOTE = 500

OUTCOME_NAMES = {
    VerificationStatus.open: N_("待核查"),
    VerificationStatus.conditions_met: N_("符合承诺条件"),
    VerificationStatus.rectify: N_("责令限期整改"),
    VerificationStatus.false_commitment: N_("虚假承诺"),
}


def outcome_name(status: VerificationStatus) -> str:
    return _(OUTCOME_NAMES[status])


@dataclass
class Loaded:
    """A task with the rows its outcome reads or changes."""

    task: VerificationTask
    sub: SubCase
    case: Case
    applicant: Applicant


@dataclass(frozen=True)
class Settled:
    """What an outcome brought about, for the caller's view."""

    task_id: uuid.UUID
    follow_up_id: uuid.UUID | None = None
    revoked: tuple[str, ...] = ()
    credit: CreditRecordView | None = None
    notice: str | None = None  # the revocation notice's number


def load_tasks(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Loaded]:
    """The tasks ``ids`` with their sub-cases, cases and applicants, locked, in one
    query. Raises ``NotFound`` when one does not exist."""
    rows = session.execute(
        select(VerificationTask, SubCase, Case, Applicant)
        .join(SubCase, SubCase.id == VerificationTask.sub_case_id)
        .join(Case, Case.id == SubCase.case_id)
        .join(Applicant, Applicant.id == Case.applicant_id)
        .where(VerificationTask.id.in_(list(ids)))
        .with_for_update(of=[VerificationTask, SubCase])
    ).all()
    found = {task.id: Loaded(task, sub, case, applicant) for task, sub, case, applicant in rows}
    if len(found) != len(set(ids)):
        raise NotFound(_("没有这个核查任务（可能已被删除，或编号有误）。"))
    return found


def refuse_closed(row: Loaded) -> None:
    """``Conflict`` for a task that takes no outcome: closed, or moot."""
    task, sub = row.task, row.sub
    if task.status is not VerificationStatus.open:
        raise Conflict(
            _("“{item}”（{case}）的核查任务已办结（{outcome}），不能再次登记。").format(
                item=sub.item_name, case=row.case.number, outcome=outcome_name(task.status)
            )
        )
    if sub.status is not SubCaseStatus.approved:
        raise Conflict(
            _(
                "“{item}”（{case}）的许可已{status}，不再有效，无需核查，也不能登记核查结果。"
            ).format(
                item=sub.item_name, case=row.case.number, status=sub_case_status_name(sub.status)
            )
        )


def clean_outcome(outcome: Outcome, row: Loaded, today: date) -> Outcome:
    """``outcome`` checked against the rules above (the note trimmed, a date only for a
    rectification). Raises ``ValidationError`` naming the item."""
    item = row.sub.item_name
    note = (outcome.note or "").strip()

    def refuse(message: str, field: str) -> ValidationError:
        return ValidationError(_("“{item}”：{message}").format(item=item, message=message),
                               field=field)  # fmt: skip

    if outcome.outcome is VerificationStatus.open:
        raise refuse(_("请选择核查结果。"), "outcome")
    if len(note) > MAX_NOTE:
        raise refuse(_("说明最多{n}个字。").format(n=MAX_NOTE), "note")
    if outcome.outcome is VerificationStatus.rectify:
        if outcome.rectify_by is None:
            raise refuse(_("责令整改须写明整改期限。"), "rectify_by")
        if outcome.rectify_by <= today:
            raise refuse(
                _("整改期限须晚于今天（{today}）。").format(today=today.isoformat()), "rectify_by"
            )
        if not note:
            raise refuse(_("请写明需要整改的问题。"), "note")
        return replace(outcome, note=note)
    if outcome.outcome is VerificationStatus.false_commitment and not note:
        raise refuse(_("认定虚假承诺须写明核查发现的事实。"), "note")
    return replace(outcome, note=note, rectify_by=None)


def settle(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    row: Loaded,
    outcome: Outcome,
    calendar: WorkdayCalendar,
    today: date,
) -> Settled:
    """Record the checked ``outcome`` of ``row``'s task, with what it brings about, and
    audit it (one entry for the outcome; a revoked license and a credit record have
    their own, as when written by hand)."""
    refuse_closed(row)  # again: an earlier outcome of the same visit may have revoked it
    task, sub, case = row.task, row.sub, row.case
    now = ctx.clock.now()
    before = {
        "status": task.status,
        "inspector": task.inspector,
        "inspection": task.inspection_id,
        "sub_case_status": sub.status,
    }
    task.status, task.outcome_note = outcome.outcome, outcome.note
    task.rectify_by, task.closed_at, task.closed_by = outcome.rectify_by, now, actor.username
    rows: list[object] = [task]
    settled = Settled(task.id)
    if outcome.outcome is VerificationStatus.rectify:
        assert outcome.rectify_by is not None  # clean_outcome saw to it
        follow = follow_up(task, outcome.rectify_by, calendar, today, actor, now)
        session.add(follow)
        session.flush()
        rows.append(follow)
        settled = replace(settled, follow_up_id=follow.id)
    elif outcome.outcome is VerificationStatus.false_commitment:
        event, revoked, credit = _revoke(session, ctx, actor, row, outcome.note, today)
        rows += [sub, event]
        settled = replace(settled, revoked=revoked, credit=credit,
                          notice=notice_number(case, sub))  # fmt: skip
    record(
        session,
        ctx.clock,
        actor,
        "verification.outcome",
        "verification_task",
        task.id,
        before=before,
        after={
            "case": case.number,
            "item": sub.item_code,
            "status": task.status,
            "note": task.outcome_note,
            "rectify_by": task.rectify_by,
            "inspection": task.inspection_id,
            "follow_up": settled.follow_up_id,
            "sub_case_status": sub.status,
            "revoked_licenses": list(settled.revoked),
            "credit_record": settled.credit.id if settled.credit else None,
        },
        rows=rows,
    )
    return settled


def follow_up(
    task: VerificationTask,
    due: date,
    calendar: WorkdayCalendar,
    today: date,
    actor: Actor,
    now: datetime,
) -> VerificationTask:
    """The task that checks a rectification on its day, by the same inspector. Its date
    is the one ordered, not counted from acceptance: never recounted as provisional."""
    return VerificationTask(
        sub_case_id=task.sub_case_id,
        due_date=due,
        window_days=max(0, workdays_after(calendar, today, due)),
        due_provisional=False,
        status=VerificationStatus.open,
        inspector=task.inspector,
        assigned_at=now if task.inspector else None,
        assigned_by=actor.username if task.inspector else None,
        follow_up_of=task.id,
    )


def _revoke(
    session: Session, ctx: AppContext, actor: Actor, row: Loaded, facts: str, today: date
) -> tuple[SubCaseEvent, tuple[str, ...], CreditRecordView]:
    """A false commitment: the decision revoked, its licenses' codes revoked, the
    applicant's credit record written."""
    sub, case = row.sub, row.case
    number = notice_number(case, sub)
    event = SubCaseEvent(
        sub_case_id=sub.id,
        at=ctx.clock.now(),
        by=actor.username,
        from_status=sub.status,
        to_status=SubCaseStatus.revoked,
        note=_("虚假承诺，撤销行政许可：{facts}").format(facts=facts),
    )
    session.add(event)
    sub.status = SubCaseStatus.revoked
    reason = _("虚假承诺，行政许可已撤销（撤销行政许可决定书 {number}）").format(number=number)
    revoked = []
    for license_ in case_licenses(session, case.id):
        if license_.item_code == sub.item_code and not license_.revoked:
            revoke_in(session, ctx, actor, DocumentKind.license, license_.number, reason)
            revoked.append(license_.number)
    text = _("虚假承诺：{item}（受理编号 {case}）：{facts}").format(
        item=sub.item_name, case=case.number, facts=facts
    )
    if len(text) > MAX_REASON:
        text = text[: MAX_REASON - 1] + "…"
    credit = write_record(
        session,
        ctx,
        actor,
        row.applicant.code,
        reason=text,
        source=ctx.settings.hall_name or _("政务服务大厅"),
        since=today,
    )
    return event, tuple(revoked), credit
