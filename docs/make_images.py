"""`make doc-images`: the README's pictures of a license and a commitment letter, printed
by `hall print` from a fresh demo hall and rendered with QtPdf (on white)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
from PySide6.QtPdf import QPdfDocument

OUT = Path(__file__).parent / "images"
DPI = 110


def hall(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "hall", *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def render(pdf: Path, png: Path) -> None:
    document = QPdfDocument()
    document.load(str(pdf))
    points = document.pagePointSize(0)
    size = QSize(round(points.width() * DPI / 72), round(points.height() * DPI / 72))
    page = document.render(0, size)  # transparent: put it on white
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.drawImage(0, 0, page)
    painter.end()
    image.save(str(png))


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication(sys.argv)
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, HALL_DATA_DIR=tmp, HALL_USER="clerk01")
        env["HALL_PASSWORD"] = "hall-demo-2026"
        hall(env, "init", "--demo")
        cases = json.loads(hall(env, "cases", "list", "--json"))
        first = json.loads(hall(env, "cases", "show", cases[-1]["number"], "--json"))
        license_number = next(
            lic["number"] for lic in first["licenses"] if lic["item_code"] == "SAMR-002"
        )
        hall(env, "print", "license", license_number, "--out", f"{tmp}/license.pdf")
        hall(env, "print", "letter", first["number"], "--out", f"{tmp}/letter.pdf")
        render(Path(tmp, "license.pdf"), OUT / "license.png")
        render(Path(tmp, "letter.pdf"), OUT / "letter.png")
    app.quit()
    print(f"wrote {OUT / 'license.png'} and {OUT / 'letter.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
