"""First initialisation of a counter's database: the bundled catalog, and on request the
demo hall (accounts for every role, the local registry, the dishonest list)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from hall.core.errors import HallError, ValidationError
from hall.core.i18n import _
from hall.core.paths import resource
from hall.core.settings import normalize_counter_code
from hall.models import Applicant, AuditEntry, Case, CatalogVersion, CreditRecord, User
from hall.models.enums import ApplicantKind, Role
from hall.services.audit import Actor, record
from hall.services.auth import create_user
from hall.services.catalog import BUNDLED_CATALOG, import_catalog, read_catalog_file
from hall.services.context import AppContext
from hall.services.demo_cases import DemoDay, load_demo_day
from hall.services.passwords import check_rules
from hall.services.queue import ensure_categories
from hall.services.secrets import secrets_file, uses_file_store
from hall.services.signing import current_key, init_keys

log = logging.getLogger(__name__)

SYSTEM = Actor.as_operator("system", "system")
DEMO_COUNTER = "C01"
DEMO_PASSWORD = "hall-demo-2026"
DEMO_REGISTRY = resource("demo", "registry.json")

# username, display name, role, departments
DEMO_USERS: tuple[tuple[str, str, Role, tuple[str, ...]], ...] = (
    ("clerk01", "张敏", Role.clerk, ()),
    ("clerk02", "李娜", Role.clerk, ()),
    ("guide01", "王芳", Role.guide, ()),
    ("reviewer01", "赵强", Role.reviewer, ("SAMR", "NMPA")),
    ("reviewer02", "陈静", Role.reviewer, ("NHC",)),
    ("reviewer03", "孙伟", Role.reviewer, ("MCT",)),
    ("reviewer04", "周磊", Role.reviewer, ("MPS",)),
    ("reviewer05", "吴刚", Role.reviewer, ("FIRE",)),
    ("super01", "刘洋", Role.supervisor, ()),
    ("admin", "系统管理员", Role.admin, ()),
)


@dataclass(frozen=True)
class InitReport:
    catalog_imported: bool
    users_created: int
    applicants_loaded: int
    credit_records_loaded: int
    counter: str | None
    key_created: bool = False
    demo_refused: bool = False  # a real installation: no demo accounts were added
    demo_day: DemoDay | None = None  # the demo's cases, tickets and appointments


def initialise(
    ctx: AppContext,
    *,
    demo: bool = False,
    counter: str | None = None,
    admin_password: str | None = None,
    admin_must_change: bool = True,
    signing_key: bool | None = None,
    demo_history: bool = True,
) -> InitReport:
    """Bring an empty database to a usable state; safe to run again (adds only what is
    missing). Raises ``ValidationError`` for a bad counter code or a password that breaks
    the rules, before anything is written.

    The administrator made from ``admin_password`` must change it at the first sign-in
    unless ``admin_must_change`` is False (the first-run dialog, where they just chose it).
    The hall's signing key is made when there is none and ``signing_key`` is True; by
    default (None) only where the OS keyring works, since the encrypted file needs a
    passphrase (``ctx.passphrase``) the administrator chooses. The demo hall's previous
    working day at the queue is run too unless ``demo_history`` is False (tests that
    want today's demo only).
    """
    if counter:
        counter = normalize_counter_code(counter)
    if admin_password is not None:
        try:
            check_rules(admin_password, "admin")
        except ValidationError as exc:
            raise ValidationError(
                _("管理员密码不符合要求：{reason}").format(reason=exc.message),
                field="admin_password",
            ) from None
    with ctx.uow() as session:
        has_catalog = session.scalar(select(CatalogVersion.id).limit(1)) is not None
        has_users = session.scalar(select(User.id).limit(1)) is not None
        usernames = set(session.scalars(select(User.username)))
        has_applicants = session.scalar(select(Applicant.id).limit(1)) is not None
    if not has_catalog:
        import_catalog(ctx, SYSTEM, read_catalog_file(BUNDLED_CATALOG), BUNDLED_CATALOG.name)
    users = 0
    # Demo accounts have a published password: never in a real installation's database.
    demo_refused = demo and has_users and not _is_demo(ctx)
    if demo and not demo_refused:
        for username, name, role, departments in DEMO_USERS:
            if username not in usernames:
                create_user(
                    ctx,
                    SYSTEM,
                    username,
                    name,
                    role,
                    DEMO_PASSWORD,
                    departments=departments,
                    must_change_password=False,
                    allow_demo_password=True,
                )
                users += 1
    elif not has_users and admin_password:
        create_user(
            ctx,
            SYSTEM,
            "admin",
            _("系统管理员"),
            Role.admin,
            admin_password,
            must_change_password=admin_must_change,
        )
        users = 1
    applicants = credits = 0
    if demo and not demo_refused and not has_applicants:
        applicants, credits = _load_registry(ctx)
    key_created = False
    demo_hall = demo and not demo_refused
    if demo_hall and not ctx.secrets_open and not secrets_file(ctx.paths).exists():
        ctx.settings.demo_hall = True  # its secrets file, if any, takes the demo passphrase
    if signing_key is None:
        signing_key = demo_hall or (
            not demo_refused and not uses_file_store(ctx.paths, ctx.settings.secret_store)
        )
    if signing_key and current_key(ctx) is None:
        init_keys(ctx, SYSTEM)
        key_created = True
    if counter:
        ctx.settings.counter_code = counter
    elif demo and not demo_refused and not ctx.settings.counter_code:
        ctx.settings.counter_code = DEMO_COUNTER
    if demo and not demo_refused and not ctx.settings.hall_name:
        hall = _read_registry().get("hall", {})
        ctx.settings.hall_name = str(hall.get("name", ""))
        ctx.settings.hall_code = str(hall.get("code", ""))
    ctx.save_settings()
    with ctx.uow() as session:
        ensure_categories(session)
        has_cases = session.scalar(select(Case.id).limit(1)) is not None
    day = None
    if demo_hall and not has_cases:
        people = [p["id_number"] for p in _read_registry().get("persons", [])]
        day = load_demo_day(ctx, people or ["32030519711203530X"], history=demo_history)
    return InitReport(
        not has_catalog, users, applicants, credits, ctx.counter, key_created, demo_refused,
        day,
    )  # fmt: skip


def _is_demo(ctx: AppContext) -> bool:
    """Whether this database was set up as the demo hall."""
    with ctx.uow() as session:
        return (
            session.scalar(select(AuditEntry.id).where(AuditEntry.action == "demo.load").limit(1))
            is not None
        )


def _read_registry() -> dict[str, Any]:
    try:
        data = json.loads(DEMO_REGISTRY.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise HallError(_("演示数据文件无法读取：{reason}").format(reason=exc)) from exc
    if not isinstance(data, dict):
        raise HallError(_("演示数据文件格式不正确。"))
    return data


def _load_registry(ctx: AppContext) -> tuple[int, int]:
    data = _read_registry()
    now = ctx.clock.now()
    with ctx.uow() as session:
        names: dict[str, str] = {}
        for e in data.get("enterprises", []):
            row = Applicant(
                kind=ApplicantKind.enterprise,
                code=e["uscc"],
                name=e["name"],
                legal_representative=e.get("legal_representative"),
                address=e.get("address"),
                phone=e.get("phone"),
                entity_type=e.get("entity_type"),
                registered_capital=e.get("registered_capital"),
                established=date.fromisoformat(e["established"]) if e.get("established") else None,
                registered_scope=list(e.get("scope", [])),
                status=e.get("status", "存续"),
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            names[row.code] = row.name
        for p in data.get("persons", []):
            session.add(
                Applicant(
                    kind=ApplicantKind.person,
                    code=p["id_number"],
                    name=p["name"],
                    address=p.get("address"),
                    phone=p.get("mobile"),
                    registered_scope=[],
                    created_at=now,
                    updated_at=now,
                )
            )
            names[p["id_number"]] = p["name"]
        records = data.get("credit_records", [])
        for r in records:
            session.add(
                CreditRecord(
                    subject_code=r["code"],
                    subject_name=names.get(r["code"]),
                    reason=r["reason"],
                    source=r["source"],
                    since=date.fromisoformat(r["since"]),
                    until=date.fromisoformat(r["until"]) if r.get("until") else None,
                    created_at=now,
                    created_by=SYSTEM.username,
                )
            )
        record(
            session,
            ctx.clock,
            SYSTEM,
            "demo.load",
            "registry",
            "demo",
            after={"applicants": len(names), "credit_records": len(records)},
        )
    return len(names), len(records)
