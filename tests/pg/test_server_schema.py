"""The hall server runs the same schema and migrations as every counter."""

from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from hall.core.settings import Settings
from hall.db import migrate
from hall.db.engine import make_engine
from hall.db.uow import UnitOfWork
from hall.models import AuditEntry, Base, Case, OutboxEntry, SubCase
from hall.models.enums import Role, Route
from hall.services.applicants import ApplicantInput
from hall.services.auth import create_user
from hall.services.catalog import import_catalog
from hall.services.context import AppContext
from hall.services.credit import add_record
from hall.services.intake import accept_case, plan_application

from ..conftest import SMALL_CATALOG, make_paths

CODE = "91320305MA1N428243"
pytestmark = pytest.mark.pg


def test_migrations_build_the_models_on_postgresql(pg_url: str) -> None:
    engine = make_engine(pg_url)
    assert migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.HEAD
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    assert not migrate.upgrade(engine)  # a second run changes nothing
    engine.dispose()


def test_catalog_and_case_acceptance_on_postgresql(
    pg_url: str, tmp_path: Path, clock, actor, operator
) -> None:
    engine = make_engine(pg_url)
    migrate.upgrade(engine)
    ctx = AppContext(
        make_paths(tmp_path), Settings(counter_code="C01"), clock, engine, UnitOfWork(engine)
    )
    try:
        import_catalog(ctx, operator, SMALL_CATALOG.read_bytes(), SMALL_CATALOG.name)
        create_user(
            ctx, operator, "clerk01", "张敏", Role.clerk, "correct horse 1",
            must_change_password=False,
        )  # fmt: skip
        add_record(ctx, operator, CODE, reason="虚假承诺", since=date(2026, 1, 1))
        plan = plan_application(
            ctx, scope=["H0101", "R5001"], applicant_code=CODE, on=date(2026, 11, 23)
        )
        answers = {
            "applicant_name": "味香居",
            "legal_representative": "王建国",
            "contact_mobile": "13800138000",
            "business_address": "工农北路136号",
            "premises_area": "80",
            "employee_count": "6",
            "business_type": "餐饮服务经营者",
        }
        case, _ = accept_case(ctx, actor, plan, ApplicantInput(CODE, "味香居"), answers)
        assert case.number == "C01-20261123-0001"
        assert {s.item_code: s.route for s in case.sub_cases}["SAMR-001"] is Route.normal
        with ctx.uow() as s:
            assert s.scalar(select(func.count()).select_from(Case)) == 1
            assert s.scalar(select(func.count()).select_from(SubCase)) == 3
            stored = s.scalar(select(Case))
            assert stored.accepted_at.tzinfo is not None
            assert stored.answers["premises_area"] == "80"
            actions = set(s.scalars(select(AuditEntry.action)))
            assert {"catalog.import", "credit.add", "applicant.create", "case.accept"} <= actions
            # Actions run on the hall server itself are already where they have to be:
            # it keeps no outbox.
            assert s.scalar(select(func.count()).select_from(OutboxEntry)) == 0
    finally:
        engine.dispose()
