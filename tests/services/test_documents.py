"""Licenses issued at acceptance, the documents of a case, copies, and codes that open
their case when scanned."""

from __future__ import annotations

import io
from datetime import UTC, date, time, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from hall.core.errors import Conflict, NotFound, SecretsUnavailable, ValidationError
from hall.models import AuditEntry, DocumentPrint, License, SubCase
from hall.models.enums import Priority, Role, SubCaseStatus
from hall.services.appointments import book_appointment
from hall.services.audit import Actor
from hall.services.cases import case_detail
from hall.services.documents import (
    How,
    PrintKind,
    case_documents,
    case_of_code,
    issue_document,
    prepare_case_document,
    prepare_document,
    prepare_queue_document,
    record_handover,
)
from hall.services.licenses import approve_sub_case, license_number, valid_until
from hall.services.payload import DocumentKind
from hall.services.queue import ensure_categories, issue_ticket
from hall.services.signing import init_keys
from hall.services.verification import Verdict, fact_rows, revoke_document, verify_payload

from ..printing.render import decode_codes
from .test_cases import CLERK, accept, accept_person

GUIDE = Actor("guide01", Role.guide, "C01", "王芳")


@pytest.fixture
def keyed(ctx, operator, memory_keyring, make_account):
    """``ctx`` with the hall's signing key and the guide's account."""
    init_keys(ctx, operator)
    make_account("guide01", Role.guide, display_name="王芳")
    with ctx.uow() as s:
        ensure_categories(s)
    return ctx


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_commitment_and_filing_items_get_their_certificates_at_acceptance(keyed) -> None:
    case = accept(keyed, scope=("H0101", "F1040", "R5001"))
    issued = {s.item_code: s.license_number for s in case.sub_cases}
    assert issued["SAMR-001"] == "SAMR-001-C01-2026-00001"  # commitment, decided on the spot
    assert issued["SAMR-002"] == "SAMR-002-C01-2026-00001"  # filing, recorded on the spot
    assert issued["MCT-001"] is None and issued["NHC-001"] is None  # still under review
    detail = case_detail(keyed, CLERK, case.number)
    food = next(v for v in detail.licenses if v.item_code == "SAMR-001")
    assert food.title == "食品经营许可证"
    assert food.valid_until == date(2031, 11, 22)  # five years from 2026-11-23, less a day
    assert food.scope == ("餐饮服务",)  # the scope entry that needed it
    # The license's code was signed at issue and verifies as that license.
    result = verify_payload(keyed, food.qr_payload)
    assert result.valid and result.facts.number == food.number
    assert result.facts.kind is DocumentKind.license
    assert detail.to_json()["licenses"][0]["qr_payload"] == detail.licenses[0].qr_payload


def test_a_license_is_issued_without_a_code_when_no_key_is_at_hand(ctx) -> None:
    case = accept(ctx, scope=("H0101",))
    with ctx.uow() as s:
        row = s.scalar(select(License))
    assert row.number == case.sub_cases[0].license_number
    assert row.qr_payload is None  # signed at its first print


def test_license_numbers_count_per_item_counter_and_year(keyed) -> None:
    accept(keyed, scope=("H0101",))
    accept(keyed, scope=("H0101",))
    with keyed.uow() as s:
        numbers = sorted(s.scalars(select(License.number)))
        assert numbers == ["SAMR-001-C01-2026-00001", "SAMR-001-C01-2026-00002"]
        assert license_number(s, "SAMR-001", "C02", date(2026, 12, 1)).endswith("C02-2026-00001")
        assert license_number(s, "SAMR-001", "C01", date(2027, 1, 4)).endswith("2027-00001")


def test_validity_counts_whole_years_less_a_day() -> None:
    assert valid_until(date(2026, 3, 1), 4) == date(2030, 2, 28)
    assert valid_until(date(2028, 2, 29), 1) == date(2029, 2, 27)
    assert valid_until(date(2026, 3, 1), None) is None


