"""The merged materials checklist at acceptance: what each line may become, and the rows
it leaves (the check itself, a department verification request, a deferred promise)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy.orm import Session

from hall.core.errors import ValidationError
from hall.core.i18n import _
from hall.models import Case, MaterialCheck, VerificationRequest
from hall.models.enums import MaterialStatus, ProofMode, RequestStatus
from hall.services.derive import Plan, PlannedMaterial
from hall.services.labels import material_status_name, proof_name

# What can become of a material at the counter, by how its proof is handled. Art. 32
# accepts only a complete application, so a paper material is received, or (容缺受理)
# deferred to a promised date when it is not a key material. A data check the platform
# could not confirm is made good on paper.
ALLOWED_MATERIAL_STATUS = {
    ProofMode.cancelled: {MaterialStatus.not_required},
    ProofMode.commitment: {MaterialStatus.covered_by_commitment},
    ProofMode.data_verification: {
        MaterialStatus.pending,
        MaterialStatus.verified,
        MaterialStatus.received,
        MaterialStatus.deferred,
    },
    ProofMode.department_verification: {
        MaterialStatus.verification_requested,
        MaterialStatus.verified,
        MaterialStatus.received,
    },
    ProofMode.paper: {MaterialStatus.received, MaterialStatus.deferred},
}

DEFAULT_MATERIAL_STATUS = {
    ProofMode.cancelled: MaterialStatus.not_required,
    ProofMode.commitment: MaterialStatus.covered_by_commitment,
    ProofMode.data_verification: MaterialStatus.pending,
    ProofMode.department_verification: MaterialStatus.verification_requested,
    ProofMode.paper: MaterialStatus.received,
}

#: How far ahead a deferred material may be promised (calendar days).
MAX_DEFER_DAYS = 90


def check_outcomes(
    plan: Plan,
    outcomes: Mapping[str, MaterialStatus],
    deferred: Mapping[str, date],
) -> None:
    """Raise ``ValidationError`` (naming every problem) unless every outcome and promised
    date fits its line."""
    found = outcome_problems(plan, outcomes, deferred)
    if found:
        raise ValidationError("".join(found), field="materials")


def outcome_problems(
    plan: Plan,
    outcomes: Mapping[str, MaterialStatus],
    deferred: Mapping[str, date],
) -> list[str]:
    """Every outcome or promised date that does not fit its line, in checklist order, so
    the applicant is told everything at once (一次性告知)."""
    found: list[str] = []
    names = {m.name for m in plan.materials}
    unknown = sorted((set(outcomes) | set(deferred)) - names)
    if unknown:
        found.append(_("材料清单中没有：{names}。").format(names=_("、").join(unknown)))
    for material in plan.materials:
        status = outcomes.get(material.name)
        if material.name in deferred:
            status = status or MaterialStatus.deferred
        if status is None:
            continue
        if status not in ALLOWED_MATERIAL_STATUS[material.proof_mode]:
            found.append(
                _("“{name}”的办理方式是{mode}，不能记为“{status}”。").format(
                    name=material.name,
                    mode=proof_name(material.proof_mode),
                    status=material_status_name(status),
                )
            )
        elif status is MaterialStatus.deferred:
            problem = _deferral_problem(material, deferred.get(material.name), plan.acceptance_date)
            if problem:
                found.append(problem)
    return found


def on_the_spot_problems(
    plan: Plan,
    outcomes: Mapping[str, MaterialStatus],
    deferred: Mapping[str, date],
) -> list[str]:
    """Materials an item decided on the spot (filing, commitment, an optimized item done
    at once) still waits for: a decision needs them settled now, so a data check not
    yet made, a department's answer or a deferred paper holds the acceptance up.

    The counter's path (:func:`hall.services.intake_flow.problems`) applies this with
    each line's default; :func:`hall.services.intake.accept_case` itself does not, so a
    caller that settles materials otherwise stays free to.
    """
    on_spot = {p.item.code: p.item.name for p in plan.items if p.decided_on_the_spot}
    found = []
    for m in plan.materials:
        needing = [on_spot[c] for c in m.items if c in on_spot]
        if not needing:
            continue
        status = outcomes.get(m.name) or (
            MaterialStatus.deferred if m.name in deferred else DEFAULT_MATERIAL_STATUS[m.proof_mode]
        )
        items = _("、").join(needing)
        if status is MaterialStatus.pending:
            found.append(
                _(
                    "“{name}”尚未核验（{items}当场办结需要）："
                    "请按 F5 查询共享数据，或核对原件后记为“已收取”。"
                ).format(name=m.name, items=items)
            )
        elif status is MaterialStatus.verification_requested:
            found.append(
                _("“{name}”要等部门答复，而{items}当场办结：请核对原件后记为“已收取”。").format(
                    name=m.name, items=items
                )
            )
        elif status is MaterialStatus.deferred:
            found.append(
                _("“{name}”不能容缺：{items}当场办结，材料须齐全。").format(
                    name=m.name, items=items
                )
            )
    return found


def _deferral_problem(material: PlannedMaterial, due: date | None, today: date) -> str | None:
    if material.key:
        return _("“{name}”是关键材料，不能容缺受理，须在受理时提交。").format(name=material.name)
    if due is None:
        return _("容缺受理的“{name}”须写明申请人承诺补交的日期。").format(name=material.name)
    if not today < due or (due - today).days > MAX_DEFER_DAYS:
        return _("“{name}”的承诺补交日期须在今天之后{n}天以内。").format(
            name=material.name, n=MAX_DEFER_DAYS
        )
    return None


def add_material_rows(
    session: Session,
    case: Case,
    plan: Plan,
    outcomes: Mapping[str, MaterialStatus],
    deferred: Mapping[str, date],
    *,
    now: datetime,
    by: str,
    notes: Mapping[str, str] | None = None,
) -> None:
    """One check per checklist line; a pending request for each department verification."""
    for n, material in enumerate(plan.materials):
        status = outcomes.get(material.name)
        if status is None:
            status = (
                MaterialStatus.deferred
                if material.name in deferred
                else DEFAULT_MATERIAL_STATUS[material.proof_mode]
            )
        check = MaterialCheck(
            case_id=case.id,
            position=n,
            name=material.name,
            proof_mode=material.proof_mode,
            status=status,
            item_codes=list(material.items),
            key=material.key,
            source=material.source,
            due_date=deferred.get(material.name) if status is MaterialStatus.deferred else None,
            note=(notes or {}).get(material.name, ""),
            updated_at=now,
        )
        session.add(check)
        if status is MaterialStatus.verification_requested:
            session.flush()
            session.add(
                VerificationRequest(
                    case_id=case.id,
                    material_id=check.id,
                    department=material.source or "",
                    requested_at=now,
                    requested_by=by,
                    status=RequestStatus.pending,
                    answer="",
                )
            )
