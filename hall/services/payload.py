"""The signed payload in the QR codes on the hall's documents.

A payload is ``HL1:`` followed by Base45 (RFC 9285) of ``body || signature``:

* ``body`` is a CBOR array ``[kind, number, holder, holder_code, item, issued,
  valid_until, signed, key_id]``: kind a small integer (:data:`KIND_CODES`), the dates as
  days since 2000-01-01 (``valid_until`` null when unlimited; ``signed`` the day the code
  was made, later than ``issued`` for a reprint), ``key_id`` the first four bytes of
  SHA-256 of the signing public key;
* ``signature`` is the 64-byte Ed25519 signature of ``DOMAIN || body``.

Base45 keeps to the QR code's alphanumeric set (5.5 bits a character instead of 8), so a
typical license's payload of ~190 bytes becomes ~260 characters: a version 9 code at
error correction M (53 modules, measured with segno), 0.47 mm a module at 25 mm, which
phone cameras and counter scanners read from paper. Person ID numbers are masked before
they go in (a QR code can be read by anyone holding the paper).

Pure functions: no database, no keys (see :mod:`hall.services.signing`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import cbor2

from hall.core.errors import ValidationError
from hall.core.i18n import _

PREFIX = "HL1:"
DOMAIN = b"hall-document-v1\x00"
SIGNATURE_BYTES = 64
KEY_ID_BYTES = 4
# Characters a code of ours may have when made: a version 16 code at M (81 modules), 0.31 mm
# a module at 25 mm; documents print a longer code larger. Items go in as their codes,
# so a license's payload is about 260. Anything over MAX_READ is not one of ours at all.
MAX_PAYLOAD = 640
MAX_READ = 2000
MAX_TEXT = 300  # characters in one field
EPOCH = date(2000, 1, 1)


class DocumentKind(StrEnum):
    receipt = "receipt"  # 受理通知书
    commitment = "commitment"  # 告知承诺书
    license = "license"  # 许可证
    one_code = "one_code"  # 一码展示
    notice = "notice"  # 决定书、补正通知
    ticket = "ticket"  # 排队号
    appointment = "appointment"  # 预约单


KIND_CODES = {
    DocumentKind.receipt: 1,
    DocumentKind.commitment: 2,
    DocumentKind.license: 3,
    DocumentKind.one_code: 4,
    DocumentKind.notice: 5,
    DocumentKind.ticket: 6,
    DocumentKind.appointment: 7,
}
_KINDS = {code: kind for kind, code in KIND_CODES.items()}


@dataclass(frozen=True)
class DocumentFacts:
    """What a document's code vouches for."""

    kind: DocumentKind
    number: str
    holder: str
    holder_code: str
    item: str  # item code(s); several joined by commas on a one-code sheet
    issued: date
    valid_until: date | None = None
    signed: date | None = None  # the day the code was made, set when signed
    key_id: str = ""  # 8 hex digits, set when signed

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "number": self.number,
            "holder": self.holder,
            "holder_code": self.holder_code,
            "item": self.item,
            "issued": self.issued.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "signed": self.signed.isoformat() if self.signed else None,
            "key_id": self.key_id,
        }


class PayloadFormatError(ValueError):
    """The text is not a payload of this program (or is damaged beyond reading)."""


# --- Base45 (RFC 9285) -------------------------------------------------------------------

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


