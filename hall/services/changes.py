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

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            **{k: getattr(self, k) or getattr(other, k) for k in self.__dataclass_fields__}
        )
