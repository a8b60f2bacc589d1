"""Translation of every user-facing string.

Source strings are written in Simplified Chinese, the default language; other languages
come from gettext catalogs under ``resources/locale/<lang>/LC_MESSAGES/hall.mo``
(extracted and compiled with Babel: ``make messages``). Mark a string with ``_()`` where
it is shown, or with ``N_()`` where it is defined before the language is known and
translated later with ``_()``.
"""

from __future__ import annotations

import gettext as _gettext
import locale as _locale
import os
from collections.abc import Mapping
from pathlib import Path

from hall.core.paths import resource

DOMAIN = "hall"
DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}

_translations: _gettext.NullTranslations = _gettext.NullTranslations()
_language = DEFAULT_LANGUAGE


def locale_dir() -> Path:
    return resource("locale")


def set_language(language: str, directory: Path | None = None) -> None:
    """Switch every later ``_()`` call to ``language``.

    The source language needs no catalog. For any other, a missing catalog falls back to
    the source strings rather than failing: a clerk would rather read Chinese than nothing.
    """
    global _translations, _language
    _language = language
    if language == DEFAULT_LANGUAGE:
        _translations = _gettext.NullTranslations()
        return
    _translations = _gettext.translation(
        DOMAIN, localedir=str(directory or locale_dir()), languages=[language], fallback=True
    )


def current_language() -> str:
    return _language


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The program's language closest to the system's: the first of ``LANGUAGE``,
    ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set (POSIX), else the locale Python
    reads from the system (Windows). Chinese of any region and anything unknown give the
    default, Simplified Chinese; English of any region gives English."""
    env = os.environ if environ is None else environ
    names = [env.get(key, "") for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")]
    wanted = next((name for name in names if name), "")
    if not wanted:
        try:
            wanted = _locale.getlocale()[0] or ""
        except ValueError:  # an unparsable locale setting
            wanted = ""
    for choice in wanted.split(":"):  # LANGUAGE may list several
        tag = choice.split(".")[0].replace("-", "_").lower()
        if tag.startswith("zh") or tag.startswith("chinese"):
            return DEFAULT_LANGUAGE
        if tag.startswith("en") or tag.startswith("english"):
            return "en"
    return DEFAULT_LANGUAGE


def effective_language(configured: str, environ: Mapping[str, str] | None = None) -> str:
    """The language in force: the one chosen in the settings, else (not chosen yet, or
    one this program no longer has) the system's."""
    return configured if configured in LANGUAGES else system_language(environ)


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet."""
    return message
