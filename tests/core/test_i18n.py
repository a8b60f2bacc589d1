from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo

from hall.core import i18n
from hall.core.errors import InvalidIdentifier
from hall.services.identifiers import validate_uscc

ROOT = Path(__file__).parents[2]
MESSAGE = "统一社会信用代码应为18位，现为{n}位。"


def test_a_compiled_catalog_switches_the_language(tmp_path: Path) -> None:
    catalog = Catalog(locale="en", domain="hall")
    catalog.add(MESSAGE, "A unified social credit code has 18 characters, not {n}.")
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "hall.mo").open("wb") as out:
        write_mo(out, catalog)
    i18n.set_language("en", tmp_path)
    try:
        with pytest.raises(InvalidIdentifier) as info:
            validate_uscc("123")
    finally:
        i18n.set_language("zh_CN")
    assert str(info.value) == "A unified social credit code has 18 characters, not 3."
    assert i18n._(MESSAGE) == MESSAGE


def test_a_missing_catalog_falls_back_to_chinese(tmp_path: Path) -> None:
    i18n.set_language("fr", tmp_path)
    assert i18n._(MESSAGE) == MESSAGE
    assert i18n.current_language() == "fr"


def test_babel_extracts_the_programs_strings() -> None:
    found = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "hall"),
            method_map=[("**.py", "python")],
            keywords={"_": None, "N_": None, "ngettext": (1, 2)},
        )
    }
    assert MESSAGE in found
    assert "实行告知承诺" in found  # marked with N_ where the language is not yet known
    assert "登录" in found  # the GUI
    assert len(found) > 300
