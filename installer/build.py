"""Build hall's installable bundle: ``make dist`` runs this, and so does ``tests/dist``.

1. PyInstaller builds the one-folder bundle ``dist/hall/`` from ``installer/hall.spec``.
2. On Linux, ``dist/hall-<version>-linux-<arch>.tar.gz`` packs it with ``hall.desktop``,
   the icon and ``install.sh`` under one folder ``hall-<version>/``.
   On Windows, ``makensis`` (when on PATH) packs it into ``dist/hall-<version>-setup.exe``
   with ``installer/hall.nsi``.

The build is reproducible: the same sources and venv give the same bytes. The tarball
has sorted entries, no owner names, every time stamp the ``SOURCE_DATE_EPOCH`` (or the
last commit's time) and a gzip header without a date; PyInstaller runs with a fixed hash
seed.

Run from anywhere with the venv's Python: ``.venv/bin/python installer/build.py``.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import contents  # noqa: E402

SPEC = HERE / "hall.spec"
LINUX = HERE / "linux"


def version() -> str:
    """The program's version, as ``hall --version`` says it."""
    sys.path.insert(0, str(ROOT))
    from hall import __version__

    return __version__


def arch() -> str:
    machine = platform.machine().lower()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)


def tarball_name(dist: Path) -> Path:
    return dist / f"hall-{version()}-linux-{arch()}.tar.gz"


def pyinstaller(dist: Path, work: Path) -> Path:
    """Run PyInstaller on the spec; returns the bundle's folder (``dist/hall``)."""
    if importlib.util.find_spec("PyInstaller") is None:
        sys.exit("build.py: PyInstaller is missing; install the extra: pip install -e '.[dist]'")
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        str(SPEC),
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
    ]
    # A fixed hash seed keeps set-ordered output (base_library.zip's order) the same from
    # one build to the next; SOURCE_DATE_EPOCH is the Windows executables' time stamp.
    env = os.environ | {"PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": str(source_date())}
    subprocess.run(command, check=True, cwd=ROOT, env=env)
    return dist / contents.NAME


def source_date() -> int:
    """The time stamp of every file in the tarball: ``SOURCE_DATE_EPOCH``, else the last
    commit's time, else now."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return int(out)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return int(time.time())


def pack(bundle: Path, target: Path) -> Path:
    """``target`` (``.tar.gz``): ``hall-<version>/`` with the bundle as ``hall/``,
    ``hall.desktop``, ``hall.png``, ``hall.svg`` and ``install.sh``."""
    top = f"hall-{version()}"
    mtime = source_date()
    members: list[tuple[Path, str]] = [
        (LINUX / "install.sh", f"{top}/install.sh"),
        (LINUX / "hall.desktop", f"{top}/hall.desktop"),
        (contents.ICON_PNG, f"{top}/hall.png"),
        (contents.RESOURCES / "icons" / "hall.svg", f"{top}/hall.svg"),
        (bundle, f"{top}/hall"),
    ]
    members += [
        (path, f"{top}/hall/{path.relative_to(bundle).as_posix()}")
        for path in sorted(bundle.rglob("*"))
    ]

    def normalise(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mtime = mtime
        executable = info.isdir() or info.mode & 0o111 or info.name.endswith("install.sh")
        info.mode = 0o755 if executable else 0o644
        return info

    partial = target.with_name(target.name + ".part")
    with (
        partial.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=mtime) as zipped,
        tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        tar.add(LINUX, arcname=top, recursive=False, filter=normalise)
        for path, name in members:
            tar.add(path, arcname=name, recursive=False, filter=normalise)
    partial.replace(target)
    return target


def nsis(dist: Path) -> Path | None:
    """The Windows installer, when NSIS's ``makensis`` is on PATH."""
    makensis = shutil.which("makensis")
    command = [makensis or "makensis", f"/DVERSION={version()}", str(HERE / "hall.nsi")]
    if makensis is None:
        print("makensis not found; to make the installer run:", subprocess.list2cmdline(command))
        return None
    subprocess.run(command, check=True, cwd=ROOT)
    return dist / f"hall-{version()}-setup.exe"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument(
        "--work", type=Path, default=ROOT / "build", help="PyInstaller's work folder"
    )
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()
    started = time.monotonic()
    bundle = pyinstaller(dist, work / "pyinstaller")
    built = time.monotonic()
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"bundle: {bundle} ({size / 1e6:.0f} MB, {built - started:.0f} s)")
    if sys.platform == "win32":
        setup = nsis(dist)
        if setup is not None:
            print(f"installer: {setup}")
        return 0
    target = pack(bundle, tarball_name(dist))
    print(
        f"tarball: {target} ({target.stat().st_size / 1e6:.0f} MB, "
        f"{time.monotonic() - built:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
