"""The manuals (docs/manual/) cannot drift from the program silently: every link and
picture they use exists, every key they name is a key the program binds, and every
action of the main window is named in them."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from hall.ui.actions import SPECS

ROOT = Path(__file__).parents[2]
MANUAL = ROOT / "docs" / "manual"
SCREENS = ROOT / "docs" / "images" / "screens"
UI = ROOT / "hall" / "ui"

# A key after its modifiers: the F-keys, named keys, one character.
_KEY = r"(?:F1[0-2]|F[1-9]|PgUp|PgDown|Enter|Return|Delete|Esc|Tab|Space|[A-Z0-9=+-])"
# Ctrl+Shift+F5, Alt+1…6 (a range of digits), Shift+F4.
COMBO = re.compile(rf"(?<![\w+])((?:(?:Ctrl|Alt|Shift)\+)+)({_KEY})(?:…(\d))?(?!\w)")
# A bare function key: F5 (not the F10 of a scope code such as F1040).
BARE_F = re.compile(r"(?<![\w+])(F1[0-2]|F[1-9])(?!\w)")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
MNEMONIC = re.compile(r"&(\w)")
ALIASES = {"Enter": "Return"}  # the large Enter key is Qt's Return


def manuals() -> list[Path]:
    found = sorted(MANUAL.glob("*.md"))
    assert {p.name for p in found} >= {
        "README.md", "clerk.md", "guide.md", "reviewer.md", "supervisor.md", "administrator.md",
    }  # fmt: skip
    return found


def canonical(modifiers: str, key: str) -> str:
    mods = [m for m in ("Ctrl", "Alt", "Shift") if f"{m}+" in modifiers]
    return "+".join([*mods, ALIASES.get(key, key)])


def keys_in(text: str) -> Iterator[str]:
    """Each key written in ``text``, spelled canonically (a range gives each of its keys)."""
    for m in COMBO.finditer(text):
        modifiers, key, last = m.groups()
        if last is not None and key.isdigit():
            for n in range(int(key), int(last) + 1):
                yield canonical(modifiers, str(n))
        else:
            yield canonical(modifiers, key)
    for m in BARE_F.finditer(text):
        yield m.group(1)


def whole_key(text: str) -> str | None:
    """``text`` if it is one key sequence and nothing else (a binding, not a label)."""
    keys = list(keys_in(text))
    if len(keys) == 1 and (COMBO.fullmatch(text) or BARE_F.fullmatch(text)):
        return keys[0]
    return None


def _literals(tree: ast.AST) -> Iterator[str]:
    """The program's string constants; an f-string's fields stand for the digits 1…9
    (``f"Alt+{n}"``, ``f"Ctrl+{n}"``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in node.values]
            pattern = "".join(str(p) for p in parts)
            if "{}" in pattern:
                for n in range(1, 10):
                    yield pattern.replace("{}", str(n))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def bound_keys() -> set[str]:
    """The main window's actions' shortcuts, the keys pages and dialogs bind themselves
    (QShortcut, a button's shortcut), and the Alt+letter of their buttons' labels."""
    found = [whole_key(spec.shortcut) for spec in SPECS.values()]
    for path in sorted(UI.rglob("*.py")):
        for text in _literals(ast.parse(path.read_text(encoding="utf-8"))):
            found.append(whole_key(text))
            if path.name != "actions.py":  # a menu item's & works only in its open menu
                found.extend(f"Alt+{c.upper()}" for c in MNEMONIC.findall(text))
    return {key for key in found if key is not None}


def test_the_key_reader_reads_what_the_manuals_write() -> None:
    text = "**Ctrl+Shift+F5**, Alt+1…3, Shift+F4, F12, Ctrl+Enter, scope F1040, Ctrl+="
    assert list(keys_in(text)) == [
        "Ctrl+Shift+F5", "Alt+1", "Alt+2", "Alt+3", "Shift+F4", "Ctrl+Return", "Ctrl+=", "F12",
    ]  # fmt: skip
    assert whole_key("Ctrl+Shift+F") == "Ctrl+Shift+F"
    assert whole_key("测试连接 (Ctrl+T)") is None  # a label names a key; it does not bind it


def test_every_link_and_picture_of_the_manuals_exists() -> None:
    missing = []
    for page in manuals():
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            for target in LINK.findall(line):
                if re.match(r"[a-z]+:", target) or target.startswith("#"):
                    continue  # a web address, or a place on the same page
                if not (page.parent / target.split("#")[0]).exists():
                    missing.append(f"{page.name}:{n}: {target}")
    assert not missing, "broken links:\n" + "\n".join(missing)


def test_every_screenshot_is_shown_in_a_manual() -> None:
    shown = {
        (page.parent / target).resolve()
        for page in manuals()
        for target in LINK.findall(page.read_text(encoding="utf-8"))
    }
    pictures = sorted(SCREENS.glob("*.png"))
    assert pictures, "no screenshots: run `make doc-images`"
    assert [p.name for p in pictures if p.resolve() not in shown] == []


def test_every_key_in_the_manuals_is_bound_by_the_program() -> None:
    bound = bound_keys()
    assert {"F3", "Ctrl+F5", "Ctrl+Shift+S", "Alt+1", "Ctrl+9", "Ctrl+Shift+F"} <= bound
    unknown = [
        f"{page.name}:{n}: {key}"
        for page in manuals()
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
        for key in keys_in(line)
        if key not in bound
    ]
    assert not unknown, "keys the program does not bind:\n" + "\n".join(unknown)


def test_every_action_of_the_main_window_is_in_the_manuals() -> None:
    written = {key for page in manuals() for key in keys_in(page.read_text(encoding="utf-8"))}
    forgotten = [
        f"{action.value} ({spec.shortcut})"
        for action, spec in SPECS.items()
        if whole_key(spec.shortcut) not in written
    ]
    assert not forgotten, "actions no manual names:\n" + "\n".join(forgotten)
