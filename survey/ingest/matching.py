"""Matching an export's text to the codebook and the areas, as people mean it: case, spacing, Unicode form and
"3.0"/"3,0" do not matter. A column is found by its name, an alias or its question text; an answer by its code or
its label; an area by id, name, name folded (no case, diacritics or spacing) or alias; a multiple-choice cell is
split into the options ticked."""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from typing import TYPE_CHECKING, Iterable

import numpy as np
import pandas as pd

from ..codebook import Codebook, MultiQuestion, Option
from .messages import IngestError

if TYPE_CHECKING:
    from .readers import Table

# How a ticked / an unticked box of a multiple-choice option is exported (compared after `normalise`).
TICKED = {"1", "ja", "j", "yes", "y", "x", "checked", "true", "sant", "markerad", "kryssad", "vald", "selected"}
UNTICKED = {"0", "nej", "n", "no", "unchecked", "false", "falskt", "ej markerad", "inte markerad", "ej vald",
            "not selected"}

MATCH_HOW = ("id", "namn", "normaliserat", "alias")  # how an area value matched, in the order tried

# ---- text keys --------------------------------------------------------------------------------

_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"})
_QUOTES = str.maketrans({**{c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u00b4`"},
                         **{c: '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"}})
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def normalise(text) -> str:
    """Compare labels and names as people mean them: case, Unicode form, spacing (non-breaking and repeated spaces),
    dashes ("16–24", "16 - 24" and "16-24" are one) and curly or straight quotes do not matter."""
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", str(text))).casefold()
    text = text.translate(_DASHES).translate(_QUOTES)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r" ?- ?", "-", text)


_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def code_key(text) -> str:
    """`normalise`, and a number written as 3, "3.0", "3,0" or "03" becomes "3" (a decimal stays a decimal)."""
    key = normalise(text)
    if len(key) > 1 and key[0] == key[-1] and key[0] in "\"'":  # "\"Vet inte\"" as some tools quote a cell
        key = key[1:-1].strip()
    if _NUMBER.match(key):
        number = float(key.replace(",", "."))
        if number.is_integer():
            return str(int(number))
        return repr(number)
    return key


def fold(text) -> str:
    """An area name without case, diacritics, spacing or hyphens: "Idre fjäll", "idrefjall", "IDRE-FJÄLL"."""
    text = unicodedata.normalize("NFKD", normalise(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\s\-_'’]+", "", text)


# ---- columns ------------------------------------------------------------------------------------

class Columns:
    """Finds a codebook field's column by name, alias or question text (normalised), at most once each."""

    def __init__(self, table: Table):
        self.table = table
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for i, name in enumerate(table.header):
            if name:
                self.by_name[normalise(name)].append(i)
        self.by_label: dict[str, list[int]] = defaultdict(list)
        for i, label in enumerate(table.labels):
            if label:
                self.by_label[normalise(label)].append(i)
        self.claimed: dict[int, str] = {}

    def find(self, what: str, names: Iterable[str]) -> int | None:
        for name in names:
            if not name:
                continue
            key = normalise(name)
            hits = self.by_name.get(key) or self.by_label.get(key) or []
            if len(hits) > 1:
                raise IngestError(f"{self.table.path}: kolumnen '{name}' ({what}) finns {len(hits)} gånger "
                                  f"(column appears {len(hits)} times): kolumn {', '.join(str(h + 1) for h in hits)}")
            if hits:
                index = hits[0]
                if index in self.claimed and self.claimed[index] != what:
                    raise IngestError(f"{self.table.path}: kolumnen '{self.table.header[index]}' passar både "
                                      f"{self.claimed[index]} och {what} (matches both): ge den ett entydigt namn "
                                      "eller ändra aliases i kodboken")
                self.claimed[index] = what
                return index
        return None

    def name(self, index: int) -> str:
        return self.table.header[index]

    def nearest(self, names: Iterable[str], cutoff: float = 0.8) -> str | None:
        """The header, not yet claimed by another field, that nearly matches one of `names` (a question text
        edited by the survey tool, a typo), for the message that the column is missing."""
        free = {normalise(h): h for i, h in enumerate(self.table.header) if h and i not in self.claimed}
        best = None
        for name in (n for n in names if n):
            for hit in difflib.get_close_matches(normalise(name), list(free), n=1, cutoff=cutoff):
                score = difflib.SequenceMatcher(None, normalise(name), hit).ratio()
                if best is None or score > best[0]:
                    best = (score, free[hit])
        return best[1] if best else None


def known_names(codebook: Codebook) -> set[str]:
    names = [codebook.respondent_id, *codebook.respondent_id_aliases, codebook.wave_column, *codebook.wave_aliases,
             codebook.area_column, *codebook.area_aliases]
    for group in codebook.groups:
        names += [group.id, group.column, *group.aliases]
    for q in codebook.questions:
        names += [q.id, q.column, *q.aliases, *([] if q.multi else q.text.values())]
    for m in codebook.multis:
        names += [m.id, m.column, *m.aliases, *m.text.values()]
        for option in m.options:  # one column per option ("prob_1", "F2: Klotter"): a sub-item of a two-row header
            names += option_column_names(m, option)
    return {normalise(n) for n in names if n}


def question_names(q) -> list[str]:
    return [q.column, q.id, *q.aliases, q.text["sv"], q.text["en"]]


def option_column_names(multi: MultiQuestion, option: Option) -> list[str]:
    base = [f"{multi.id}{sep}{option.code}" for sep in ("_", "__", ".", ":", " ")]
    if multi.column != multi.id:
        base += [f"{multi.column}{sep}{option.code}" for sep in ("_", "__", ".", ":", " ")]
    return [*([option.column] if option.column else []), *base, *option.aliases]


# ---- areas --------------------------------------------------------------------------------------

class AreaMatcher:
    """Matches a response's area value to an area id: exact id, exact name, normalised, alias."""

    def __init__(self, areas: pd.DataFrame, aliases: dict[str, str] | None = None,
                 where: str = "[inputs.area_aliases]"):
        self.names = dict(zip(areas["area_id"].astype(str), areas["name"].astype(str)))
        self.exact_id = {a.strip(): a for a in self.names}
        self.exact_name: dict[str, str | None] = {}
        self.folded: dict[str, str | None] = {}
        for area_id, name in self.names.items():
            self._add(self.exact_name, name.strip(), area_id)
            for key in (fold(area_id), fold(name)):
                self._add(self.folded, key, area_id)
        self.alias: dict[str, str | None] = {}
        if "aliases" in areas.columns:
            for area_id, listed in zip(areas["area_id"].astype(str), areas["aliases"]):
                for alias in listed if isinstance(listed, (list, tuple, np.ndarray)) else ():
                    self._add(self.alias, fold(alias), area_id)
        for alias, target in (aliases or {}).items():
            area_id, _ = self._direct(str(target))
            if area_id is None:
                raise IngestError(f"{where}: \"{alias}\" = \"{target}\", men '{target}' är inget område "
                                  f"(not an area id or name); närmast: {', '.join(self.closest(target)) or '–'}")
            self._add(self.alias, fold(alias), area_id)

    @staticmethod
    def _add(mapping: dict, key: str, area_id: str) -> None:
        if not key:
            return
        if key in mapping and mapping[key] != area_id:
            mapping[key] = None  # ambiguous: two areas share it, so it matches neither
        else:
            mapping[key] = area_id

    def _direct(self, value: str) -> tuple[str | None, str | None]:
        text = value.strip()
        if text in self.exact_id:
            return self.exact_id[text], "id"
        if self.exact_name.get(text):
            return self.exact_name[text], "namn"
        if self.folded.get(fold(text)):
            return self.folded[fold(text)], "normaliserat"
        if _NUMBER.match(text) and code_key(text) in self.exact_id:  # an id exported as a number: 12.0 → 12
            return self.exact_id[code_key(text)], "id"
        return None, None

    def match(self, value: str) -> tuple[str | None, str | None]:
        area_id, how = self._direct(value)
        if area_id is None and self.alias.get(fold(value)):
            return self.alias[fold(value)], "alias"
        return area_id, how

    def closest(self, value: str, n: int = 3) -> list[str]:
        """The known names nearest to `value` (difflib), for the error message."""
        candidates: dict[str, str] = {}
        for _area_id, name in self.names.items():
            candidates.setdefault(fold(name), name)
        for key, area_id in self.alias.items():
            if area_id:
                candidates.setdefault(key, self.names[area_id])
        hits = difflib.get_close_matches(fold(value), list(candidates), n=n * 2, cutoff=0.5)
        names = list(dict.fromkeys(candidates[h] for h in hits))
        return names[:n]


# ---- answers ------------------------------------------------------------------------------------

def option_lookup(options: tuple[Option, ...]) -> dict[str, str]:
    """Map a code, a label in either language or an alias (see `code_key`) to the option's code."""
    lookup = {}
    for option in options:
        for key in (*option.aliases, *option.label.values(), option.code):  # a code wins over another's label
            lookup[code_key(key)] = option.code
    return lookup


_CODE_LABEL = re.compile(r"^(?P<code>[^\s.:)\-]+) ?[.:)\-] ?(?P<label>.+)$")   # "3 - Ganska otrygg", "3. …", "3) …"
_LABEL_CODE = re.compile(r"^(?P<label>.+?) ?[(\[](?P<code>[^\s()\[\]]+)[)\]]$")  # "Ganska otrygg (3)"


def option_code(value, lookup: dict[str, str]) -> str | None:
    """The option a value names: its code, label or alias, or the code and label together ("3 - Ganska otrygg",
    "3. Ganska otrygg", "Ganska otrygg (3)") when both name the same option."""
    key = code_key(value)
    if key in lookup:
        return lookup[key]
    for pattern in (_CODE_LABEL, _LABEL_CODE):
        hit = pattern.match(key)
        if hit:
            code = lookup.get(code_key(hit["code"]))
            if (code is not None and code_key(hit["code"]) == code_key(code)
                    and lookup.get(code_key(hit["label"])) == code):
                return code
    return None


def lookup_codes(table: Table, column: int, lookup: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """(codes or NaN, the value as shown): the label tried first, then an SPSS file's stored code."""
    shown = table.values[column]
    # Each distinct value is looked up once (a column has a handful): 40 million cells take seconds, not minutes.
    codes = shown.map({v: option_code(v, lookup) for v in shown.unique()})
    if table.raw is not None:
        stored = table.raw[column].map({v: option_code(v, lookup) for v in table.raw[column].unique()})
        codes = codes.fillna(stored)
    return codes, shown


def split_multi(value: str, lookup: dict[str, str], separator: str | None) -> tuple[set[str], list[str]]:
    """The codes ticked in one delimited cell, and the parts that match no option. The known option texts are
    found first, so an option whose text holds the separator ("Klotter, skadegörelse") stays whole."""
    whole = option_code(value, lookup)
    if whole is not None:
        return {whole}, []
    best = None
    for sep in ([separator] if separator else [";", "|", ","]):
        codes, unknown = _segment(value.split(sep), sep, lookup)
        if best is None or (len(unknown), -len(codes)) < (len(best[1]), -len(best[0])):
            best = (codes, unknown)
    return best


def _segment(parts: list[str], sep: str, lookup: dict[str, str]) -> tuple[set[str], list[str]]:
    """The split of `parts` into option texts (joined again by `sep` where a text holds it) with the fewest
    unknown parts, then the fewest pieces."""
    best: list[tuple | None] = [None] * (len(parts) + 1)
    best[0] = (0, 0, (), ())  # unknown parts, pieces, codes, unknown texts
    for end in range(1, len(parts) + 1):
        for start in range(end):
            if best[start] is None:
                continue
            unknown, pieces, codes, texts = best[start]
            piece = sep.join(parts[start:end]).strip()
            code = option_code(piece, lookup) if piece else None
            if not piece and end == start + 1:
                step = (unknown, pieces, codes, texts)
            elif code is not None:
                step = (unknown, pieces + 1, codes + (code,), texts)
            elif end == start + 1:
                step = (unknown + 1, pieces + 1, codes, texts + (piece,))
            else:
                continue
            if best[end] is None or step[:2] < best[end][:2]:
                best[end] = step
    _, _, codes, texts = best[-1]
    return set(codes), list(texts)
