"""The demo hall's day so far: cases accepted through the counter's own services,
covering every reform mode, with the licenses they brought, a department's approval
(that case waits for pickup), sub-cases waiting in the departments' inboxes (one held
by its reviewer, one under on-site inspection), queue tickets and appointments, so that
every document can be printed and every inbox has work.

Everything goes through the same services a clerk, a reviewer and a guide use; only
the answers to the form are filled in here, from the registry and plausible values.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import select

from hall.core.clock import local_today
from hall.core.errors import ValidationError
from hall.models import Applicant
from hall.models.enums import FieldType, MaterialStatus, Priority, ProofMode, Role, SubCaseStatus
from hall.services import decisions
from hall.services.applicants import ApplicantInput
from hall.services.appointments import book_appointment
from hall.services.audit import Actor
from hall.services.context import AppContext
from hall.services.demo_scans import add_demo_scans
from hall.services.derive import Plan, PlannedField
from hall.services.identifiers import validate_mobile
from hall.services.intake import accept_case, plan_application
from hall.services.queue import ensure_categories, issue_ticket


@dataclass(frozen=True)
class DemoDay:
    """What the demo day made, to tell the person who set it up."""

    cases: tuple[str, ...]
    tickets: tuple[str, ...]
    appointments: tuple[str, ...]


REVIEWER = Actor("reviewer01", Role.reviewer, None, "赵强", ("SAMR", "NMPA"))
CULTURE = Actor("reviewer03", Role.reviewer, None, "孙伟", ("MCT",))
POLICE = Actor("reviewer04", Role.reviewer, None, "周磊", ("MPS",))


@dataclass(frozen=True)
class DemoCase:
    applicant: str  # a credit code of the demo registry
    scope: tuple[str, ...]
    approve: tuple[str, ...] = ()  # items the department approves in the demo
    claim: dict[str, Actor] = field(default_factory=dict)  # items a reviewer is working on
    # items under on-site inspection: by whom, and what is inspected
    inspect: dict[str, tuple[Actor, str]] = field(default_factory=dict)
    scans: bool = False  # its floor plan and quality rules scanned in at the counter
    normal_route: tuple[str, ...] = ()  # commitment items the applicant takes to review
    without: tuple[str, ...] = ()  # items of the scope that do not apply


# A noodle shop selling packaged food covers all four modes (its small-eatery license
# approved by the market regulator, the catering license on commitment, the filing of
# packaged food, the hygiene license cancelled); an internet café, a hotel and a pharmacy
# add more departments, and a listed dishonest subject's commitment item falls back to
# normal review.
DEMO_CASES = (
    DemoCase("92320305MA1PU3B465", ("H2003", "H2002", "F1040"), ("SAMR-004",)),
    DemoCase("91320305MA21KJQC66", ("R9002", "H2008"), claim={"MCT-004": CULTURE}),
    DemoCase(
        "91320305MA1XUTJN0M",
        ("H9001", "F1041"),
        inspect={"MPS-001": (POLICE, "现场核查客房、监控设备和旅客身份登记系统")},
    ),
    DemoCase("91320305589478794G", ("F9004", "F9020"), scans=True),
    DemoCase("91320305MADYPWT69T", ("H2002",)),
)

CLERK = Actor("clerk01", Role.clerk, "C01", "张敏")
GUIDE = Actor("guide01", Role.guide, "C01", "王芳")

_TEXT = {
    "contact_name": "legal_representative",
    "safety_officer_name": "legal_representative",
    "technical_lead_name": "legal_representative",
    "business_address": "address",
    "registered_address": "address",
    "warehouse_address": "address",
}
_NUMBERS = {
    "registered_capital": "100",
    "premises_area": "180",
    "warehouse_area": "40",
    "employee_count": "12",
    "health_certificate_count": "12",
    "seats": "60",
    "rooms": "24",
    "beds": "40",
    "private_rooms": "4",
    "fire_exits": "2",
    "computer_terminals": "80",
}
_MULTILINE = {
    "food_categories": "热食类食品制售；冷食类食品制售；预包装食品销售",
    "equipment_list": "冷藏冷冻设备4台；消毒柜2台；油烟净化设备1套",
    "product_names": "预包装食品",
    "medical_subjects": "—",
}


def _mobile(applicant: Applicant) -> str:
    """The applicant's own mobile number, or one made from its code (distinct per
    applicant, fictional)."""
    try:
        return validate_mobile(applicant.phone or "")
    except ValidationError:
        return "139" + f"{zlib.crc32(applicant.code.encode()) % 10**8:08d}"


def _answer(field: PlannedField, applicant: Applicant, today: date, plan: Plan, person: str) -> Any:
    f = field.field
    facts = {
        "applicant_name": applicant.name,
        "legal_representative": applicant.legal_representative or "",
        "address": applicant.address or "",
    }
    if f.key in facts:
        return facts[f.key]
    if f.key in _TEXT:
        return facts[_TEXT[f.key]]
    if f.type is FieldType.uscc:
        return applicant.code
    if f.type is FieldType.id_number:
        return person
    if f.type is FieldType.mobile:
        return _mobile(applicant)
    if f.type is FieldType.date:
        return (today + timedelta(days=30)).isoformat()
    if f.type is FieldType.boolean:
        return False
    if f.type is FieldType.choice:
        choices = list(f.choices or ())
        preferred = {"entity_type": applicant.entity_type, "premises_tenure": "租赁"}
        wanted = preferred.get(f.key)
        return wanted if wanted in choices else choices[0]
    if f.type in (FieldType.integer, FieldType.decimal):
        floor = f.min_value or 0
        return _NUMBERS.get(f.key, str(max(int(floor), 1)))
    if f.type is FieldType.multiline:
        if f.key == "license_scope":
            return "；".join(s.text for s in plan.scope)
        return _MULTILINE.get(f.key, "—")
    return "—"


def accept_demo_case(ctx: AppContext, spec: DemoCase, person: str) -> str | None:
    """Accept ``spec`` at the demo counter, every paper handed over and every data check
    confirmed (its legal representative's ID number ``person``); its case number, or
    None when its applicant is not in the registry."""
    today = local_today(ctx.clock)
    plan = plan_application(
        ctx, scope=spec.scope, applicant_code=spec.applicant, on=today,
        normal_route=spec.normal_route, without=spec.without,
    )  # fmt: skip
    with ctx.uow() as session:
        applicant = session.scalar(select(Applicant).where(Applicant.code == spec.applicant))
    if applicant is None:
        return None
    answers = {f.field.key: _answer(f, applicant, today, plan, person) for f in plan.fields}
    # At the counter every paper material was handed over and every data check came back.
    status = {
        m.name: MaterialStatus.received
        if m.proof_mode is ProofMode.paper
        else MaterialStatus.verified
        for m in plan.materials
        if m.proof_mode in (ProofMode.paper, ProofMode.data_verification)
    }
    who = ApplicantInput(
        applicant.code, applicant.name, applicant.legal_representative, applicant.address,
        applicant.phone,
    )  # fmt: skip
    case, _changes = accept_case(ctx, CLERK, plan, who, answers, material_status=status)
    if spec.scans:
        add_demo_scans(ctx, CLERK, case.number)
    for sub in case.sub_cases:
        if sub.item_code in spec.approve and sub.status is SubCaseStatus.under_review:
            decisions.approve(ctx, REVIEWER, sub.id, "演示：审查通过")
        elif sub.item_code in spec.claim and sub.status is SubCaseStatus.under_review:
            decisions.claim(ctx, spec.claim[sub.item_code], sub.id)
        elif sub.item_code in spec.inspect and sub.status is SubCaseStatus.under_review:
            inspector, what = spec.inspect[sub.item_code]
            decisions.start_inspection(ctx, inspector, sub.id, what)
    return case.number


def load_demo_day(ctx: AppContext, people: list[str], *, history: bool = True) -> DemoDay:
    """Run the previous working day's queue, accept the demo cases (their legal
    representatives' ID numbers taken from ``people``), issue the morning's tickets and
    book appointments."""
    with ctx.uow() as session:
        ensure_categories(session)
    from hall.services.demo_queue import previous_workday, simulate_queue_day

    # The previous day's queue is run on a database of its own (a counter's alone, or the
    # hall server's by ``hall server init --demo``), not through a counter's link.
    if history and ctx.link is None:
        simulate_queue_day(ctx, previous_workday(ctx, local_today(ctx.clock)), people)
    numbers = [
        accept_demo_case(ctx, spec, people[n % len(people)]) for n, spec in enumerate(DEMO_CASES)
    ]
    tickets = [
        issue_ticket(ctx, GUIDE, letter, priority)[0].number
        for letter, priority in (
            ("A", Priority.none), ("B", Priority.none), ("B", Priority.elderly),
            ("B", Priority.none), ("C", Priority.none), ("D", Priority.none),
            ("B", Priority.none),
        )
    ]  # fmt: skip
    tomorrow = ctx.calendar().add_workdays(local_today(ctx.clock), 1).day
    booked = [
        book_appointment(ctx, GUIDE, "B", tomorrow, time(9, 0), "王建国",
                         "13805161234", "92320305MA1PU3B465")[0].number,
        book_appointment(ctx, GUIDE, "C", tomorrow, time(10, 0), "李秀英",
                         "13952267788")[0].number,
    ]  # fmt: skip
    return DemoDay(tuple(n for n in numbers if n), tuple(tickets), tuple(booked))
