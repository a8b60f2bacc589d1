"""Both languages complete: every Chinese string of the program goes through gettext, the
template holds them all, English translates every one of them (keeping its placeholders),
and the compiled catalog the program reads is the one the translations make.

When one of these fails: ``make messages`` extracts the strings and updates the catalogs;
translate what it added to ``resources/locale/en/LC_MESSAGES/hall.po``; run it again to
compile."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from hall.core.i18n import LANGUAGES, effective_language, system_language
from hall.core.paths import resource

ROOT = Path(__file__).resolve().parents[1]
HAN = re.compile(r"[\u4e00-\u9fff]")
FIELD = re.compile(r"\{[^{}]*\}")
TEMPLATE = resource("locale", "hall.pot")
ENGLISH = resource("locale", "en", "LC_MESSAGES", "hall.po")
COMPILED = resource("locale", "en", "LC_MESSAGES", "hall.mo")
MARKERS = {"_", "N_", "ngettext"}

#: Chinese text in the code that is data, not something the program says: the demo hall's
#: people and places, the column names of the registry file's format, answers a clerk may
#: type, the scanner folder's name on disk, the catalog's data-source names and the
#: registry's statuses, and each language's name in its own language.
DATA_FILES = ("hall/services/demo_",)
DATA = {
    "hall/core/i18n.py": {"简体中文"},
    "hall/services/forms.py": {"是", "有", "否", "无"},
    "hall/services/registry_file.py": {
        "统一社会信用代码",
        "名称",
        "法定代表人",
        "住所",
        "经营范围",
        "登记状态",
    },
    "hall/services/scanner.py": {"已导入"},
    "hall/services/verifiers.py": {"市场主体登记信息", "信用信息", "注销", "吊销", "撤销"},
    "hall/services/setup.py": {
        *("张敏", "李娜", "王芳", "赵强", "陈静", "孙伟", "周磊", "吴刚", "刘洋"),
        *("系统管理员", "存续"),
    },
}


def unmarked_chinese(path: Path) -> list[tuple[int, str]]:
    """Chinese string literals of ``path`` outside ``_()``/``N_()`` and docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in MARKERS:
            inside.update(id(sub) for arg in node.args for sub in ast.walk(arg))
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                inside.add(id(first.value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and HAN.search(node.value)
        and id(node) not in inside
    ]


def test_every_chinese_string_of_the_program_goes_through_gettext() -> None:
    found = []
    for path in sorted((ROOT / "hall").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name.startswith(DATA_FILES):
            continue
        allowed = DATA.get(name, set())
        found += [f"{name}:{line}: {text!r}" for line, text in unmarked_chinese(path)]
        found = [f for f in found if not any(f.endswith(repr(a)) for a in allowed)]
    assert not found, "shown without _(): " + "\n".join(found)


def test_the_scan_finds_an_unmarked_string(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        '"""文档。"""\nfrom x import _\nA = _("已译")\nB = "未译"\nC = f"{A}（未译）"\n',
        encoding="utf-8",
    )
    assert [text for _line, text in unmarked_chinese(module)] == ["未译", "（未译）"]


def source_messages() -> set[str]:
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, *_rest in extract_from_dir(
            str(ROOT / "hall"), method_map=[("**.py", "python")]
        )
    }


def catalog(path: Path) -> dict[str, str]:
    with path.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}  # obsolete ones are apart


def test_the_template_holds_every_string_of_the_program() -> None:
    wanted, template = source_messages(), set(catalog(TEMPLATE))
    assert len(wanted) > 1500
    missing = sorted(wanted - template)
    assert not missing, "run make messages; not in hall.pot: " + repr(missing[:20])


def test_english_translates_every_string_keeping_its_placeholders() -> None:
    english = catalog(ENGLISH)
    with ENGLISH.open("rb") as handle:
        fuzzy = [m.id for m in read_po(handle) if m.id and m.fuzzy]
    missing = sorted(m for m in source_messages() if not english.get(m))
    assert not missing, "not translated into English: " + repr(missing[:20])
    assert not fuzzy, "fuzzy (check, then remove the flag): " + repr(fuzzy[:20])
    wrong = [
        (source, text)
        for source, text in english.items()
        if text and sorted(FIELD.findall(source)) != sorted(FIELD.findall(text))
    ]
    assert not wrong, "placeholders differ: " + repr(wrong[:10])
    chinese = [(s, t) for s, t in english.items() if HAN.search(t)]
    assert not chinese, "Chinese left in English: " + repr(chinese[:10])


def test_the_compiled_catalog_is_the_translations() -> None:
    with COMPILED.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    english = {k: v for k, v in catalog(ENGLISH).items() if v}
    stale = [k for k, v in english.items() if compiled.gettext(k) != v]
    assert not stale, "run make messages to compile: " + repr(stale[:10])


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANG": "zh_TW.UTF-8"}, "zh_CN"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_GB.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANGUAGE": "en_US:zh_CN", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANGUAGE": "fr_FR:en", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "zh_CN"),
    ],
)
def test_the_language_follows_the_system_until_chosen(
    environ: dict[str, str], language: str
) -> None:
    assert system_language(environ) == language
    assert effective_language("", environ) == language
    for chosen in LANGUAGES:
        assert effective_language(chosen, environ) == chosen
    assert effective_language("klingon", environ) == language


def test_a_language_the_program_does_not_have_is_not_kept(tmp_path: Path) -> None:
    from hall.core.settings import load_settings

    path = tmp_path / "settings.json"
    path.write_text('{"language": "klingon", "hall_name": "x"}', encoding="utf-8")
    assert load_settings(path).language == "" and load_settings(path).hall_name == "x"
    path.write_text('{"language": "en"}', encoding="utf-8")
    assert load_settings(path).language == "en"
