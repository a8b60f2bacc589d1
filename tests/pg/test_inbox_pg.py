"""Decisions on the hall server's PostgreSQL, where reviewers at different machines
decide at once: row locks let one reviewer hold a sub-case, and the last decision of a
case, whoever makes it, closes it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from hall.core.errors import Conflict
from hall.core.settings import Settings
from hall.db import migrate
from hall.db.engine import make_engine
from hall.db.uow import UnitOfWork
from hall.models import License
from hall.models.enums import CaseStatus, Role
from hall.services import decisions
from hall.services.audit import Actor
from hall.services.auth import create_user
from hall.services.cases import case_detail
from hall.services.catalog import import_catalog
from hall.services.context import AppContext
from hall.services.intake import accept_case, plan_application

from ..conftest import SMALL_CATALOG, make_paths
from ..services.backoffice_samples import accept_for_review, sample_sub
from ..services.test_cases import CLERK
from ..services.test_intake import ANSWERS, APPLICANT, ENTERPRISE

pytestmark = pytest.mark.pg
REVIEWERS = [Actor(f"reviewer{n}", Role.reviewer, None, f"审批{n}", ("SAMR",)) for n in range(4)]
CULTURE = Actor("culture1", Role.reviewer, None, "文旅", ("MCT",))
HEALTH = Actor("health1", Role.reviewer, None, "卫健", ("NHC",))


@pytest.fixture
def pg_ctx(pg_url: str, tmp_path: Path, clock, operator) -> Iterator[AppContext]:
    engine = make_engine(pg_url)
    migrate.upgrade(engine)
    ctx = AppContext(
        make_paths(tmp_path), Settings(counter_code="C01"), clock, engine, UnitOfWork(engine)
    )
    import_catalog(ctx, operator, SMALL_CATALOG.read_bytes(), SMALL_CATALOG.name)
    for who in [CLERK, *REVIEWERS, CULTURE, HEALTH]:
        create_user(ctx, operator, who.username, who.display_name, who.role, "correct horse 1",
                    departments=who.departments, must_change_password=False)  # fmt: skip
    yield ctx
    engine.dispose()


def race(actions) -> list[str]:
    """Run the actions at the same moment, each on its own thread; what each came to."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action) -> None:
        barrier.wait()
        try:
            action()
            outcomes.append("done")
        except Conflict as exc:
            outcomes.append(exc.message)

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_four_reviewers_pressing_approve_at_once_issue_one_license(pg_ctx) -> None:
    sub = sample_sub(pg_ctx, accept_for_review(pg_ctx))
    outcomes = race([lambda r=r: decisions.approve(pg_ctx, r, sub) for r in REVIEWERS])
    assert outcomes.count("done") == 1, outcomes
    with pg_ctx.uow() as s:
        assert len(list(s.scalars(select(License).where(License.sub_case_id == sub)))) == 1


def test_claims_at_once_leave_one_holder(pg_ctx) -> None:
    sub = sample_sub(pg_ctx, accept_for_review(pg_ctx))
    outcomes = race([lambda r=r: decisions.claim(pg_ctx, r, sub) for r in REVIEWERS])
    assert outcomes.count("done") == 1, outcomes


def test_the_last_of_parallel_decisions_closes_the_case(pg_ctx) -> None:
    plan = plan_application(pg_ctx, scope=["R5001"], applicant_code=ENTERPRISE)
    case, _ = accept_case(pg_ctx, CLERK, plan, APPLICANT, ANSWERS)
    subs = {s.item_code: s.id for s in case.sub_cases}
    outcomes = race(
        [
            lambda: decisions.reject(pg_ctx, CULTURE, subs["MCT-001"], "不符合条件"),
            lambda: decisions.reject(pg_ctx, HEALTH, subs["NHC-001"], "不符合条件"),
        ]
    )
    assert outcomes == ["done", "done"]
    assert case_detail(pg_ctx, CLERK, case.number).status is CaseStatus.closed
