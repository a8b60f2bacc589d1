"""Back to the counter (证照信息一码展示): a case whose every item is decided, some by
their departments, waits for the applicant; the counter finds it by its case number,
the applicant's code or the pickup ticket (C) issued for it, prints what the departments
decided (the licenses, the one-code sheet, the decision notices) and records who
collected them, with which identity document.

The counter also sees what the departments asked of the applicant (补正) and has yet
to be brought: :func:`counter_work`.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import Conflict, NotFound, ValidationError
from hall.core.i18n import N_, _
from hall.models import Applicant, Case, DocumentPrint, License, Pickup, SubCase, SupplementRequest
from hall.models.enums import SubCaseStatus, SupplementStatus
from hall.services import decision_data
from hall.services.audit import Actor, record
from hall.services.case_reading import build_detail
from hall.services.case_views import CaseDetail
from hall.services.cases import find_case, ready_clause
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.documents import DocumentRef, PrintKind, decision_refs, kind_title
from hall.services.identifiers import normalize, validate_resident_id
from hall.services.masking import shown_code
from hall.services.permissions import Permission, guarded
from hall.services.queue import find_ticket


class CollectorRole(StrEnum):
    applicant = "applicant"  # the person, or the enterprise's legal representative
    agent = "agent"  # 委托代理人, with a letter of authorisation


COLLECTOR_ROLES = {
    CollectorRole.applicant: N_("申请人本人或法定代表人"),
    CollectorRole.agent: N_("委托代理人"),
}
MAX_NAME = 60
MAX_NOTE = 500


def collector_role_name(role: CollectorRole | str) -> str:
    try:
        return _(COLLECTOR_ROLES[CollectorRole(role)])
    except ValueError:
        return str(role)


@dataclass(frozen=True)
class PickupRow:
    """A case waiting for its applicant at the counter."""

    case_id: uuid.UUID
    case_number: str
    applicant_name: str
    applicant_code: str
    accepted_on: date
    decided_at: datetime | None  # the last department decision
    licenses: int
    rejections: int

    def to_json(self) -> dict[str, Any]:
        return {
            "case_number": self.case_number,
            "applicant": {"name": self.applicant_name, "code": self.applicant_code},
            "accepted_on": self.accepted_on.isoformat(),
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "licenses": self.licenses,
            "rejections": self.rejections,
        }


@dataclass(frozen=True)
class SupplementRow:
    """A supplement a department asked for, that the applicant has yet to bring."""

    case_number: str
    applicant_name: str
    department: str
    requested_on: date
    materials: tuple[str, ...]


@dataclass(frozen=True)
class CounterWork:
    ready: tuple[PickupRow, ...]
    supplements: tuple[SupplementRow, ...]


@dataclass(frozen=True)
class PickupDocument:
    """A document to hand over at pickup, and whether it was printed before."""

    ref: DocumentRef
    printed_before: bool


@guarded(Permission.accept_case)
def counter_work(ctx: AppContext, actor: Actor, limit: int = 500) -> CounterWork:
    """What the departments sent back to the counter: the cases ready for pickup (the
    longest waiting first) and the supplements departments asked for."""
    with ctx.uow() as session:
        ready = list(
            session.execute(
                select(Case, Applicant)
                .join(Applicant, Applicant.id == Case.applicant_id)
                .where(ready_clause())
                .order_by(Case.accepted_at)
                .limit(limit)
            ).all()
        )
        rows = [_pickup_row(session, actor, case, applicant) for case, applicant in ready]
        rows.sort(key=lambda r: (r.decided_at is None, r.decided_at or r.accepted_on))
        asked = list(
            session.execute(
                select(SupplementRequest, Case, Applicant)
                .join(Case, Case.id == SupplementRequest.case_id)
                .join(Applicant, Applicant.id == Case.applicant_id)
                .where(
                    SupplementRequest.status == SupplementStatus.open,
                    SupplementRequest.department_code.is_not(None),
                )
                .order_by(SupplementRequest.requested_at)
                .limit(limit)
            ).all()
        )
        departments = ctx.catalog().departments
        supplements = tuple(
            SupplementRow(
                case.number,
                applicant.name,
                departments.get(notice.department_code or "", notice.department_code or ""),
                notice.requested_on,
                tuple(notice.lines),
            )
            for notice, case, applicant in asked
        )
    return CounterWork(tuple(rows), supplements)


def _pickup_row(session: Session, actor: Actor, case: Case, applicant: Applicant) -> PickupRow:
    decided_at, rejections = session.execute(
        select(
            func.max(SubCase.decided_at),
            func.count().filter(SubCase.status == SubCaseStatus.rejected),
        ).where(SubCase.case_id == case.id, SubCase.decided_by.is_not(None))
    ).one()
    licenses = session.scalar(
        select(func.count()).select_from(License).where(License.case_id == case.id)
    )
    return PickupRow(
        case.id,
        case.number,
        applicant.name,
        shown_code(actor, applicant.code),
        case.accepted_on,
        decided_at,
        int(licenses or 0),
        int(rejections or 0),
    )


@guarded(Permission.accept_case)
def find_for_pickup(ctx: AppContext, actor: Actor, text: str) -> CaseDetail:
    """The case a citizen comes to collect, by its case number, today's pickup ticket
    (C003) or the applicant's code (their case ready for pickup). Raises ``NotFound``."""
    value = unicodedata.normalize("NFKC", text).strip().upper()
    if not value:
        raise ValidationError(_("请输入案件编号、领取排队号或申请人代码。"))
    ctx.calendar()
    with ctx.uow() as session:
        case = _locate(session, ctx, value)
        return build_detail(session, ctx, actor, case)


