"""Every character the program shows must be drawable by the bundled font.

WenQuanYi Micro Hei maps some characters to an empty glyph (℃ is one): they would show
as blanks on screen and in documents, silently.
"""

import json
from pathlib import Path

from fontTools.ttLib import TTCollection

ROOT = Path(__file__).parents[1]
FONT = ROOT / "resources" / "fonts" / "wqy-microhei.ttc"


def drawable() -> set[int]:
    font = TTCollection(str(FONT)).fonts[0]
    glyphs = font["glyf"]
    return {
        code
        for code, name in font.getBestCmap().items()
        if glyphs[name].numberOfContours != 0 or code == 0x20
    }


def shown_text() -> str:
    parts = [
        json.dumps(
            json.loads((ROOT / "resources" / "catalog" / "catalog.json").read_text("utf-8")),
            ensure_ascii=False,
        ),
        json.dumps(
            json.loads((ROOT / "resources" / "demo" / "registry.json").read_text("utf-8")),
            ensure_ascii=False,
        ),
    ]
    parts += [p.read_text("utf-8") for p in (ROOT / "hall").rglob("*.py")]
    return "".join(parts)


def test_every_character_shown_has_a_glyph_in_the_bundled_font() -> None:
    ok = drawable()
    missing = sorted({ch for ch in shown_text() if not ch.isspace() and ord(ch) not in ok})
    assert missing == [], f"no glyph in {FONT.name}: {missing}"