def test_a_department_approval_issues_the_license(keyed) -> None:
    case = accept(keyed, scope=("R5001",))
    sub_id = next(s.id for s in case.sub_cases if s.item_code == "MCT-001")
    reviewer = Actor("reviewer01", Role.reviewer, None, "赵强", ("MCT",))
    with keyed.uow() as s:
        sub = s.get_one(SubCase, sub_id)
        issued = approve_sub_case(s, keyed, reviewer, sub, keyed.catalog().item("MCT-001"))
        assert issued is not None and sub.status is SubCaseStatus.approved
    refs = case_documents(keyed, CLERK, case.number)
    assert [r.kind for r in refs] == [PrintKind.receipt, PrintKind.license, PrintKind.onecode]


def test_the_documents_of_a_case_in_order(keyed) -> None:
    case = accept(keyed, scope=("H0101", "F1040", "L0001"))
    refs = case_documents(keyed, CLERK, case.number)
    assert [r.kind for r in refs] == [
        PrintKind.receipt,
        PrintKind.letter,
        PrintKind.license,
        PrintKind.license,
        PrintKind.onecode,
    ]
    person = accept_person(keyed)  # a filing only: no letter
    assert PrintKind.letter not in [r.kind for r in case_documents(keyed, CLERK, person.number)]
    with pytest.raises(NotFound, match="没有告知承诺事项"):
        prepare_document(keyed, CLERK, PrintKind.letter, person.number)


def test_receipt_holds_the_case_and_its_code_opens_it(keyed, qapp) -> None:
    case = accept(keyed)
    document = prepare_document(keyed, CLERK, PrintKind.receipt, case.number)
    text = text_of(document.pdf)
    assert case.number in text and "味香居" in text
    assert document.copy == 0 and document.filename() == f"receipt-{case.number}.pdf"
    with keyed.uow() as s:
        signed = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "document.sign")))
    payload = signed[-1].after
    assert payload["kind"] == "receipt" and payload["number"] == case.number
    # A receipt has no validity: its verification shows no "valid until" line; a
    # license does.
    pages = len(PdfReader(io.BytesIO(document.pdf)).pages)
    codes = [t for p in range(pages) for f, t in decode_codes(document.pdf, p) if "QR" in f]
    assert len(codes) == 1
    receipt_rows = dict(fact_rows(verify_payload(keyed, codes[0]), UTC))
    assert receipt_rows["编号"] == case.number and "有效期至" not in receipt_rows
    detail = case_detail(keyed, CLERK, case.number)
    license_rows = dict(fact_rows(verify_payload(keyed, detail.licenses[0].qr_payload), UTC))
    assert license_rows["有效期至"] == "2031-11-22"


def test_a_second_handover_is_a_copy_and_both_are_audited(keyed) -> None:
    case = accept(keyed, scope=("H0101",))
    number = case.sub_cases[0].license_number
    first = issue_document(keyed, CLERK, PrintKind.license, number)
    again = prepare_document(keyed, CLERK, PrintKind.license, number)
    assert first.copy == 0 and again.copy == 1
    assert "补打" not in text_of(first.pdf) and "补打" in text_of(again.pdf)
    record_handover(keyed, CLERK, again, How.printer)
    # A preview closed without printing leaves no copy behind.
    prepare_document(keyed, CLERK, PrintKind.license, number)
    with keyed.uow() as s:
        prints = list(s.scalars(select(DocumentPrint).order_by(DocumentPrint.copy)))
        audited = s.scalars(select(AuditEntry.action).where(AuditEntry.action == "document.print"))
        assert [(p.copy, p.how) for p in prints] == [(0, "file"), (1, "printer")]
        assert len(list(audited)) == 2


def test_codes_of_a_receipt_letter_and_license_open_their_case(keyed) -> None:
    case = accept(keyed, scope=("H0101",))
    detail = case_detail(keyed, CLERK, case.number)
    scanned = case_of_code(keyed, CLERK, detail.licenses[0].qr_payload)
    assert scanned.verification.valid and scanned.case_number == case.number
    assert case_of_code(keyed, CLERK, "HL1:NOTACODE").case_number is None
    revoke_document(
        keyed, Actor("super01", Role.supervisor, operator=True), DocumentKind.license,
        detail.licenses[0].number, "虚假承诺",
    )  # fmt: skip
    revoked = case_of_code(keyed, CLERK, detail.licenses[0].qr_payload)
    assert revoked.verification.verdict is Verdict.revoked
    assert revoked.case_number == case.number  # the clerk sees the case, and the verdict
    assert case_detail(keyed, CLERK, case.number).licenses[0].revoked


