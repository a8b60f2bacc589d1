"""The document figures: each PDF beside a bare reportlab page with the same font and one
line of Chinese (what any document costs at the least: a page, a font subset, a file);
the font's one-off registration, measured in a fresh process; and the QR code from
zxing-cpp (ours) beside segno and reportlab's own ``QrCodeWidget``.

``Row`` and ``median_seconds`` come from :mod:`bench.run`, imported when the figures are
taken: ``bench.run`` imports this module from ``main()``, not at its top.
"""

from __future__ import annotations

import io
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.run import Row

ROOT = Path(__file__).parents[1]

# In a fresh process: importing the package must not register the font, the first
# document does. Prints the import time and the registration time, in seconds.
FIRST_DOCUMENT = """
import json, time
t0 = time.perf_counter()
import hall.printing
from hall.printing import fonts
t1 = time.perf_counter()
assert not fonts.is_registered(), "import registered the font"
import reportlab.pdfbase.ttfonts, reportlab.platypus  # the library, apart from the font
t2 = time.perf_counter()
fonts.ensure_font()
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "register": t3 - t2}))
"""


def bare_page() -> bytes:
    """One A4 page with one line of Chinese in the documents' font, nothing else."""
    from reportlab.pdfgen.canvas import Canvas

    from hall.printing.fonts import ensure_font

    font = ensure_font()
    out = io.BytesIO()
    canvas = Canvas(out, initialFontName=font)
    canvas.setFont(font, 12)
    canvas.drawString(72, 760, "徐州市贾汪区政务服务中心受理通知书")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def _registration(runs: int = 5) -> tuple[float, float]:
    """Median (import, registration) seconds over fresh processes."""
    imports, registrations = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", FIRST_DOCUMENT],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        figures = json.loads(out.strip().splitlines()[-1])
        imports.append(figures["import"])
        registrations.append(figures["register"])
    return statistics.median(imports), statistics.median(registrations)


def _qr_codes(payload: str, repeat: int) -> tuple[float, float, float]:
    """Seconds per code drawn on a canvas: zxing-cpp's matrix as rectangles (ours), the
    same drawn from segno's matrix, and reportlab's ``QrCodeWidget``, all at level M."""
    import segno
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.pdfgen.canvas import Canvas

    from bench.run import median_seconds
    from hall.printing.codes import QrCode

    canvas = Canvas(io.BytesIO())

    def ours() -> None:
        code = QrCode(payload)
        code.wrap(1000, 1000)
        code.drawOn(canvas, 0, 0)

    def with_segno() -> None:
        matrix = segno.make(payload, error="m", micro=False, boost_error=False).matrix
        code = QrCode(payload)
        code.matrix = matrix
        code.wrap(1000, 1000)
        code.drawOn(canvas, 0, 0)

    def widget() -> None:
        drawing = Drawing(71, 71)
        drawing.add(QrCodeWidget(payload, barLevel="M", barWidth=71, barHeight=71))
        renderPDF.draw(drawing, canvas, 0, 0)

    ours()
    with_segno()
    widget()
    return (
        median_seconds(ours, repeat),
        median_seconds(with_segno, repeat),
        median_seconds(widget, repeat),
    )


def bench_documents(repeat: int = 30) -> list[Row]:
    """Rows for ``make bench``: each document's time beside the bare page (times its page
    count, so the ratio is per page), the font registration, and the two QR encoders."""
    from bench.run import Row, median_seconds
    from hall.printing import letters_pdf, license_pdf, receipt_pdf
    from tests.printing import samples

    import_s, register_s = _registration()
    documents = [
        ("license", lambda: license_pdf(samples.license_()), "< 20 ms"),
        ("commitment letter, 1", lambda: letters_pdf([samples.letter()]), "< 40 ms"),
        ("receipt, 10 items", lambda: receipt_pdf(samples.receipt(items=samples.items(10))),
         "< 40 ms"),
    ]  # fmt: skip
    for _name, build, _target in documents:  # warm: font registered, modules imported
        build()
    bare = median_seconds(bare_page, repeat)
    rows = []
    for name, build, target in documents:
        pages = _pages(build())
        seconds = median_seconds(build, repeat)
        rows.append(
            Row(f"{name} ({pages} p.)", seconds * 1000, f"bare CJK page × {pages}",
                bare * pages * 1000, "ms", f"{target}, ≤ 6×")
        )  # fmt: skip
    ours_s, segno_s, widget_s = _qr_codes(samples.QR, repeat)
    return [
        *rows,
        Row("font registration (fresh process, once)", register_s * 1000,
            "import hall.printing (no font)", import_s * 1000, "ms", "not at import"),
        Row("QR code, zxing-cpp → rects (260 chars, M)", ours_s * 1000,
            "segno → rects", segno_s * 1000, "ms", "faster of the two"),
        Row("QR code, segno → rects (260 chars, M)", segno_s * 1000,
            "reportlab QrCodeWidget", widget_s * 1000, "ms", "< widget"),
    ]  # fmt: skip


if __name__ == "__main__":
    for row in bench_documents():
        print(f"{row.name:<44} {row.value:8.2f} {row.baseline:8.2f} {row.ratio:6.2f}×")
