"""Every test gets its own data folder and database, and a clock that stands still."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

# pytest-qt has no setting for the platform; without this Qt aborts on a machine with no display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("HALL_COUNTER", None)
# The program follows the system's language until one is chosen; the tests (and the
# programs they start) speak the source language, whatever this machine's locale.
os.environ["LANGUAGE"] = "zh_CN"

from hall.core.clock import HALL_ZONE, FixedClock
from hall.core.i18n import set_language
from hall.core.paths import Paths
from hall.models.enums import Role
from hall.services.audit import Actor
from hall.services.context import AppContext, open_context

# No test may read or write the OS keyring of the machine it runs on: by default there
# is none (as on a headless counter); tests that need one install an in-memory keyring.
keyring.set_keyring(keyring.backends.fail.Keyring())

DATA = Path(__file__).parent / "data"
SMALL_CATALOG = DATA / "catalog_small.json"


def make_paths(root: Path) -> Paths:
    return Paths(data=root, config=root, logs=root / "logs").ensure()


@pytest.fixture(autouse=True)
def _calendar_package_knows_through_2026(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests are written for chinesecalendar 1.11 (2004-2026). A later release that
    adds 2027 must not change what they check: years after 2026 stay unknown here."""
    from hall.services import workdays

    known = workdays._package_knows
    monkeypatch.setattr(workdays, "_package_knows", lambda year: year <= 2026 and known(year))


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test may touch the user's real folders or leak a language or counter."""
    monkeypatch.setenv("HALL_DATA_DIR", str(tmp_path / "hall-data"))
    monkeypatch.delenv("HALL_COUNTER", raising=False)
    set_language("zh_CN")
    yield
    set_language("zh_CN")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 9, 30, tzinfo=HALL_ZONE))


@pytest.fixture
def actor() -> Actor:
    """The clerk at counter C01 (an account in ``ctx``)."""
    return Actor("clerk01", Role.clerk, "C01", "张敏")


@pytest.fixture
def operator() -> Actor:
    """The machine's operator, as the command line acts: the administrator's rights."""
    return Actor.as_operator("cli:test", "命令行", "C01")


@pytest.fixture
def empty_ctx(tmp_path: Path, clock: FixedClock) -> Iterator[AppContext]:
    ctx = open_context(make_paths(tmp_path / "db"), clock=clock)
    yield ctx
    ctx.close()


@pytest.fixture
def ctx(empty_ctx: AppContext, operator: Actor) -> AppContext:
    """A counter database holding the small test catalog and the clerk's account."""
    from hall.services.auth import create_user
    from hall.services.catalog import import_catalog

    import_catalog(empty_ctx, operator, SMALL_CATALOG.read_bytes(), SMALL_CATALOG.name)
    create_user(
        empty_ctx, operator, "clerk01", "张敏", Role.clerk, "correct horse 1",
        must_change_password=False,
    )  # fmt: skip
    empty_ctx.settings.counter_code = "C01"
    return empty_ctx


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database built once per run; each test gets a copy."""
    from hall.services.setup import initialise

    root = tmp_path_factory.mktemp("demo-template")
    ctx = open_context(
        make_paths(root), clock=FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=HALL_ZONE))
    )
    initialise(ctx, demo=True, demo_history=False)  # today's demo only: faster
    ctx.close()
    return root


@pytest.fixture
def demo_ctx(_demo_template: Path, tmp_path: Path, clock: FixedClock) -> Iterator[AppContext]:
    """A counter database with the bundled catalog and the demo hall."""
    root = tmp_path / "demo"
    shutil.copytree(_demo_template, root)
    ctx = open_context(make_paths(root), clock=clock)
    yield ctx
    ctx.close()
