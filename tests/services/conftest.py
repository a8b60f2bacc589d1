"""Fixtures for the trust services: keyrings, and a signed-in account of every role."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import pytest

from hall.models.enums import Role
from hall.services.audit import Actor
from hall.services.context import AppContext

from ..keyrings import MemoryKeyring, failing, installed

PASSWORD = "correct horse 1"

#: The account made for each role (the clerk is ``ctx``'s own ``clerk01``).
USERNAMES = {
    Role.clerk: "clerk01",
    Role.guide: "guide01",
    Role.reviewer: "reviewer01",
    Role.supervisor: "super01",
    Role.admin: "admin01",
}


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """A working keyring kept in a dict; the previous backend is put back after."""
    with installed(MemoryKeyring()) as backend:
        assert isinstance(backend, MemoryKeyring)
        yield backend


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """A machine with no usable keyring (every operation fails)."""
    with installed(failing()):
        yield


MakeAccount = Callable[..., Actor]


@pytest.fixture
def make_account(ctx: AppContext, operator: Actor) -> MakeAccount:
    """Create an account in ``ctx`` and return it as signed in at counter C01."""
    from hall.services.auth import create_user

    def make(
        username: str,
        role: Role,
        *,
        departments: Sequence[str] = (),
        display_name: str = "",
        password: str = PASSWORD,
    ) -> Actor:
        view, _changes = create_user(
            ctx, operator, username, display_name or username, role, password,
            departments=departments, must_change_password=False,
        )  # fmt: skip
        return Actor(view.username, view.role, "C01", view.display_name, view.departments)

    return make


@pytest.fixture
def guide(make_account: MakeAccount) -> Actor:
    return make_account(USERNAMES[Role.guide], Role.guide, display_name="王芳")


@pytest.fixture
def reviewer(make_account: MakeAccount) -> Actor:
    """A reviewer of the market regulator (SAMR) only."""
    return make_account(
        USERNAMES[Role.reviewer], Role.reviewer, departments=("SAMR",), display_name="赵强"
    )


@pytest.fixture
def supervisor(make_account: MakeAccount) -> Actor:
    return make_account(USERNAMES[Role.supervisor], Role.supervisor, display_name="刘洋")


@pytest.fixture
def admin(make_account: MakeAccount) -> Actor:
    return make_account(USERNAMES[Role.admin], Role.admin, display_name="系统管理员")


@pytest.fixture
def accounts(
    actor: Actor, guide: Actor, reviewer: Actor, supervisor: Actor, admin: Actor
) -> dict[Role, Actor]:
    """One signed-in account of every role."""
    found = {a.role: a for a in (actor, guide, reviewer, supervisor, admin)}
    assert set(found) == set(Role)
    return found
