"""Checks made on an old copy, made again once synced.

A case accepted on a counter of a hall server took the credit list as it was at the
last pull (``case.credit_as_of``). After each pull the counter runs the check again on
the fresh list, as of the day the case was accepted: a case whose applicant the list
now bars from the commitment route, and which used that route, is flagged for the
supervisor (``supervisor_flag``), who decides what becomes of it.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from hall.core.i18n import _
from hall.models import Applicant, Case, SubCase, SupervisorFlag
from hall.models.enums import Route
from hall.services.context import AppContext
from hall.services.credit import credit_list_as_of, records_in_force

log = logging.getLogger(__name__)


def recheck_credit(ctx: AppContext) -> tuple[int, tuple[str, ...]]:
    """Re-run the credit check of this counter's cases accepted on an older copy of the
    list than the one now here; returns how many were checked, and the numbers of the
    cases flagged."""
    fresh = credit_list_as_of(ctx)
    if fresh is None or not ctx.counter:
        return 0, ()
    flagged: list[str] = []
    with ctx.uow(write=True) as session:
        cases = session.scalars(
            select(Case).where(
                Case.counter == ctx.counter,
                Case.credit_as_of.is_not(None),
                Case.credit_rechecked_at.is_(None),
                Case.accepted_at <= fresh,  # the list here now is newer than the acceptance
            )
        ).all()
        now = ctx.clock.now()
        for case in cases:
            case.credit_rechecked_at = now
            code = session.scalar(select(Applicant.code).where(Applicant.id == case.applicant_id))
            committed = session.scalars(
                select(SubCase.item_name).where(
                    SubCase.case_id == case.id, SubCase.route == Route.commitment
                )
            ).all()
            if code is None or not committed:
                continue
            records = records_in_force(session, code, case.accepted_on)
            if not records:
                continue
            reasons = _("；").join(r.reason for r in records)
            session.add(
                SupervisorFlag(
                    case_id=case.id,
                    kind="credit",
                    reason=_(
                        "离线受理时本机的失信名单是 {as_of} 的副本；同步后复核，申请人在失信名单上"
                        "（{reasons}），却走了告知承诺：{items}。请核查并决定是否撤销。"
                    ).format(
                        as_of=case.credit_as_of.astimezone(ctx.clock.zone).strftime(
                            "%Y-%m-%d %H:%M"
                        )
                        if case.credit_as_of and case.credit_as_of.year > 1970
                        else _("从未同步"),
                        reasons=reasons,
                        items=_("、").join(committed),
                    ),
                    raised_at=now,
                    raised_by=ctx.counter,
                )
            )
            flagged.append(case.number)
            log.warning("case %s flagged: credit list changed since it was accepted", case.number)
    return len(cases), tuple(flagged)
