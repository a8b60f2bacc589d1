"""Checking the audit log's hash chain: ``hall audit verify``.

Each chain is walked in ``seq`` order. An entry fits when its number follows the one
before, it names the previous entry's hash, and its own hash is what its fields give.
The chain's head (the newest entry, kept in ``audit_head``) must be the last entry
walked. The first entry that does not fit is reported, with the reason.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from hall.core.i18n import _
from hall.models import AuditEntry, AuditHead
from hall.models.audit import GENESIS, entry_hash
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.permissions import Permission, guarded


@dataclass(frozen=True)
class BrokenEntry:
    chain: str
    seq: int
    id: uuid.UUID | None  # None: the entry is missing altogether
    at: datetime | None
    action: str | None
    actor: str | None
    reason: str

    def to_json(self) -> dict[str, object]:
        return {
            "chain": self.chain,
            "seq": self.seq,
            "id": str(self.id) if self.id else None,
            "at": self.at.isoformat() if self.at else None,
            "action": self.action,
            "actor": self.actor,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ChainReport:
    entries: int
    chains: int
    broken: BrokenEntry | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def _broken(e: AuditEntry, reason: str) -> BrokenEntry:
    return BrokenEntry(e.chain, e.seq, e.id, e.at, e.action, e.actor, reason)


@guarded(Permission.view_audit)
def verify_chain(ctx: AppContext, actor: Actor) -> ChainReport:
    """Walk every chain; return how many entries were checked and the first broken one."""
    count = 0
    with ctx.uow() as session:
        if session.get_bind().dialect.name == "postgresql":
            # Heads and entries from one snapshot: an action committed meanwhile on the
            # hall server must not look like a truncated chain.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        heads = {h.chain: h for h in session.scalars(select(AuditHead))}
        if not any(h.local for h in heads.values()):
            # The migrations make it; without it the newest entries could be gone unseen.
            return ChainReport(
                0,
                0,
                BrokenEntry("", 0, None, None, None, None, _("本机审计日志的链头记录被删除了。")),
            )
        chains: set[str] = set()
        current: str | None = None
        prev_hash, prev_seq = GENESIS, 0
        query = select(AuditEntry).order_by(AuditEntry.chain, AuditEntry.seq)
        for e in session.scalars(query.execution_options(yield_per=2000)):
            if e.chain != current:
                if current is not None:
                    broken = _check_tail(heads.get(current), current, prev_seq, prev_hash)
                    if broken:
                        return ChainReport(count, len(chains), broken)
                current, prev_hash, prev_seq = e.chain, GENESIS, 0
                chains.add(e.chain)
            count += 1
            if e.seq != prev_seq + 1:
                return ChainReport(
                    count,
                    len(chains),
                    _broken(
                        e,
                        _missing_text(prev_seq + 1, e.seq - 1)
                        if e.seq > prev_seq + 1
                        else _("序号与前一条重复或倒退，记录被调换或插入。"),
                    ),
                )
            if e.prev_hash != prev_hash:
                return ChainReport(
                    count,
                    len(chains),
                    _broken(e, _("与前一条记录接不上：前面的记录被改动、删除或调换。")),
                )
            if entry_hash(e) != e.hash:
                return ChainReport(
                    count, len(chains), _broken(e, _("这条记录的内容或位置被改动过。"))
                )
            prev_hash, prev_seq = e.hash, e.seq
        if current is not None:
            broken = _check_tail(heads.get(current), current, prev_seq, prev_hash)
            if broken:
                return ChainReport(count, len(chains), broken)
        for chain, head in sorted(heads.items()):
            if chain not in chains and head.seq > 0:
                return ChainReport(
                    count,
                    len(chains),
                    BrokenEntry(
                        chain,
                        1,
                        None,
                        None,
                        None,
                        None,
                        _("链中的全部{n}条记录都被删除了。").format(n=head.seq),
                    ),
                )
    return ChainReport(count, len(chains), None)


def _missing_text(first: int, last: int) -> str:
    if first == last:
        return _("前面缺少第{n}条记录（被删除）。").format(n=first)
    return _("前面缺少第{first}至{last}条记录（被删除）。").format(first=first, last=last)


def _check_tail(head: AuditHead | None, chain: str, seq: int, digest: str) -> BrokenEntry | None:
    """The newest entry walked must be the chain's head, else the newest were removed."""
    if head is None:  # every chain, pushed from another counter too, comes with its head
        return BrokenEntry(
            chain, 1, None, None, None, None, _("这条审计链没有登记的链头：记录是伪造的。")
        )
    if head.seq > seq:
        return BrokenEntry(
            chain,
            seq + 1,
            None,
            None,
            None,
            None,
            _("最新的记录被删除：链尾应为第{head}条，实际只到第{seq}条。").format(
                head=head.seq, seq=seq
            ),
        )
    if head.seq != seq or head.hash != digest:
        return BrokenEntry(chain, seq, None, None, None, None, _("链尾记录与链头登记的不一致。"))
    return None
