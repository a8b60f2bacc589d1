"""The hall's Ed25519 signing keys, and signing a document's facts into a QR payload.

The private key lives in the secret store (:mod:`hall.services.secrets`) under a name
carrying its key id; the public keys, current and retired, with the time each was in
use, are rows of ``signing_key`` so every counter can verify offline. Rotating retires
the current key (documents it signed stay valid) and makes a new one.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.core.clock import local_today
from hall.core.errors import Conflict, NotFound, SecretsUnavailable, ValidationError
from hall.core.i18n import _
from hall.models import SigningKey
from hall.services import payload
from hall.services.audit import Actor, record
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.identifiers import parse_applicant_code
from hall.services.masking import mask_applicant_code
from hall.services.payload import DocumentFacts
from hall.services.permissions import Permission, guarded


@dataclass(frozen=True)
class KeyView:
    id: uuid.UUID
    key_id: str
    public_key: str  # hex
    valid_from: datetime
    valid_until: datetime | None
    created_by: str
    revoked_at: datetime | None = None

    @property
    def current(self) -> bool:
        return self.valid_until is None

    def to_json(self) -> dict[str, object]:
        return {
            "key_id": self.key_id,
            "algorithm": "ed25519",
            "public_key": self.public_key,
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "current": self.current,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


def _view(k: SigningKey) -> KeyView:
    return KeyView(
        k.id, k.key_id, k.public_key, k.valid_from, k.valid_until, k.created_by, k.revoked_at
    )


def key_id_of(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).digest()[: payload.KEY_ID_BYTES].hex()


def _secret_name(key_id: str) -> str:
    return f"signing-key-{key_id}"


def _current(session: Session, ctx: AppContext) -> SigningKey | None:
    """This machine's current key. Each counter of a hall server signs with a key of its
    own (its private half never leaves the machine; every public half is shared, so any
    counter verifies what any other signed): of the current keys, the newest whose
    private half is in this machine's store; where the store cannot be opened, or no
    current key is held here, the newest current key (signing then says what is
    missing)."""
    rows = list(
        session.scalars(
            select(SigningKey)
            .where(SigningKey.valid_until.is_(None))
            .order_by(SigningKey.valid_from.desc())
        )
    )
    if len(rows) > 1:
        try:
            store = ctx.secrets()
            held = [r for r in rows if store.get(_secret_name(r.key_id)) is not None]
        except SecretsUnavailable:
            held = []
        if held:
            return held[0]
    return rows[0] if rows else None


def _held_here(ctx: AppContext, row: SigningKey | None) -> bool:
    if row is None:
        return False
    try:
        return ctx.secrets().get(_secret_name(row.key_id)) is not None
    except SecretsUnavailable:
        return True  # cannot tell: treat it as this machine's, as before


def _new_key(ctx: AppContext, actor: Actor) -> SigningKey:
    """Make a key pair, put its private half in the secret store and return the (unsaved)
    row of its public half. The secret goes first: if saving the row fails afterwards,
    an unused secret is all that is left behind."""
    private = Ed25519PrivateKey.generate()
    public_raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key_id = key_id_of(public_raw)
    private_raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    ctx.secrets().set(_secret_name(key_id), private_raw.hex())
    return SigningKey(
        key_id=key_id,
        public_key=public_raw.hex(),
        hall_code=ctx.settings.hall_code,
        valid_from=ctx.clock.now(),
        created_by=actor.username,
    )


@guarded(Permission.manage_keys)
def init_keys(ctx: AppContext, actor: Actor) -> tuple[KeyView, Changes]:
    """Create the hall's first signing key. Raises ``Conflict`` if there is one already
    (``rotate_keys`` replaces it) and ``SecretsUnavailable`` if it cannot be stored."""
    with ctx.uow() as session:
        existing = _current(session, ctx)
        mine = _held_here(ctx, existing)
    if existing is not None and (mine or ctx.link is None):
        raise Conflict(
            _("已有签名密钥 {key}。如需更换，请用“hall keys rotate”。").format(key=existing.key_id)
        )
    # On a counter of a hall server, a key made at another counter is that counter's:
    # this one gets a key of its own.
    row = _new_key(ctx, actor)
    with ctx.uow() as session:
        again = _current(session, ctx)
        if again is not None and (existing is None or again.id != existing.id):
            raise Conflict(_("另一个操作刚刚创建了签名密钥，请重试查看。"))
        session.add(row)
        session.flush()
        record(
            session,
            ctx.clock,
            actor,
            "keys.init",
            "signing_key",
            row.id,
            after={"key_id": row.key_id, "public_key": row.public_key},
            rows=[row],
        )
        view = _view(row)
    return view, Changes(settings=True)


@guarded(Permission.manage_keys)
def rotate_keys(
    ctx: AppContext, actor: Actor, reason: str = "", *, compromised: bool = False
) -> tuple[KeyView, Changes]:
    """Retire the current key and make a new one. What the old key signed stays valid,
    unless it is ``compromised`` (its private key may have leaked): then nothing it ever
    signed verifies, since a thief could date a forgery as he likes; reprint those.

    Raises ``Conflict`` when there is no key yet (``init_keys``)."""
    with ctx.uow() as session:
        if _current(session, ctx) is None:
            raise Conflict(_("还没有签名密钥，请先运行“hall keys init”。"))
    row = _new_key(ctx, actor)
    with ctx.uow() as session:
        old = _current(session, ctx)
        assert old is not None
        old.valid_until = row.valid_from
        if compromised:
            old.revoked_at = row.valid_from
        session.add(row)
        session.flush()
        record(
            session,
            ctx.clock,
            actor,
            "keys.rotate",
            "signing_key",
            row.id,
            before={"key_id": old.key_id},
            after={
                "key_id": row.key_id,
                "public_key": row.public_key,
                "reason": reason.strip(),
                "compromised": compromised,
            },
            rows=[old, row],
        )
        old_id, view = old.key_id, _view(row)
    # Nothing may sign with it any more. If the store fails now, the row still says it is
    # retired: a code it makes is refused when dated after the retirement, and if the
    # private key may be out of reach of its owner, ``revoke_key`` is the answer.
    with contextlib.suppress(SecretsUnavailable):
        ctx.secrets().delete(_secret_name(old_id))
    return view, Changes(settings=True)


@guarded(Permission.manage_keys)
def revoke_key(ctx: AppContext, actor: Actor, key_id: str, reason: str) -> tuple[KeyView, Changes]:
    """Revoke any key, current or retired, whose private half may have leaked (a lost
    counter PC, a stolen backup): nothing it signed verifies any more. Revoking the
    current key also makes a new one (``rotate_keys(..., compromised=True)``).

    Raises ``NotFound`` for an unknown key id and ``ValidationError`` without a reason."""
    key_id, reason = key_id.strip().lower(), reason.strip()
    if not reason:
        raise ValidationError(_("请填写吊销原因。"), field="reason")
    with ctx.uow() as session:
        row = session.scalar(select(SigningKey).where(SigningKey.key_id == key_id))
        if row is None:
            raise NotFound(_("没有编号为 {key} 的签名密钥。").format(key=key_id))
        current = row.valid_until is None
    if current:
        rotate_keys(ctx, actor, reason, compromised=True)
    else:
        with ctx.uow() as session:
            row = session.scalar(select(SigningKey).where(SigningKey.key_id == key_id))
            assert row is not None
            if row.revoked_at is None:
                row.revoked_at = ctx.clock.now()
                record(
                    session, ctx.clock, actor, "keys.revoke", "signing_key", row.id,
                    after={"key_id": key_id, "reason": reason}, rows=[row],
                )  # fmt: skip
    with ctx.uow() as session:
        row = session.scalar(select(SigningKey).where(SigningKey.key_id == key_id))
        assert row is not None
        view = _view(row)
    with contextlib.suppress(SecretsUnavailable):
        ctx.secrets().delete(_secret_name(key_id))
    return view, Changes(settings=True)


def list_keys(ctx: AppContext) -> list[KeyView]:
    """Every public key this hall has used, newest first (public: no permission)."""
    with ctx.uow() as session:
        rows = session.scalars(select(SigningKey).order_by(SigningKey.valid_from.desc()))
        return [_view(k) for k in rows]


def current_key(ctx: AppContext) -> KeyView | None:
    with ctx.uow() as session:
        row = _current(session, ctx)
        return _view(row) if row else None


@guarded(Permission.issue_documents)
def sign_document(ctx: AppContext, actor: Actor, facts: DocumentFacts) -> str:
    """The QR payload for ``facts``, signed with the current key.

    A person's ID number is masked before it is signed (anyone can read a QR code), and
    today is recorded as the signing day (a reprint is signed anew by the current key).
    Raises ``SecretsUnavailable`` when there is no key or its private half is missing,
    and ``ValidationError`` when the facts are too long for a code.
    """
    with ctx.uow() as session:
        return sign_in(session, ctx, actor, facts)


def sign_in(session: Session, ctx: AppContext, actor: Actor, facts: DocumentFacts) -> str:
    """:func:`sign_document` inside the caller's transaction (which audits it), for a
    service that makes a document's rows and its code together. The caller checks the
    permission."""
    key = _current(session, ctx)
    if key is None:
        raise SecretsUnavailable(
            _("本大厅还没有签名密钥，文书上的二维码无法生成。请管理员运行“hall keys init”。")
        )
    secret = ctx.secrets().get(_secret_name(key.key_id))
    if secret is None:
        raise SecretsUnavailable(
            _(
                "本机找不到当前签名密钥 {key} 的私钥（{store}）。"
                "请管理员在本机恢复密钥，或运行“hall keys rotate”。"
            ).format(key=key.key_id, store=ctx.secrets().description)
        )
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(secret))
    public_raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    if public_raw.hex() != key.public_key:
        raise SecretsUnavailable(
            _("本机保存的私钥与当前签名密钥 {key} 不匹配，请管理员检查。").format(key=key.key_id)
        )
    if facts.holder_code:
        # A person's number is masked, so it must be recognised as one: checked first.
        holder_code = parse_applicant_code(facts.holder_code, today=local_today(ctx.clock)).code
        facts = replace(facts, holder_code=holder_code)
    signed = replace(
        facts,
        key_id=key.key_id,
        signed=local_today(ctx.clock),
        holder_code=mask_applicant_code(facts.holder_code),
    )
    body = payload.encode_body(signed)
    text = payload.assemble(body, private.sign(payload.DOMAIN + body))
    record(
        session,
        ctx.clock,
        actor,
        "document.sign",
        "document",
        f"{facts.kind.value}:{facts.number}"[:64],
        after={"kind": facts.kind, "number": facts.number, "key_id": key.key_id},
    )
    return text
