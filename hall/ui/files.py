"""Writing a file the clerk asked for: whole or not at all, where they look for it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

from hall.core.files import write_atomically

__all__ = ["documents_folder", "write_atomically"]


def documents_folder() -> Path:
    """The user's Documents folder (the home folder where there is none)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()
