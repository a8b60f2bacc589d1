"""Masking identity and phone numbers where they are not needed in full.

A list, a ticket or a code on paper shows ``110101********1234`` and ``138****5678``;
the full number is shown only on a screen or document that needs it, and only to a
role that may see it (``Permission.see_full_identifiers``). Unified social credit codes
identify enterprises publicly and are never masked.
"""

from __future__ import annotations

import re
import unicodedata

from hall.services.audit import Actor
from hall.services.permissions import Permission, can

_RESIDENT_ID = re.compile(r"^(\d{17}[\dX]|\d{15})$")  # GB 11643 and the old 15-digit form
_MOBILE = re.compile(r"^1\d{10}$")


def mask_id_number(number: str) -> str:
    """``110101199003071234`` → ``110101********1234`` (region and the last four kept)."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(number: str) -> str:
    """``13812345678`` → ``138****5678``; ``0516-87654321`` → ``0516-****4321``."""
    if _MOBILE.match(number):
        return number[:3] + "****" + number[-4:]
    if "-" in number:
        area, _sep, local = number.partition("-")
        return f"{area}-{mask_phone(local)}"
    digits = len(number)
    if digits <= 4:
        return "*" * digits
    keep = min(4, digits - 4)
    return "*" * (digits - keep) + number[-keep:]


def _compact(code: str) -> str:
    """As typed or scanned: full-width, lower-case ``x`` and any separators forgiven."""
    text = unicodedata.normalize("NFKC", code).upper()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def is_resident_id(code: str) -> bool:
    return bool(_RESIDENT_ID.match(_compact(code)))


def mask_applicant_code(code: str) -> str:
    """A person's ID number masked (in whatever form it was written); an enterprise's
    credit code as it is."""
    compact = _compact(code)
    return mask_id_number(compact) if _RESIDENT_ID.match(compact) else code


def shown_code(actor: Actor, code: str, *, full_needed: bool = False) -> str:
    """``code`` as ``actor`` may see it here: in full only where the screen or document
    needs it (``full_needed``) and the role may see it."""
    if full_needed and can(actor, Permission.see_full_identifiers):
        return code
    return mask_applicant_code(code)


def shown_phone(actor: Actor, phone: str | None, *, full_needed: bool = False) -> str:
    if not phone:
        return ""
    if full_needed and can(actor, Permission.see_full_identifiers):
        return phone
    return mask_phone(phone)
