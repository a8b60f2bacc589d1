"""Documents as PDF bytes: plain data in (:mod:`hall.printing.data`), PDF out (reportlab).

Nothing here knows the database, the services or Qt: a service fills a dataclass, one of
these functions lays it out, and the GUI previews, prints or saves the bytes. The fonts
are embedded (a subset of the bundled WenQuanYi Micro Hei), every QR code and barcode is
vector, every value prints as the text it is (never as markup).

Importing this package is cheap: reportlab, zxing-cpp and python-barcode (about 300 ms
together) and the font (65 ms or more) load on the first document, not at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence

from hall.printing.data import (
    AppointmentSlip,
    CommitmentLetter,
    DecisionNotice,
    Issuer,
    License,
    OneCodeLine,
    OneCodeSheet,
    Receipt,
    ReceiptItem,
    ReceiptMaterial,
    RevocationNotice,
    Ticket,
)

__all__ = [
    "AppointmentSlip",
    "CommitmentLetter",
    "DecisionNotice",
    "Issuer",
    "License",
    "OneCodeLine",
    "OneCodeSheet",
    "Receipt",
    "ReceiptItem",
    "ReceiptMaterial",
    "RevocationNotice",
    "Ticket",
    "decision_pdf",
    "letters_pdf",
    "license_pdf",
    "onecode_pdf",
    "receipt_pdf",
    "revocation_pdf",
    "slip_pdf",
    "ticket_pdf",
]


def receipt_pdf(receipt: Receipt) -> bytes:
    """受理通知书 (A4): the case's items with their deadlines, the materials received and
    still owed, the seal and signature places, the signed QR code. Long cases run onto
    further pages, each with the header and 第 n 页 共 m 页."""
    from hall.printing.receipt import receipt_pdf as build

    return build(receipt)


def letters_pdf(letters: Sequence[CommitmentLetter]) -> bytes:
    """Every 告知承诺书 of a case in one PDF (A4), each letter from a new page and
    numbered on its own. Raises :class:`~hall.core.errors.ValidationError` when
    ``letters`` is empty."""
    from hall.printing.letter import letters_pdf as build

    return build(letters)


def decision_pdf(notice: DecisionNotice) -> bytes:
    """不予行政许可决定书 (A4): the reason, the legal basis, the applicant's remedies, the
    department's seal and the signed QR code, with a receipt slip for the hand-over."""
    from hall.printing.decision import decisions_pdf as build

    return build([notice])


def revocation_pdf(notice: RevocationNotice) -> bytes:
    """撤销行政许可决定书 (A4): a license granted on a commitment found false revoked,
    with the facts found, the legal basis, the consequences for the applicant's credit,
    the remedies, the department's seal and the signed QR code."""
    from hall.printing.revocation import revocation_pdf as build

    return build(notice)


def license_pdf(license_: License) -> bytes:
    """The license certificate: one A4 landscape page with a Code 128 barcode of its
    number and the signed QR code; long content shrinks to fit the page."""
    from hall.printing.license import license_pdf as build

    return build(license_)


def onecode_pdf(sheet: OneCodeSheet) -> bytes:
    """证照信息一码展示 (A4): every license of a case in a table, and one large QR code."""
    from hall.printing.onecode import onecode_pdf as build

    return build(sheet)


def ticket_pdf(ticket: Ticket) -> bytes:
    """A queue ticket: one page 80 mm wide (a receipt printer's roll), as tall as needed."""
    from hall.printing.ticket import ticket_pdf as build

    return build(ticket)


def slip_pdf(slip: AppointmentSlip) -> bytes:
    """预约单 (A5): day, time slot, business, what to bring, and the check-in QR code."""
    from hall.printing.slip import slip_pdf as build

    return build(slip)
