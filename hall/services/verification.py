"""Checking a document's QR payload offline: ``hall verify`` and the verify dialog.

The verdicts are distinct, checked in this order: not a code of ours (``malformed``);
signed by a key this hall never had (``unknown_key``); a changed byte (``bad_signature``);
signed by a key revoked as compromised (``key_revoked``);
signed on a day its key was not in use (``key_expired``); revoked since it was printed
(``revoked``); past its own validity (``document_expired``); else ``valid``. The key's
period is checked against the day the code was signed (a reprint after a rotation is
signed by the new key), not the day the document was first issued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import StrEnum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import Conflict, ValidationError
from hall.core.i18n import N_, _
from hall.models import RevokedDocument, SigningKey
from hall.services import payload
from hall.services.audit import Actor, record
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.masking import mask_applicant_code
from hall.services.payload import DocumentFacts, DocumentKind, PayloadFormatError
from hall.services.permissions import Permission, guarded
from hall.services.signing import KeyView, _view

#: The longest reason a revocation may give.
MAX_REASON = 500


class Verdict(StrEnum):
    valid = "valid"
    malformed = "malformed"
    unknown_key = "unknown_key"
    bad_signature = "bad_signature"
    key_revoked = "key_revoked"
    key_expired = "key_expired"
    revoked = "revoked"
    document_expired = "document_expired"


VERDICT_TEXT = {
    Verdict.valid: N_("真实有效：二维码由本大厅签发，内容未被改动。"),
    Verdict.malformed: N_("无法识别：这不是本大厅文书的二维码，或二维码已损坏。"),
    Verdict.unknown_key: N_("无法核验：签发密钥不属于本大厅，文书可能是伪造的。"),
    Verdict.bad_signature: N_("签名不符：二维码内容被改动过，文书不可信。"),
    Verdict.key_revoked: N_(
        "密钥已吊销：签发这个二维码的密钥可能已泄露，文书不再可信，请到大厅重新出具。"
    ),
    Verdict.key_expired: N_("密钥已停用：二维码的生成日期不在该密钥的使用期内，文书不可信。"),
    Verdict.revoked: N_("已撤销：该文书已被撤销，不再有效。"),
    Verdict.document_expired: N_("已过有效期：签名真实，但文书已超过有效期。"),
}

KIND_NAMES = {
    DocumentKind.receipt: N_("受理通知书"),
    DocumentKind.commitment: N_("告知承诺书"),
    DocumentKind.license: N_("许可证"),
    DocumentKind.one_code: N_("证照信息一码展示"),
    DocumentKind.notice: N_("通知书"),
    DocumentKind.ticket: N_("排队号"),
    DocumentKind.appointment: N_("预约单"),
}


def kind_name(kind: DocumentKind) -> str:
    return _(KIND_NAMES[kind])


@dataclass(frozen=True)
class Revocation:
    reason: str
    at: datetime
    by: str


@dataclass(frozen=True)
class Verification:
    verdict: Verdict
    facts: DocumentFacts | None  # what the code says (None when it cannot be read)
    key: KeyView | None = None
    revocation: Revocation | None = None

    @property
    def valid(self) -> bool:
        return self.verdict is Verdict.valid

    @property
    def message(self) -> str:
        return _(VERDICT_TEXT[self.verdict])

    def to_json(self) -> dict[str, object]:
        unread = dict.fromkeys(("kind", "number", "holder", "holder_code", "item", "issued",
                                "valid_until", "signed", "key_id"))  # fmt: skip
        facts = self.facts.to_json() if self.facts else unread
        return {
            # What the code says, at the top for scripts (and again under "facts").
            **facts,
            "verdict": self.verdict.value,
            "valid": self.valid,
            "message": self.message,
            "facts": self.facts.to_json() if self.facts else None,
            "key": self.key.to_json() if self.key else None,
            "revocation": {
                "reason": self.revocation.reason,
                "at": self.revocation.at.isoformat(),
                "by": self.revocation.by,
            }
            if self.revocation
            else None,
        }


def facts_heading(result: Verification) -> str:
    """What the lines of :func:`fact_rows` are: vouched for, or only what the code says."""
    if result.valid or result.verdict is Verdict.document_expired:
        return _("二维码所载信息：")
    return _("二维码中写的内容（未经核验，不可采信）：")


def fact_rows(result: Verification, zone: tzinfo) -> list[tuple[str, str]]:
    """What the code vouches for, as (label, value) lines for a person to read; a
    person's ID number masked."""
    facts = result.facts
    if facts is None:
        return []
    rows = [
        (_("文书"), kind_name(facts.kind)),
        (_("编号"), facts.number),
        (_("持有人"), facts.holder),
        (_("证件号码"), mask_applicant_code(facts.holder_code)),
        (_("事项"), facts.item),
        (_("签发日期"), facts.issued.isoformat()),
        (_("二维码生成"), facts.signed.isoformat() if facts.signed else ""),
        (_("签名密钥"), facts.key_id),
    ]
    if facts.valid_until is not None:
        rows.insert(6, (_("有效期至"), facts.valid_until.isoformat()))
    elif facts.kind is DocumentKind.license:  # a license without an end date is long-term
        rows.insert(6, (_("有效期至"), _("长期")))
    if result.revocation is not None:
        at = result.revocation.at.astimezone(zone)
        rows.append((_("撤销"), f"{at:%Y-%m-%d %H:%M} {result.revocation.reason}"))
    return [(label, value) for label, value in rows if value]  # a ticket has no holder


