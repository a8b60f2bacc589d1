"""hall.printing is plain data in, PDF out: it needs neither Qt nor the services, and
importing it costs nothing (the font is registered by the first document)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
PACKAGE = ROOT / "hall" / "printing"

PROBE = """
import importlib, json, pkgutil, sys
import hall.printing
after_import = {
    "registered": __import__("hall.printing.fonts").printing.fonts.is_registered(),
    "reportlab": "reportlab" in sys.modules,
}
for info in pkgutil.iter_modules(hall.printing.__path__, "hall.printing."):
    importlib.import_module(info.name)
registered_by_modules = hall.printing.fonts.is_registered()

from reportlab.pdfbase import ttfonts
made = []
original = ttfonts.TTFont
class Counting(original):
    def __init__(self, *args, **kwargs):
        made.append(args[1])
        super().__init__(*args, **kwargs)
ttfonts.TTFont = Counting

sys.path.insert(0, ".")
from tests.printing import samples
hall.printing.ticket_pdf(samples.ticket())
hall.printing.receipt_pdf(samples.receipt())
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6")
                or m.startswith(("hall.services", "hall.models", "hall.db", "hall.ui")))
print(json.dumps({"after_import": after_import, "by_modules": registered_by_modules,
                  "fonts_made": made, "loaded": loaded}))
"""


def test_printing_loads_no_qt_no_services_and_registers_the_font_once_lazily() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, check=True
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["after_import"] == {"registered": False, "reportlab": False}
    assert report["by_modules"] is False  # importing every module registers nothing
    assert len(report["fonts_made"]) == 1  # two documents, one registration
    assert report["fonts_made"][0].endswith("wqy-microhei.ttc")
    assert report["loaded"] == []


def test_printing_imports_only_core_and_itself_of_the_project() -> None:
    offending = []
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in ("hall", "PySide6", "shiboken6") and not name.startswith(
                    ("hall.core", "hall.printing")
                ):
                    offending.append(f"{path.name}: {name}")
    assert not offending, json.dumps(offending, ensure_ascii=False)  # shown when it fails
