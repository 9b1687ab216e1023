"""The interface's gettext catalogs (translations/): Swedish and English have the same keys and placeholders, and
every key the code asks for by name exists."""
from __future__ import annotations

import re
import string
from pathlib import Path

from translations import LANGUAGES, read_catalog

ROOT = Path(__file__).resolve().parents[2]
CODE = [p for folder in ("app.py", "api", "callbacks", "exports", "layouts", "promises", "staff", "survey", "views")
        for p in ([ROOT / folder] if folder.endswith(".py") else sorted((ROOT / folder).rglob("*.py")))]
# t("key", …) / text("key", …) / catalog_text("key", …): a literal key asked for by name (keys built at run time
# are checked by their tests)
ASKED = re.compile(r"""\b(?:t|text|catalog_text)\(\s*["']([a-z][a-z0-9_]*)["']\s*[,)]""")


def entries(lang: str) -> dict[str, str]:
    return {m.id: m.string for m in read_catalog(lang) if m.id}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders():
    sv, en = (entries(lang) for lang in LANGUAGES)
    assert sorted(sv) == sorted(en), set(sv) ^ set(en)
    for key in sv:
        assert sv[key] and en[key], key
        assert placeholders(sv[key]) == placeholders(en[key]), (key, sv[key], en[key])


def test_every_key_the_code_asks_for_is_in_the_catalogs():
    known = set(entries("sv"))
    asked = {(path.relative_to(ROOT).as_posix(), key) for path in CODE
             for key in ASKED.findall(path.read_text(encoding="utf-8"))}
    assert len(asked) > 100
    missing = sorted((where, key) for where, key in asked if key not in known)
    assert not missing, missing


def test_no_key_is_defined_twice():
    """Several people append to the .po files: a second entry of a key would silently replace the first."""
    for lang in LANGUAGES:
        ids = re.findall(r'^msgid "(.+)"$', (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po")
                         .read_text(encoding="utf-8"), flags=re.MULTILINE)
        assert len(ids) == len(set(ids)), (lang, sorted({i for i in ids if ids.count(i) > 1}))


def test_the_summary_sentences_built_by_name_exist():
    """views/summary.py asks for "summary_" + a name made at run time (share/index, higher/lower/same, ...)."""
    known = set(entries("sv"))
    names = {"whole", "in", "among_in", "among_whole", "and", "or", "too_few", "rolled_up", "uncertain", "groups_none",
             "hidden_groups", "share", "index"}
    names |= {prefix + "groups_" + key for prefix in ("", "index_") for key in ("higher", "lower")}
    names |= {prefix + key for prefix in ("", "index_") for key in ("higher", "lower", "same", "up", "down", "steady")}
    assert not sorted(n for n in names if "summary_" + n not in known)
