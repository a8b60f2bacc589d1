"""The installable bundle, built as ``make dist`` builds it, unpacked from its tarball,
installed with its ``install.sh`` into a fresh home, and run there as on a clean machine:
no venv, no PYTHONPATH, no display, a bare PATH.

Slow (a PyInstaller build, about a minute): ``make dist-check`` runs it; a plain
``pytest`` deselects it (``-m 'not dist'`` in pyproject.toml).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path

import pytest
from pypdf import PdfReader

from hall import __version__

from ..printing.render import render_page

pytestmark = [pytest.mark.dist, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "installer" / "build.py"
DEMO_PASSWORD = "hall-demo-2026"
TOP = f"hall-{__version__}"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"  # as tests/pg's


@dataclass(frozen=True)
class Installed:
    tarball: Path
    bundle: Path  # the installed program folder (~/.local/lib/hall)
    home: Path
    hall: Path  # ~/.local/bin/hall, the link install.sh makes


def clean_env(home: Path, data: Path, **extra: str) -> dict[str, str]:
    """What a fresh account on another machine has: no venv, no Python variables, a bare
    PATH, no display; Qt's offscreen platform in its place."""
    env = {
        "HOME": str(home),
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LANGUAGE": "zh_CN",
        "HALL_DATA_DIR": str(data),
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_RUNTIME_DIR": str(home / "runtime"),
    }
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build (into a folder of the test's own), unpack the tarball, run install.sh."""
    work = tmp_path_factory.mktemp("build")
    built = subprocess.run(
        [sys.executable, str(BUILD), "--dist", str(work / "dist"), "--work", str(work / "build")],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    [tarball] = (work / "dist").glob(f"hall-{__version__}-linux-*.tar.gz")
    unpacked = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(tarball) as tar:
        tar.extractall(unpacked, filter="tar")
    home = tmp_path_factory.mktemp("home")
    (home / "runtime").mkdir(mode=0o700)
    env = clean_env(home, home / "unused")
    done = subprocess.run(
        ["sh", str(unpacked / TOP / "install.sh")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return Installed(
        tarball=tarball,
        bundle=home / ".local" / "lib" / "hall",
        home=home,
        hall=home / ".local" / "bin" / "hall",
    )


@pytest.fixture
def data(installed: Installed, tmp_path: Path) -> Path:
    return tmp_path / "data"


def hall(
    installed: Installed, data: Path, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(installed.hall), *args],
        capture_output=True,
        text=True,
        env=clean_env(installed.home, data, **env),
        timeout=300,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def log_text(data: Path) -> str:
    log = data / "logs" / "hall.log"
    assert log.is_file(), f"no log at {log}"
    return log.read_text(encoding="utf-8")


# --- what the tarball holds, and what install.sh does ------------------------------------


def test_tarball_holds_the_bundle_menu_entry_icon_and_installer(installed: Installed) -> None:
    with tarfile.open(installed.tarball) as tar:
        members = {m.name: m for m in tar.getmembers()}
    for name in ("hall.desktop", "hall.png", "hall.svg", "install.sh", "hall/hall"):
        assert f"{TOP}/{name}" in members, name
    assert members[f"{TOP}/install.sh"].mode == 0o755
    assert members[f"{TOP}/hall/hall"].mode == 0o755
    # Reproducible: one time stamp, no owners.
    assert len({m.mtime for m in members.values()}) == 1
    assert {(m.uid, m.gid, m.uname, m.gname) for m in members.values()} == {(0, 0, "", "")}
    assert any(n.startswith(f"{TOP}/hall/_internal/") for n in members)


def test_install_writes_a_menu_entry_with_absolute_paths(installed: Installed) -> None:
    entry = installed.home / ".local/share/applications/hall.desktop"
    lines = entry.read_text(encoding="utf-8").splitlines()
    assert f'Exec="{installed.bundle}/hall"' in lines
    assert f'Exec="{installed.bundle}/hall" display' in lines
    icon = next(line.removeprefix("Icon=") for line in lines if line.startswith("Icon="))
    assert Path(icon).is_absolute() and Path(icon).is_file()
    assert installed.hall.is_symlink() and installed.hall.resolve() == installed.bundle / "hall"
    assert (installed.home / ".local/share/icons/hicolor/scalable/apps/hall.svg").is_file()
    if shutil.which("desktop-file-validate"):
        checked = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True)
        assert checked.returncode == 0, checked.stdout


def test_uninstall_removes_the_program_and_menu_entry_but_not_the_data(
    installed: Installed, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    (home / ".local/share/hall").mkdir(parents=True)  # a data folder that must survive
    unpacked = tmp_path / "unpacked"
    with tarfile.open(installed.tarball) as tar:
        tar.extractall(unpacked, filter="tar")
    script = unpacked / TOP / "install.sh"
    env = clean_env(home, home / "unused")
    assert subprocess.run(["sh", str(script)], env=env, capture_output=True).returncode == 0
    assert (home / ".local/lib/hall/hall").is_file()
    again = subprocess.run(["sh", str(script)], env=env, capture_output=True)
    assert again.returncode == 0  # installing over an installation replaces it
    gone = subprocess.run(["sh", str(script), "--uninstall"], env=env, capture_output=True)
    assert gone.returncode == 0, gone.stderr
    assert not (home / ".local/lib/hall").exists()
    assert not (home / ".local/bin/hall").exists()
    assert not (home / ".local/share/applications/hall.desktop").exists()
    assert (home / ".local/share/hall").is_dir()


def test_install_refuses_to_replace_a_folder_that_is_not_hall(
    installed: Installed, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    precious = home / ".local/lib/hall/notes.txt"
    precious.parent.mkdir(parents=True)
    precious.write_text("mine")
    unpacked = tmp_path / "unpacked"
    with tarfile.open(installed.tarball) as tar:
        tar.extractall(unpacked, filter="tar")
    script = unpacked / TOP / "install.sh"
    done = subprocess.run(
        ["sh", str(script)], env=clean_env(home, home / "unused"), capture_output=True, text=True
    )
    assert done.returncode == 1 and "not a hall installation" in done.stderr
    assert precious.read_text() == "mine"


# --- the program, run from the installed bundle ------------------------------------------


def test_the_window_starts_and_exits_cleanly(installed: Installed, data: Path) -> None:
    result = hall(installed, data, HALL_EXIT_AFTER_START="1")
    assert result.returncode == 0, result.stderr
    assert (data / "hall.sqlite3").is_file()  # the migrations ran, from files in the bundle
    log = log_text(data)
    assert "Traceback" not in log and " ERROR " not in log, log[-3000:]
    # Qt's own translations (zh_CN, the default) come from the bundle.
    assert "Qt translations" not in log, log[-3000:]


def test_the_hall_display_starts_and_exits_cleanly(installed: Installed, data: Path) -> None:
    assert hall(installed, data, "init", "--demo").returncode == 0
    result = hall(installed, data, "display", "--windowed", HALL_EXIT_AFTER_START="1")
    assert result.returncode == 0, result.stderr
    log = log_text(data)
    assert "Traceback" not in log and " ERROR " not in log, log[-3000:]


def test_the_command_line_prints_documents_reports_and_checks_codes(
    installed: Installed, data: Path, tmp_path: Path, qapp: object
) -> None:
    init = hall(installed, data, "init", "--demo")
    assert init.returncode == 0, init.stderr
    assert "已导入内置许可事项目录" in init.stdout  # the bundled catalog
    clerk = {"HALL_USER": "clerk01", "HALL_PASSWORD": DEMO_PASSWORD}
    cases = json.loads(hall(installed, data, "cases", "list", "--json", **clerk).stdout)
    day = max(c["accepted_on"] for c in cases)
    first = min(c["number"] for c in cases if c["accepted_on"] == day)
    case = json.loads(hall(installed, data, "cases", "show", first, "--json", **clerk).stdout)
    license_ = case["licenses"][0]

    # reportlab with the bundled CJK font, the signed QR code (zxing-cpp, cryptography)
    receipt, license_pdf = tmp_path / "receipt.pdf", tmp_path / "license.pdf"
    done = hall(installed, data, "print", "receipt", first, "--out", str(receipt), **clerk)
    assert done.returncode == 0, done.stderr
    printed = hall(
        installed, data, "print", "license", license_["number"], "--out", str(license_pdf), **clerk
    )
    assert printed.returncode == 0, printed.stderr
    text = "".join(p.extract_text() for p in PdfReader(license_pdf).pages)
    assert case["applicant"]["name"] in text
    assert b"WenQuanYi" in license_pdf.read_bytes()  # the font went in, not a fallback
    ticket = tmp_path / "ticket.pdf"  # Code 128 by python-barcode
    done = hall(installed, data, "print", "ticket", "A001", "--out", str(ticket), **clerk)
    assert done.returncode == 0, done.stderr
    assert ticket.read_bytes().startswith(b"%PDF")

    # the code read back from a picture of the page (Pillow, zxing-cpp) and verified
    picture = tmp_path / "photo.png"
    render_page(license_pdf.read_bytes(), dpi=200).save(str(picture))
    checked = hall(installed, data, "verify", "--image", str(picture), "--json")
    verdict = json.loads(checked.stdout)
    assert checked.returncode == 0 and verdict["valid"], checked.stdout + checked.stderr
    assert verdict["number"] == license_["number"]

    # the daily report: the working-day calendar, PDF charts, XLSX (openpyxl), CSV
    supervisor = {"HALL_USER": "super01", "HALL_PASSWORD": DEMO_PASSWORD}
    pdf, xlsx, csv = tmp_path / "r.pdf", tmp_path / "r.xlsx", tmp_path / "r.csv"
    made = hall(
        installed, data, "report", "daily", "--date", day,
        "--out", str(pdf), "--xlsx", str(xlsx), "--csv", str(csv), **supervisor,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and xlsx.read_bytes().startswith(b"PK")
    assert csv.stat().st_size > 0
    audit = hall(installed, data, "audit", "verify", "--json", **supervisor)
    assert audit.returncode == 0 and json.loads(audit.stdout)["intact"]


def test_the_hall_time_zone_comes_with_the_bundle(
    installed: Installed, data: Path, tmp_path: Path
) -> None:
    """A machine without zone files (Windows, a slim container) still knows Shanghai."""
    assert hall(installed, data, "init", "--demo").returncode == 0
    no_zones = tmp_path / "no-zoneinfo"
    no_zones.mkdir()
    report = hall(
        installed, data, "report", "daily", "--date", date.today().isoformat(), "--json",
        HALL_USER="super01", HALL_PASSWORD=DEMO_PASSWORD, PYTHONTZPATH=str(no_zones),
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["made_at"].endswith("+08:00")
    assert "unknown time zone" not in log_text(data)


def test_the_server_driver_works_frozen(installed: Installed, data: Path) -> None:
    """psycopg's C implementation is loaded by name: set up a hall server's schema with
    the bundle on a throwaway database of the test server (skipped without one)."""
    import psycopg
    from sqlalchemy import make_url

    admin = make_url(os.environ.get("HALL_TEST_PG_URL") or PG_ADMIN)
    plain = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        connection = psycopg.connect(plain, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no PostgreSQL server: {exc}")
    name = f"hall_test_dist_{os.getpid()}"
    with connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        url = admin.set(drivername="postgresql+psycopg", database=name)
        done = hall(
            installed, data, "server", "init", "--url", url.render_as_string(hide_password=False),
            "--admin-password", "Sever-Pass 2026 kk",
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- what is loaded by name or from files: in the bundle ---------------------------------


def test_the_english_catalog_and_qt_translations_are_in_the_bundle(installed: Installed) -> None:
    internal = installed.bundle / "_internal"
    assert (internal / "PySide6/Qt/translations/qtbase_zh_CN.qm").is_file()
    catalogs = sorted((ROOT / "resources/locale").glob("*/LC_MESSAGES/*.po"))
    if not catalogs:
        pytest.skip("no translation (.po) in resources/locale yet")
    for po in catalogs:
        mo = internal / "resources/locale" / po.relative_to(ROOT / "resources/locale")
        assert mo.with_suffix(".mo").is_file(), mo


def test_the_command_line_speaks_english_as_the_source_does(
    installed: Installed, data: Path, tmp_path: Path
) -> None:
    """``LANGUAGE=en``: the frozen program says what the program run from the source
    says, from the catalog in the bundle."""
    commands = (("--help",), ("cases", "show", "NO-SUCH"))

    def said(program: list[str], language: str, folder: Path) -> list[str]:
        env = clean_env(installed.home, folder, LANGUAGE=language)
        runs = [
            subprocess.run([*program, *c], capture_output=True, text=True, env=env, timeout=300)
            for c in commands
        ]
        return [run.stdout + run.stderr for run in runs]

    source = [sys.executable, "-m", "hall"]
    english = said(source, "en", tmp_path / "source")
    if english == said(source, "zh_CN", tmp_path / "source"):
        pytest.skip("the English catalog translates nothing these commands say yet")
    assert said([str(installed.hall)], "en", data) == english


def test_what_is_found_by_name_at_run_time_is_in_the_bundle(installed: Installed) -> None:
    internal = installed.bundle / "_internal"
    # Alembic runs these from files.
    assert (internal / "hall/db/migrations/env.py").is_file()
    versions = {p.name for p in (ROOT / "hall/db/migrations/versions").glob("*.py")}
    assert versions <= {p.name for p in (internal / "hall/db/migrations/versions").glob("*.py")}
    # keyring finds its backends (Secret Service, KWallet, Windows, macOS) by entry point.
    [keyring_meta] = internal.glob("keyring-*.dist-info")
    backends = metadata.PathDistribution(keyring_meta).entry_points.select(group="keyring.backends")
    assert {"SecretService", "Windows", "macOS"} <= {ep.name for ep in backends}
    frozen = set(pyz_modules(installed.bundle / "hall"))
    assert {"keyring.backends.SecretService", "secretstorage", "jeepney"} <= frozen
    # The ticket printer: python-escpos's printer database; pyusb for USB printers.
    assert (internal / "escpos/capabilities.json").is_file()
    assert {"escpos.printer", "usb.backend.libusb1"} <= frozen
    # Left out on purpose (see installer/contents.py): nothing of the test tools.
    assert not {"numpy", "fontTools", "pytest", "pkg_resources"} & {m.split(".")[0] for m in frozen}


def test_every_qt_library_a_bundled_library_needs_is_bundled(installed: Installed) -> None:
    """Leaving out Qt Quick, QML and FFmpeg (installer/contents.py) broke nothing that
    links them."""
    from PyInstaller.depend.bindepend import get_imports

    internal = installed.bundle / "_internal"
    missing = set()
    for path in sorted(internal.rglob("*.so*")):
        if path.is_symlink() or not path.is_file():
            continue
        for name, found in get_imports(str(path)):
            if name.startswith(("libQt6", "libpyside6", "libshiboken6")) and found is None:
                missing.add(f"{path.relative_to(internal)} -> {name}")
    assert not missing, sorted(missing)
    dangling = [p for p in internal.rglob("*") if p.is_symlink() and not p.exists()]
    assert not dangling, dangling


def system_libraries(bundle: Path) -> set[Path]:
    """The libraries of this machine the bundle loads (what PyInstaller leaves to the
    system: the C library, zlib, the GL/EGL drivers, libxcb, …) with all they load."""
    from PyInstaller.depend.bindepend import get_imports

    def ldd(path: Path) -> set[Path]:
        listed = subprocess.run(["ldd", str(path)], capture_output=True, text=True).stdout
        return {Path(word) for word in listed.split() if word.startswith("/")}

    internal = bundle / "_internal"
    inside = {p.name for p in internal.rglob("*")}
    libraries = ldd(bundle / "hall")  # the bootloader's: the dynamic loader, libc, zlib
    for path in internal.rglob("*.so*"):
        if path.is_file() and not path.is_symlink():
            found = get_imports(str(path))
            libraries |= {Path(f) for name, f in found if f and name not in inside}
    return libraries.union(*(ldd(library) for library in libraries))


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("chroot") is None, reason="chroot needs root")
def test_it_runs_on_a_machine_with_only_the_c_library_and_graphics_drivers(
    installed: Installed, tmp_path: Path
) -> None:
    """The clean machine, made: a root holding the bundle and the few system libraries
    it leaves to the system (no Python, no fonts, no zone files, no fontconfig, no /proc).
    It sets up the demo hall, prints, reports, and opens its window there."""
    chroot = shutil.which("chroot")
    assert chroot is not None
    root = tmp_path / "root"
    shutil.copytree(installed.bundle, root / "opt/hall", symlinks=True)
    for library in system_libraries(installed.bundle):
        target = root / library.relative_to("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(library, target)  # the file a link points to, under the link's name
    (root / "dev").mkdir()
    os.mknod(root / "dev/null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    (root / "home/clerk").mkdir(parents=True)
    env = {
        "HOME": "/home/clerk",
        "LANG": "C.UTF-8",
        "HALL_DATA_DIR": "/home/clerk/data",
        "QT_QPA_PLATFORM": "offscreen",
    }

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [chroot, str(root), "/opt/hall/hall", *args],
            capture_output=True,
            text=True,
            env=env | extra,
            timeout=300,
        )
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        return done

    assert "C01-" in run("init", "--demo").stdout
    run(HALL_EXIT_AFTER_START="1")
    run("display", "--windowed", HALL_EXIT_AFTER_START="1")
    supervisor = {"HALL_USER": "super01", "HALL_PASSWORD": DEMO_PASSWORD}
    run("report", "daily", "--out", "/home/clerk/r.pdf", **supervisor)
    assert (root / "home/clerk/r.pdf").read_bytes().startswith(b"%PDF")
    log = (root / "home/clerk/data/logs/hall.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and " ERROR " not in log, log[-3000:]


def pyz_modules(executable: Path) -> Iterator[str]:
    from PyInstaller.archive.readers import CArchiveReader

    yield from CArchiveReader(str(executable)).open_embedded_archive("PYZ.pyz").toc


def test_the_bundle_is_the_size_pitfalls_expects(installed: Installed) -> None:
    """A guard against a hook starting to drag in something large (WebEngine, numpy)."""
    files = [p for p in installed.bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    size = sum(p.stat().st_size for p in files)
    assert size < 320e6, f"{size / 1e6:.0f} MB"
    assert installed.tarball.stat().st_size < 130e6
