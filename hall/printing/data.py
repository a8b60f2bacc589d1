"""What each document says, as plain frozen data: the services fill these in (facts
already looked up, labels already in the reader's language, codes already signed) and
:mod:`hall.printing` lays them out. Every string is text, never markup.

``copy`` is 0 for the first print of a document and n for its n-th reprint, which is
marked as a copy (补打) on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Issuer:
    """The hall that hands the paper over, and who did."""

    hall_name: str  # 徐州市贾汪区政务服务中心
    hall_code: str = ""
    counter: str = ""  # C01
    clerk: str = ""  # the clerk's name as printed
    phone: str = ""  # the hall's enquiry number, printed when given


@dataclass(frozen=True)
class ReceiptItem:
    code: str
    name: str
    department: str
    mode: str  # the reform mode's label, e.g. 实行告知承诺
    route: str  # the procedure applied, e.g. 一般程序 (the same as mode for most)
    outcome: str  # 当场办结 / 已备案 / 已告知 / 审查中 …
    promised_deadline: date | None = None
    statutory_deadline: date | None = None
    # A deadline in a year whose official calendar is not yet loaded: printed as 待定.
    promised_provisional: bool = False
    statutory_provisional: bool = False
    # False for an item whose approval was cancelled: the applicant is told no permit is
    # needed (行政许可法 art. 32 (1)); it is listed, but not among the items accepted.
    accepted: bool = True


@dataclass(frozen=True)
class ReceiptMaterial:
    name: str
    proof: str  # the proof mode's label (纸质材料, 数据核验 …)
    status: str  # its status label (已收取, 待补正 …)
    note: str = ""
    due: date | None = None  # 容缺: promised by this day


@dataclass(frozen=True)
class Receipt:
    """受理通知书: one per case."""

    issuer: Issuer
    number: str  # the case number
    applicant_name: str
    applicant_code: str  # credit code, or a person's ID number already masked
    accepted_at: datetime  # aware; printed in the hall's zone by the caller's choice
    items: tuple[ReceiptItem, ...]
    received: tuple[ReceiptMaterial, ...]  # handed over, verified, or covered by commitment
    pending: tuple[ReceiptMaterial, ...]  # what the applicant still owes (容缺, 补正, …)
    qr: str  # the signed payload
    contact: str = ""  # the applicant's contact as printed (masked phone)
    copy: int = 0
    # Checks the hall itself is running (data platform, another department): nothing
    # the applicant has to bring.
    checking: tuple[ReceiptMaterial, ...] = ()


@dataclass(frozen=True)
class CommitmentLetter:
    """告知承诺书: one per commitment item of a case."""

    issuer: Issuer
    number: str  # the letter's number: case number and item code
    case_number: str
    applicant_name: str
    applicant_code: str
    item_code: str
    item_name: str
    department: str
    legal_basis: str
    conditions: tuple[str, ...]  # numbered, quantifiable
    obligations: tuple[str, ...]
    verification: str  # what will be checked, and within which window
    consequences: tuple[str, ...]
    dated: date
    qr: str
    legal_representative: str = ""
    address: str = ""
    contact: str = ""
    verification_due: date | None = None
    copy: int = 0
    verification_due_provisional: bool = False  # in a year whose calendar is not loaded


@dataclass(frozen=True)
class License:
    """A license or permit certificate (许可证, 备案凭证)."""

    issuer: Issuer
    title: str  # the certificate's name, e.g. 食品经营许可证
    number: str  # the license number, also printed as a Code 128 barcode
    holder: str
    holder_code: str  # unified social credit code (a person's ID number masked)
    item_code: str
    item_name: str
    scope: tuple[str, ...]  # what the permit covers, one line each
    authority: str  # the issuing department
    issued_on: date
    valid_from: date
    valid_until: date | None  # None: long-term (长期)
    qr: str
    legal_representative: str = ""
    address: str = ""
    copy: int = 0
    filing: bool = False  # a filing certificate: 备案事项 and 备案编号, not 许可


@dataclass(frozen=True)
class DecisionNotice:
    """不予行政许可决定书: a department's refusal, with the reason, the legal basis and
    the applicant's remedies (行政许可法 art. 38)."""

    issuer: Issuer
    number: str  # the case number and the item code
    case_number: str
    applicant_name: str
    applicant_code: str  # credit code, or a person's ID number already masked
    item_code: str
    item_name: str
    authority: str  # the deciding department
    applied_on: date  # the day the application was accepted at the counter
    decided_on: date
    reason: str
    legal_basis: str
    qr: str
    reviewer: str = ""  # who decided, as printed
    copy: int = 0


@dataclass(frozen=True)
class OneCodeLine:
    title: str
    number: str
    authority: str
    issued_on: date
    valid_until: date | None
    status: str = ""  # 有效 / 已撤销 …


@dataclass(frozen=True)
class OneCodeSheet:
    """一码展示: every license of a case behind one code."""

    issuer: Issuer
    case_number: str
    holder: str
    holder_code: str
    licenses: tuple[OneCodeLine, ...]
    issued_on: date
    qr: str
    copy: int = 0


@dataclass(frozen=True)
class Ticket:
    """A queue ticket for an 80 mm receipt printer."""

    hall_name: str
    number: str  # A012
    category: str  # 企业登记
    people_ahead: int
    issued_at: datetime  # aware
    qr: str
    priority: str = ""  # e.g. 优先（老年人）, printed when given
    note: str = ""  # e.g. 请留意大厅显示屏和语音叫号
    copy: int = 0


@dataclass(frozen=True)
class AppointmentSlip:
    """预约单."""

    issuer: Issuer
    number: str
    day: date
    slot: str  # 09:00–09:30
    category: str
    applicant_name: str
    contact: str  # masked phone
    bring: tuple[str, ...]  # what to bring
    qr: str
    booked_at: datetime | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    copy: int = 0


@dataclass(frozen=True)
class RevocationNotice:
    """撤销行政许可决定书: a license granted on the applicant's commitment, revoked once
    the post-event verification found the commitment false (行政许可法 art. 69 (2))."""

    issuer: Issuer
    number: str  # the case number and the item code
    case_number: str
    applicant_name: str
    applicant_code: str  # credit code, or a person's ID number already masked
    item_code: str
    item_name: str
    authority: str  # the department that granted the license and now revokes it
    licenses: tuple[str, ...]  # the numbers of the licenses revoked
    applied_on: date  # the day the commitment was made and the license granted
    decided_on: date  # the day the revocation was decided
    facts: str  # what the verification found
    qr: str
    inspector: str = ""  # who verified, as printed
    copy: int = 0
