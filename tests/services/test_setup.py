import pytest
from sqlalchemy import func, select

from hall.core.errors import ValidationError
from hall.models import CatalogVersion, User
from hall.services.setup import initialise


def test_bad_counter_or_short_password_writes_nothing(empty_ctx) -> None:
    with pytest.raises(ValidationError, match="窗口编号"):
        initialise(empty_ctx, counter="bad!", admin_password="long enough")
    with pytest.raises(ValidationError, match="至少8位"):
        initialise(empty_ctx, counter="C02", admin_password="123")
    with empty_ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(CatalogVersion)) == 0
        assert s.scalar(select(func.count()).select_from(User)) == 0


def test_init_is_idempotent_and_reports_the_counter_in_force(empty_ctx, monkeypatch) -> None:
    first = initialise(empty_ctx, demo=True)
    assert first.catalog_imported and first.users_created == 7 and first.counter == "C01"
    monkeypatch.setenv("HALL_COUNTER", "C05")
    again = initialise(empty_ctx, demo=True)
    assert not again.catalog_imported and again.users_created == 0
    assert again.applicants_loaded == 0 and again.counter == "C05"
