import pytest
from sqlalchemy import func, select

from hall.core.errors import ValidationError
from hall.models import CatalogVersion, User
from hall.services.setup import DEMO_USERS, initialise


def test_bad_counter_or_short_password_writes_nothing(empty_ctx) -> None:
    with pytest.raises(ValidationError, match="窗口编号"):
        initialise(empty_ctx, counter="bad!", admin_password="long enough")
    with pytest.raises(ValidationError, match="至少8位"):
        initialise(empty_ctx, counter="C02", admin_password="123")
    with pytest.raises(ValidationError, match="太常见"):
        initialise(empty_ctx, counter="C02", admin_password="password1")
    with empty_ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(CatalogVersion)) == 0
        assert s.scalar(select(func.count()).select_from(User)) == 0


def test_init_is_idempotent_and_reports_the_counter_in_force(empty_ctx, monkeypatch) -> None:
    first = initialise(empty_ctx, demo=True)
    assert (
        first.catalog_imported
        and first.users_created == len(DEMO_USERS) == 10
        and first.counter == "C01"
    )
    monkeypatch.setenv("HALL_COUNTER", "C05")
    again = initialise(empty_ctx, demo=True)
    assert not again.catalog_imported and again.users_created == 0
    assert again.applicants_loaded == 0 and again.counter == "C05"


def test_demo_accounts_are_never_added_to_a_real_installation(empty_ctx, operator) -> None:
    """Their password is published: a database set up for real keeps its own accounts."""
    from hall.services.auth import list_users, sign_in

    initialise(empty_ctx, counter="C02", admin_password="own secret 1")
    report = initialise(empty_ctx, demo=True)
    assert report.demo_refused and report.users_created == 0 and report.applicants_loaded == 0
    assert [u.username for u in list_users(empty_ctx, operator)] == ["admin"]
    assert sign_in(empty_ctx, "admin", "own secret 1", "C02").username == "admin"


def test_a_demo_database_gets_its_missing_demo_accounts_back(empty_ctx, operator) -> None:
    from hall.services.auth import list_users

    initialise(empty_ctx, demo=True)
    with empty_ctx.uow() as s:
        s.delete(s.scalar(select(User).where(User.username == "guide01")))
    report = initialise(empty_ctx, demo=True)
    assert not report.demo_refused and report.users_created == 1
    assert len(list_users(empty_ctx, operator)) == len(DEMO_USERS)


def test_the_hall_time_zone_comes_from_the_settings(tmp_path) -> None:
    from hall.core.settings import Settings
    from hall.services.context import hall_zone

    assert str(hall_zone(Settings(timezone="Asia/Urumqi"))) == "Asia/Urumqi"
    assert str(hall_zone(Settings(timezone="Mars/Olympus"))) == "Asia/Shanghai"
