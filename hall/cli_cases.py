"""`hall cases …`."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add the `cases` commands to the top-level subparsers."""
