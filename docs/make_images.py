"""`make doc-images`: the README's pictures of a license, a commitment letter and the
first page of the supervisor's daily report (the demo hall's previous working day),
printed by `hall print` and `hall report daily` from a fresh demo hall and rendered with
QtPdf (on white)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from datetime import date, timedelta
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
        latest = max(c["number"].split("-")[1] for c in cases)  # today's first: the noodle shop
        noodles = min(c["number"] for c in cases if c["number"].split("-")[1] == latest)
        first = json.loads(hall(env, "cases", "show", noodles, "--json"))
        license_number = next(
            lic["number"] for lic in first["licenses"] if lic["item_code"] == "SAMR-002"
        )
        hall(env, "print", "license", license_number, "--out", f"{tmp}/license.pdf")
        hall(env, "print", "letter", first["number"], "--out", f"{tmp}/letter.pdf")
        render(Path(tmp, "license.pdf"), OUT / "license.png")
        render(Path(tmp, "letter.pdf"), OUT / "letter.png")
        env["HALL_USER"] = "super01"
        day = date.today() - timedelta(days=1)
        for _ in range(12):  # back to the demo's previous working day at the queue
            figures = json.loads(hall(env, "report", "daily", "--date", str(day), "--json"))
            if figures["tickets"]["issued"]:
                break
            day -= timedelta(days=1)
        hall(env, "report", "daily", "--date", str(day), "--out", f"{tmp}/report.pdf")
        render(Path(tmp, "report.pdf"), OUT / "report.png")
    app.quit()
    print(f"wrote {OUT / 'license.png'}, {OUT / 'letter.png'} and {OUT / 'report.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