def b45encode(data: bytes) -> str:
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        c, n = n % 45, n // 45
        d, e = n % 45, n // 45
        out.append(ALPHABET[c] + ALPHABET[d] + ALPHABET[e])
    if len(data) % 2:
        n = data[-1]
        out.append(ALPHABET[n % 45] + ALPHABET[n // 45])
    return "".join(out)


def b45decode(text: str) -> bytes:
    try:
        values = [_VALUE[ch] for ch in text]
    except KeyError as exc:
        raise PayloadFormatError(f"not a Base45 character: {exc}") from None
    if len(values) % 3 == 1:
        raise PayloadFormatError("Base45 text of a bad length")
    out = bytearray()
    for i in range(0, len(values), 3):
        group = values[i : i + 3]
        if len(group) == 3:
            n = group[0] + group[1] * 45 + group[2] * 45 * 45
            if n > 0xFFFF:
                raise PayloadFormatError("Base45 group out of range")
            out += bytes((n >> 8, n & 0xFF))
        else:
            n = group[0] + group[1] * 45
            if n > 0xFF:
                raise PayloadFormatError("Base45 group out of range")
            out.append(n)
    return bytes(out)


# --- the body ------------------------------------------------------------------------------


def _days(day: date) -> int:
    return (day - EPOCH).days


def encode_body(facts: DocumentFacts) -> bytes:
    """The canonical CBOR body of ``facts`` (what is signed).

    Raises ``ValidationError`` for a field longer than a code may carry."""
    key_id = bytes.fromhex(facts.key_id)
    if len(key_id) != KEY_ID_BYTES or facts.signed is None:
        raise ValueError("facts to encode need a signing day and a 4-byte key id")
    for value in (facts.number, facts.holder, facts.holder_code, facts.item):
        if len(value) > MAX_TEXT:
            raise ValidationError(
                _("文书内容过长，无法放进二维码（每项最多{n}个字）。").format(n=MAX_TEXT)
            )
        if has_control(value):
            raise ValidationError(_("文书内容含有不可打印的控制字符，无法生成二维码。"))
    return cbor2.dumps(
        [
            KIND_CODES[facts.kind],
            facts.number,
            facts.holder,
            facts.holder_code,
            facts.item,
            _days(facts.issued),
            None if facts.valid_until is None else _days(facts.valid_until),
            _days(facts.signed),
            key_id,
        ],
        canonical=True,
    )


def has_control(text: str) -> bool:
    """Control and format characters: nothing a document prints, and in a terminal they
    could redraw what ``hall verify`` said."""
    return any(unicodedata.category(ch).startswith("C") for ch in text)


def _text(value: object) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT or has_control(value):
        raise PayloadFormatError("a text field is not printable text")
    return value


def _day(value: object) -> date:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 80_000:
        raise PayloadFormatError("a date field is not a day number")
    return EPOCH + timedelta(days=value)


def decode_body(body: bytes) -> DocumentFacts:
    try:
        data = cbor2.loads(body)
    except Exception as exc:  # cbor2 raises several kinds for damaged input
        raise PayloadFormatError(f"body is not CBOR: {exc}") from None
    if not isinstance(data, list) or len(data) != 9:
        raise PayloadFormatError("body is not a 9-element array")
    kind_code, number, holder, holder_code, item, issued, valid_until, signed, key_id = data
    if not isinstance(kind_code, int) or kind_code not in _KINDS:
        raise PayloadFormatError("unknown document kind")
    if not isinstance(key_id, bytes) or len(key_id) != KEY_ID_BYTES:
        raise PayloadFormatError("bad key id")
    facts = DocumentFacts(
        _KINDS[kind_code],
        _text(number),
        _text(holder),
        _text(holder_code),
        _text(item),
        _day(issued),
        None if valid_until is None else _day(valid_until),
        _day(signed),
        key_id.hex(),
    )
    if encode_body(facts) != body:  # one encoding per document: nothing else is ours
        raise PayloadFormatError("body is not in canonical form")
    return facts


def assemble(body: bytes, signature: bytes) -> str:
    """The payload text; raises ``ValidationError`` when it is too long for a code."""
    text = PREFIX + b45encode(body + signature)
    if len(text) > MAX_PAYLOAD:
        raise ValidationError(
            _("文书内容过长，无法放进一个二维码（{n}个字符，最多{max}个）。").format(
                n=len(text), max=MAX_PAYLOAD
            )
        )
    return text


def split(payload: str) -> tuple[bytes, bytes]:
    """``(body, signature)`` of a payload; raises :class:`PayloadFormatError`."""
    if len(payload) > MAX_READ or not payload.startswith(PREFIX):
        raise PayloadFormatError("not a hall payload")
    raw = b45decode(payload[len(PREFIX) :])
    if len(raw) <= SIGNATURE_BYTES:
        raise PayloadFormatError("payload too short")
    return raw[:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]
