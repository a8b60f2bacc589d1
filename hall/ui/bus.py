"""Turns the services' ``Changes`` records into Qt signals; each page decides to refresh."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from hall.services.changes import Changes


class ChangeBus(QObject):
    catalog_changed = Signal()
    cases_changed = Signal()
    credit_changed = Signal()
    calendar_changed = Signal()
    users_changed = Signal()
    queue_changed = Signal()

    def publish(self, changes: Changes) -> None:
        if changes.catalog:
            self.catalog_changed.emit()
        if changes.cases:
            self.cases_changed.emit()
        if changes.credit:
            self.credit_changed.emit()
        if changes.calendar:
            self.calendar_changed.emit()
        if changes.users:
            self.users_changed.emit()
        if changes.queue:
            self.queue_changed.emit()
