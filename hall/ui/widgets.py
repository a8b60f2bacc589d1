"""Small helpers shared by the GUI's widgets."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

W = TypeVar("W", bound=QObject)


def named(widget: W, name: str) -> W:
    """Give ``widget`` an object name (tests and style sheets find it by it) and return it."""
    widget.setObjectName(name)
    return widget


def message_label() -> QLabel:
    """The line under a form where what went wrong is said, in red, wrapped."""
    label = named(QLabel(), "message")
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    return label
