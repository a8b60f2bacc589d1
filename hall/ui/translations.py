"""Qt's own translations, for the buttons and texts of Qt's built-in dialogs.

Our strings go through gettext (``hall.core.i18n``); Qt's translator is loaded only so
that standard buttons ("OK", "Cancel") and built-in dialogs speak the same language.
Installing another language replaces the translator installed before.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

_installed: list[QTranslator] = []


def install_qt_translations(app: QCoreApplication, language: str) -> QTranslator | None:
    """Load ``qtbase_<language>.qm`` shipped with Qt (none for English, Qt's own
    language); returns the translator, kept alive here until the next language."""
    while _installed:
        app.removeTranslator(_installed.pop())
    if language.startswith("en"):
        return None
    translator = QTranslator(app)
    directory = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(QLocale(language), "qtbase", "_", directory):
        log.warning("Qt translations for %s not found in %s", language, directory)
        return None
    app.installTranslator(translator)
    _installed.append(translator)
    return translator
