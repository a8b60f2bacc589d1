"""`hall registry …`."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add the `registry` commands to the top-level subparsers."""
