"""Writing a file the user asked for, whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomically(
    path: Path, data: bytes, *, before_replace: Callable[[], object] | None = None
) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it, then rename: a full
    disk or a killed process leaves the old file (or none), never half of the new one.
    ``before_replace`` runs once the data is safely on disk, just before the rename; if
    it raises, nothing is left behind. Raises ``OSError`` as the system gives it."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".hall-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(OSError):
            Path(temp).chmod(0o644)  # mkstemp makes it private; a saved document is not
        if before_replace is not None:
            before_replace()
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
