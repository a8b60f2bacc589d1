"""The catalog as frozen values held in memory: what the browser shows and what
``derive`` reads. Searching by Chinese text, code or pinyin initials happens here."""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from hall.core.errors import NotFound, ValidationError
from hall.core.i18n import _
from hall.models.enums import FieldType, ItemLevel, ProofMode, ReformMode, Risk


@dataclass(frozen=True)
class MaterialView:
    name: str
    proof_mode: ProofMode
    source: str | None
    key: bool = False  # a key material may not be missing at acceptance (no 容缺)


@dataclass(frozen=True)
class FieldView:
    key: str
    label: str
    group: str
    type: FieldType
    required: bool
    min_value: float | None
    max_value: float | None
    max_length: int | None
    choices: tuple[str, ...] | None
    unit: str | None
    help: str | None


@dataclass(frozen=True)
class ItemView:
    code: str
    name: str
    department_code: str
    department_name: str
    level: ItemLevel
    reform_mode: ReformMode
    legal_basis: str
    measure: str
    license_name: str | None
    validity_years: int | None
    statutory_days: int | None
    promised_days: int | None
    on_the_spot: bool
    verification_days: int | None
    risk: Risk
    fields: tuple[str, ...]
    materials: tuple[MaterialView, ...]
    conditions: tuple[str, ...]
    initials: str
    scope_codes: tuple[str, ...]


@dataclass(frozen=True)
class ScopeView:
    code: str
    text: str
    licensed: bool
    items: tuple[str, ...]
    industry: str | None
    description: str | None
    initials: str


@dataclass(frozen=True)
class SearchHit:
    kind: Literal["item", "scope"]
    code: str
    title: str
    rank: int


def fold(text: str) -> str:
    """The form both the query and the catalog are compared in."""
    return unicodedata.normalize("NFKC", text).strip().lower()


@dataclass(frozen=True)
class CatalogSnapshot:
    version_id: uuid.UUID
    number: int
    label: str
    published: date | None
    imported_at: datetime
    departments: dict[str, str]
    fields: dict[str, FieldView]
    items: dict[str, ItemView]
    scope: dict[str, ScopeView]

    def item(self, code: str) -> ItemView:
        found = self.items.get(fold(code).upper())
        if found is None:
            raise NotFound(_("目录中没有编码为“{code}”的许可事项。").format(code=code.strip()))
        return found

    def search(
        self, query: str, *, kinds: tuple[str, ...] = ("item", "scope"), limit: int = 200
    ) -> list[SearchHit]:
        """Items and scope entries matching ``query`` by text, code or pinyin initials,
        best first: exact code, code prefix, text prefix, text, initials prefix, initials."""
        q = fold(query)
        hits: list[SearchHit] = []
        if "item" in kinds:
            for item in self.items.values():
                rank = _rank(q, item.code, item.name, item.initials)
                if rank is not None:
                    hits.append(SearchHit("item", item.code, item.name, rank))
        if "scope" in kinds:
            for entry in self.scope.values():
                rank = _rank(q, entry.code, entry.text, entry.initials)
                if rank is not None:
                    hits.append(SearchHit("scope", entry.code, entry.text, rank))
        # Code matches in code order; text matches shortest (closest) first; with no query,
        # the catalog's own order (the sort is stable).
        hits.sort(
            key=lambda h: (
                h.rank,
                h.code if h.rank <= 1 else "",
                len(h.title) if 2 <= h.rank < 9 else 0,
            )
        )
        return hits[:limit]

    def resolve_scope(self, token: str) -> ScopeView:
        """A scope entry by its code, its exact wording, or a search with one answer."""
        key = fold(token)
        if not key:
            raise ValidationError(_("经营范围不能为空。"))
        by_code = self.scope.get(key.upper())
        if by_code is not None:
            return by_code
        for entry in self.scope.values():
            if fold(entry.text) == key:
                return entry
        hits = self.search(token, kinds=("scope",), limit=10_000)
        if len(hits) == 1:
            return self.scope[hits[0].code]
        if not hits:
            raise NotFound(_("经营范围目录中找不到“{text}”。").format(text=token.strip()))
        options = _("；").join(f"{h.code} {h.title}" for h in hits[:5])
        if len(hits) > 5:
            options += _("……共{n}条").format(n=len(hits))
        raise ValidationError(
            _("“{text}”对应多条经营范围，请用代码指定：{options}").format(
                text=token.strip(), options=options
            )
        )

    def to_json(self) -> dict[str, Any]:
        """The ``catalog show --json`` contract."""
        return {
            "version": self.number,
            "label": self.label,
            "published": self.published.isoformat() if self.published else None,
            "items": [
                {
                    "code": i.code,
                    "name": i.name,
                    "department": i.department_name,
                    "department_code": i.department_code,
                    "reform_mode": i.reform_mode.value,
                    "statutory_days": i.statutory_days,
                    "promised_days": i.promised_days,
                    "verification_days": i.verification_days,
                    "on_the_spot": i.on_the_spot,
                    "level": i.level.value,
                }
                for i in self.items.values()
            ],
            "scope": [
                {"code": s.code, "text": s.text, "licensed": s.licensed, "items": list(s.items)}
                for s in self.scope.values()
            ],
        }


def _rank(q: str, code: str, text: str, initials: str) -> int | None:
    if not q:
        return 9
    lowered_code = code.lower()
    if lowered_code == q:
        return 0
    if lowered_code.startswith(q):
        return 1
    folded = fold(text)
    if folded.startswith(q):
        return 2
    if q in folded:
        return 3
    if initials.startswith(q):
        return 4
    if q in initials:
        return 5
    return None
