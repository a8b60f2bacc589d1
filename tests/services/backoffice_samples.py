"""Sample calls of the back-office services for the permission matrix
(tests/services/test_permissions.py): one case per role, each with the food permit taken
to normal review by the market regulator (SAMR, the department of the ``reviewer``
fixture), every material settled."""

from __future__ import annotations

import uuid
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from hall.models import Case, SubCase, VerificationRequest
from hall.models.enums import MaterialStatus, ProofMode, Role
from hall.services import decisions, pickup, scanner, scans
from hall.services.audit import Actor
from hall.services.case_materials import answer_verification_request
from hall.services.documents import DocumentRef, PrintKind
from hall.services.intake import accept_case, plan_application

from .test_cases import CLERK, sample_number
from .test_intake import ANSWERS, APPLICANT, ENTERPRISE

REVIEWER = Actor("reviewer01", Role.reviewer, "C01", "赵强", ("SAMR",))
COLLECTOR_ID = "320305198511232751"


def accept_for_review(ctx) -> str:
    plan = plan_application(ctx, scope=["H0101"], applicant_code=ENTERPRISE,
                            normal_route=["SAMR-001"])  # fmt: skip
    status = {
        m.name: MaterialStatus.verified
        if m.proof_mode is ProofMode.data_verification
        else MaterialStatus.received
        for m in plan.materials
        if m.proof_mode in (ProofMode.paper, ProofMode.data_verification, ProofMode.commitment)
    }
    case, _ = accept_case(ctx, CLERK, plan, APPLICANT, ANSWERS, material_status=status)
    with ctx.uow() as s:
        requests = list(
            s.scalars(select(VerificationRequest.id).where(VerificationRequest.case_id == case.id))
        )
    for request in requests:
        answer_verification_request(ctx, CLERK, request, True, "属实")
    return case.number


def review_cases(ctx, _operator: Actor, *, inspecting=False, decided=False, scanned=False):
    """One case per role (numbered as :func:`sample_number` says), its food permit in
    the market regulator's inbox: under inspection, decided, or with a scan, if asked."""
    for _role in Role:
        number = accept_for_review(ctx)
        sub = sample_sub(ctx, number)
        if inspecting:
            decisions.start_inspection(ctx, REVIEWER, sub, "现场核查")
        if decided:
            decisions.approve(ctx, REVIEWER, sub)
        if scanned:
            scans.add_scans(ctx, CLERK, number, "经营场所使用证明", [scan_file(ctx, 0)])


def sample_sub(ctx, number: str) -> uuid.UUID:
    with ctx.uow() as s:
        found = s.scalar(
            select(SubCase.id)
            .join(Case, Case.id == SubCase.case_id)
            .where(Case.number == number, SubCase.item_code == "SAMR-001")
        )
    assert found is not None
    return found


def scan_file(ctx, i: int) -> Path:
    path = ctx.paths.data / f"scan-{i}.png"
    Image.new("RGB", (40 + i, 30), "white").save(path)
    return path


def _sub(call):
    return lambda ctx, a, i: call(ctx, a, sample_sub(ctx, sample_number(i)))


def _first_scan(ctx, i: int) -> uuid.UUID:
    found = scans.case_scans(ctx, CLERK, sample_number(i))
    return next(s.id for m in found for s in m.scans)


def _pickup(ctx, a: Actor, i: int):
    number = sample_number(i)
    refs = (DocumentRef(PrintKind.onecode, number, "一码展示"),)
    return pickup.record_pickup(ctx, a, number, "张伟", COLLECTOR_ID,
                                pickup.CollectorRole.applicant, refs)  # fmt: skip


BACKOFFICE_SAMPLES = {
    "decisions.claim": _sub(decisions.claim),
    "decisions.approve": _sub(decisions.approve),
    "decisions.reject": _sub(lambda ctx, a, s: decisions.reject(ctx, a, s, "不符合条件")),
    "decisions.ask_supplement": _sub(
        lambda ctx, a, s: decisions.ask_supplement(ctx, a, s, {"其他": "补充平面图"})
    ),
    "decisions.start_inspection": _sub(
        lambda ctx, a, s: decisions.start_inspection(ctx, a, s, "现场核查")
    ),
    "decisions.end_inspection": _sub(decisions.end_inspection),
    "scans.add_scans": lambda ctx, a, i: scans.add_scans(
        ctx, a, sample_number(i), "经营场所使用证明", [scan_file(ctx, i + 1)]
    ),
    "scans.remove_scan": lambda ctx, a, i: scans.remove_scan(ctx, a, _first_scan(ctx, i)),
    "scans.case_scans": lambda ctx, a, i: scans.case_scans(ctx, a, sample_number(i)),
    "scanner.set_scanner_folder": lambda ctx, a, i: scanner.set_scanner_folder(
        ctx, a, str(ctx.paths.data) if i % 2 else ""
    ),
    "pickup.counter_work": lambda ctx, a, i: pickup.counter_work(ctx, a),
    "pickup.find_for_pickup": lambda ctx, a, i: pickup.find_for_pickup(ctx, a, sample_number(i)),
    "pickup.pickup_documents": lambda ctx, a, i: pickup.pickup_documents(ctx, a, sample_number(i)),
    "pickup.record_pickup": _pickup,
}
BACKOFFICE_SETUP = {
    **{name: review_cases for name in BACKOFFICE_SAMPLES if name.startswith("decisions.")},
    "decisions.end_inspection": lambda ctx, op: review_cases(ctx, op, inspecting=True),
    "scans.add_scans": review_cases,
    "scans.case_scans": review_cases,
    "scans.remove_scan": lambda ctx, op: review_cases(ctx, op, scanned=True),
    "pickup.find_for_pickup": review_cases,
    "pickup.pickup_documents": lambda ctx, op: review_cases(ctx, op, decided=True),
    "pickup.record_pickup": lambda ctx, op: review_cases(ctx, op, decided=True),
}
