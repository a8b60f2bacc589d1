"""The installer's pieces agree with each other, without building anything (fast; part of
every ``make test``): the NSIS script installs what the spec names, the icons are what
``make_icons.py`` draws, the menu entry and ``install.sh`` are well formed, and the
spec's filters keep what the program needs."""

from __future__ import annotations

import configparser
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
NSI = INSTALLER / "hall.nsi"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"installer_{name}", INSTALLER / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


contents = load("contents")


def nsis_defines() -> dict[str, str]:
    return dict(re.findall(r'^!define (\w+) "([^"]*)"', NSI.read_text("utf-8"), re.MULTILINE))


def test_the_windows_installer_installs_what_the_spec_builds() -> None:
    defines = nsis_defines()
    assert defines["NAME"] == contents.NAME
    assert defines["BUNDLE"] == r"..\dist\${NAME}"  # the spec's COLLECT name, in dist/
    assert defines["EXE"] == "${NAME}.exe"
    assert defines["CLI_EXE"].replace("${NAME}", contents.NAME) == f"{contents.CONSOLE_NAME}.exe"
    icon = INSTALLER / defines["ICON"].replace("\\", "/")
    assert icon.resolve() == contents.ICON_ICO


@pytest.mark.skipif(shutil.which("makensis") is None, reason="NSIS (makensis) not installed")
def test_the_windows_installer_script_compiles(tmp_path: Path) -> None:
    """makensis runs on Linux too: the script against a stand-in bundle."""
    (tmp_path / "installer").mkdir()
    shutil.copy(NSI, tmp_path / "installer")
    (tmp_path / "resources/icons").mkdir(parents=True)
    shutil.copy(contents.ICON_ICO, tmp_path / "resources/icons")
    bundle = tmp_path / "dist" / contents.NAME
    (bundle / "_internal").mkdir(parents=True)
    for name in (f"{contents.NAME}.exe", f"{contents.CONSOLE_NAME}.exe", "_internal/x.dll"):
        (bundle / name).write_bytes(b"MZ")
    done = subprocess.run(
        ["makensis", "-V2", "-DVERSION=1.2.3", str(tmp_path / "installer/hall.nsi")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "dist/hall-1.2.3-setup.exe").is_file()
    no_version = subprocess.run(
        ["makensis", "-V1", str(tmp_path / "installer/hall.nsi")], capture_output=True, text=True
    )
    assert no_version.returncode != 0 and "/DVERSION" in no_version.stdout + no_version.stderr


def test_the_icons_are_what_make_icons_draws() -> None:
    icons = load("make_icons")
    assert (ROOT / "resources/icons/hall.svg").read_text("utf-8") == icons.svg()
    png = Image.open(ROOT / "resources/icons/hall.png")
    assert png.size == (256, 256) and png.mode == "RGBA"
    assert png.getpixel((0, 0))[3] == 0 and png.getpixel((128, 30))[3] == 255  # a tile
    ico = Image.open(ROOT / "resources/icons/hall.ico")
    assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= ico.info["sizes"]


def test_the_menu_entry_is_well_formed() -> None:
    path = INSTALLER / "linux/hall.desktop"
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(path, encoding="utf-8")
    main = entry["Desktop Entry"]
    assert main["Type"] == "Application" and main["Terminal"] == "false"
    # install.sh rewrites these two into absolute paths.
    assert main["Exec"] == "hall" and main["Icon"] == "hall"
    assert entry["Desktop Action display"]["Exec"] == "hall display"
    assert all(main[key].endswith(";") for key in ("Categories", "Actions", "Keywords"))
    if shutil.which("desktop-file-validate"):
        done = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_install_sh_is_valid_shell() -> None:
    assert subprocess.run(["sh", "-n", str(INSTALLER / "linux/install.sh")]).returncode == 0


@pytest.mark.parametrize(
    ("name", "linux", "windows"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True, True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True, True),
        ("PySide6/Qt/lib/libQt6Pdf.so.6", True, True),
        ("PySide6/Qt/lib/libQt6Multimedia.so.6", True, True),  # the voice links it
        ("PySide6/Qt/lib/libQt6TextToSpeech.so.6", True, True),
        (
            "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
            True,
            True,
        ),
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False, False),
        ("PySide6/Qt/lib/libQt6VirtualKeyboard.so.6", False, False),
        ("PySide6/Qt/lib/libQt6Quick.so.6", False, True),
        ("PySide6/Qt6Quick.dll", False, True),
        ("PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.so", False, True),
        ("PySide6/Qt/lib/libavcodec.so.63", False, True),
        ("pillow.libs/libavif-c6062d5f.so.16.4.2", True, True),  # Pillow's, not Qt's
    ],
)
def test_the_spec_leaves_out_only_unused_qt_parts(name: str, linux: bool, windows: bool) -> None:
    assert contents.binary_wanted(name, "linux") is linux
    assert contents.binary_wanted(name, "win32") is windows


def test_qt_translations_are_kept_for_the_programs_languages_only() -> None:
    languages = ("zh_CN", "en")
    keep = contents.qt_translation_wanted
    assert keep("PySide6/Qt/translations/qtbase_zh_CN.qm", languages)
    assert keep("PySide6/Qt/translations/qt_en.qm", languages)
    assert not keep("PySide6/Qt/translations/qtbase_de.qm", languages)
    assert not keep("PySide6/Qt/translations/qtbase_zh_TW.qm", languages)
    assert keep("resources/locale/en/LC_MESSAGES/hall.mo", languages)


def test_every_resource_and_migration_goes_into_the_bundle(tmp_path: Path) -> None:
    datas = contents.resource_datas(tmp_path) + contents.migration_datas()
    shipped = {Path(dest) / Path(src).name for src, dest in datas}
    assert Path("resources/fonts/wqy-microhei.ttc") in shipped
    assert Path("resources/catalog/catalog.json") in shipped
    assert Path("resources/icons/hall.png") in shipped
    assert Path("hall/db/migrations/env.py") in shipped
    for revision in (ROOT / "hall/db/migrations/versions").glob("*.py"):
        assert Path("hall/db/migrations/versions") / revision.name in shipped
    for po in (ROOT / "resources/locale").glob("*/LC_MESSAGES/*.po"):
        mo = Path("resources/locale") / po.relative_to(ROOT / "resources/locale")
        assert mo.with_suffix(".mo") in shipped
    assert len(shipped) == len(datas)  # no file twice (a stale .mo beside a fresh one)


def test_resources_are_found_beside_the_frozen_program(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from hall.core import paths

    assert paths._resources() == ROOT / "resources"  # a checkout
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths._resources() == tmp_path / "resources"  # a PyInstaller bundle
