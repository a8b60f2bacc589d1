"""The registry import and search on the hall server's PostgreSQL: the same code as on
a counter's SQLite, through the generic bulk path (executemany, compiled by SQLAlchemy)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from hall.core.errors import ImportRejected
from hall.core.settings import Settings
from hall.db import migrate
from hall.db.engine import make_engine
from hall.db.uow import UnitOfWork
from hall.models import Applicant
from hall.models.parties import applicant_id
from hall.services.context import AppContext
from hall.services.registry import find_entities, import_registry

from ..conftest import make_paths
from ..services.test_registry import code, entity_row, write_csv

pytestmark = pytest.mark.pg


@pytest.fixture
def pg_ctx(pg_url: str, tmp_path: Path, clock) -> Iterator[AppContext]:
    engine = make_engine(pg_url)
    migrate.upgrade(engine)
    ctx = AppContext(
        make_paths(tmp_path), Settings(counter_code="C01"), clock, engine, UnitOfWork(engine)
    )
    yield ctx
    engine.dispose()


def test_import_update_and_find_on_postgresql(pg_ctx, operator, tmp_path, clock) -> None:
    rows = [entity_row(n) for n in range(1, 12_001)]  # more than one batch
    report, _changes = import_registry(pg_ctx, operator, write_csv(tmp_path / "a.csv", rows))
    assert (report.added, report.updated, report.unchanged) == (12_000, 0, 0)
    with pg_ctx.uow() as s:
        first = s.scalar(select(Applicant).where(Applicant.code == code(7)))
        assert first.registered_scope == ["F1040", "H2002"] and first.id == applicant_id(code(7))
        assert first.created_at == clock.now()
    clock.advance(timedelta(hours=1))
    rows[6] = entity_row(7, status="注销", scope="")
    rows.append(entity_row(20_000))
    report, _changes = import_registry(pg_ctx, operator, write_csv(tmp_path / "b.csv", rows))
    assert (report.added, report.updated, report.unchanged) == (1, 1, 11_999)
    [found] = find_entities(pg_ctx, code(7).lower())
    assert (found.status, found.registered_scope) == ("注销", ())
    # By character code: "测试10000…" before "测试1000号…" ('0' < '号').
    found = find_entities(pg_ctx, "徐州市贾汪区测试1000", limit=3)
    assert [e.code for e in found] == [code(10_000), code(10_001), code(10_002)]


def test_a_refused_file_writes_nothing_on_postgresql(pg_ctx, operator, tmp_path) -> None:
    rows = [entity_row(1), entity_row(2, name=" ")]
    with pytest.raises(ImportRejected):
        import_registry(pg_ctx, operator, write_csv(tmp_path / "a.csv", rows))
    assert find_entities(pg_ctx, code(1)) == []
