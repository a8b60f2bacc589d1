"""The facts of each document, looked up and signed: rows in, :mod:`hall.printing`'s
plain data out. Every function runs inside the caller's transaction (which audits the
codes it signs); the caller checks the permission."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.i18n import _
from hall.models import (
    Applicant,
    Appointment,
    Case,
    Commitment,
    License,
    MaterialCheck,
    QueueCategory,
    SubCase,
    Ticket,
    User,
    VerificationTask,
)
from hall.models.enums import MaterialStatus, Route, SubCaseStatus
from hall.printing import data as doc
from hall.services.audit import Actor
from hall.services.catalog import load_snapshot
from hall.services.commitment_text import notification
from hall.services.context import AppContext
from hall.services.labels import (
    material_status_name,
    mode_name,
    proof_name,
    route_name,
    sub_case_status_name,
)
from hall.services.licenses import LicenseView, case_licenses, ensure_signed, license_facts
from hall.services.masking import mask_applicant_code, mask_phone
from hall.services.payload import MAX_TEXT, DocumentFacts, DocumentKind
from hall.services.queue import people_ahead, priority_name
from hall.services.signing import sign_in

# What the receipt says of each checklist line: settled (handed over, verified, covered
# by the commitment, or not to be asked for); still owed by the applicant (容缺, 补正, a
# fact the platform could not confirm); being checked by the hall itself.
_SETTLED = {
    MaterialStatus.received,
    MaterialStatus.verified,
    MaterialStatus.covered_by_commitment,
    MaterialStatus.not_required,
}
_OWED = {
    MaterialStatus.deferred,
    MaterialStatus.supplement_requested,
    MaterialStatus.not_confirmed,
}
_CHECKING = {MaterialStatus.pending, MaterialStatus.verification_requested}


def issuer(session: Session, ctx: AppContext, counter: str, username: str) -> doc.Issuer:
    user = session.scalar(select(User).where(User.username == username))
    return doc.Issuer(
        hall_name=ctx.settings.hall_name or _("政务服务大厅"),
        hall_code=ctx.settings.hall_code,
        counter=counter,
        clerk=user.display_name if user else username,
    )


def joined_codes(codes: list[str]) -> str:
    """Item codes for a code's ``item`` field, cut to what a code may carry."""
    text = ",".join(codes)
    if len(text) <= MAX_TEXT:
        return text
    return _("{first}等{count}项").format(first=codes[0], count=len(codes))


# The license numbers a one-code sheet's code can carry and still be a code that phone
# cameras read from paper (payload.MAX_PAYLOAD); a larger case carries its item codes.
_ONE_CODE_NUMBERS = 200


def one_code_item(views: Sequence[LicenseView]) -> str:
    """What the one-code sheet's code says of its licenses: their numbers, or for a
    case with very many, their item codes (the verifier then finds them by case)."""
    numbers = ",".join(v.number for v in views)
    if len(numbers) <= _ONE_CODE_NUMBERS:
        return numbers
    return joined_codes([v.item_code for v in views])


def sign_facts(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    kind: DocumentKind,
    number: str,
    holder: str,
    code: str,
    item: str,
    issued: date,
    until: date | None = None,
) -> str:
    facts = DocumentFacts(kind, number, holder, code, item, issued, until)
    return sign_in(session, ctx, actor, facts)


def _contact(case: Case, applicant: Applicant) -> str:
    phone = str(case.answers.get("contact_mobile") or applicant.phone or "")
    return mask_phone(phone) if phone else ""


def _answer(case: Case, key: str, fallback: str | None) -> str:
    return str(case.answers.get(key) or fallback or "")


