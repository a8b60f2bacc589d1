"""The bundled CJK font, registered at start so every machine shows the same Chinese."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from hall.core.paths import resource

log = logging.getLogger(__name__)
BUNDLED_FONT = resource("fonts", "wqy-microhei.ttc")


def install_application_font(app: QApplication, point_size: int = 11) -> str | None:
    """Register the bundled font and make it the application font; returns its family."""
    font_id = QFontDatabase.addApplicationFont(str(BUNDLED_FONT))
    if font_id < 0:
        log.warning("could not load the bundled font %s", BUNDLED_FONT)
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        return None
    font = QFont(families[0], point_size)
    app.setFont(font)
    return families[0]
