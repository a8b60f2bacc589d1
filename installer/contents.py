"""What goes into the bundle besides the modules PyInstaller finds by itself.

Used by ``hall.spec`` (which PyInstaller runs) and read by ``tests/dist``; everything here
is a plain function of the source tree, so the same spec builds the same bundle on Linux
and on Windows. Each entry says why PyInstaller's own analysis would miss it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"
MIGRATIONS = ROOT / "hall" / "db" / "migrations"
#: The bundle's folder and executable name; ``hall.nsi`` installs the same.
NAME = "hall"
#: Windows only: a console twin of the windowed ``hall.exe``, for the command line.
CONSOLE_NAME = "hall-cli"
ICON_ICO = RESOURCES / "icons" / "hall.ico"
ICON_PNG = RESOURCES / "icons" / "hall.png"

#: Imported by file or by name at run time, out of PyInstaller's sight.
HIDDEN_IMPORTS = [
    # Alembic runs env.py and the revisions from files (below); what they import:
    "alembic.op",
    "alembic.context",
    "alembic.runtime.migration",
    "alembic.ddl.sqlite",
    "alembic.ddl.postgresql",
    # psycopg picks its C implementation by name (psycopg_binary) at connect time.
    "psycopg_binary",
    "psycopg_binary.pq",
    "psycopg_binary._psycopg",
    # zoneinfo reads the bundled tzdata package when the system has no zone files
    # (always on Windows): the hall's Asia/Shanghai must resolve everywhere.
    "tzdata",
]
#: Packages whose every submodule goes in: they load some of them by name.
ALL_SUBMODULES = [
    # PITFALLS: reportlab loads its barcode modules by name; PyInstaller misses them.
    "reportlab.graphics.barcode",
    # The ESC/POS USB connection finds libusb through pyusb's backends.
    "usb.backend",
]
#: Packages with data files read at run time (found by importlib.resources or paths).
DATA_PACKAGES = [
    "escpos",  # capabilities.json, the printer database
]
#: Installed distributions whose metadata is read at run time: "Report a problem" lists
#: their versions (hall.services.problem_report.LIBRARIES); keyring finds its backends
#: through entry points (PyInstaller's own hook copies keyring's).
METADATA = [
    "hall",
    "PySide6-Essentials",
    "SQLAlchemy",
    "alembic",
    "psycopg",
    "psycopg-binary",
    "reportlab",
    "python-barcode",
    "zxing-cpp",
    "cbor2",
    "keyring",
    "cryptography",
    "argon2-cffi",
    "pillow",
    "pypdf",
    "openpyxl",
    "python-stdnum",
    "chinesecalendar",
    "platformdirs",
]
#: Found by the analysis through optional imports of the build machine's venv (which has
#: the test tools too), never used by the program: a pip install of hall has none of them.
EXCLUDES = [
    "tkinter",
    "numpy",  # zxing-cpp and Pillow take it when present; they work without it
    "fontTools",  # pypdf's optional font parsing (7 MB); a test tool here
    "pkg_resources",  # python-stdnum's fallback for old Pythons; its runtime hook is slow
    "pygments",  # Mako's highlighting plugin
    "escpos.cli",  # python-escpos's own command line (argcomplete)
    "IPython",
    "pytest",
    "hypothesis",
    "mypy",
    "babel",  # the catalogs are compiled at build time
    "setuptools",
    "pip",
]
#: Qt libraries and plugins the Qt hooks collect that the program never loads, by file
#: name (``lib``/``.so`` on Linux, ``.dll`` on Windows): the virtual keyboard, for a
#: touch screen (a counter has a keyboard and a scanner).
UNWANTED_QT = re.compile(r"^(lib)?(Qt6VirtualKeyboard\w*\.|qtvirtualkeyboardplugin\.)")
#: Linux only: Qt Multimedia's FFmpeg back end (21 MB) and Qt Quick and QML, which only
#: it and the virtual keyboard use (17 MB). The hall display's voice is
#: speech-dispatcher's, which plays its own sound. On Windows the speech engine plays
#: through Qt Multimedia, so all of them stay there.
UNWANTED_QT_LINUX = re.compile(
    r"^(lib)?(ffmpegmediaplugin\.|Qt6FFmpegStub|Qt6(Quick|Qml)\w*\.|"
    r"(avcodec|avformat|avutil|swresample|swscale)\.)"
)


def _files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


def compile_catalogs(staging: Path) -> list[Path]:
    """Compile each ``resources/locale/<lang>/LC_MESSAGES/<domain>.po`` into ``staging``
    (same layout), so the bundle never ships a stale ``.mo``. Fuzzy messages are left
    out, as ``pybabel compile`` leaves them; the catalog's own fuzzy flag, which
    ``pybabel init`` sets, is not a reason to ship no translation (``tests/test_i18n``
    keeps the messages from being fuzzy)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = []
    locale = RESOURCES / "locale"
    for po in sorted(locale.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parents[1].name, domain=po.stem)
        mo = staging / po.relative_to(locale).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        compiled.append(mo)
    return compiled


def resource_datas(staging: Path) -> list[tuple[str, str]]:
    """``resources/`` whole (catalog, demo registry, fonts, icons, locale), each file's
    destination folder under ``resources/`` in the bundle, with the catalogs compiled
    afresh into ``staging`` in place of any ``.mo`` in the tree."""
    fresh = compile_catalogs(staging / "locale")
    replaced = {(RESOURCES / "locale" / m.relative_to(staging / "locale")) for m in fresh}
    datas = [
        (str(path), str(Path("resources") / path.parent.relative_to(RESOURCES)))
        for path in _files(RESOURCES)
        if path not in replaced
    ]
    datas += [(str(mo), str(Path("resources") / mo.parent.relative_to(staging))) for mo in fresh]
    return datas


def migration_datas() -> list[tuple[str, str]]:
    """The Alembic environment and revisions as files: Alembic loads them by path
    (``hall.db.migrate.MIGRATIONS``, next to the frozen ``hall/db``)."""
    return [(str(path), str(path.parent.relative_to(ROOT))) for path in _files(MIGRATIONS)]


def qt_translation_wanted(destination: str, languages: Iterable[str]) -> bool:
    """Whether a data file the Qt hooks collected stays: Qt's own ``.qm`` translations
    only for the program's languages (``qtbase_zh_CN.qm``), everything else always."""
    path = Path(destination)
    if path.suffix != ".qm" or "translations" not in path.parts:
        return True
    return any(path.stem.endswith(f"_{language}") for language in languages)


def binary_wanted(destination: str, platform: str) -> bool:
    """Whether a library or plugin PyInstaller collected stays in the bundle."""
    name = Path(destination).name
    if UNWANTED_QT.match(name):
        return False
    return not (platform.startswith("linux") and UNWANTED_QT_LINUX.match(name))