def receipt(session: Session, ctx: AppContext, actor: Actor, case: Case, copy: int) -> doc.Receipt:
    applicant = session.get_one(Applicant, case.applicant_id)
    subs = list(
        session.scalars(
            select(SubCase).where(SubCase.case_id == case.id).order_by(SubCase.position)
        )
    )
    materials = list(
        session.scalars(
            select(MaterialCheck)
            .where(MaterialCheck.case_id == case.id)
            .order_by(MaterialCheck.position)
        )
    )
    calendar = ctx.calendar()

    def provisional(day: date | None) -> bool:
        return day is not None and not calendar.knows(day.year)

    items = tuple(
        doc.ReceiptItem(
            code=s.item_code,
            name=s.item_name,
            department=s.department_name,
            mode=mode_name(s.reform_mode),
            route=route_name(s.route),
            outcome=sub_case_status_name(s.status),
            promised_deadline=s.promised_deadline,
            statutory_deadline=s.statutory_deadline,
            promised_provisional=s.deadline_provisional and provisional(s.promised_deadline),
            statutory_provisional=s.deadline_provisional and provisional(s.statutory_deadline),
            accepted=s.route is not Route.cancelled,
        )
        for s in subs
    )

    def line(m: MaterialCheck) -> doc.ReceiptMaterial:
        return doc.ReceiptMaterial(
            m.name, proof_name(m.proof_mode), material_status_name(m.status), m.note, m.due_date
        )

    code = mask_applicant_code(applicant.code)
    qr = sign_facts(
        session,
        ctx,
        actor,
        DocumentKind.receipt,
        case.number,
        applicant.name,
        applicant.code,
        joined_codes([s.item_code for s in subs]),
        case.accepted_on,
    )
    return doc.Receipt(
        issuer=issuer(session, ctx, case.counter, case.accepted_by),
        number=case.number,
        applicant_name=applicant.name,
        applicant_code=code,
        accepted_at=case.accepted_at.astimezone(ctx.clock.zone),
        items=items,
        received=tuple(line(m) for m in materials if m.status in _SETTLED),
        pending=tuple(line(m) for m in materials if m.status in _OWED),
        checking=tuple(line(m) for m in materials if m.status in _CHECKING),
        qr=qr,
        contact=_contact(case, applicant),
        copy=copy,
    )


def commitment_subs(session: Session, case: Case) -> list[SubCase]:
    """The sub-cases of ``case`` whose applicant signed a commitment letter."""
    return list(
        session.scalars(
            select(SubCase)
            .join(Commitment, Commitment.sub_case_id == SubCase.id)
            .where(SubCase.case_id == case.id)
            .order_by(SubCase.position)
        )
    )


def letters(
    session: Session, ctx: AppContext, actor: Actor, case: Case, copy: int
) -> tuple[doc.CommitmentLetter, ...]:
    """Every commitment letter of ``case``, in the words of the catalog version it was
    accepted under (a reprint says what the applicant signed)."""
    applicant = session.get_one(Applicant, case.applicant_id)
    catalog = ctx.catalog()
    if catalog.version_id != case.catalog_version_id:
        catalog = load_snapshot(ctx, case.catalog_version_id)
    out = []
    for sub in commitment_subs(session, case):
        text = notification(catalog.item(sub.item_code))
        commitment = session.scalar(select(Commitment).where(Commitment.sub_case_id == sub.id))
        task = session.scalar(
            select(VerificationTask).where(VerificationTask.sub_case_id == sub.id)
        )
        number = f"{case.number}-{sub.item_code}"
        qr = sign_facts(
            session,
            ctx,
            actor,
            DocumentKind.commitment,
            number,
            applicant.name,
            applicant.code,
            sub.item_code,
            case.accepted_on,
        )  # no end date: the letter is scanned for supervision after its due date too
        out.append(
            doc.CommitmentLetter(
                issuer=issuer(session, ctx, case.counter, case.accepted_by),
                number=number,
                case_number=case.number,
                applicant_name=applicant.name,
                applicant_code=mask_applicant_code(applicant.code),
                item_code=sub.item_code,
                item_name=sub.item_name,
                department=sub.department_name,
                legal_basis=text.legal_basis,
                conditions=tuple(commitment.conditions) if commitment else text.conditions,
                obligations=text.obligations,
                verification=text.verification,
                consequences=text.consequences,
                dated=case.accepted_on,
                qr=qr,
                legal_representative=_answer(
                    case, "legal_representative", applicant.legal_representative
                ),
                address=_answer(case, "business_address", applicant.address),
                contact=_contact(case, applicant),
                verification_due=task.due_date if task else None,
                verification_due_provisional=bool(task and task.due_provisional),
                copy=copy,
            )
        )
    return tuple(out)


