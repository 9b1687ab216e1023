"""The interface's gettext catalogs: translations/{sv,en}/LC_MESSAGES/messages.po, compiled when first used.

Each .po is read with Babel and compiled to .mo bytes in memory (babel.messages.mofile.write_mo), then loaded with
the standard library's gettext. Compiling at import, not in a build step, means a .po edit is live on the next
start and there is no generated file to forget; `make translations` (python -m translations) also writes the .mo
files beside the .po for tools that want them (they are gitignored and never read here).

msgids are keys ("title", "share_button"); a key missing from a language falls back to Swedish, and a key missing
from every catalog raises KeyError, so a typo fails loudly (tests/unit/test_translations.py checks both files).
"""
from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from survey.codebook import LANGUAGES  # the one list of languages (the codebook has a text in each)

FOLDER = Path(__file__).parent
DEFAULT = "sv"


def po_path(lang: str) -> Path:
    return FOLDER / lang / "LC_MESSAGES" / "messages.po"


def read_catalog(lang: str):
    with po_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def compile_mo(lang: str) -> bytes:
    """The .mo bytes of a language's catalog (fuzzy entries are left out, as msgfmt does)."""
    out = io.BytesIO()
    write_mo(out, read_catalog(lang), use_fuzzy=False)
    return out.getvalue()


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """key → text for one language, read through gettext from the compiled catalog."""
    translations = gettext.GNUTranslations(io.BytesIO(compile_mo(lang)))
    keys = [m.id for m in read_catalog(lang) if m.id and m.string and not m.fuzzy]
    return {key: translations.gettext(key) for key in keys}


def text(key: str, lang: str) -> str:
    """The text of `key` in `lang` (Swedish when that language lacks it); KeyError when no catalog has it."""
    found = catalog(lang if lang in LANGUAGES else DEFAULT).get(key)
    if found is None:
        found = catalog(DEFAULT)[key]
    return found


def write_mo_files() -> list[Path]:
    written = []
    for lang in LANGUAGES:
        target = po_path(lang).with_suffix(".mo")
        target.write_bytes(compile_mo(lang))
        written.append(target)
    return written


if __name__ == "__main__":
    for path in write_mo_files():
        print(path)