def test_unknown_numbers_are_told_plainly(keyed) -> None:
    with pytest.raises(NotFound, match="没有编号为 NOPE 的证照"):
        prepare_document(keyed, CLERK, PrintKind.license, "NOPE")
    with pytest.raises(NotFound, match="A999"):
        prepare_document(keyed, CLERK, PrintKind.ticket, "A999")
    with pytest.raises(NotFound, match="还没有核发的证照"):
        prepare_document(keyed, CLERK, PrintKind.onecode, accept(keyed, scope=("R5001",)).number)


def test_no_key_means_no_document_and_a_clear_message(ctx) -> None:
    case = accept(ctx, scope=("H0101",))
    with pytest.raises(SecretsUnavailable, match="签名密钥"):
        prepare_document(ctx, CLERK, PrintKind.receipt, case.number)


def test_tickets_count_the_people_ahead_and_number_per_category(keyed) -> None:
    first, _ = issue_ticket(keyed, GUIDE, "B")
    second, _ = issue_ticket(keyed, GUIDE, "b", Priority.elderly)
    third, _ = issue_ticket(keyed, GUIDE, "B")
    other, _ = issue_ticket(keyed, GUIDE, "A")
    assert (first.number, second.number, other.number) == ("B001", "B002", "A001")
    # The elderly applicant is called first: nobody ahead of B002; B003 waits for both.
    assert (first.people_ahead, second.people_ahead, third.people_ahead) == (0, 0, 2)
    assert other.people_ahead == 0
    ticket = prepare_document(keyed, GUIDE, PrintKind.ticket, "B002")
    text = text_of(ticket.pdf)
    assert "B002" in text and "优先（老年人）" in text
    assert ticket.number == f"{first.day.isoformat()}/B002"
    dated = prepare_document(keyed, GUIDE, PrintKind.ticket, f"{first.day.isoformat()}/A001")
    assert "A001" in text_of(dated.pdf)


def test_an_appointment_slip_says_when_and_what_to_bring(keyed) -> None:
    day = date(2026, 11, 24)
    slot = time(9, 0)
    booked, _ = book_appointment(keyed, GUIDE, "B", day, slot, "王建国", "138 0516 1234")
    assert booked.phone == "13805161234"
    slip = prepare_document(keyed, GUIDE, PrintKind.slip, booked.number)
    text = text_of(slip.pdf)
    assert booked.number in text and "王建国" in text and "营业执照" in text
    assert "138****1234" in text  # a phone number on paper is masked
    with pytest.raises(ValidationError, match="不能早于今天"):
        book_appointment(keyed, GUIDE, "B", day - timedelta(days=2), slot, "王建国", "13805161234")


# --- for tests/services/test_permissions.py -------------------------------------------


def _documents_setup(ctx, operator) -> None:
    """A signed case for each role's call, a ticket and an appointment."""
    init_keys(ctx, operator)
    with ctx.uow() as s:
        ensure_categories(s)
    for _role in Role:
        accept(ctx, CLERK, scope=("H0101",))
    issue_ticket(ctx, CLERK, "A")
    book_appointment(ctx, CLERK, "B", date(2026, 11, 24), time(9), "王建国", "13805161234")


def _number(i: int) -> str:
    return f"C01-20261123-{i + 1:04d}"


def _handover(ctx, a, i):
    # Preparing is refused to the same roles; a refused role has nothing to hand over.
    from hall.services.documents import Document

    fake = Document(PrintKind.receipt, _number(i), "受理通知书", b"%PDF-1.4", 0)
    return record_handover(ctx, a, fake, How.file)


