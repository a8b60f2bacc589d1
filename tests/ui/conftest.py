import pytest

from ..keyrings import MemoryKeyring, installed


@pytest.fixture
def clerk(ctx):
    """The clerk's account (made by ``ctx``), password ``correct horse 1``."""
    return "clerk01"


@pytest.fixture
def memory_keyring():
    with installed(MemoryKeyring()) as backend:
        yield backend
