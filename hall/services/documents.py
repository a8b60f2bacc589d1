"""Every document the counter hands over, as PDF bytes: prepared (facts looked up, codes
signed, laid out by :mod:`hall.printing`), previewed, then recorded when printed or saved.

A document handed over before is a copy (补打): it says so on the page, and each
handing over is a :class:`~hall.models.DocumentPrint` row and an audit entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hall import printing
from hall.core.clock import local_today
from hall.core.errors import Conflict, NotFound, ValidationError
from hall.core.i18n import _
from hall.models import Case, DocumentPrint, License, RevokedDocument, Ticket
from hall.services import decision_data, document_data, revocation_data
from hall.services.appointments import find_appointment
from hall.services.audit import Actor, record
from hall.services.cases import find_case
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.licenses import case_licenses, find_license
from hall.services.payload import DocumentKind
from hall.services.permissions import Permission, can, guarded, require
from hall.services.queue import find_ticket
from hall.services.verification import Verdict, Verification, kind_name, verify_payload


class PrintKind(StrEnum):
    """The kinds ``hall print`` knows, by what their number is."""

    receipt = "receipt"  # by case number
    letter = "letter"  # every commitment letter of a case, by case number
    onecode = "onecode"  # by case number
    license = "license"  # by license number
    ticket = "ticket"  # by ticket number (today's, or DAY/NUMBER)
    slip = "slip"  # by appointment number
    decision = "decision"  # 不予许可决定书, by case number and item code
    revocation = "revocation"  # 撤销行政许可决定书, by case number and item code


#: The kind of code each printed document carries.
SIGNED_AS = {
    PrintKind.receipt: DocumentKind.receipt,
    PrintKind.letter: DocumentKind.commitment,
    PrintKind.onecode: DocumentKind.one_code,
    PrintKind.license: DocumentKind.license,
    PrintKind.ticket: DocumentKind.ticket,
    PrintKind.slip: DocumentKind.appointment,
    PrintKind.decision: DocumentKind.notice,
    PrintKind.revocation: DocumentKind.notice,
}


def kind_title(kind: PrintKind) -> str:
    """The document's name, as its code's verification names it."""
    if kind is PrintKind.decision:
        return _("不予行政许可决定书")
    if kind is PrintKind.revocation:
        return _("撤销行政许可决定书")
    return kind_name(SIGNED_AS[kind])


class How(StrEnum):
    printer = "printer"
    file = "file"


@dataclass(frozen=True)
class DocumentRef:
    """A document that can be printed: its kind and number, and a title for a menu."""

    kind: PrintKind
    number: str
    title: str


@dataclass(frozen=True)
class Document:
    kind: PrintKind
    number: str
    title: str
    pdf: bytes
    copy: int  # 0 for the first handing over, n for the n-th reprint
    # Several documents printed as one (证照领取: the licenses, the one-code sheet and the
    # decision notices): each is recorded as handed over on its own.
    parts: tuple[DocumentRef, ...] = ()

    def filename(self) -> str:
        """A file name for saving: the kind and the number, nothing a file system minds."""
        safe = re.sub(r"[^0-9A-Za-z._-]+", "_", self.number)
        return f"{self.kind.value}-{safe}.pdf"


def _copies(session: Session, kind: PrintKind, number: str) -> int:
    found = session.scalar(
        select(func.count())
        .select_from(DocumentPrint)
        .where(DocumentPrint.kind == kind.value, DocumentPrint.number == number)
    )
    return int(found or 0)


def _ticket(session: Session, ctx: AppContext, ref: str) -> Ticket:
    """``A012`` (today's) or ``2026-12-01/A012``."""
    day = local_today(ctx.clock)
    if "/" in ref:
        text, ref = ref.split("/", 1)
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            raise ValidationError(_("排队号应写作 A012 或 2026-12-01/A012。")) from None
    return find_ticket(session, ref, day)


#: Gathers a document's facts for a copy number (inside the transaction, signing its
#: codes) and lays them out (after it, holding no lock while reportlab works).
Gather = Callable[[int], Any]
Layout = Callable[[Any], bytes]


def _build(
    session: Session, ctx: AppContext, actor: Actor, kind: PrintKind, ref: str
) -> tuple[str, str, Gather, Layout]:
    """The document's own number, its title, and how to gather and lay it out."""
    if kind is PrintKind.license:
        row = find_license(session, ref)
        _refuse_revoked(session, row)
        return (
            row.number,
            f"{row.title} {row.number}",
            lambda copy: document_data.license(session, ctx, actor, row, copy),
            printing.license_pdf,
        )
    if kind is PrintKind.ticket:
        ticket = _ticket(session, ctx, ref)
        return (
            f"{ticket.day.isoformat()}/{ticket.number}",
            f"{kind_title(kind)} {ticket.number}",
            lambda copy: document_data.ticket(session, ctx, actor, ticket, copy),
            printing.ticket_pdf,
        )
    if kind is PrintKind.slip:
        appointment = find_appointment(session, ref)
        return (
            appointment.number,
            f"{kind_title(kind)} {appointment.number}",
            lambda copy: document_data.slip(session, ctx, actor, appointment, copy),
            printing.slip_pdf,
        )
    if kind is PrintKind.decision:
        case, sub = decision_data.find_rejected(session, ref)
        number = decision_data.notice_number(case, sub)
        return (
            number,
            f"{kind_title(kind)} {sub.item_name}",
            lambda copy: decision_data.decision_notice(session, ctx, actor, case, sub, copy),
            printing.decision_pdf,
        )
    if kind is PrintKind.revocation:
        found = revocation_data.find_revoked(session, ref)
        return (
            decision_data.notice_number(found[0], found[1]),
            f"{kind_title(kind)} {found[1].item_name}",
            lambda copy: revocation_data.revocation_notice(session, ctx, actor, found, copy),
            printing.revocation_pdf,
        )
    case = find_case(session, ref)
    title = f"{kind_title(kind)} {case.number}"
    if kind is PrintKind.receipt:
        return (
            case.number,
            title,
            lambda copy: document_data.receipt(session, ctx, actor, case, copy),
            printing.receipt_pdf,
        )
    if kind is PrintKind.letter:
        if not document_data.commitment_subs(session, case):
            raise NotFound(
                _("案件 {number} 没有告知承诺事项，没有告知承诺书。").format(number=case.number)
            )
        return (
            case.number,
            title,
            lambda copy: document_data.letters(session, ctx, actor, case, copy),
            printing.letters_pdf,
        )
    if not _has_licenses(session, case):
        raise NotFound(_("案件 {number} 还没有核发的证照。").format(number=case.number))
    return (
        case.number,
        title,
        lambda copy: document_data.one_code(session, ctx, actor, case, copy),
        printing.onecode_pdf,
    )


def _refuse_revoked(session: Session, row: License) -> None:
    """A revoked license is not printed again: the paper would say it is in force."""
    revoked = session.scalar(
        select(RevokedDocument).where(
            RevokedDocument.kind == DocumentKind.license.value,
            RevokedDocument.number == row.number,
        )
    )
    if revoked is not None:
        raise Conflict(
            _("证照 {number} 已于{day}撤销（{reason}），不能再打印。").format(
                number=row.number,
                day=_("{year:04d}年{month:02d}月{day:02d}日").format(
                    year=revoked.revoked_at.year,
                    month=revoked.revoked_at.month,
                    day=revoked.revoked_at.day,
                ),
                reason=revoked.reason,
            )
        )


def _has_licenses(session: Session, case: Case) -> bool:
    return session.scalar(select(License.id).where(License.case_id == case.id).limit(1)) is not None


QUEUE_KINDS = frozenset({PrintKind.ticket, PrintKind.slip})


def prepare_document(ctx: AppContext, actor: Actor, kind: PrintKind, ref: str) -> Document:
    """The document ``kind`` numbered ``ref``, laid out and with its codes signed, marked
    as a copy if it was handed over before. Nothing is recorded as handed over until
    :func:`record_handover` (a preview that is closed leaves no copy behind).

    Tickets and slips are the guide's desk's (:func:`prepare_queue_document`), the
    others the counter's (:func:`prepare_case_document`); each checks its own right."""
    if kind in QUEUE_KINDS:
        return prepare_queue_document(ctx, actor, kind, ref)
    if kind is PrintKind.decision and not can(actor, Permission.accept_case):
        return _prepare_department_notice(ctx, actor, ref)
    return prepare_case_document(ctx, actor, kind, ref)


def _prepare_department_notice(ctx: AppContext, actor: Actor, ref: str) -> Document:
    """A reviewer prints the decision notice of their own department's item (送达 by
    the department itself)."""
    with ctx.uow() as session:
        _case, sub = decision_data.find_rejected(session, ref)
        department = sub.department_code
    require(ctx, actor, Permission.decide_sub_case, department=department,
            action="documents.prepare_document")  # fmt: skip
    return _prepare(ctx, actor, PrintKind.decision, ref)


@guarded(Permission.accept_case)
def prepare_case_document(ctx: AppContext, actor: Actor, kind: PrintKind, ref: str) -> Document:
    """A receipt, the commitment letters, a license or the one-code sheet.

    Raises ``NotFound`` for an unknown number or a case without such a document,
    ``Conflict`` for a revoked license, ``SecretsUnavailable`` when the signing key
    cannot be used."""
    if kind in QUEUE_KINDS:
        raise ValidationError(_("排队号和预约单不是案件文书。"))
    return _prepare(ctx, actor, kind, ref)


@guarded(Permission.issue_tickets)
def prepare_queue_document(ctx: AppContext, actor: Actor, kind: PrintKind, ref: str) -> Document:
    """A queue ticket or an appointment slip (``NotFound`` for an unknown number)."""
    if kind not in QUEUE_KINDS:
        raise ValidationError(_("这里只能打印排队号和预约单。"))
    return _prepare(ctx, actor, kind, ref)


def _prepare(ctx: AppContext, actor: Actor, kind: PrintKind, ref: str) -> Document:
    # Every code made is the hall's signature: the right to sign, on top of the above.
    require(ctx, actor, Permission.issue_documents, action="documents.prepare_document")
    # The signing audit is written after reads: take the write lock first, and keep the
    # transaction short (the layout, the slow part, runs after it).
    with ctx.uow(write=True) as session:
        number, title, gather, layout = _build(session, ctx, actor, kind, ref.strip())
        copy = _copies(session, kind, number)
        facts = gather(copy)
    return Document(kind, number, title, layout(facts), copy)


@guarded(Permission.issue_documents)
def record_handover(ctx: AppContext, actor: Actor, document: Document, how: How) -> Changes:
    """Record that ``document`` was printed or saved (audited); for a bundle, each of its
    parts, in one transaction. A document prepared as the original and handed over twice
    is one original and one copy in the records."""
    parts = [(p.kind, p.number) for p in document.parts] or [(document.kind, document.number)]
    for _attempt in range(3):
        try:
            with ctx.uow(write=True) as session:
                for kind, number in parts:
                    first = document.copy if not document.parts else 0
                    copy = max(first, _copies(session, kind, number))
                    row = DocumentPrint(
                        kind=kind.value,
                        number=number,
                        copy=copy,
                        at=ctx.clock.now(),
                        by=actor.username,
                        counter=actor.counter or ctx.counter or "",
                        how=how.value,
                    )
                    session.add(row)
                    session.flush()
                    record(
                        session, ctx.clock, actor, "document.print", "document_print", row.id,
                        after={"kind": kind, "number": number, "copy": copy, "how": how},
                        rows=[row],
                    )  # fmt: skip
            return Changes(cases=True)
        except IntegrityError:
            continue  # another counter recorded the same copy number at the same moment
    raise Conflict(_("其他窗口正在补打同一份文书，请重试。"))


def issue_document(
    ctx: AppContext, actor: Actor, kind: PrintKind, ref: str, how: How = How.file
) -> Document:
    """Prepare and record in one go (each step checks its own right)."""
    document = prepare_document(ctx, actor, kind, ref)
    record_handover(ctx, actor, document, how)
    return document


@guarded(Permission.accept_case)
def case_documents(ctx: AppContext, actor: Actor, ref: str) -> tuple[DocumentRef, ...]:
    """What can be printed for the case ``ref``: its receipt, its commitment letters,
    each license, the one-code sheet, each decision notice and each revocation notice,
    in that order."""
    with ctx.uow() as session:
        case = find_case(session, ref)
        refs = [DocumentRef(PrintKind.receipt, case.number, kind_title(PrintKind.receipt))]
        if document_data.commitment_subs(session, case):
            refs.append(DocumentRef(PrintKind.letter, case.number, kind_title(PrintKind.letter)))
        licenses = case_licenses(session, case.id)
        refs += [
            DocumentRef(PrintKind.license, v.number, f"{v.title} {v.number}") for v in licenses
        ]
        if licenses:
            refs.append(DocumentRef(PrintKind.onecode, case.number, kind_title(PrintKind.onecode)))
        refs += decision_refs(session, case)
        refs += revocation_refs(session, case)
    return tuple(refs)


def decision_refs(session: Session, case: Case) -> list[DocumentRef]:
    """The decision notice of each item of ``case`` its department refused."""
    return [
        DocumentRef(
            PrintKind.decision,
            decision_data.notice_number(case, sub),
            f"{kind_title(PrintKind.decision)} {sub.item_name}",
        )
        for sub in decision_data.rejected_subs(session, case)
    ]


def revocation_refs(session: Session, case: Case) -> list[DocumentRef]:
    """The revocation notice of each item of ``case`` revoked for a false commitment."""
    return [
        DocumentRef(
            PrintKind.revocation,
            decision_data.notice_number(case, sub),
            f"{kind_title(PrintKind.revocation)} {sub.item_name}",
        )
        for sub, _task in revocation_data.revoked_subs(session, case)
    ]


@dataclass(frozen=True)
class ScannedCode:
    """A document's code scanned at the counter: what it says, and the case it opens."""

    verification: Verification
    case_number: str | None


# A revoked or expired document still names its case (the clerk is told the verdict).
_OPENS = {Verdict.valid, Verdict.revoked, Verdict.document_expired}
_CASE_NUMBER = re.compile(r"^[A-Z0-9]+-\d{8}-\d{4}")


@guarded(Permission.accept_case)
def case_of_code(ctx: AppContext, actor: Actor, text: str) -> ScannedCode:
    """Verify the scanned ``text`` and find the case its document belongs to (a receipt,
    a commitment letter, a license or a one-code sheet of this hall). A code that does
    not verify opens nothing: a forged receipt must not lead to a real case."""
    result = verify_payload(ctx, text.strip())
    facts = result.facts
    if facts is None or result.verdict not in _OPENS:
        return ScannedCode(result, None)
    number: str | None = None
    with ctx.uow() as session:
        if facts.kind is DocumentKind.license:
            row = session.scalar(select(License).where(License.number == facts.number))
            if row is not None:
                number = session.scalar(select(Case.number).where(Case.id == row.case_id))
        elif facts.kind in (DocumentKind.receipt, DocumentKind.commitment, DocumentKind.one_code):
            found = _CASE_NUMBER.match(facts.number)
            if found and session.scalar(select(Case.id).where(Case.number == found.group(0))):
                number = found.group(0)
    return ScannedCode(result, number)
