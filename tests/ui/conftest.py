import pytest


@pytest.fixture
def clerk(ctx):
    """The clerk's account (made by ``ctx``), password ``correct horse 1``."""
    return "clerk01"