DOCUMENT_SAMPLES = {
    "documents.prepare_case_document": lambda ctx, a, i: prepare_case_document(
        ctx, a, PrintKind.receipt, _number(i)
    ),
    "documents.prepare_queue_document": lambda ctx, a, i: prepare_queue_document(
        ctx, a, PrintKind.ticket, "A001"
    ),
    "documents.record_handover": _handover,
    "documents.case_documents": lambda ctx, a, i: case_documents(ctx, a, _number(i)),
    "documents.case_of_code": lambda ctx, a, i: case_of_code(ctx, a, "HL1:X"),
    "queue.issue_ticket": lambda ctx, a, i: issue_ticket(ctx, a, "D"),
    "appointments.book_appointment": lambda ctx, a, i: book_appointment(
        ctx, a, "B", date(2026, 11, 25), time(9 + i % 3), f"预约人{i}", "13805161234"
    ),
}
DOCUMENT_SETUP = dict.fromkeys(DOCUMENT_SAMPLES, _documents_setup)


def test_the_one_code_carries_every_license_of_the_case(keyed) -> None:
    from hall.services.document_data import one_code_item

    case = accept(keyed, scope=("H0101", "F1040"))
    sheet = prepare_document(keyed, CLERK, PrintKind.onecode, case.number)
    text = text_of(sheet.pdf).replace("\n", "")  # a long number may wrap in its cell
    numbers = [s.license_number for s in case.sub_cases if s.license_number]
    assert len(numbers) == 2 and all(n in text for n in numbers)
    with keyed.uow() as s:
        signed = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "document.sign").order_by(AuditEntry.seq)
        ).all()
    assert signed[-1].after["kind"] == "one_code"
    views = case_detail(keyed, CLERK, case.number).licenses
    assert one_code_item(views) == ",".join(numbers)
    many = views * 10  # a very large case: its item codes instead
    assert one_code_item(many).startswith("SAMR-001,SAMR-002,")


def test_each_desk_prints_its_own_documents(keyed, make_account) -> None:
    """The guide hands out tickets and slips, the counter the case documents; a reviewer
    neither (their decisions come back to the counter)."""
    from hall.core.errors import PermissionDenied

    case = accept(keyed, scope=("H0101",))
    issue_ticket(keyed, GUIDE, "A")
    reviewer = make_account("reviewer01", Role.reviewer, departments=("SAMR",))
    assert prepare_document(keyed, GUIDE, PrintKind.ticket, "A001").copy == 0
    with pytest.raises(PermissionDenied, match="受理申请"):
        prepare_document(keyed, GUIDE, PrintKind.receipt, case.number)
    number = case.sub_cases[0].license_number
    with pytest.raises(PermissionDenied):
        issue_document(keyed, reviewer, PrintKind.license, number)
    with pytest.raises(PermissionDenied):
        prepare_document(keyed, reviewer, PrintKind.ticket, "A001")


def test_a_revoked_license_is_not_printed_again_and_its_sheet_no_longer_verifies(
    keyed,
) -> None:
    case = accept(keyed, scope=("H0101", "F1040"))
    sheet = prepare_document(keyed, CLERK, PrintKind.onecode, case.number)
    detail = case_detail(keyed, CLERK, case.number)
    food = detail.licenses[0].number
    supervisor = Actor("super01", Role.supervisor, operator=True)
    revoke_document(keyed, supervisor, DocumentKind.license, food, "虚假承诺")
    with pytest.raises(Conflict, match="已于2026年11月23日撤销（虚假承诺）"):
        prepare_document(keyed, CLERK, PrintKind.license, food)
    [code] = [t for f, t in decode_codes(sheet.pdf) if "QR" in f]
    result = verify_payload(keyed, code)
    assert result.verdict is Verdict.revoked
    assert result.revocation.reason == f"其中的证照 {food} 已撤销：虚假承诺"
    # The sheet printed now says so in its table.
    again = prepare_document(keyed, CLERK, PrintKind.onecode, case.number)
    assert "已撤销" in text_of(again.pdf)


def test_a_commitment_letter_stays_verifiable_after_its_verification_is_due(keyed) -> None:
    case = accept(keyed, scope=("H0101",))
    letter = prepare_document(keyed, CLERK, PrintKind.letter, case.number)
    [code] = [t for f, t in decode_codes(letter.pdf) if "QR" in f]
    result = verify_payload(keyed, code, today=date(2027, 6, 30))
    assert result.valid and result.facts.valid_until is None
