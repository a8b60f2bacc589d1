"""Writing a file the user asked for, whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it, then rename: a full
    disk or a killed process leaves the old file (or none), never half of the new one.
    Raises ``OSError`` as the system gives it."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".hall-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(OSError):
            Path(temp).chmod(0o644)  # mkstemp makes it private; a saved document is not
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