def _locate(session: Session, ctx: AppContext, value: str) -> Case:
    if decision_data.CASE_NUMBER.match(value):
        return find_case(session, value)
    if len(value) <= 5 and value[:1].isalpha() and value[1:].isdigit():
        ticket = find_ticket(session, value, local_today(ctx.clock))
        if ticket.case_id is None:
            raise NotFound(
                _("排队号 {number} 没有登记要领取的案件，请输入案件编号。").format(number=value)
            )
        return session.get_one(Case, ticket.case_id)
    code = normalize(value)
    found = session.scalar(
        select(Case)
        .join(Applicant, Applicant.id == Case.applicant_id)
        .where(Applicant.code == code, ready_clause())
        .order_by(Case.accepted_at)
        .limit(1)
    )
    if found is None:
        raise NotFound(_("没有找到待领取的案件：{value}。").format(value=text_of(value)))
    return found


def text_of(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"


@guarded(Permission.accept_case)
def pickup_documents(ctx: AppContext, actor: Actor, case_ref: str) -> tuple[PickupDocument, ...]:
    """What the departments decided, to hand over: each license issued after review,
    the one-code sheet of all the case's licenses, each decision notice."""
    with ctx.uow() as session:
        case = find_case(session, case_ref)
        subs = {
            s.id: s
            for s in session.scalars(
                select(SubCase).where(SubCase.case_id == case.id).order_by(SubCase.position)
            )
        }
        licenses = list(
            session.scalars(
                select(License)
                .join(SubCase, SubCase.id == License.sub_case_id)
                .where(License.case_id == case.id)
                .order_by(SubCase.position)
            )
        )
        refs = [
            DocumentRef(PrintKind.license, row.number, f"{row.title} {row.number}")
            for row in licenses
            if subs[row.sub_case_id].decided_by is not None
        ]
        if licenses:
            refs.append(DocumentRef(PrintKind.onecode, case.number, kind_title(PrintKind.onecode)))
        refs += decision_refs(session, case)
        printed = {
            (str(kind), str(number))
            for kind, number in session.execute(
                select(DocumentPrint.kind, DocumentPrint.number).where(
                    DocumentPrint.number.in_([r.number for r in refs])
                )
            )
        }
    return tuple(PickupDocument(r, (r.kind.value, r.number) in printed) for r in refs)


def _clean_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "").strip()
    if not text:
        raise ValidationError(_("请填写领取人姓名。"), field="collector_name")
    if len(text) > MAX_NAME or any(unicodedata.category(c).startswith("C") for c in text):
        raise ValidationError(_("领取人姓名不正确。"), field="collector_name")
    return text


@guarded(Permission.accept_case)
def record_pickup(
    ctx: AppContext,
    actor: Actor,
    case_ref: str | uuid.UUID,
    collector_name: str,
    collector_id_number: str,
    role: CollectorRole,
    documents: tuple[DocumentRef, ...],
    note: str = "",
) -> tuple[CaseDetail, Changes]:
    """Record the hand-over (证照领取): who collected (name and resident ID number,
    checked), as the applicant or an agent, and which documents. Raises
    ``ValidationError`` for a missing name, a malformed ID number or no documents,
    ``Conflict`` when the case is not ready for pickup or was collected already."""
    name = _clean_name(collector_name)
    today = local_today(ctx.clock)
    id_number = validate_resident_id(collector_id_number, today=today)
    role = CollectorRole(role)
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise ValidationError(_("备注不能超过{n}个字。").format(n=MAX_NOTE), field="note")
    if not documents:
        raise ValidationError(_("请选择交给领取人的文书。"), field="documents")
    now = ctx.clock.now()
    ctx.calendar()
    with ctx.uow(write=True) as session:
        case = find_case(session, case_ref, for_update=True)
        earlier = session.scalar(select(Pickup).where(Pickup.case_id == case.id).limit(1))
        if earlier is not None:
            raise Conflict(
                _("案件{n}的证照已于{day}由{name}领取。").format(
                    n=case.number,
                    day=earlier.at.astimezone(ctx.clock.zone).strftime("%Y-%m-%d %H:%M"),
                    name=earlier.collector_name,
                )
            )
        if not session.scalar(select(exists().where(Case.id == case.id, ready_clause()))):
            raise Conflict(
                _("案件{n}还有事项在审查中（或没有部门作出的决定），尚不能领取。").format(
                    n=case.number
                )
            )
        row = Pickup(
            case_id=case.id,
            at=now,
            by=actor.username,
            counter=actor.counter or ctx.counter or "",
            collector_name=name,
            collector_id_number=id_number,
            collector_role=role.value,
            documents=[{"kind": d.kind.value, "number": d.number} for d in documents],
            note=text,
        )
        session.add(row)
        session.flush()
        record(
            session, ctx.clock, actor, "case.pickup", "case", case.id,
            after={"number": case.number, "collector": name, "role": role,
                   "documents": row.documents},
            rows=[row],
        )  # fmt: skip
        view = build_detail(session, ctx, actor, case)
    return view, Changes(cases=True)