def license(
    session: Session, ctx: AppContext, actor: Actor, row: License, copy: int
) -> doc.License:
    case = session.get_one(Case, row.case_id)
    applicant = session.get_one(Applicant, case.applicant_id)
    if copy:
        # A reprint carries a code made today (its signing day shows it is a reprint).
        qr = sign_in(session, ctx, actor, license_facts(row))
    else:
        qr = ensure_signed(session, ctx, actor, row)
    return doc.License(
        issuer=issuer(session, ctx, case.counter, row.issued_by),
        title=row.title,
        number=row.number,
        holder=row.holder_name,
        holder_code=mask_applicant_code(row.holder_code),
        item_code=row.item_code,
        item_name=row.item_name,
        scope=tuple(row.scope),
        authority=row.authority,
        issued_on=row.issued_on,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        qr=qr,
        legal_representative=_answer(case, "legal_representative", applicant.legal_representative),
        address=_answer(case, "business_address", applicant.address),
        copy=copy,
        filing=session.get_one(SubCase, row.sub_case_id).route is Route.filing,
    )


def one_code(
    session: Session, ctx: AppContext, actor: Actor, case: Case, copy: int
) -> doc.OneCodeSheet:
    applicant = session.get_one(Applicant, case.applicant_id)
    views = case_licenses(session, case.id)
    revoked = sub_case_status_name(SubCaseStatus.revoked)
    lines = tuple(
        doc.OneCodeLine(
            v.title,
            v.number,
            v.authority,
            v.issued_on,
            v.valid_until,
            revoked if v.revoked else _("有效"),
        )
        for v in views
    )
    today = local_today(ctx.clock)
    qr = sign_facts(
        session,
        ctx,
        actor,
        DocumentKind.one_code,
        case.number,
        applicant.name,
        applicant.code,
        one_code_item(views),
        today,
    )
    return doc.OneCodeSheet(
        issuer=issuer(session, ctx, case.counter, actor.username),
        case_number=case.number,
        holder=applicant.name,
        holder_code=mask_applicant_code(applicant.code),
        licenses=lines,
        issued_on=today,
        qr=qr,
        copy=copy,
    )


def ticket(session: Session, ctx: AppContext, actor: Actor, row: Ticket, copy: int) -> doc.Ticket:
    category = session.get_one(QueueCategory, row.category_id)
    # The same number ``hall print ticket`` takes; a ticket has no holder, only its
    # category (the item field).
    number = f"{row.day.isoformat()}/{row.number}"
    qr = sign_facts(
        session,
        ctx,
        actor,
        DocumentKind.ticket,
        number,
        "",
        "",
        f"{category.letter} {category.name}",
        row.day,
        row.day,
    )
    return doc.Ticket(
        hall_name=ctx.settings.hall_name or _("政务服务大厅"),
        number=row.number,
        category=category.name,
        people_ahead=people_ahead(session, row),
        issued_at=row.issued_at.astimezone(ctx.clock.zone),
        qr=qr,
        priority=priority_name(row.priority),
        note=_("请留意大厅显示屏和语音叫号，过号请重新取号。"),
        copy=copy,
    )


def slip(
    session: Session, ctx: AppContext, actor: Actor, row: Appointment, copy: int
) -> doc.AppointmentSlip:
    category = session.get_one(QueueCategory, row.category_id)
    qr = sign_facts(
        session,
        ctx,
        actor,
        DocumentKind.appointment,
        row.number,
        row.applicant_name,
        row.applicant_code,
        category.letter,
        row.booked_at.astimezone(ctx.clock.zone).date(),
        row.day,
    )
    return doc.AppointmentSlip(
        issuer=issuer(session, ctx, actor.counter or ctx.counter or "", row.booked_by),
        number=row.number,
        day=row.day,
        slot=f"{row.slot_start:%H:%M}–{row.slot_end:%H:%M}",
        category=category.name,
        applicant_name=row.applicant_name,
        contact=mask_phone(row.phone) if row.phone else "",
        bring=tuple(category.bring),
        qr=qr,
        booked_at=row.booked_at.astimezone(ctx.clock.zone),
        notes=(
            _("请在预约时段开始前到大厅取号机或导办台签到，签到后优先叫号。"),
            _("超过预约时段开始时间15分钟未签到的，预约自动取消。"),
        ),
        copy=copy,
    )
