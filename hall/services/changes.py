"""What a service call changed, so each screen can decide whether to refresh."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    catalog: bool = False
    cases: bool = False
    applicants: bool = False
    credit: bool = False
    calendar: bool = False
    users: bool = False
    settings: bool = False
    queue: bool = False
