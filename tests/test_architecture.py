"""The dependency rule of DESIGN.md: the domain runs without Qt."""

import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import hall

ROOT = Path(__file__).parents[1]


def non_ui_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(hall.__path__, "hall."):
        if info.name.startswith(("hall.ui", "hall.app", "hall.db.migrations")):
            continue
        names.append(info.name)
    return names


def test_every_non_ui_module_imports_without_loading_qt() -> None:
    modules = non_ui_modules()
    assert "hall.services.derive" in modules and "hall.cli" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "", f"Qt loaded outside hall.ui: {result.stdout}"


def test_import_contracts_hold() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is part of the test extras"
    result = subprocess.run([lint], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout


def test_contracts_catch_a_violation(tmp_path: Path) -> None:
    """The contracts are not vacuous: a service importing Qt is reported."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint
    copy = tmp_path / "proj"
    shutil.copytree(ROOT / "hall", copy / "hall", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    bad = copy / "hall" / "services" / "leak.py"
    bad.write_text("from PySide6 import QtCore\n", encoding="utf-8")
    result = subprocess.run(
        [lint],
        capture_output=True,
        text=True,
        cwd=copy,
        env={"PYTHONPATH": str(copy), "PATH": str(Path(sys.executable).parent)},
    )
    assert result.returncode != 0
    assert "Only hall.ui and hall.app use Qt" in result.stdout


def test_new_data_folders_and_the_database_are_private_to_the_user(tmp_path: Path) -> None:
    import os
    import stat

    from hall.core.paths import Paths
    from hall.services.context import open_context

    if os.name != "posix":
        return
    root = tmp_path / "fresh"
    ctx = open_context(Paths(data=root, config=root, logs=root / "logs"))
    ctx.close()
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE(ctx.paths.database.stat().st_mode) == 0o600


def test_a_database_left_readable_is_made_private_again(tmp_path: Path) -> None:
    import os
    import stat

    from hall.core.paths import Paths
    from hall.services.context import open_context

    if os.name != "posix":
        return
    root = tmp_path / "old"
    paths = Paths(data=root, config=root, logs=root / "logs")
    open_context(paths).close()
    paths.database.chmod(0o644)  # as an older program left it
    open_context(paths).close()
    assert stat.S_IMODE(paths.database.stat().st_mode) == 0o600
