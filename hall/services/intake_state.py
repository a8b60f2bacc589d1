"""What the clerk has entered so far for one combined application, as a plain value.

It is what a draft keeps (as JSON) and what the intake pages render: the steps and the
rules between them live in :mod:`hall.services.intake_flow`, never in the widgets.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from hall.core.i18n import N_, _
from hall.models.enums import MaterialStatus

_STATUSES = frozenset(s.value for s in MaterialStatus)


class Step(StrEnum):
    applicant = "applicant"
    scope = "scope"
    form = "form"
    materials = "materials"
    commitment = "commitment"
    accept = "accept"


STEP_TITLES = {
    Step.applicant: N_("申请人"),
    Step.scope: N_("办理事项"),
    Step.form: N_("一表填报"),
    Step.materials: N_("材料"),
    Step.commitment: N_("告知承诺"),
    Step.accept: N_("受理"),
}


def step_title(step: Step) -> str:
    return _(STEP_TITLES[step])


@dataclass(frozen=True)
class MaterialChoice:
    """What the clerk recorded for one checklist line (status as its enum's value)."""

    status: str | None = None
    due: str | None = None  # ISO date promised for a deferred material
    note: str = ""


@dataclass(frozen=True)
class IntakeState:
    applicant_code: str = ""  # as typed (normalised), valid or not yet
    looked_up: str = ""  # the valid code whose registry entry and credit were last read
    applicant_name: str = ""
    legal_representative: str = ""
    address: str = ""
    phone: str = ""
    scope: tuple[str, ...] = ()  # scope entry codes, in the order picked
    items: tuple[str, ...] = ()  # permit items asked for directly
    without: tuple[str, ...] = ()
    normal_route: tuple[str, ...] = ()  # commitment items the applicant declined
    answers: dict[str, str] = field(default_factory=dict)
    materials: dict[str, MaterialChoice] = field(default_factory=dict)
    signed: tuple[str, ...] = ()  # commitment items whose letter the applicant signed
    step: Step = Step.applicant

    def replace(self, **changes: Any) -> IntakeState:
        return dataclasses.replace(self, **changes)

    @property
    def empty(self) -> bool:
        return self == IntakeState(step=self.step)

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for key, value in data.items():
            if isinstance(value, tuple):
                data[key] = list(value)  # as it comes back from the JSON column
        data["step"] = self.step.value
        return data

    @classmethod
    def from_json(cls, data: Any) -> IntakeState:
        """The state a draft kept; unknown or damaged parts are dropped, not fatal."""
        if not isinstance(data, dict):
            return cls()

        def texts(key: str) -> tuple[str, ...]:
            value = data.get(key)
            if not isinstance(value, list | tuple):
                return ()
            return tuple(v for v in value if isinstance(v, str))

        def text(key: str) -> str:
            value = data.get(key)
            return value if isinstance(value, str) else ""

        answers = data.get("answers")
        materials: dict[str, MaterialChoice] = {}
        raw_materials = data.get("materials")
        if isinstance(raw_materials, dict):
            for name, raw in raw_materials.items():
                if isinstance(raw, dict):
                    status, due, note = raw.get("status"), raw.get("due"), raw.get("note")
                    materials[str(name)] = MaterialChoice(
                        # an unknown status would stop the checklist from being read
                        status=status if isinstance(status, str) and status in _STATUSES else None,
                        due=due if isinstance(due, str) else None,
                        note=note if isinstance(note, str) else "",
                    )
        try:
            step = Step(data.get("step", Step.applicant))
        except ValueError:
            step = Step.applicant
        return cls(
            applicant_code=text("applicant_code"),
            looked_up=text("looked_up"),
            applicant_name=text("applicant_name"),
            legal_representative=text("legal_representative"),
            address=text("address"),
            phone=text("phone"),
            scope=texts("scope"),
            items=texts("items"),
            without=texts("without"),
            normal_route=texts("normal_route"),
            answers=(
                {str(k): v for k, v in answers.items() if isinstance(v, str)}
                if isinstance(answers, dict)
                else {}
            ),
            materials=materials,
            signed=texts("signed"),
            step=step,
        )
