"""Which table lives where: the one place the sync's rule for each table is written.

- **counter** tables are made where the work happens (a counter, a reviewer's desk) and
  pushed from its outbox; every machine pulls them too, so a case accepted at one counter
  is decided at another and collected at a third. A change still waiting in this
  machine's outbox is not overwritten by a pull: the local one goes up first, then the
  server decides (``final``) and everyone pulls the outcome.
- **server** tables are owned by the hall server and pulled: the catalog, the credit
  list, accounts and roles, the queue's categories and counters, the calendar. The
  server's copy always wins on a pull. An administrator's change made at a counter is
  pushed like any other; a catalog import, made in bulk, runs on the server itself.
- **push-only**: the audit entries go up (each machine's chain, verified on the server)
  and never come down.
- **local** tables never leave the machine: the outbox and the sync's own bookkeeping,
  the audit chain's head, the registry copy each machine imports for itself.

A migration that adds a table adds it here; a test fails for a table without a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Owner(StrEnum):
    counter = "counter"
    server = "server"
    push_only = "push_only"
    local = "local"


@dataclass(frozen=True)
class TableRule:
    owner: Owner
    #: A push leaves the server's row as it is while its ``final_column`` holds one of
    #: the ``final`` values and the pushed row's does not (a state it never leaves).
    final_column: str = ""
    final: tuple[str, ...] = ()

    @property
    def pushed(self) -> bool:
        return self.owner is not Owner.local

    @property
    def pulled(self) -> bool:
        return self.owner in (Owner.counter, Owner.server)


RULES: dict[str, TableRule] = {
    # Work: made at a counter or a desk, pushed, and pulled by the others.
    "applicant": TableRule(Owner.counter),
    "case": TableRule(Owner.counter),
    "sub_case": TableRule(Owner.counter),
    "sub_case_event": TableRule(Owner.counter),
    "material_check": TableRule(Owner.counter),
    "commitment": TableRule(Owner.counter),
    "inspection": TableRule(Owner.counter),
    "verification_task": TableRule(Owner.counter),
    "verification_request": TableRule(Owner.counter),
    "supplement_request": TableRule(Owner.counter),
    "clock_stop": TableRule(Owner.counter),
    "license": TableRule(Owner.counter),
    "document_print": TableRule(Owner.counter),
    "pickup": TableRule(Owner.counter),
    "intake_draft": TableRule(Owner.counter),
    "scan_file": TableRule(Owner.counter),
    "material_scan": TableRule(Owner.counter),
    "supervisor_flag": TableRule(Owner.counter),
    "signing_key": TableRule(Owner.counter),
    "revoked_document": TableRule(Owner.counter),
    "appointment": TableRule(Owner.counter),
    # A ticket served (or given up) anywhere stays so: a counter that was offline and
    # pushes an older state of it cannot bring it back to the queue.
    "ticket": TableRule(Owner.counter, final_column="status", final=("served", "no_show")),
    "queue_event": TableRule(Owner.counter),
    # Owned by the hall server.
    "catalog_version": TableRule(Owner.server),
    "department": TableRule(Owner.server),
    "form_field": TableRule(Owner.server),
    "permit_item": TableRule(Owner.server),
    "item_material": TableRule(Owner.server),
    "item_condition": TableRule(Owner.server),
    "item_field": TableRule(Owner.server),
    "scope_entry": TableRule(Owner.server),
    "scope_item": TableRule(Owner.server),
    "credit_record": TableRule(Owner.server),
    "user_account": TableRule(Owner.server),
    "queue_category": TableRule(Owner.server),
    "service_counter": TableRule(Owner.server),
    "calendar_year": TableRule(Owner.server),
    "calendar_day": TableRule(Owner.server),
    # Each machine's audit chain goes up whole, in order, and stays there.
    "audit_entry": TableRule(Owner.push_only),
    # Never leave the machine.
    "audit_head": TableRule(Owner.local),
    "outbox_entry": TableRule(Owner.local),
    "sync_state": TableRule(Owner.local),
    "sync_file": TableRule(Owner.local),
    "sync_change": TableRule(Owner.local),
    "sync_receipt": TableRule(Owner.local),
    "file_chunk": TableRule(Owner.local),
    "file_blob": TableRule(Owner.local),
    "alembic_version": TableRule(Owner.local),
}

#: Tables the hall server logs in ``sync_change`` (its migrations make the triggers).
PULLED = tuple(name for name, rule in RULES.items() if rule.pulled)


def rule(table: str) -> TableRule:
    """The rule for ``table``; a table without one stays local (and a test says so)."""
    return RULES.get(table, TableRule(Owner.local))


def is_replicated(table: str) -> bool:
    """Whether a change to ``table`` goes into the outbox."""
    return rule(table).owner in (Owner.counter, Owner.server)
