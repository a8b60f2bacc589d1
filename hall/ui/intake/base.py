"""What every intake step does: render the page's state, take focus, report edits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

from hall.services.intake_flow import Problem
from hall.services.intake_state import IntakeState, Step
from hall.ui.widgets import named

if TYPE_CHECKING:
    from hall.ui.intake.page import IntakePage


class StepWidget(QWidget):
    step: Step

    def __init__(self, page: IntakePage) -> None:
        super().__init__()
        self.page = page
        self._build()

    def _build(self) -> None:
        """Lay out the step's widgets (only layout; behaviour in the other methods)."""

    @property
    def state(self) -> IntakeState:
        return self.page.state

    def my_problems(self) -> list[Problem]:
        return [p for p in self.page.problems if p.step is self.step]

    def show_state(self) -> None:
        """Show the page's current state and plan (never steal focus)."""

    def enter(self) -> None:
        """The step became current: focus its first field."""

    def leave(self) -> None:
        """The clerk moves on: commit what is being typed."""

    def reset(self) -> None:
        """A new application (or a draft) replaces the state: forget local widgets."""


def heading(text: str) -> QLabel:
    label = named(QLabel(text), "stepHeading")
    label.setStyleSheet("font-size: 16px; font-weight: bold;")
    return label


def hint(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555;")
    return label
