import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hall.core.errors import ImportRejected
from hall.models import AuditEntry, CatalogVersion, OutboxEntry, PermitItem
from hall.services.catalog import import_catalog, list_versions

from ..conftest import SMALL_CATALOG


def small() -> dict:
    return json.loads(SMALL_CATALOG.read_text(encoding="utf-8"))


def count(ctx, model) -> int:
    with ctx.uow() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_import_creates_a_current_version_with_audit_and_outbox(ctx) -> None:
    catalog = ctx.catalog()
    assert catalog.number == 1
    assert len(catalog.items) == 6 and len(catalog.scope) == 6
    assert catalog.items["SAMR-001"].initials == "spjyxk"
    assert catalog.items["SAMR-001"].scope_codes == ("H0101",)
    with ctx.uow() as s:
        assert s.scalar(select(func.count()).where(AuditEntry.action == "catalog.import")) == 1
        assert s.scalar(select(func.count()).where(OutboxEntry.entity == "catalog_version")) == 1


def test_each_import_is_a_new_version_and_old_rows_stay(ctx, operator) -> None:
    data = small()
    data["label"] = "第二版"
    data["items"][0]["promised_days"] = 3
    import_catalog(ctx, operator, json.dumps(data, ensure_ascii=False).encode(), "v2.json")
    versions = list_versions(ctx)
    assert [v.number for v in versions] == [1, 2]
    assert ctx.catalog().number == 2 and ctx.catalog().label == "第二版"
    assert count(ctx, PermitItem) == 12
    with ctx.uow() as s:
        assert s.scalar(select(func.count()).where(CatalogVersion.is_current)) == 1


def test_a_file_with_errors_reports_every_problem_and_imports_nothing(ctx, operator) -> None:
    data = small()
    data["items"][0]["reform_mode"] = "abolished"
    data["items"][1]["department"] = "NOPE"
    data["items"][2]["promised_days"] = 30  # longer than the statutory 20
    data["items"][4]["materials"] = [{"name": "营业执照", "proof_mode": "paper"}]  # cancelled
    data["items"][5]["code"] = data["items"][3]["code"]
    data["scope"][0]["items"] = ["XX-999"]
    data["scope"][5]["items"] = ["SAMR-001"]  # a general entry with a permit
    data["fields"][4]["type"] = "number"
    data["items"][3]["colour"] = "red"
    before = (count(ctx, CatalogVersion), count(ctx, PermitItem), count(ctx, AuditEntry))
    with pytest.raises(ImportRejected) as info:
        import_catalog(ctx, operator, json.dumps(data).encode(), "bad.json")
    places = {p.place for p in info.value.problems}
    assert {
        "items[0].reform_mode",
        "items[1].department",
        "items[2].promised_days",
        "items[4].materials",
        "items[5].code",
        "scope[0].items[0]",
        "scope[5].items",
        "fields[4].type",
        "items[3].colour",
    } <= places, places
    assert "未导入任何内容" in info.value.message
    assert (count(ctx, CatalogVersion), count(ctx, PermitItem), count(ctx, AuditEntry)) == before


def test_commitment_items_need_conditions_window_and_fallback_limit(ctx, operator) -> None:
    data = small()
    item = data["items"][0]
    del item["conditions"], item["verification_days"], item["statutory_days"]
    with pytest.raises(ImportRejected) as info:
        import_catalog(ctx, operator, json.dumps(data).encode(), "bad.json")
    places = {p.place for p in info.value.problems}
    assert {
        "items[0].conditions",
        "items[0].verification_days",
        "items[0].statutory_days",
    } <= places


@pytest.mark.parametrize(
    ("raw", "message"),
    [(b"\xff\xfe{", "UTF-8"), (b'{"format": "hall-catalog/1", ', "JSON"), (b"[]", "内容不正确")],
)
def test_corrupt_files_are_refused_clearly(ctx, operator, raw: bytes, message: str) -> None:
    with pytest.raises(ImportRejected, match=message):
        import_catalog(ctx, operator, raw, "corrupt.json")
    assert ctx.catalog().number == 1


def test_bundled_catalog_is_real_sized_and_valid(demo_ctx) -> None:
    catalog = demo_ctx.catalog()
    modes = {i.reform_mode for i in catalog.items.values()}
    assert len(catalog.items) >= 80
    assert len(set(catalog.departments)) >= 12
    assert len(modes) == 4
    assert len(catalog.scope) >= 300
    assert any(s.licensed for s in catalog.scope.values())
    assert any(not s.licensed for s in catalog.scope.values())
    for item in catalog.items.values():
        if item.reform_mode.value == "commitment":
            assert item.conditions and item.verification_days


def test_bundled_catalog_file_is_documented_json() -> None:
    path = Path(__file__).parents[2] / "resources" / "catalog" / "catalog.json"
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "hall-catalog/1"


def test_the_same_file_twice_is_not_a_new_version(ctx, operator) -> None:
    from hall.core.errors import Conflict

    with pytest.raises(Conflict, match="完全相同"):
        import_catalog(ctx, operator, SMALL_CATALOG.read_bytes(), "again.json")
    assert [v.number for v in list_versions(ctx)] == [1]


def test_two_scope_entries_with_the_same_wording_are_refused(ctx, operator) -> None:
    data = small()
    data["scope"][1]["text"] = data["scope"][0]["text"]
    with pytest.raises(ImportRejected) as info:
        import_catalog(ctx, operator, json.dumps(data).encode(), "dup.json")
    assert "scope[1].text" in {p.place for p in info.value.problems}


def test_a_scope_entry_naming_an_item_twice_is_a_problem_not_a_crash(ctx, operator) -> None:
    data = small()
    data["scope"][2]["items"] = ["MCT-001", "MCT-001"]
    with pytest.raises(ImportRejected) as info:
        import_catalog(ctx, operator, json.dumps(data).encode(), "dup.json")
    assert "scope[2].items[1]" in {p.place for p in info.value.problems}
