"""Draw the program's icon: ``resources/icons/hall.svg``, ``hall.png`` (256 px) and
``hall.ico`` (16 to 256 px) from one list of shapes, so the three never drift apart.

A service counter seen from the hall: the window with the clerk behind it, the counter
top in front, and the red number display above. Shapes only, no text: no font renders
the same everywhere an SVG is shown.

Run from the repository root: ``.venv/bin/python installer/make_icons.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZE = 256  # the design grid; every coordinate below is in it
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
SUPERSAMPLE = 8  # drawn this much larger, then reduced: Pillow draws no anti-aliased edges

BLUE = "#1F5AA6"
WHITE = "#FFFFFF"
RED = "#D9432F"
PALE = "#C7D8EF"


@dataclass(frozen=True)
class Box:
    """A rectangle (with rounded corners when ``radius``) or, with ``ellipse``, the
    ellipse inscribed in it. Painted in list order, later over earlier."""

    left: float
    top: float
    right: float
    bottom: float
    fill: str
    radius: float = 0
    ellipse: bool = False


SHAPES = (
    Box(8, 8, 248, 248, BLUE, radius=48),  # the tile
    Box(96, 24, 160, 42, RED, radius=9),  # the number display
    Box(48, 54, 208, 178, WHITE, radius=14),  # the counter window
    Box(106, 76, 150, 120, BLUE, ellipse=True),  # the clerk's head
    Box(80, 128, 176, 224, BLUE, ellipse=True),  # the shoulders...
    Box(48, 170, 208, 230, BLUE),  # ...cut off where the window ends
    Box(26, 168, 230, 194, WHITE, radius=10),  # the counter top
    Box(50, 194, 206, 226, PALE, radius=6),  # the counter's front
    Box(62, 202, 194, 210, BLUE, radius=4),  # its drawer line
)


def svg() -> str:
    """The icon as SVG text."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}">',
        "  <title>hall</title>",
    ]
    for b in SHAPES:
        w, h = b.right - b.left, b.bottom - b.top
        if b.ellipse:
            lines.append(
                f'  <ellipse cx="{b.left + w / 2:g}" cy="{b.top + h / 2:g}" '
                f'rx="{w / 2:g}" ry="{h / 2:g}" fill="{b.fill}"/>'
            )
        else:
            corner = f' rx="{b.radius:g}"' if b.radius else ""
            lines.append(
                f'  <rect x="{b.left:g}" y="{b.top:g}" width="{w:g}" height="{h:g}"{corner} '
                f'fill="{b.fill}"/>'
            )
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def raster(size: int) -> Image.Image:
    """The icon as a ``size`` × ``size`` RGBA picture."""
    big = SIZE * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for b in SHAPES:
        # Pillow's right and bottom are inclusive pixels; SVG's edges are not.
        box = (
            b.left * SUPERSAMPLE,
            b.top * SUPERSAMPLE,
            b.right * SUPERSAMPLE - 1,
            b.bottom * SUPERSAMPLE - 1,
        )
        if b.ellipse:
            draw.ellipse(box, fill=b.fill)
        elif b.radius:
            draw.rounded_rectangle(box, radius=b.radius * SUPERSAMPLE, fill=b.fill)
        else:
            draw.rectangle(box, fill=b.fill)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    (ICONS / "hall.svg").write_text(svg(), encoding="utf-8")
    raster(256).save(ICONS / "hall.png", optimize=True)
    # Each size drawn on its own: a 16 px icon reduced from the 256 px one is blurrier.
    pictures = [raster(size) for size in ICO_SIZES]
    pictures[-1].save(
        ICONS / "hall.ico",
        sizes=[(size, size) for size in ICO_SIZES],
        append_images=pictures[:-1],
    )
    for name in ("hall.svg", "hall.png", "hall.ico"):
        print(ICONS / name)


if __name__ == "__main__":
    main()
