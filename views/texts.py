"""Interface strings in Swedish (first) and English, and number formatting per language."""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from babel import Locale
from babel.numbers import format_decimal, format_percent

from translations import text as catalog_text

# The interface strings live in the gettext catalogs translations/{sv,en}/LC_MESSAGES/messages.po (see
# translations/__init__.py). Add a string there, in both files. TEXTS is only a fallback for a key no catalog has
# yet: {"key": {"sv": "...", "en": "..."}}.
TEXTS: dict[str, dict[str, str]] = {}
LOCALES = {"sv": "sv_SE", "en": "en_GB"}


def t(key: str, lang: str, **values) -> str:
    """The interface string `key` in `lang` from the catalogs, with `{name}` placeholders filled in."""
    try:
        text = catalog_text(key, lang)
    except KeyError:
        text = TEXTS[key].get(lang) or TEXTS[key]["sv"]
    return text.format(**values) if values else text


def locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["sv"])


HALF = 0.5 + 1e-9  # what half up adds before rounding down: a half, and room for a float's error (0.145 * 100)


def half_up(x: float, decimals: int = 0) -> float:
    """Round half up, as people do (Python's round() rounds 12.5 to 12). The one rounding of every number shown:
    the table, the charts, the summary and the downloads."""
    scale = 10 ** decimals
    return math.floor(x * scale + HALF) / scale


def half_up_array(x: np.ndarray) -> np.ndarray:
    """half_up(x) for an array of numbers, to whole numbers (6,000 areas one at a time: 10 ms against 0.5 ms)."""
    return np.floor(x + HALF)


def percent_sign(lang: str) -> str:
    """What follows a whole percent in a chart's axis or hover: " %" (a non-breaking space) in Swedish, "%" in
    English, as `percent` writes it."""
    return "\u00a0%" if lang == "sv" else "%"


def percent(share: float | None, lang: str, decimals: int = 0) -> str:
    """34 % in Swedish (non-breaking space, decimal comma), 34% in English."""
    if share is None:
        return "–"
    return _percent_text(half_up(share * 100, decimals), lang, decimals)


@lru_cache(maxsize=4096)  # a view formats hundreds of numbers, mostly the same few: babel is slow (bench/README.md)
def _percent_text(rounded: float, lang: str, decimals: int) -> str:
    pattern = Locale.parse(locale(lang)).percent_formats[None].pattern  # sv "#,##0\u00a0%", en "#,##0%"
    if decimals:
        pattern = pattern.replace("0", "0." + "0" * decimals, 1)
    return format_percent(rounded / 100, format=pattern, locale=locale(lang))


def decimal(number: float | None, lang: str, decimals: int = 1) -> str:
    """A number with the language's decimal sign, rounded half up: 12,5 in Swedish, 12.5 in English."""
    if number is None:
        return "–"
    return _decimal_text(half_up(number, decimals), lang, decimals)


@lru_cache(maxsize=4096)
def _decimal_text(rounded: float, lang: str, decimals: int) -> str:
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(rounded, format=pattern, locale=locale(lang))


def value(row: dict, key: str, lang: str) -> str:
    """A row's share as a percent, or an index value as a number 0–100."""
    if row.get("kind") == "index":
        return "–" if row[key] is None else decimal(row[key] * 100, lang, 0)
    return percent(row[key], lang)


def interval(row: dict, lang: str) -> str:
    return f"{value(row, 'share_low', lang)}–{value(row, 'share_high', lang)}"


def integer(n: int | None, lang: str) -> str:
    """1 234 in Swedish (non-breaking space), 1,234 in English."""
    if n is None:
        return "–"
    return _integer_text(n, lang)


@lru_cache(maxsize=4096)
def _integer_text(n: int, lang: str) -> str:
    return format_decimal(n, format="#,##0", locale=locale(lang))
