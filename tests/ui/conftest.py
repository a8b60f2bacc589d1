import pytest

from hall.models.enums import Role
from hall.services.auth import create_user


@pytest.fixture
def clerk(ctx, actor):
    create_user(ctx, actor, "clerk01", "张敏", Role.clerk, "correct horse 1")
    return "clerk01"
