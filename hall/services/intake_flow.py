"""The counter's path as a state machine (applicant → scope → form → materials →
commitment → accept), tested without Qt; the intake pages only render it.

Each function takes the :class:`IntakeState` and gives back facts or a new state. What
still stands in the way of acceptance is :func:`problems`, per step, so the clerk always
sees where to go next and the Accept button never meets a surprise.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from hall.core.clock import local_today
from hall.core.errors import ValidationError
from hall.core.i18n import _
from hall.models.enums import (
    ApplicantKind,
    FieldType,
    MaterialStatus,
    ProofMode,
    ReformMode,
    Route,
)
from hall.services.applicants import ApplicantInput, ApplicantView, find_applicant
from hall.services.audit import Actor
from hall.services.changes import Changes
from hall.services.context import AppContext
from hall.services.credit import CreditRecordView, credit_list_note, records_in_force
from hall.services.derive import Plan, PlannedItem
from hall.services.forms import FormErrors, clean_answers
from hall.services.identifiers import (
    normalize,
    parse_applicant_code,
    validate_mobile,
    validate_phone,
    validate_uscc,
)
from hall.services.intake import AcceptedCase, accept_case, plan_application
from hall.services.intake_materials import (
    ALLOWED_MATERIAL_STATUS,
    on_the_spot_problems,
    outcome_problems,
)
from hall.services.intake_state import IntakeState, MaterialChoice, Step
from hall.services.json_reader import parse_iso_date
from hall.services.permissions import Permission, guarded
from hall.services.verifiers import Answer, DataPlatform, DataQuery, LocalDataPlatform

CODE_LENGTH = 18


@dataclass(frozen=True)
class CodeFeedback:
    """What the code field says as the clerk types or scans."""

    code: str | None  # normalised, when complete and valid
    kind: ApplicantKind | None
    message: str
    ok: bool


def code_feedback(raw: str, *, today: date) -> CodeFeedback:
    """Check digits validated as typed: incomplete, wrong (with the reason), or valid."""
    text = normalize(raw)
    if not text:
        return CodeFeedback(None, None, _("请输入或扫描统一社会信用代码、身份证号码"), False)
    if len(text) < CODE_LENGTH:
        return CodeFeedback(
            None,
            None,
            _("已输入{n}位，还差{m}位").format(n=len(text), m=CODE_LENGTH - len(text)),
            False,
        )
    try:
        parsed = parse_applicant_code(text, today=today)
    except ValidationError as exc:
        return CodeFeedback(None, None, exc.message, False)
    if parsed.kind is ApplicantKind.enterprise:
        message = _("统一社会信用代码校验通过")
    else:
        message = _("身份证号码校验通过")
    return CodeFeedback(parsed.code, parsed.kind, message, True)


@dataclass(frozen=True)
class ApplicantCheck:
    code: str
    kind: ApplicantKind
    registered: ApplicantView | None
    credit_records: tuple[CreditRecordView, ...]
    #: How old the credit list checked was, where that matters (offline): see
    #: :func:`hall.services.credit.credit_list_note`.
    list_note: str = ""

    @property
    def dishonest(self) -> bool:
        return bool(self.credit_records)


def look_up_applicant(ctx: AppContext, raw: str) -> ApplicantCheck:
    """The registry entry and the credit records in force for a code. Raises
    ``ValidationError`` for a code that is not valid."""
    day = local_today(ctx.clock)
    parsed = parse_applicant_code(raw, today=day)
    registered = find_applicant(ctx, parsed.code)
    with ctx.uow() as session:
        records = records_in_force(session, parsed.code, day)
    return ApplicantCheck(
        parsed.code, parsed.kind, registered, tuple(records), credit_list_note(ctx)
    )


#: Answers that come from who the applicant is: another applicant, other answers.
APPLICANT_ANSWERS = (
    "applicant_name",
    "uscc",
    "entity_type",
    "legal_representative",
    "legal_rep_id_number",
    "registered_address",
    "registered_capital",
    "contact_name",
    "contact_mobile",
)
#: What a data check left on a line (it was about the previous applicant).
CHECKED = {MaterialStatus.verified.value, MaterialStatus.not_confirmed.value}


def with_applicant(state: IntakeState, check: ApplicantCheck) -> IntakeState:
    """The state with the applicant's code and, for a registered one, what the registry
    knows. Typed entries of an unknown applicant are kept when the code is the one
    looked up before; for another applicant, everything that was about the previous one
    goes: its answers, its data checks and the commitment letters it signed."""
    previous = state.looked_up or normalize(state.applicant_code)
    same = previous == check.code
    if not same and state.looked_up:
        answers = {k: v for k, v in state.answers.items() if k not in APPLICANT_ANSWERS}
        materials = {
            name: c
            for name, c in state.materials.items()
            if c.status not in CHECKED and not (c.status == MaterialStatus.pending.value and c.note)
        }
        state = state.replace(answers=answers, materials=materials, signed=())
    if check.registered is None:
        return state.replace(
            applicant_code=check.code,
            looked_up=check.code,
            applicant_name=state.applicant_name if same else "",
            legal_representative=state.legal_representative if same else "",
            address=state.address if same else "",
            phone=state.phone if same else "",
        )
    r = check.registered
    return state.replace(
        applicant_code=check.code,
        looked_up=check.code,
        applicant_name=r.name,
        legal_representative=r.legal_representative or "",
        address=r.address or "",
        phone=r.phone or "",
    )


def applicant_input(state: IntakeState) -> ApplicantInput:
    return ApplicantInput(
        state.applicant_code,
        state.applicant_name,
        state.legal_representative or None,
        state.address or None,
        state.phone or None,
    )


def plan_for(ctx: AppContext, state: IntakeState) -> Plan:
    """The plan for what is picked so far. Raises ``ValidationError`` when nothing is
    picked or the applicant's code is not valid. Choices about items the selection no
    longer brings in (left out, ordinary procedure) are set aside, not refused."""
    catalog = ctx.catalog()
    by_scope = {c for token in state.scope for c in catalog.resolve_scope(token).items}
    brought = {
        c
        for c in by_scope | set(state.items)
        if c in catalog.items and catalog.items[c].reform_mode is ReformMode.commitment
    }
    left_out = [c for c in state.without if c in by_scope and c not in state.items]
    return plan_application(
        ctx,
        scope=state.scope,
        items=state.items,
        applicant_code=state.applicant_code or None,
        normal_route=[c for c in state.normal_route if c in brought and c not in left_out],
        without=left_out,
    )


def prefilled(state: IntakeState, plan: Plan) -> IntakeState:
    """Answers the applicant step already knows, put into fields still empty."""
    known = {
        "applicant_name": state.applicant_name,
        "legal_representative": state.legal_representative,
        "registered_address": state.address,
    }
    if plan.applicant is not None and plan.applicant.kind is ApplicantKind.enterprise:
        known["uscc"] = plan.applicant.code
    answers = dict(state.answers)
    for planned in plan.fields:
        f = planned.field
        value = known.get(f.key, "")
        if f.type is FieldType.mobile and f.key == "contact_mobile":
            try:
                value = validate_mobile(state.phone)
            except ValidationError:
                value = ""  # a fixed line, or not a number: the clerk asks for a mobile
        if value and not answers.get(f.key):
            answers[f.key] = value
    return state.replace(answers=answers)


def commitment_items(plan: Plan) -> tuple[PlannedItem, ...]:
    """The items where the applicant signs a commitment letter (after the credit gate)."""
    return tuple(p for p in plan.items if p.route is Route.commitment)


def run_data_checks(
    ctx: AppContext, state: IntakeState, plan: Plan, platform: DataPlatform | None = None
) -> IntakeState:
    """Query the data platform for each data-verification material not yet settled.
    A confirmed fact is recorded verified; one the platform contradicts (not found, a
    deregistered enterprise) not confirmed, to be made good on paper; a source the
    platform does not hold stays pending for the clerk. Needs a valid applicant code."""
    if not code_feedback(state.applicant_code, today=local_today(ctx.clock)).ok:
        raise ValidationError(_("请先在第一步输入有效的申请人证照号码，再做数据核验。"))
    platform = LocalDataPlatform(ctx) if platform is None else platform
    materials = dict(state.materials)

    for m in plan.materials:
        if m.proof_mode is not ProofMode.data_verification:
            continue
        chosen = materials.get(m.name, MaterialChoice())
        if chosen.status not in (None, MaterialStatus.pending.value):
            continue
        answer = platform.check(DataQuery(m.name, m.source, state.applicant_code, state.answers))
        if answer.answer is Answer.confirmed:
            status = MaterialStatus.verified
        elif answer.answer is Answer.not_found:
            status = MaterialStatus.not_confirmed
        else:
            status = MaterialStatus.pending
        materials[m.name] = MaterialChoice(status.value, None, answer.note())
    return state.replace(materials=materials)


@dataclass(frozen=True)
class Problem:
    step: Step
    message: str
    field: str | None = None


def problems(ctx: AppContext, state: IntakeState, plan: Plan | None) -> list[Problem]:
    """Everything that still stands in the way of acceptance, in the order of the path."""
    out: list[Problem] = []
    today = local_today(ctx.clock)
    feedback = code_feedback(state.applicant_code, today=today)
    if not feedback.ok:
        out.append(Problem(Step.applicant, feedback.message, "applicant_code"))
    elif not state.applicant_name.strip():
        out.append(Problem(Step.applicant, _("请填写申请人名称。"), "applicant_name"))
    if state.phone.strip() and (plan is None or plan.applicant is None or not plan.applicant.name):
        # A new applicant is entered in the registry at acceptance, phone and all; a
        # registered one keeps the registry's number as it is.
        try:
            validate_phone(state.phone)
        except ValidationError as exc:
            out.append(Problem(Step.applicant, exc.message, "phone"))
    if plan is None or not plan.items:
        out.append(Problem(Step.scope, _("请至少选择一项需要许可的经营范围或许可事项。")))
        return out
    try:
        clean_answers((f.field for f in plan.fields), state.answers, today=today)
    except FormErrors as exc:
        out.extend(Problem(Step.form, message, key) for key, message in exc.errors.items())
    mismatch = _other_credit_code(state, plan)
    if mismatch:
        out.append(Problem(Step.form, mismatch, "uscc"))
    out.extend(_material_problems(state, plan))
    for p in commitment_items(plan):
        if p.item.code not in state.signed:
            out.append(
                Problem(
                    Step.commitment,
                    _("“{name}”：申请人尚未签署告知承诺书（或选择按一般程序办理）。").format(
                        name=p.item.name
                    ),
                    p.item.code,
                )
            )
    return out


def _other_credit_code(state: IntakeState, plan: Plan) -> str | None:
    """The form's credit code, when valid but not the enterprise applicant's own."""
    if plan.applicant is None or plan.applicant.kind is not ApplicantKind.enterprise:
        return None
    if "uscc" not in {f.field.key for f in plan.fields}:
        return None
    try:
        given = validate_uscc(state.answers.get("uscc") or "")
    except ValidationError:
        return None  # the field's own check says what is wrong
    if given == plan.applicant.code:
        return None
    return _("表单中的统一社会信用代码{given}与申请人{code}不一致。").format(
        given=given, code=plan.applicant.code
    )


def _material_problems(state: IntakeState, plan: Plan) -> list[Problem]:
    out = [
        Problem(
            Step.materials,
            _("“{name}”未通过数据核验（{note}）：请收取纸质材料，或容缺受理。").format(
                name=m.name, note=state.materials[m.name].note
            ),
        )
        for m in plan.materials
        if state.materials.get(m.name, MaterialChoice()).status
        == MaterialStatus.not_confirmed.value
    ]
    try:
        outcomes, deferred = material_outcomes(state, plan)
    except ValidationError as exc:
        return [*out, Problem(Step.materials, exc.message)]
    found = outcome_problems(plan, outcomes, deferred) or on_the_spot_problems(
        plan, outcomes, deferred
    )
    return out + [Problem(Step.materials, m) for m in found]


def material_outcomes(
    state: IntakeState, plan: Plan
) -> tuple[dict[str, MaterialStatus], dict[str, date]]:
    """The clerk's choices as the service's values (lines no longer on the checklist
    are dropped). Raises ``ValidationError`` for a promised date that is not a date."""
    names = {m.name: m for m in plan.materials}
    outcomes: dict[str, MaterialStatus] = {}
    deferred: dict[str, date] = {}
    for name, chosen in state.materials.items():
        if name not in names or chosen.status is None:
            continue
        status = MaterialStatus(chosen.status)
        if status not in ALLOWED_MATERIAL_STATUS[names[name].proof_mode]:
            continue  # the proof mode changed with the selection: back to its default
        outcomes[name] = status
        if status is MaterialStatus.deferred and chosen.due:
            try:
                deferred[name] = parse_iso_date(chosen.due)
            except ValueError:
                raise ValidationError(
                    _("“{name}”的承诺补交日期不是有效日期。").format(name=name)
                ) from None
    return outcomes, deferred


@guarded(Permission.accept_case)
def accept_from_state(
    ctx: AppContext, actor: Actor, state: IntakeState, draft_id: uuid.UUID | None = None
) -> tuple[AcceptedCase, Changes]:
    """Accept what the clerk entered: the plan is made again now (the catalog or the
    credit list may have changed), every problem is refused together, and the draft
    becomes the case in the same transaction (so it is never accepted twice).

    Raises ``ValidationError`` listing what stands in the way, ``Conflict`` as
    :func:`hall.services.intake.accept_case` does.
    """
    plan = plan_for(ctx, state)
    state = prefilled(state, plan)
    found = problems(ctx, state, plan)
    if found:
        raise ValidationError(
            "".join(p.message if p.message.endswith("。") else p.message + "。" for p in found)
        )
    outcomes, deferred = material_outcomes(state, plan)
    notes = {name: c.note for name, c in state.materials.items() if c.note}
    return accept_case(
        ctx,
        actor,
        plan,
        applicant_input(state),
        dict(state.answers),
        material_status=outcomes,
        deferred=deferred,
        material_notes=notes,
        draft_id=draft_id,
    )
