"""Signing a document's facts into its QR payload, and the verdicts of checking one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from hall.core.errors import Conflict, SecretsUnavailable, ValidationError
from hall.models import AuditEntry
from hall.models.enums import Role
from hall.services import payload
from hall.services.audit import Actor
from hall.services.payload import ALPHABET, DocumentFacts, DocumentKind, b45decode, b45encode
from hall.services.secrets import keyring_service
from hall.services.signing import current_key, init_keys, list_keys, rotate_keys, sign_document
from hall.services.verification import Verdict, revoke_document, verify_payload

from ..conftest import make_paths

CLERK = Actor("clerk01", Role.clerk, "C01", "张敏")  # ``ctx``'s own clerk
ENTERPRISE = "91320305MA1N428243"
PERSON = "32030519711203530X"
LICENSE = DocumentFacts(
    kind=DocumentKind.license,
    number="JY13203050000123",
    holder="徐州市贾汪区味香居餐饮管理有限公司",
    holder_code=ENTERPRISE,
    item="SAMR-001",
    issued=date(2026, 11, 23),
    valid_until=date(2031, 11, 22),
)


def private_key_of(ctx, keyring, key_id: str) -> Ed25519PrivateKey:
    secret = keyring.entries[(keyring_service(ctx.paths), f"signing-key-{key_id}")]
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(secret))


def sign_with(key: Ed25519PrivateKey, facts: DocumentFacts, key_id: str) -> str:
    """What a forger holding ``key`` would make, by hand."""
    body = payload.encode_body(replace(facts, key_id=key_id, signed=facts.signed or facts.issued))
    return payload.assemble(body, key.sign(payload.DOMAIN + body))


@pytest.fixture
def keyed(ctx, operator, memory_keyring):
    """``ctx`` with its first signing key, made at 2026-11-23 09:30."""
    init_keys(ctx, operator)
    return ctx


@pytest.mark.parametrize(
    ("data", "text"),
    [(b"AB", "BB8"), (b"Hello!!", "%69 VD92EX0"), (b"base-45", "UJCLQE7W581"),
     (b"ietf!", "QED8WEX0"), (b"", "")],
)  # fmt: skip
def test_base45_matches_rfc_9285(data, text) -> None:
    assert b45encode(data) == text
    assert b45decode(text) == data


@pytest.mark.parametrize("text", ["GGW", "A", "ABCD", "bb8", "BB8\n"])
def test_base45_refuses_what_rfc_9285_refuses(text) -> None:
    with pytest.raises(payload.PayloadFormatError):
        b45decode(text)


def test_a_signed_license_verifies_with_its_facts(keyed) -> None:
    text = sign_document(keyed, CLERK, LICENSE)
    result = verify_payload(keyed, text)
    assert result.verdict is Verdict.valid and result.valid
    assert result.facts == replace(
        LICENSE, key_id=current_key(keyed).key_id, signed=date(2026, 11, 23)
    )
    assert result.key is not None and result.key.current
    assert "真实有效" in result.message


@pytest.mark.parametrize("holder", ["王建国", "<b>A&B</b>", 'O\'Brien & 张"三"', "𠀀𪚥"])
def test_facts_come_back_exactly_as_signed(keyed, holder) -> None:
    facts = replace(LICENSE, holder=holder, item="SAMR-001,NHC-001", valid_until=None)
    result = verify_payload(keyed, sign_document(keyed, CLERK, facts))
    assert result.valid and result.facts.holder == holder
    assert result.facts.item == "SAMR-001,NHC-001" and result.facts.valid_until is None


def test_a_persons_id_number_is_masked_before_it_is_signed(keyed) -> None:
    text = sign_document(keyed, CLERK, replace(LICENSE, holder="王建国", holder_code=PERSON))
    result = verify_payload(keyed, text)
    assert result.valid and result.facts.holder_code == "320305********530X"
    assert b"19711203" not in b45decode(text[len(payload.PREFIX) :])


def test_an_enterprise_credit_code_is_signed_in_full(keyed) -> None:
    assert (
        verify_payload(keyed, sign_document(keyed, CLERK, LICENSE)).facts.holder_code == ENTERPRISE
    )


def test_the_payload_fits_a_qr_alphanumeric_code(keyed) -> None:
    text = sign_document(keyed, CLERK, LICENSE)
    assert text.startswith("HL1:")
    assert set(text) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    assert len(text) < 300


@pytest.mark.parametrize(
    "text",
    ["", "garbage", "HL1:", "HL1:" + b45encode(b"x" * 80), "https://example.com/HL1:AB"],
)
def test_what_is_not_one_of_our_codes_is_malformed(keyed, text) -> None:
    result = verify_payload(keyed, text)
    assert result.verdict is Verdict.malformed and result.facts is None


def test_a_damaged_copy_of_a_real_code_is_malformed(keyed) -> None:
    text = sign_document(keyed, CLERK, LICENSE)
    for damaged in ("HL2:" + text[4:], text.lower(), text + "\n", text[:-1], text * 8):
        assert verify_payload(keyed, damaged).verdict is Verdict.malformed, damaged[:12]


def test_a_body_in_another_encoding_is_malformed_even_if_signed(keyed, memory_keyring) -> None:
    key = current_key(keyed)
    body = payload.encode_body(replace(LICENSE, key_id=key.key_id, signed=LICENSE.issued))
    assert body[:2] == b"\x89\x03"  # a 9-array, then kind 3 in one byte
    longer = b"\x89\x18\x03" + body[2:]  # kind 3 in two bytes: the same value
    text = payload.assemble(
        longer, private_key_of(keyed, memory_keyring, key.key_id).sign(payload.DOMAIN + longer)
    )
    assert verify_payload(keyed, text).verdict is Verdict.malformed


def test_a_code_from_another_database_has_an_unknown_key(keyed, tmp_path, clock, operator) -> None:
    from hall.services.context import open_context

    other = open_context(make_paths(tmp_path / "other-hall"), clock=clock)
    try:
        init_keys(other, operator)
        from hall.services.auth import create_user

        create_user(
            other, operator, "clerk01", "张敏", Role.clerk, "correct horse 1",
            must_change_password=False,
        )  # fmt: skip
        text = sign_document(other, CLERK, LICENSE)
        assert verify_payload(other, text).valid
    finally:
        other.close()
    result = verify_payload(keyed, text)
    assert result.verdict is Verdict.unknown_key and result.facts.number == LICENSE.number


def test_a_changed_byte_in_the_body_breaks_the_signature(keyed) -> None:
    body, signature = payload.split(sign_document(keyed, CLERK, LICENSE))
    changed = body.replace(b"0123", b"0124")
    assert changed != body and payload.decode_body(changed).number == "JY13203050000124"
    result = verify_payload(keyed, payload.assemble(changed, signature))
    assert result.verdict is Verdict.bad_signature and result.facts.number.endswith("0124")


def test_a_changed_byte_in_the_signature_breaks_it(keyed) -> None:
    body, signature = payload.split(sign_document(keyed, CLERK, LICENSE))
    flipped = bytes([signature[0] ^ 0x01]) + signature[1:]
    verdict = verify_payload(keyed, payload.assemble(body, flipped)).verdict
    assert verdict is Verdict.bad_signature


def test_a_signature_without_the_domain_prefix_is_refused(keyed, memory_keyring) -> None:
    key = current_key(keyed)
    body = payload.encode_body(replace(LICENSE, key_id=key.key_id, signed=LICENSE.issued))
    signature = private_key_of(keyed, memory_keyring, key.key_id).sign(body)
    verdict = verify_payload(keyed, payload.assemble(body, signature)).verdict
    assert verdict is Verdict.bad_signature


def test_a_retired_key_cannot_vouch_for_documents_after_it_was_retired(
    keyed, clock, operator, memory_keyring
) -> None:
    old = current_key(keyed)
    stolen = private_key_of(keyed, memory_keyring, old.key_id)  # kept from before the rotation
    clock.advance(timedelta(days=1))
    rotate_keys(keyed, operator, "私钥可能泄露")
    assert (keyring_service(keyed.paths), f"signing-key-{old.key_id}") not in (
        memory_keyring.entries
    )
    # A forger dates the code after the rotation (the day it is really made) ...
    forged = sign_with(stolen, replace(LICENSE, signed=date(2026, 11, 25)), old.key_id)
    result = verify_payload(keyed, forged)
    assert result.verdict is Verdict.key_expired and not result.key.current
    # ... or on a day before the key existed.
    forged = sign_with(stolen, replace(LICENSE, signed=date(2026, 11, 1)), old.key_id)
    result = verify_payload(keyed, forged)
    assert result.verdict is Verdict.key_expired and not result.key.current


def test_a_document_reprinted_after_a_rotation_verifies(keyed, clock, operator) -> None:
    clock.advance(timedelta(days=2))
    rotate_keys(keyed, operator, "定期更换")
    reprint = sign_document(keyed, CLERK, LICENSE)  # issued 2026-11-23, printed again on the 25th
    assert verify_payload(keyed, reprint).verdict is Verdict.valid


def test_whatever_can_be_signed_also_verifies(keyed) -> None:
    sheet = replace(
        LICENSE,
        kind=DocumentKind.one_code,
        item=",".join(f"SAMR-{n:03d}" for n in range(40)),  # 40 items on one sheet
    )
    try:
        text = sign_document(keyed, CLERK, sheet)
    except ValidationError as exc:  # refusing to sign is fine: printing a code that fails is not
        assert "过长" in exc.message
        return
    assert verify_payload(keyed, text).verdict is Verdict.valid


def test_documents_signed_before_a_rotation_stay_valid(keyed, clock, operator) -> None:
    old = current_key(keyed)
    text = sign_document(keyed, CLERK, LICENSE)
    clock.advance(timedelta(days=30))
    new, _ = rotate_keys(keyed, operator)
    assert new.key_id != old.key_id and new.current
    result = verify_payload(keyed, text)
    assert result.valid and result.key.key_id == old.key_id
    reprint = verify_payload(keyed, sign_document(keyed, CLERK, LICENSE))  # signed by the new key
    assert reprint.valid and reprint.facts.key_id == new.key_id
    assert reprint.facts.signed == date(2026, 12, 23) and reprint.facts.issued == LICENSE.issued
    assert [k.current for k in list_keys(keyed)] == [True, False]


def test_a_revoked_document_verifies_as_revoked(keyed, operator) -> None:
    text = sign_document(keyed, CLERK, LICENSE)
    revoke_document(keyed, operator, DocumentKind.license, f" {LICENSE.number} ", "证照信息有误")
    result = verify_payload(keyed, text)
    assert result.verdict is Verdict.revoked and "已撤销" in result.message
    assert result.revocation.reason == "证照信息有误" and result.revocation.by == operator.username
    receipt = sign_document(keyed, CLERK, replace(LICENSE, kind=DocumentKind.receipt))
    assert verify_payload(keyed, receipt).valid  # same number, another kind of document
    with pytest.raises(Conflict, match="已经撤销过"):
        revoke_document(keyed, operator, DocumentKind.license, LICENSE.number, "再撤销一次")


def test_a_document_past_its_validity_is_expired(keyed, clock) -> None:
    text = sign_document(keyed, CLERK, replace(LICENSE, valid_until=date(2026, 11, 30)))
    assert verify_payload(keyed, text).valid
    assert verify_payload(keyed, text, today=date(2026, 11, 30)).valid  # the last day counts
    clock.advance(timedelta(days=8))
    assert verify_payload(keyed, text).verdict is Verdict.document_expired


def test_signing_without_a_key_says_to_make_one(ctx, memory_keyring) -> None:
    with pytest.raises(SecretsUnavailable, match="hall keys init"):
        sign_document(ctx, CLERK, LICENSE)


def test_signing_with_the_private_key_missing_says_so(keyed, memory_keyring) -> None:
    memory_keyring.entries.clear()
    with pytest.raises(SecretsUnavailable, match="找不到当前签名密钥"):
        sign_document(keyed, CLERK, LICENSE)


def test_signing_with_a_private_key_of_another_key_is_refused(keyed, memory_keyring) -> None:
    [entry] = memory_keyring.entries
    memory_keyring.entries[entry] = Ed25519PrivateKey.generate().private_bytes_raw().hex()
    with pytest.raises(SecretsUnavailable, match="不匹配"):
        sign_document(keyed, CLERK, LICENSE)


def test_a_second_init_is_refused_and_rotation_needs_a_key(ctx, operator, memory_keyring) -> None:
    with pytest.raises(Conflict, match="hall keys init"):
        rotate_keys(ctx, operator)
    init_keys(ctx, operator)
    with pytest.raises(Conflict, match="hall keys rotate"):
        init_keys(ctx, operator)
    with ctx.uow() as s:
        logged = list(s.scalars(select(AuditEntry).where(AuditEntry.entity == "signing_key")))
    assert [e.action for e in logged] == ["keys.init"]
    assert logged[0].after["public_key"] == list_keys(ctx)[0].public_key


@pytest.fixture
def signed(keyed) -> str:
    text = sign_document(keyed, CLERK, LICENSE)
    assert verify_payload(keyed, text).valid
    return text


PLACE = st.integers(min_value=0, max_value=10_000)
CHARACTER = st.one_of(st.sampled_from(ALPHABET + "abcz\n\t"), st.characters())


@st.composite
def mutation(draw):
    """A recipe for one small change: (how, where, a character, a bit mask)."""
    how = draw(st.sampled_from(["replace", "insert", "delete", "flip"]))
    return how, draw(PLACE), draw(CHARACTER), draw(st.integers(min_value=1, max_value=255))


def mutate(text: str, recipe: tuple[str, int, str, int]) -> str:
    how, place, char, mask = recipe
    if how == "replace":
        i = place % len(text)
        if text[i] == char:
            char = "0" if char != "0" else "1"
        return text[:i] + char + text[i + 1 :]
    if how == "insert":
        i = place % (len(text) + 1)
        return text[:i] + char + text[i:]
    if how == "delete":
        i = place % len(text)
        return text[:i] + text[i + 1 :]
    raw = bytearray(b45decode(text[len(payload.PREFIX) :]))
    raw[place % len(raw)] ^= mask
    return payload.PREFIX + b45encode(bytes(raw))


@settings(
    max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(recipe=mutation())
def test_no_small_change_to_a_real_code_verifies(keyed, signed, recipe) -> None:
    changed = mutate(signed, recipe)
    assert changed != signed
    assert verify_payload(keyed, changed).verdict is not Verdict.valid


def test_a_key_revoked_as_compromised_vouches_for_nothing(keyed, clock, operator) -> None:
    before = sign_document(keyed, CLERK, LICENSE)
    clock.advance(timedelta(days=3))
    new, _ = rotate_keys(keyed, operator, "电脑丢失", compromised=True)
    result = verify_payload(keyed, before)  # honestly made, but a thief could have made it
    assert result.verdict is Verdict.key_revoked and result.key.revoked_at is not None
    assert "吊销" in result.message
    again = verify_payload(keyed, sign_document(keyed, CLERK, LICENSE))  # the reprint
    assert again.valid and again.key.key_id == new.key_id


def test_control_characters_never_reach_a_code(keyed, memory_keyring) -> None:
    with pytest.raises(ValidationError, match="控制字符"):
        sign_document(keyed, CLERK, replace(LICENSE, holder="味香居\x1b[2A真实有效"))
    key = current_key(keyed)
    body = payload.encode_body(replace(LICENSE, key_id=key.key_id, signed=LICENSE.issued))
    forged_body = body.replace("味香居".encode(), b"\x1b[2A\x1b[")  # same length
    assert forged_body != body
    text = payload.assemble(
        forged_body,
        private_key_of(keyed, memory_keyring, key.key_id).sign(payload.DOMAIN + forged_body),
    )
    assert verify_payload(keyed, text).verdict is Verdict.malformed  # even when well signed


def test_each_code_made_is_audited_with_who_made_it(keyed) -> None:
    sign_document(keyed, CLERK, LICENSE)
    with keyed.uow() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "document.sign")).one()
    assert entry.actor == "clerk01" and entry.after["number"] == LICENSE.number
    assert entry.after["key_id"] == current_key(keyed).key_id


def test_a_holder_code_that_is_no_code_is_refused_before_signing(keyed) -> None:
    from hall.core.errors import InvalidIdentifier

    with pytest.raises(InvalidIdentifier):
        sign_document(keyed, CLERK, replace(LICENSE, holder_code="110105 1949 1231 0021"))
    person = verify_payload(
        keyed, sign_document(keyed, CLERK, replace(LICENSE, holder_code="32030519711203530x"))
    )
    assert person.valid and person.facts.holder_code == "320305********530X"
