"""The one font of every document: WenQuanYi Micro Hei, embedded as a subset.

reportlab embeds TrueType outlines only (Noto CJK's PostScript outlines fail), and a CID
font such as STSong-Light is never embedded: it prints as boxes on machines without
Adobe's Asian font pack. Registering the collection costs about 65 ms (more on a slow
counter PC), so it happens once per process, on the first document, never at import.
"""

from __future__ import annotations

import threading

from hall.core.paths import resource

FONT = "HallSans"  # the name reportlab knows the font by; the PDF names the subset
FONT_FILE = ("fonts", "wqy-microhei.ttc")

_lock = threading.Lock()
_registered = False


def ensure_font() -> str:
    """Register the bundled font with reportlab (first call only) and return its name.

    Safe to call from several threads: a GUI may print a ticket while a report renders.
    """
    global _registered
    if _registered:
        return FONT
    with _lock:
        if not _registered:
            from reportlab.lib.fonts import addMapping
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            path = resource(*FONT_FILE)
            pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
            # The font has no bold or italic face: map them to the regular one, so that
            # nothing ever falls back to an unembedded Helvetica.
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(FONT, bold, italic, FONT)
            _registered = True
    return FONT


def is_registered() -> bool:
    """Whether this process has registered the font yet (for tests and the benchmark)."""
    return _registered
