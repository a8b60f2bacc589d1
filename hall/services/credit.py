"""The dishonest-subjects list (失信主体名单): who may not use the commitment route."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import Conflict, ValidationError
from hall.core.i18n import _
from hall.models import Applicant, CreditRecord
from hall.services.audit import Actor, record
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.identifiers import parse_applicant_code
from hall.services.permissions import Permission, guarded


@dataclass(frozen=True)
class CreditRecordView:
    id: uuid.UUID
    subject_code: str
    subject_name: str | None
    reason: str
    source: str
    since: date
    until: date | None

    def in_force(self, on: date) -> bool:
        return self.since <= on and (self.until is None or on <= self.until)

    def to_json(self) -> dict[str, object]:
        return {
            "id": str(self.id),
            "code": self.subject_code,
            "name": self.subject_name,
            "reason": self.reason,
            "source": self.source,
            "since": self.since.isoformat(),
            "until": self.until.isoformat() if self.until else None,
        }


MAX_REASON = 500


def _view(r: CreditRecord) -> CreditRecordView:
    return CreditRecordView(
        r.id, r.subject_code, r.subject_name, r.reason, r.source, r.since, r.until
    )


#: The age of a credit list never pulled from the hall server.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def credit_list_as_of(ctx: AppContext, session: Session | None = None) -> datetime | None:
    """When this counter's copy of the credit list last came from the hall server (None:
    never, or no hall server: the list here is the only one)."""
    from hall.models import SyncState

    if ctx.link is None:
        return None
    query = select(SyncState.value).where(SyncState.name == "pull_cursor")
    if session is not None:
        value = session.scalar(query)
    else:
        with ctx.uow() as own:
            value = own.scalar(query)
    return datetime.fromisoformat(value["pulled_at"]) if value else None


#: A copy of the list older than this is worth mentioning even while online.
FRESH = timedelta(minutes=10)


def credit_list_note(ctx: AppContext) -> str:
    """What the clerk should know about this counter's copy of the credit list: how old
    it is while the hall server is out of reach (or its copy is stale), empty otherwise
    (a hall of one counter has only its own list)."""
    if ctx.link is None:
        return ""
    as_of = credit_list_as_of(ctx)
    if as_of is None:
        return _("本机尚未从大厅服务器取得失信名单，核查依据本机记录；同步后将自动复核。")
    if not ctx.offline and ctx.clock.now() - as_of < FRESH:
        return ""
    return _("本机离线：失信名单是 {when} 的副本，同步后将自动复核。").format(
        when=as_of.astimezone(ctx.clock.zone).strftime("%m-%d %H:%M")
    )


def records_in_force(session: Session, code: str, on: date) -> list[CreditRecordView]:
    """The records that bar ``code`` from the commitment route on ``on`` (empty: none),
    read in the caller's transaction."""
    rows = session.scalars(
        select(CreditRecord)
        .where(CreditRecord.subject_code == code, CreditRecord.since <= on)
        .where(or_(CreditRecord.until.is_(None), CreditRecord.until >= on))
        .order_by(CreditRecord.since)
    )
    return [_view(r) for r in rows]


@guarded(Permission.write_credit)
def add_record(
    ctx: AppContext,
    actor: Actor,
    code: str,
    *,
    reason: str,
    source: str = "",
    since: date | None = None,
    until: date | None = None,
) -> tuple[CreditRecordView, Changes]:
    """Put a subject on the dishonest list. The code is validated as a credit code or ID."""
    with ctx.uow() as session:
        view = write_record(
            session, ctx, actor, code, reason=reason, source=source, since=since, until=until
        )
    return view, Changes(credit=True)


def write_record(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    code: str,
    *,
    reason: str,
    source: str = "",
    since: date | None = None,
    until: date | None = None,
) -> CreditRecordView:
    """:func:`add_record` inside the caller's transaction (which checked the right): the
    record, audited. Raises ``ValidationError`` for a bad code, reason or period and
    ``Conflict`` for a record already there."""
    subject = parse_applicant_code(code, today=local_today(ctx.clock))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("请填写列入失信名单的原因。"), field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationError(
            _("原因最多{n}个字，请概括后填写。").format(n=MAX_REASON), field="reason"
        )
    start = since or local_today(ctx.clock)
    if until is not None and until < start:
        raise ValidationError(_("截止日期不能早于起始日期。"), field="until")
    same = session.scalar(
        select(CreditRecord.id).where(
            CreditRecord.subject_code == subject.code,
            CreditRecord.reason == reason,
            CreditRecord.since == start,
        )
    )
    if same is not None:
        raise Conflict(_("同一主体、同一原因、同一起始日期的记录已存在。"))
    name = session.scalar(select(Applicant.name).where(Applicant.code == subject.code))
    row = CreditRecord(
        subject_code=subject.code,
        subject_name=name,
        reason=reason,
        source=source.strip() or _("本大厅录入"),
        since=start,
        until=until,
        created_at=ctx.clock.now(),
        created_by=actor.username,
    )
    session.add(row)
    session.flush()
    view = _view(row)
    record(
        session,
        ctx.clock,
        actor,
        "credit.add",
        "credit_record",
        row.id,
        after=view.to_json(),
        rows=[row],
    )
    return view


def list_records(ctx: AppContext, *, in_force_on: date | None = None) -> list[CreditRecordView]:
    """The dishonest list, oldest first; only the records in force on a day if given."""
    with ctx.uow() as session:
        query = select(CreditRecord).order_by(CreditRecord.since, CreditRecord.subject_code)
        if in_force_on is not None:
            query = query.where(CreditRecord.since <= in_force_on).where(
                or_(CreditRecord.until.is_(None), CreditRecord.until >= in_force_on)
            )
        return [_view(r) for r in session.scalars(query)]
