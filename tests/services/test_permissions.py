"""The permission table, enforced by the services themselves: every service acting for
someone is guarded, every role may call exactly what its permissions allow, and every
refusal is audited and changes nothing else."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import pkgutil
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, update

import hall.services
from hall.core.errors import PermissionDenied
from hall.models import AuditEntry, AuditHead, Base, OutboxEntry, User
from hall.models.enums import Role
from hall.services.audit import Actor
from hall.services.audit_chain import verify_chain
from hall.services.auth import (
    change_password,
    create_user,
    list_users,
    reset_password,
    set_active,
)
from hall.services.calendar import import_calendar
from hall.services.catalog import import_catalog
from hall.services.credit import add_record
from hall.services.drafts import discard_draft, open_drafts, save_draft
from hall.services.intake import accept_case, plan_application
from hall.services.intake_flow import accept_from_state
from hall.services.intake_state import IntakeState
from hall.services.payload import DocumentFacts, DocumentKind
from hall.services.permissions import ROLE_PERMISSIONS, Permission, can, require
from hall.services.reports import daily_report
from hall.services.settings_admin import change_settings, set_server_url, store_server_password
from hall.services.signing import current_key, init_keys, revoke_key, rotate_keys, sign_document
from hall.services.sync_changes import escalate_change, retry_change
from hall.services.verification import revoke_document

from ..conftest import SMALL_CATALOG
from .backoffice_samples import BACKOFFICE_SAMPLES, BACKOFFICE_SETUP
from .conftest import PASSWORD
from .queue_samples import QUEUE_SAMPLES, QUEUE_SETUP
from .test_cases import CASE_SAMPLES, CASE_SETUP
from .test_documents import DOCUMENT_SAMPLES, DOCUMENT_SETUP
from .test_intake import ANSWERS, APPLICANT, DAY, ENTERPRISE
from .test_intake_flow import complete_state
from .test_supervision import SUPERVISION_SAMPLES, SUPERVISION_SETUP
from .test_ticket_printer import TICKET_PRINTER_SAMPLES, TICKET_PRINTER_SETUP

#: Services every signed-in account may call: they concern the account itself.
OPEN_TO_EVERY_ACCOUNT = {"auth.unlock", "auth.change_password", "auth.must_change_password"}
#: The check itself takes (ctx, actor) but is what ``@guarded`` calls.
THE_GUARD = {"permissions.require"}
#: They only pass the call on to guarded services (tests/services/test_documents.py).
DELEGATES = {
    "documents.prepare_document",
    "documents.issue_document",
    "bundles.prepare_bundle",
    "bundles.prepare_again",
    "decisions.decide",
}
#: Their right depends on more than the role (whose inbox, whose claim): they call
#: ``require`` themselves (tests/services/test_inbox.py checks each case).
CHECKS_ITS_OWN = {"inbox.list_inbox", "inbox.review_detail", "decisions.release"}

PERSON = "32030519711203530X"


def services_acting_for_someone() -> dict[str, Callable[..., Any]]:
    """Every public function of ``hall.services`` whose first parameters are (ctx, actor)."""
    found: dict[str, Callable[..., Any]] = {}
    for info in pkgutil.iter_modules(hall.services.__path__):
        module = importlib.import_module(f"hall.services.{info.name}")
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or func.__module__ != module.__name__:
                continue
            if list(inspect.signature(func).parameters)[:2] == ["ctx", "actor"]:
                found[f"{info.name}.{name}"] = func
    return found


SERVICES = services_acting_for_someone()
GUARDED = {name: f for name, f in SERVICES.items() if hasattr(f, "__permission__")}


def _catalog(i: int) -> bytes:
    data = json.loads(SMALL_CATALOG.read_text(encoding="utf-8"))
    data["label"] = f"测试用小目录 {i}"
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _calendar(i: int) -> bytes:
    return json.dumps(
        {
            "format": "hall-calendar/1",
            "year": 2027,
            "label": f"2027年节假日安排 {i}",
            "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}],
            "workdays": [],
        },
        ensure_ascii=False,
    ).encode("utf-8")


def _accept(ctx, a: Actor, i: int):
    plan = plan_application(ctx, scope=["H0101"], applicant_code=ENTERPRISE, on=DAY)
    return accept_case(ctx, a, plan, APPLICANT, ANSWERS)


def _discard_draft(ctx, a: Actor, i: int):
    # A refused role gets no draft to discard (saving one is refused too): any id will do.
    draft_id = uuid.uuid4()
    if can(a, Permission.accept_case):
        draft_id = save_draft(ctx, a, None, IntakeState(applicant_name=f"草稿 {i}")).id
    return discard_draft(ctx, a, draft_id)


Sample = Callable[[Any, Actor, int], Any]


def _set_aside(ctx: Any) -> int:
    """A change the hall server refused (made here, for the sync samples)."""
    from datetime import UTC, datetime

    from hall.models import OutboxEntry

    with ctx.uow() as s:
        row = OutboxEntry(
            created_at=datetime.now(UTC), entity="ticket", entity_id="x", op="upsert",
            payload={"action": "test", "rows": []}, set_aside_at=datetime.now(UTC),
            last_error="refused",
        )  # fmt: skip
        s.add(row)
        s.flush()
        return int(row.seq)


def _aside(ctx: Any) -> int:
    from sqlalchemy import func, select

    from hall.models import OutboxEntry

    with ctx.uow() as s:
        aside = select(func.max(OutboxEntry.seq)).where(OutboxEntry.set_aside_at.is_not(None))
        return int(s.scalar(aside) or 0)


#: A valid call of every guarded service; ``i`` differs between calls in one database.
SAMPLES: dict[str, Sample] = {
    "audit_chain.verify_chain": lambda ctx, a, i: verify_chain(ctx, a),
    "auth.create_user": lambda ctx, a, i: create_user(
        ctx, a, f"new{i}", "新同事", Role.clerk, PASSWORD
    ),
    "auth.list_users": lambda ctx, a, i: list_users(ctx, a),
    "auth.reset_password": lambda ctx, a, i: reset_password(ctx, a, "target", f"fresh pass {i}"),
    "auth.set_active": lambda ctx, a, i: set_active(ctx, a, "target", bool(i % 2)),
    "calendar.import_calendar": lambda ctx, a, i: import_calendar(
        ctx, a, _calendar(i), f"{i}.json"
    ),
    **CASE_SAMPLES,  # the Cases view (tests/services/test_cases.py)
    "catalog.import_catalog": lambda ctx, a, i: import_catalog(ctx, a, _catalog(i), f"{i}.json"),
    "credit.add_record": lambda ctx, a, i: add_record(ctx, a, PERSON, reason=f"虚假承诺 {i}"),
    "drafts.save_draft": lambda ctx, a, i: save_draft(
        ctx, a, None, IntakeState(applicant_name=f"草稿 {i}")
    ),
    "drafts.open_drafts": lambda ctx, a, i: open_drafts(ctx, a),
    "drafts.discard_draft": _discard_draft,
    "intake.accept_case": _accept,
    "intake_flow.accept_from_state": lambda ctx, a, i: accept_from_state(ctx, a, complete_state()),
    "settings_admin.change_settings": lambda ctx, a, i: change_settings(
        ctx, a, hall_name=f"测试大厅 {i}"
    ),
    "settings_admin.store_server_password": lambda ctx, a, i: store_server_password(
        ctx, a, f"server-pass-{i}"
    ),
    "settings_admin.set_server_url": lambda ctx, a, i: set_server_url(
        ctx, a, f"postgresql://hall@10.0.0.{i % 250 + 1}:5432/hall"
    ),
    "signing.init_keys": lambda ctx, a, i: init_keys(ctx, a),
    "sync_changes.retry_change": lambda ctx, a, i: retry_change(ctx, a, _aside(ctx)),
    "sync_changes.escalate_change": lambda ctx, a, i: escalate_change(
        ctx, a, _aside(ctx), f"已报信息中心 {i}"
    ),
    "signing.revoke_key": lambda ctx, a, i: revoke_key(
        ctx, a, current_key(ctx).key_id, f"丢失 {i}"
    ),
    "signing.sign_document": lambda ctx, a, i: sign_document(
        ctx,
        a,
        DocumentFacts(DocumentKind.receipt, f"C01-{i}", "味香居", ENTERPRISE, "SAMR-001", DAY),
    ),
    "signing.rotate_keys": lambda ctx, a, i: rotate_keys(ctx, a, f"测试 {i}"),
    "verification.revoke_document": lambda ctx, a, i: revoke_document(
        ctx, a, DocumentKind.license, f"LIC-{i}", "错发"
    ),
    "registry.import_registry": lambda ctx, a, i: _import_registry(ctx, a, i),
    "reports.daily_report": lambda ctx, a, i: daily_report(ctx, a),
    **DOCUMENT_SAMPLES,  # documents and the queue (tests/services/test_documents.py)
    **BACKOFFICE_SAMPLES,  # inboxes, decisions, scans, pickup (backoffice_samples.py)
    **QUEUE_SAMPLES,  # calling, appointments, pre-review (queue_samples.py)
    **TICKET_PRINTER_SAMPLES,  # the ESC/POS ticket printer (test_ticket_printer.py)
    **SUPERVISION_SAMPLES,  # post-event verification (test_supervision.py)
}


def _import_registry(ctx, a: Actor, i: int):
    from hall.services.registry import import_registry

    from .test_registry import entity_row, write_csv

    return import_registry(ctx, a, write_csv(ctx.paths.data / f"r{i}.csv", [entity_row(100 + i)]))


#: What must exist before a service can be called at all.
SETUP: dict[str, Callable[[Any, Actor], Any]] = {
    **CASE_SETUP,
    **DOCUMENT_SETUP,
    **BACKOFFICE_SETUP,
    **QUEUE_SETUP,
    **TICKET_PRINTER_SETUP,
    **SUPERVISION_SETUP,
    "signing.rotate_keys": lambda ctx, op: init_keys(ctx, op),
    "sync_changes.retry_change": lambda ctx, op: _set_aside(ctx),
    "sync_changes.escalate_change": lambda ctx, op: _set_aside(ctx),
    "signing.sign_document": lambda ctx, op: init_keys(ctx, op),
    "signing.revoke_key": lambda ctx, op: init_keys(ctx, op),
    "auth.reset_password": lambda ctx, op: create_user(
        ctx, op, "target", "目标", Role.guide, PASSWORD, must_change_password=False
    ),
    "auth.set_active": lambda ctx, op: create_user(
        ctx, op, "target", "目标", Role.guide, PASSWORD, must_change_password=False
    ),
}

#: Rows that a refusal itself writes: its audit entry, its outbox event, the chain head.
AUDIT_TABLES = {AuditEntry.__tablename__, AuditHead.__tablename__, OutboxEntry.__tablename__}


def snapshot(ctx, keyring) -> dict[str, Any]:
    """Everything a service could change, apart from the audit log itself."""
    state: dict[str, Any] = {}
    with ctx.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name not in AUDIT_TABLES:
                state[table.name] = sorted(map(repr, conn.execute(select(table)).all()))
    state["settings"] = dataclasses.asdict(ctx.settings)
    file = ctx.paths.settings_file
    state["settings file"] = file.read_bytes() if file.exists() else None
    state["keyring"] = dict(keyring.entries)
    return state


def audit_after(ctx, seq: int) -> list[AuditEntry]:
    with ctx.uow() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.seq > seq).order_by("seq")))


def head_seq(ctx) -> int:
    with ctx.uow() as s:
        return s.scalar(select(AuditHead.seq).where(AuditHead.local)) or 0


def outbox_count(ctx) -> int:
    with ctx.uow() as s:
        return len(list(s.scalars(select(OutboxEntry.seq))))


def test_every_service_acting_for_someone_is_guarded_or_explicitly_open() -> None:
    unguarded = sorted(
        name
        for name, func in SERVICES.items()
        if not hasattr(func, "__permission__")
        and name not in OPEN_TO_EVERY_ACCOUNT | THE_GUARD | DELEGATES | CHECKS_ITS_OWN
    )
    assert unguarded == [], f"services without @guarded and not on the allow-list: {unguarded}"


def test_the_open_services_exist_and_stay_unguarded() -> None:
    # A guard on change_password would lock out every account that must change it.
    for name in OPEN_TO_EVERY_ACCOUNT | THE_GUARD:
        assert name in SERVICES, f"{name} is on the allow-list but no longer exists"
        assert not hasattr(SERVICES[name], "__permission__"), name


def test_every_guarded_service_has_a_sample_call_and_a_real_permission() -> None:
    assert sorted(SAMPLES) == sorted(GUARDED)
    for name, func in GUARDED.items():
        assert isinstance(func.__permission__, Permission), name


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_each_role_may_call_exactly_what_its_permissions_allow(
    name, ctx, accounts, operator, memory_keyring
) -> None:
    permission = GUARDED[name].__permission__
    if name in SETUP:
        SETUP[name](ctx, operator)
    for i, role in enumerate(Role):
        who = accounts[role]
        before, seq, outbox = snapshot(ctx, memory_keyring), head_seq(ctx), outbox_count(ctx)
        if permission in ROLE_PERMISSIONS[role]:
            SAMPLES[name](ctx, who, i)  # succeeds: no refusal, no other error
            assert "permission.denied" not in [e.action for e in audit_after(ctx, seq)]
            continue
        with pytest.raises(PermissionDenied) as info:
            SAMPLES[name](ctx, who, i)
        assert info.value.permission == permission.value
        entries = audit_after(ctx, seq)
        assert [(e.action, e.actor) for e in entries] == [("permission.denied", who.username)]
        assert entries[0].entity_id == permission.value
        assert entries[0].after["action"] == name and entries[0].after["role"] == role.value
        assert outbox_count(ctx) == outbox + 1
        assert snapshot(ctx, memory_keyring) == before, f"{role} changed something"
    assert verify_chain(ctx, operator).intact


def test_the_refusal_says_which_role_and_what(ctx, guide) -> None:
    with pytest.raises(PermissionDenied, match=r"导办员.*审批本部门的事项"):
        require(ctx, guide, Permission.decide_sub_case, department="SAMR")


def test_a_reviewer_decides_only_for_own_department(ctx, reviewer, operator) -> None:
    seq = head_seq(ctx)
    with pytest.raises(PermissionDenied, match="其他部门（NHC）") as info:
        require(ctx, reviewer, Permission.decide_sub_case, department="NHC", action="decide")
    assert info.value.permission == "decide_sub_case"
    [entry] = audit_after(ctx, seq)
    assert entry.action == "permission.denied" and entry.actor == "reviewer01"
    assert entry.after["department"] == "NHC"
    require(ctx, reviewer, Permission.decide_sub_case, department="SAMR")
    assert len(audit_after(ctx, seq)) == 1
    assert can(reviewer, Permission.decide_sub_case, department="SAMR")
    assert not can(reviewer, Permission.decide_sub_case)  # no department: never


def test_a_disabled_accounts_old_session_is_refused_at_its_next_action(
    ctx, supervisor, operator
) -> None:
    assert verify_chain(ctx, supervisor).intact
    set_active(ctx, operator, supervisor.username, False)
    with pytest.raises(PermissionDenied, match="不存在或已停用"):
        verify_chain(ctx, supervisor)
    set_active(ctx, operator, supervisor.username, True)
    assert verify_chain(ctx, supervisor).intact


def test_an_account_whose_role_changed_is_refused_even_what_both_roles_may(ctx, supervisor) -> None:
    with ctx.uow() as s:
        s.execute(update(User).where(User.username == "super01").values(role=Role.clerk))
    # accept_case is allowed to clerks and supervisors alike: the session is stale anyway.
    with pytest.raises(PermissionDenied, match="角色已变更"):
        plan = plan_application(ctx, scope=["H0101"], applicant_code=ENTERPRISE, on=DAY)
        accept_case(ctx, supervisor, plan, APPLICANT, ANSWERS)
    with pytest.raises(PermissionDenied, match="角色已变更"):
        verify_chain(ctx, supervisor)


def test_a_promoted_account_must_sign_in_again_to_use_the_new_role(ctx, actor) -> None:
    with ctx.uow() as s:
        s.execute(update(User).where(User.username == "clerk01").values(role=Role.supervisor))
    stale = actor  # signed in as a clerk
    with pytest.raises(PermissionDenied, match="角色已变更"):
        _accept(ctx, stale, 0)


def test_an_account_that_must_change_its_password_may_do_nothing_else_until_it_has(
    ctx, supervisor, operator
) -> None:
    from hall.services.auth import must_change_password

    reset_password(ctx, operator, supervisor.username, "temporary 42")
    assert must_change_password(ctx, supervisor)
    with pytest.raises(PermissionDenied, match="请先修改初始密码"):
        verify_chain(ctx, supervisor)
    change_password(ctx, supervisor, "temporary 42", "my own pass 7")
    assert not must_change_password(ctx, supervisor)
    assert verify_chain(ctx, supervisor).intact


def test_the_operator_needs_no_account(ctx, operator) -> None:
    # The command line has no row in user_account; it is not refused for that.
    with ctx.uow() as s:
        assert s.scalar(select(User).where(User.username == operator.username)) is None
    assert verify_chain(ctx, operator).intact
    assert operator.role is Role.admin


def test_the_permission_table_is_the_agreed_one() -> None:
    # Written out again on purpose: a change of anyone's rights is made in two places.
    P = Permission
    desk = {P.accept_case, P.pre_review, P.issue_tickets, P.serve_tickets}
    expected = {
        Role.clerk: desk | {P.issue_documents, P.see_full_identifiers},
        Role.guide: {P.pre_review, P.issue_tickets, P.issue_documents, P.see_full_identifiers},
        Role.reviewer: {P.decide_sub_case, P.issue_documents, P.see_full_identifiers},
        Role.supervisor: desk
        | {P.record_verification, P.write_credit, P.print_reports, P.view_audit,
           P.revoke_document, P.issue_documents, P.see_full_identifiers,
           P.view_inboxes, P.release_claims},
        Role.admin: {P.write_credit, P.print_reports, P.view_audit, P.revoke_document,
                     P.manage_users, P.import_catalog, P.change_settings, P.manage_keys},
    }  # fmt: skip
    assert {role: set(perms) for role, perms in ROLE_PERMISSIONS.items()} == expected


def test_the_admin_runs_the_system_not_the_cases() -> None:
    admin = ROLE_PERMISSIONS[Role.admin]
    assert not admin & {Permission.accept_case, Permission.decide_sub_case}
    assert Permission.see_full_identifiers not in admin
    assert {Permission.manage_users, Permission.manage_keys} <= admin


def test_a_department_scoped_service_is_checked_for_the_department_it_concerns(
    ctx, reviewer
) -> None:
    from hall.services.permissions import guarded

    @guarded(Permission.decide_sub_case, department=lambda ctx, actor, dept: dept)
    def decide(ctx, actor, dept):
        return f"decided for {dept}"

    assert decide(ctx, reviewer, "SAMR") == "decided for SAMR"
    with pytest.raises(PermissionDenied, match="其他部门（NHC）"):
        decide(ctx, reviewer, "NHC")