def _revocation_reason(facts: DocumentFacts, revoked: RevokedDocument) -> str:
    if revoked.number == facts.number:
        return revoked.reason
    return _("其中的证照 {number} 已撤销：{reason}").format(
        number=revoked.number, reason=revoked.reason
    )


def verify_payload(ctx: AppContext, text: str, *, today: date | None = None) -> Verification:
    """Check ``text`` (exactly as scanned) against this hall's keys and revocations."""
    try:
        body, signature = payload.split(text)
        facts = payload.decode_body(body)
    except PayloadFormatError:
        return Verification(Verdict.malformed, None)
    with ctx.uow() as session:
        row = session.scalar(select(SigningKey).where(SigningKey.key_id == facts.key_id))
        key = _view(row) if row else None
        revoked = session.scalar(
            select(RevokedDocument).where(
                RevokedDocument.kind == facts.kind.value, RevokedDocument.number == facts.number
            )
        )
        if revoked is None and facts.kind is DocumentKind.one_code:
            # A one-code sheet says its licenses are in force: not once one is revoked.
            revoked = session.scalar(
                select(RevokedDocument)
                .where(
                    RevokedDocument.kind == DocumentKind.license.value,
                    RevokedDocument.number.in_(facts.item.split(",")),
                )
                .order_by(RevokedDocument.revoked_at)
                .limit(1)
            )
        revocation = (
            Revocation(_revocation_reason(facts, revoked), revoked.revoked_at, revoked.revoked_by)
            if revoked
            else None
        )
    if key is None:
        return Verification(Verdict.unknown_key, facts)
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(key.public_key)).verify(
            signature, payload.DOMAIN + body
        )
    except InvalidSignature:
        return Verification(Verdict.bad_signature, facts, key)
    if key.revoked_at is not None:
        return Verification(Verdict.key_revoked, facts, key)
    zone = ctx.clock.zone
    first = key.valid_from.astimezone(zone).date()
    last = key.valid_until.astimezone(zone).date() if key.valid_until else None
    assert facts.signed is not None  # decode_body always fills it in
    if facts.signed < first or (last is not None and facts.signed > last):
        return Verification(Verdict.key_expired, facts, key)
    if revocation is not None:
        return Verification(Verdict.revoked, facts, key, revocation)
    day = today or local_today(ctx.clock)
    if facts.valid_until is not None and facts.valid_until < day:
        return Verification(Verdict.document_expired, facts, key)
    return Verification(Verdict.valid, facts, key)


@guarded(Permission.revoke_document)
def revoke_document(
    ctx: AppContext, actor: Actor, kind: DocumentKind, number: str, reason: str
) -> tuple[Revocation, Changes]:
    """Make a printed document's code verify as revoked from now on.

    Raises ``ValidationError`` without a reason and ``Conflict`` if already revoked."""
    with ctx.uow() as session:
        revocation = revoke_in(session, ctx, actor, kind, number, reason)
    return revocation, Changes(cases=True)


def revoke_in(
    session: Session, ctx: AppContext, actor: Actor, kind: DocumentKind, number: str, reason: str
) -> Revocation:
    """:func:`revoke_document` inside the caller's transaction (which checked the right):
    the revocation, audited."""
    number, reason = number.strip(), reason.strip()
    if not number:
        raise ValidationError(_("请填写文书编号。"), field="number")
    if not reason:
        raise ValidationError(_("请填写撤销原因。"), field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationError(_("原因最多500个字。"), field="reason")
    if session.scalar(
        select(RevokedDocument.id).where(
            RevokedDocument.kind == kind.value, RevokedDocument.number == number
        )
    ):
        raise Conflict(
            _("{kind} {number} 已经撤销过。").format(kind=kind_name(kind), number=number)
        )
    row = RevokedDocument(
        kind=kind.value,
        number=number,
        reason=reason,
        revoked_at=ctx.clock.now(),
        revoked_by=actor.username,
    )
    session.add(row)
    session.flush()
    record(
        session,
        ctx.clock,
        actor,
        "document.revoke",
        "revoked_document",
        row.id,
        after={"kind": kind.value, "number": number, "reason": reason},
        rows=[row],
    )
    return Revocation(row.reason, row.revoked_at, row.revoked_by)
