"""The label table: complete in both languages, placeholders that agree, and no key used that is missing."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from seqviz.ui import PAGES
from seqviz.ui.i18n import LANGUAGES, TRANSLATIONS, missing_translations, placeholders, t

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff]")
LABEL_FUNCTIONS = {"t", "page_setup"}  # functions whose first argument is a key of the table


def keys_used(path: Path) -> set[str]:
    """Literal keys passed to ``t(...)`` or ``page_setup(...)`` in a source file (docstrings don't count)."""
    keys = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in LABEL_FUNCTIONS and isinstance(node.args[0].value, str):
                keys.add(node.args[0].value)
    return keys


def test_languages_are_english_and_simplified_chinese():
    assert LANGUAGES == {"en": "English", "zh": "简体中文"}


def test_every_key_has_both_languages_and_the_same_placeholders():
    assert missing_translations() == []


def test_missing_translations_reports_problems():
    table = {
        "a": {"en": "Hello {name}", "zh": "你好 {who}"},
        "b": {"en": "Only English"},
        "c": {"en": "x", "zh": "  "},
    }
    problems = missing_translations(table)
    assert any(p.startswith("a: placeholders differ") for p in problems)
    assert "b: no 简体中文 text" in problems
    assert "c: no 简体中文 text" in problems


def test_chinese_texts_are_written_in_chinese():
    # A Chinese entry without any Chinese character must be deliberately the same as the English one
    # (a name such as "BLEU"); anything else is an untranslated copy.
    untranslated = [
        key
        for key, entry in TRANSLATIONS.items()
        if not CJK.search(entry["zh"]) and entry["zh"] != entry["en"]
    ]
    assert untranslated == []


def test_placeholders():
    assert placeholders("{name} · {task}") == {"name", "task"}
    assert placeholders("no fields, {{literal braces}}") == set()


def test_t_outside_streamlit_uses_english_and_fills_placeholders():
    assert t("home.title") == TRANSLATIONS["home.title"]["en"]
    assert t("model.option", name="reverse-gru", task="reverse") == "reverse-gru · reverse"
    assert t("model.option", lang="zh", name="a", task="b") == "a · b"
    assert t("home.title", lang="zh") == "seqviz：看序列模型如何思考"


def test_unknown_key_is_a_clear_error():
    with pytest.raises(KeyError, match=r"no translation for 'home\.nope'"):
        t("home.nope")


def test_every_page_has_a_title_and_what_it_teaches():
    for page in PAGES:
        assert page.title_key in TRANSLATIONS
        assert page.teaches_key in TRANSLATIONS


UI_SOURCES = [
    ROOT / "app.py",
    *sorted((ROOT / "pages").glob("*.py")),
    *sorted(path for path in (ROOT / "seqviz/ui").rglob("*.py") if "labels" not in path.parts),
]
CORE_SOURCES = sorted(path for path in (ROOT / "seqviz").rglob("*.py") if "ui" not in path.parts)
ANY_SEGMENT = r"[^.]+"  # what an f-string's placeholder stands for in a key: one dotted segment


def key_patterns(paths: list[Path]) -> tuple[set[str], list[re.Pattern[str]]]:
    r"""The string literals of ``paths``, and their f-strings and ``"prefix." + name`` sums as patterns in
    which each placeholder is one dotted segment (``f"page.{key}.title"`` -> ``page\.[^.]+\.title``)."""
    literals: set[str] = set()
    patterns: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                parts = [
                    re.escape(v.value) if isinstance(v, ast.Constant) else ANY_SEGMENT for v in node.values
                ]
                patterns.add("".join(parts))
            elif (
                isinstance(node, ast.BinOp)
                and isinstance(node.op, ast.Add)
                and isinstance(node.left, ast.Constant)
                and isinstance(node.left.value, str)
            ):
                patterns.add(re.escape(node.left.value) + ANY_SEGMENT)
    return literals, [re.compile(pattern) for pattern in patterns]


def unused_keys(table: dict[str, dict[str, str]]) -> list[str]:
    """Keys that no code can reach: not a literal of the UI, not a literal's option (``labeller("x")`` reads
    ``x.<value>``), matched by no f-string of the UI; an ``error.<code>`` key needs its code in the core."""
    ui_literals, ui_patterns = key_patterns(UI_SOURCES)
    core_literals, core_patterns = key_patterns(CORE_SOURCES)

    def used(key: str) -> bool:
        if key.startswith("error.") and key.count(".") > 1:  # a core error code, translated by the UI
            code = key.removeprefix("error.")
            return code in core_literals or any(pattern.fullmatch(code) for pattern in core_patterns)
        return (
            key in ui_literals
            or key.rsplit(".", 1)[0] in ui_literals
            or any(pattern.fullmatch(key) for pattern in ui_patterns)
        )

    return [key for key in table if not used(key)]


def test_no_key_is_left_unused():
    assert unused_keys(TRANSLATIONS) == []
    assert unused_keys({"nobody.uses.this": {}, "home.title": {}}) == ["nobody.uses.this"]


def test_every_key_the_code_uses_exists():
    assert any(path.parts[-2] == "widgets" for path in UI_SOURCES)  # every page's widgets are read
    used = {key for path in UI_SOURCES if path.is_file() for key in keys_used(path)}
    assert "home.title" in used  # the scan itself works
    assert sorted(used - set(TRANSLATIONS)) == []
