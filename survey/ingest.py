"""Read survey exports and map them through the codebook into tidy respondent and answer tables.

Formats: CSV (`,` `;` or tab; UTF-8 with or without BOM, UTF-16, Windows-1252/Latin-1; decimal comma),
Excel .xlsx (the first sheet or a named one; the header row is found by its column names) and SPSS .sav
(value labels are used). A column is found by its name, an alias from the codebook or, for a question, its
exact question text; an answer by its code or its label (case, spacing, Unicode form and "3.0"/"3,0" do not
matter). A respondent's area is matched to the boundaries by id, by name, by name with case, diacritics and
spacing ignored, or by an alias (the area file's aliases column or the config's `[inputs.area_aliases]`).

Nothing is dropped silently: a row that cannot be used (no valid wave, an unknown or empty area, a duplicated
id, more fields than the header) goes to the quarantine table with its file, row (as Excel shows it: the header
is row 1 of a plain export), column, value and reason; an answer that is not in the codebook is left out of the
base and reported as a warning with its rows. Unknown area values stop the build (an IngestError listing them
with their counts and the closest known names) unless `[inputs] allow_unmatched_areas = true`: then their rows
stay quarantined and the build goes on. Problems of one kind are grouped: "rad 3, 7, 12 … (1 204 rader)".
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import io
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from .codebook import MULTI_NO, MULTI_YES, Codebook, MultiQuestion, Option
from .config import ResponseFile

HEADER_ROW = 1  # Excel numbering: the header is row 1, the first respondent row 2
HEADER_SEARCH_ROWS = 30  # the header is looked for among the first rows (titles above it are common in Excel)
EXAMPLE_ROWS = 3

# How a ticked / an unticked box of a multiple-choice option is exported (compared after `normalise`).
TICKED = {"1", "ja", "j", "yes", "y", "x", "checked", "true", "sant", "markerad", "kryssad", "vald", "selected"}
UNTICKED = {"0", "nej", "n", "no", "unchecked", "false", "falskt", "ej markerad", "inte markerad", "ej vald",
            "not selected"}

REASON_FIELDS = "raden har fler fält än rubrikraden (more fields than the header): kontrollera avgränsare och citattecken"
REASON_WAVE = "omgång (år) saknas eller är inte ett tal (wave missing or not a number)"
REASON_WAVE_CONFLICT = "omgången skiljer sig från konfigurationens wave (wave differs from the config)"
REASON_AREA = "okänt område (area not in the boundaries)"
REASON_AREA_EMPTY = "område saknas (area missing)"
REASON_DUPLICATE = "dubbelt id, raden med samma id ovanför används (duplicate respondent id; the first row is used)"

MATCH_HOW = ("id", "namn", "normaliserat", "alias")  # how an area value matched, in the order tried


class IngestError(ValueError):
    """A problem that stops the build: names the file, row, column, value and what was expected.

    `problems` holds one line per problem; `warnings` what was found before it (shown by `check`)."""

    def __init__(self, problems: str | list[str], warnings: list[str] | None = None):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.warnings = list(warnings or [])
        super().__init__("\n".join(self.problems))


# ---- text keys --------------------------------------------------------------------------------

def normalise(text) -> str:
    """Compare labels and names as people mean them: case, spacing and Unicode form do not matter."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"\s+", " ", text).strip()


_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def code_key(text) -> str:
    """`normalise`, and a number written as 3, "3.0", "3,0" or "03" becomes "3" (a decimal stays a decimal)."""
    key = normalise(text)
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


def thousands(n: int) -> str:
    """1204 → "1 204", as Swedish writes it."""
    return f"{n:,}".replace(",", " ")


def counted(n: int, one: str, many: str) -> str:
    """1 → "1 rad", 1204 → "1 204 rader"."""
    return f"{thousands(n)} {one if n == 1 else many}"


def rows_text(rows: Iterable[int]) -> str:
    """Rows as people read them: "rad 3", "rad 3, 7 (2 rader)", "rad 3, 7, 12 … (1 204 rader)"."""
    rows = sorted(int(r) for r in rows)
    if len(rows) == 1:
        return f"rad {rows[0]}"
    shown = ", ".join(str(r) for r in rows[:EXAMPLE_ROWS])
    more = " …" if len(rows) > EXAMPLE_ROWS else ""
    return f"rad {shown}{more} ({thousands(len(rows))} rader)"


def _value_groups(values: pd.Series, rows: pd.Series, limit: int = 5) -> str:
    """Distinct values with their rows, most frequent first: "'kanske' rad 3, 7 (2 rader); 'x' rad 9"."""
    by_value: dict[str, list[int]] = defaultdict(list)
    for value, row in zip(values, rows):
        by_value[value].append(int(row))
    ordered = sorted(by_value.items(), key=lambda kv: (-len(kv[1]), kv[1][0]))
    text = "; ".join(f"'{v}' {rows_text(r)}" for v, r in ordered[:limit])
    if len(ordered) > limit:
        text += f"; och {len(ordered) - limit} andra värden (other values)"
    return text


# ---- reading files ------------------------------------------------------------------------------

@dataclass
class Table:
    """One export as text: positional columns 0..n-1, each row's number as Excel shows it."""
    path: Path
    header: list[str]                  # the column names as in the file
    values: pd.DataFrame               # text (labels applied for SPSS); "" for empty
    rows: np.ndarray                   # Excel row number of each record
    labels: list[str] = field(default_factory=list)   # SPSS variable labels (the question text), else ""
    raw: pd.DataFrame | None = None    # SPSS: the stored codes behind the value labels
    too_long: pd.Series | None = None  # CSV: records with non-empty cells beyond the header
    details: str = ""                  # what was detected: encoding, separator, sheet, header row


def _decode(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "UTF-8 med BOM"
        except UnicodeDecodeError as err:
            raise IngestError(f"{path}: filen säger UTF-8 men byte {err.start} är inte UTF-8 "
                              "(the file claims UTF-8 but is not): spara den igen som UTF-8") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "UTF-16"
    head = data[:4000]
    if head and head.count(b"\x00") > len(head) // 4:  # UTF-16 without a BOM: every other byte is 0
        return data.decode("utf-16-le" if head[1:2] == b"\x00" else "utf-16-be", errors="replace"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _sniff_separator(text: str) -> str:
    """The separator that splits the first records into the same number (> 1) of fields most often."""
    best, best_key = ",", None
    for sep in (",", ";", "\t"):
        counts = []
        for record in csv.reader(io.StringIO(text), delimiter=sep):
            if any(cell.strip() for cell in record):
                counts.append(len(record))
            if len(counts) >= 50:
                break
        if not counts:
            continue
        mode, times = Counter(counts).most_common(1)[0]
        key = (mode > 1, times / len(counts) >= 0.8, mode, times)
        if best_key is None or key > best_key:
            best, best_key = sep, key
    return best


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _records_csv(path: Path) -> tuple[list[list[str]], str]:
    text, encoding = _decode(path)
    sep = _sniff_separator(text)
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=sep))
    except csv.Error as err:
        raise IngestError(f"{path}: kunde inte läsa CSV-filen (could not parse the CSV file): {err}") from None
    name = {",": "komma", ";": "semikolon", "\t": "tabb"}[sep]
    return records, f"CSV, {encoding}, {name}"


def _records_xlsx(path: Path, sheet: str | None) -> tuple[list[list[str]], str]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # zipfile/openpyxl raise several types; the message is what the user needs
        raise IngestError(f"{path}: kunde inte läsa Excel-filen (could not read the Excel file): {err}") from None
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise IngestError(f"{path}: bladet '{sheet}' finns inte (sheet not found); bladen i filen: "
                              f"{', '.join(book.sheetnames)}")
        records = [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
        return records, f"Excel, blad '{ws.title}'"
    finally:
        book.close()


def _read_sav(path: Path) -> Table:
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
    except Exception as err:  # pyreadstat raises its own ReadstatError and others
        raise IngestError(f"{path}: kunde inte läsa SPSS-filen (could not read the SPSS file): {err}") from None
    header = [str(c) for c in frame.columns]
    raw = pd.DataFrame({i: frame[c].map(_cell) for i, c in enumerate(frame.columns)})
    values = raw.copy()
    for i, column in enumerate(frame.columns):
        value_labels = meta.variable_value_labels.get(column)
        if value_labels:
            by_text = {_cell(k): str(v) for k, v in value_labels.items()}
            values[i] = raw[i].map(lambda v, m=by_text: m.get(v, v))
    labels = [str(meta.column_names_to_labels.get(c) or "") for c in frame.columns]
    rows = np.arange(len(frame)) + HEADER_ROW + 1
    return Table(path, header, values, rows, labels=labels, raw=raw, details="SPSS")


def _find_header(records: list[list[str]], known: set[str]) -> int:
    """Index of the header record: the first of the first rows with at least two known column names."""
    first_filled = None
    for i, record in enumerate(records[:HEADER_SEARCH_ROWS]):
        if not any(c.strip() for c in record):
            continue
        if first_filled is None:
            first_filled = i
        if sum(normalise(c) in known for c in record) >= 2:
            return i
    return first_filled if first_filled is not None else 0


def read_table(source: Path | ResponseFile, known: set[str] = frozenset()) -> Table:
    """One export as a Table. `known`: normalised column names that identify the header row."""
    spec = source if isinstance(source, ResponseFile) else ResponseFile(Path(source))
    path = Path(spec.path)
    if not path.exists():
        raise IngestError(f"{path}: filen finns inte (file not found)")
    suffix = path.suffix.lower()
    if suffix in (".sav", ".zsav"):
        return _read_sav(path)
    if suffix == ".xls":
        raise IngestError(f"{path}: det gamla Excel-formatet .xls läses inte (not supported): spara som .xlsx eller CSV")
    if suffix in (".xlsx", ".xlsm"):
        records, details = _records_xlsx(path, spec.sheet)
    else:
        records, details = _records_csv(path)
    if spec.header_row is not None:
        if not 1 <= spec.header_row <= len(records):
            raise IngestError(f"{path}: header_row = {spec.header_row}, men filen har {len(records)} rader")
        at = spec.header_row - 1
    else:
        at = _find_header(records, known)
    header = [c.strip() for c in (records[at] if records else [])]
    while header and header[-1] == "":  # trailing empty header cells (a trailing separator, Excel's used range)
        header.pop()
    width = len(header)
    body = records[at + 1:]
    numbers = np.arange(len(body)) + at + 2  # Excel row numbers (1-based; the header is at + 1)
    filled = [i for i, r in enumerate(body) if any(c.strip() for c in r)]  # empty rows are no respondents
    body = [body[i] for i in filled]
    numbers = numbers[filled]
    too_long = pd.Series([any(c.strip() for c in r[width:]) for r in body], dtype=bool)
    values = pd.DataFrame([(r + [""] * width)[:width] for r in body], columns=range(width), dtype=object)
    if values.empty:
        values = pd.DataFrame(columns=range(width), dtype=object)
    values = values.fillna("").astype(str)
    details += f", rubrik på rad {at + 1}"
    return Table(path, header, values, numbers, labels=[""] * width, too_long=too_long, details=details)


# ---- columns ------------------------------------------------------------------------------------

class _Columns:
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


def _known_names(codebook: Codebook) -> set[str]:
    names = [codebook.respondent_id, *codebook.respondent_id_aliases, codebook.wave_column, *codebook.wave_aliases,
             codebook.area_column, *codebook.area_aliases]
    for group in codebook.groups:
        names += [group.id, group.column, *group.aliases]
    for q in codebook.questions:
        names += [q.id, q.column, *q.aliases, *([] if q.multi else q.text.values())]
    for m in codebook.multis:
        names += [m.id, m.column, *m.aliases, *m.text.values()]
    return {normalise(n) for n in names if n}


def _question_names(q) -> list[str]:
    return [q.column, q.id, *q.aliases, q.text["sv"], q.text["en"]]


def _option_column_names(multi: MultiQuestion, option: Option) -> list[str]:
    base = [f"{multi.id}{sep}{option.code}" for sep in ("_", "__", ".", ":", " ")]
    if multi.column != multi.id:
        base += [f"{multi.column}{sep}{option.code}" for sep in ("_", "__", ".", ":", " ")]
    return [*([option.column] if option.column else []), *base, *option.aliases]


# ---- areas --------------------------------------------------------------------------------------

class AreaMatcher:
    """Matches a response's area value to an area id: exact id, exact name, normalised, alias."""

    def __init__(self, areas: pd.DataFrame, aliases: dict[str, str] | None = None, where: str = "[inputs.area_aliases]"):
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
        for area_id, name in self.names.items():
            candidates.setdefault(fold(name), name)
        for key, area_id in self.alias.items():
            if area_id:
                candidates.setdefault(key, self.names[area_id])
        hits = difflib.get_close_matches(fold(value), list(candidates), n=n * 2, cutoff=0.5)
        names = list(dict.fromkeys(candidates[h] for h in hits))
        return names[:n]


# ---- answers ------------------------------------------------------------------------------------

def _option_lookup(options: tuple[Option, ...]) -> dict[str, str]:
    """Map a code or a label in either language (see `code_key`) to the option's code."""
    lookup = {}
    for option in options:
        for key in (option.code, *option.label.values()):
            lookup[code_key(key)] = option.code
    return lookup


def _lookup_codes(table: Table, column: int, lookup: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """(codes or NaN, the value as shown): the label tried first, then an SPSS file's stored code."""
    shown = table.values[column]
    # Each distinct value is looked up once (a column has a handful): 40 million cells take seconds, not minutes.
    codes = shown.map({v: lookup.get(code_key(v)) for v in shown.unique()})
    if table.raw is not None:
        stored = table.raw[column].map({v: lookup.get(code_key(v)) for v in table.raw[column].unique()})
        codes = codes.fillna(stored)
    return codes, shown


def _split_multi(value: str, lookup: dict[str, str], separator: str | None) -> tuple[set[str], list[str]]:
    """The codes ticked in one delimited cell, and the parts that match no option."""
    whole = lookup.get(code_key(value))
    if whole is not None:
        return {whole}, []
    best = None
    for sep in ([separator] if separator else [";", "|", ","]):
        parts = [p for p in value.split(sep) if p.strip()]
        codes = [lookup.get(code_key(p)) for p in parts]
        unknown = [p.strip() for p, c in zip(parts, codes) if c is None]
        candidate = ({c for c in codes if c is not None}, unknown)
        if best is None or (len(unknown), -len(candidate[0])) < (len(best[1]), -len(best[0])):
            best = candidate
    return best


# ---- the result ---------------------------------------------------------------------------------

@dataclass
class Ingested:
    respondents: pd.DataFrame          # respondent_id, wave, area_id, one column per group (code or "")
    answers: pd.DataFrame              # respondent_id, question, answer (option code)
    freetext: pd.DataFrame             # respondent_id, question, text (staff only, never public)
    quarantine: pd.DataFrame           # file, row, column, value, reason
    warnings: list[str] = field(default_factory=list)
    file_counts: list[dict] = field(default_factory=list)  # per file: rows in, used, quarantined
    area_matches: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=AREA_MATCH_COLUMNS))


QUARANTINE_COLUMNS = ["file", "row", "column", "value", "reason"]
AREA_MATCH_COLUMNS = ["file", "value", "area_id", "name", "how", "rows"]


def _sources(paths) -> list[ResponseFile]:
    return [p if isinstance(p, ResponseFile) else ResponseFile(Path(p)) for p in paths]


def ingest(paths: Iterable[Path | ResponseFile], codebook: Codebook, area_names: pd.DataFrame, *,
           area_aliases: dict[str, str] | None = None, allow_unmatched_areas: bool = False,
           progress: Callable[[str], None] | None = None) -> Ingested:
    """Read every response file. `area_names` has area_id, name (and optionally aliases, a list per area) of the
    areas respondents choose from. Raises IngestError naming every unknown area value, unless allowed."""
    progress = progress or (lambda message: None)
    matcher = AreaMatcher(area_names, area_aliases)
    known = _known_names(codebook)
    respondents, answers, freetext, quarantine, warnings, counts, matches = [], [], [], [], [], [], []
    unmatched: list[tuple[str, str, str, list[int]]] = []  # file, column, value, rows
    found_questions: set[str] = set()
    sources = _sources(paths)
    names = [s.path.name for s in sources]

    for source in sources:
        path = Path(source.path)
        progress(f"Läser {path} …")
        table = read_table(source, known)
        columns = _Columns(table)
        id_col = columns.find("id", [codebook.respondent_id, *codebook.respondent_id_aliases])
        wave_col = columns.find("omgång", [codebook.wave_column, *codebook.wave_aliases])
        area_col = columns.find("område", [codebook.area_column, *codebook.area_aliases])
        missing = [name for name, col, needed in (
            (codebook.respondent_id, id_col, True), (codebook.wave_column, wave_col, source.wave is None),
            (codebook.area_column, area_col, True)) if needed and col is None]
        if missing:
            shown = [h for h in table.header if h][:30]
            hint = ("; en fil utan omgångskolumn kan få sin omgång i konfigurationen: "
                    f'responses = [{{file = "{path}", wave = 2019}}]') if wave_col is None else ""
            raise IngestError(f"{path}: kolumnen {', '.join(missing)} saknas (column missing); "
                              f"kolumner i filen: {', '.join(shown)}" + (" …" if len(table.header) > 30 else "")
                              + hint, warnings)
        values, rows = table.values, pd.Series(table.rows, index=table.values.index)
        progress(f"  {thousands(len(values))} rader ({table.details})")
        reason = pd.Series("", index=values.index, dtype=object)
        q_column = pd.Series("", index=values.index, dtype=object)
        q_value = pd.Series("", index=values.index, dtype=object)

        def mark(mask: pd.Series, why: str, column: str, shown: pd.Series | str) -> None:
            mask = mask & (reason == "")
            reason[mask] = why
            q_column[mask] = column
            q_value[mask] = shown[mask] if isinstance(shown, pd.Series) else shown

        if table.too_long is not None and table.too_long.any():
            mark(pd.Series(table.too_long.to_numpy(), index=values.index), REASON_FIELDS, "", "")

        # The wave: the file's column, or the config's wave for a file without one.
        if wave_col is not None:
            wave_text = values[wave_col]
            parsed = wave_text.map(code_key).map(lambda k: int(k) if re.fullmatch(r"[+-]?\d+", k) else None)
            if table.raw is not None:
                stored = table.raw[wave_col].map(code_key).map(lambda k: int(k) if re.fullmatch(r"[+-]?\d+", k) else None)
                parsed = stored.where(stored.notna(), parsed)
            if source.wave is not None:
                conflict = parsed.notna() & (parsed != source.wave)
                mark(conflict, f"{REASON_WAVE_CONFLICT}: {source.wave}", columns.name(wave_col), wave_text)
                parsed = parsed.where(parsed.notna(), source.wave)
            mark(parsed.isna(), REASON_WAVE, columns.name(wave_col), wave_text)
            wave = parsed
        else:
            wave = pd.Series(source.wave, index=values.index, dtype=object)

        # The area.
        area_text = values[area_col]
        area_name = columns.name(area_col)
        candidates = [area_text] + ([table.raw[area_col]] if table.raw is not None else [])
        area_id = pd.Series(None, index=values.index, dtype=object)
        how = pd.Series(None, index=values.index, dtype=object)
        for candidate in candidates:
            todo = area_id.isna() & (candidate.str.strip() != "")
            distinct = {v: matcher.match(v) for v in candidate[todo].unique()}
            area_id[todo] = candidate[todo].map(lambda v: distinct[v][0])
            how[todo] = candidate[todo].map(lambda v: distinct[v][1])
        blank = area_text.str.strip() == ""
        mark(blank, REASON_AREA_EMPTY, area_name, area_text)
        unknown_area = area_id.isna() & ~blank
        for value, part in rows[unknown_area & (reason == "")].groupby(area_text[unknown_area & (reason == "")]):
            unmatched.append((str(path), area_name, value, part.tolist()))
        mark(unknown_area, REASON_AREA, area_name, area_text)
        matched = area_id.notna()
        for (value, aid, kind), part in rows[matched].groupby([area_text[matched], area_id[matched], how[matched]]):
            matches.append((str(path), value, aid, matcher.names[aid], kind, len(part)))

        # The respondent id: unique within the file (the first of a duplicated id is used).
        ids = values[id_col].str.strip()
        no_id = ids == ""
        ids = ids.where(~no_id, "rad " + rows.astype(str))  # a missing id: the row stands for it
        usable = reason == ""
        dup = ids.where(usable).duplicated(keep="first") & usable & ~no_id
        mark(dup, REASON_DUPLICATE, columns.name(id_col), values[id_col])
        if no_id.any():
            warnings.append(f"{path}, kolumn {columns.name(id_col)}: id saknas (respondent id missing), "
                            f"radnumret används i stället: {rows_text(rows[no_id])}")

        bad = reason != ""
        keep = ~bad
        quarantine_before = len(quarantine)
        for i in values.index[bad]:
            quarantine.append((str(path), int(rows[i]), q_column[i], q_value[i], reason[i]))
        prefix = path.name if names.count(path.name) == 1 else str(path)
        frame = pd.DataFrame({"respondent_id": prefix + ":" + ids, "wave": wave, "area_id": area_id})

        for group in codebook.groups:
            col = columns.find(f"grupp {group.id}", [group.column, group.id, *group.aliases])
            if col is None:
                warnings.append(f"{path}: gruppkolumnen {group.column} saknas; alla svar räknas som 'uppgift saknas'")
                frame[group.id] = ""
                continue
            codes, shown = _lookup_codes(table, col, _option_lookup(group.options))
            frame[group.id] = codes.fillna("")
            unknown = (shown.str.strip() != "") & codes.isna() & keep
            if unknown.any():
                warnings.append(f"{path}, kolumn {columns.name(col)}: {thousands(int(unknown.sum()))} värden utanför "
                                f"kodboken (values outside the codebook), räknas som 'uppgift saknas': "
                                f"{_value_groups(shown[unknown], rows[unknown])}; väntade "
                                f"{_expected(group.options)}")
        respondents.append(frame[keep])

        for question in codebook.questions:
            if question.multi:
                continue
            col = columns.find(f"fråga {question.id}", _question_names(question))
            if col is None:
                warnings.append(f"{path}: kolumnen för fråga {question.id} ({question.column}) saknas")
                continue
            found_questions.add(question.id)
            if question.type == "freetext":
                text = values.loc[keep, col]
                given = text.str.strip() != ""
                freetext.append(pd.DataFrame({"respondent_id": frame.loc[given[given].index, "respondent_id"],
                                              "question": question.id, "text": text[given]}))
                continue
            codes, shown = _lookup_codes(table, col, _option_lookup(question.options))
            unknown = (shown.str.strip() != "") & codes.isna() & keep
            if unknown.any():
                warnings.append(f"{path}: fråga {question.id} (kolumn {columns.name(col)}) har "
                                f"{thousands(int(unknown.sum()))} svar utanför kodboken (answers outside the codebook): "
                                f"{_value_groups(shown[unknown], rows[unknown])}; väntade {_expected(question.options)}; "
                                "de räknas inte")
            given = codes.notna() & keep
            answers.append(pd.DataFrame({"respondent_id": frame.loc[given, "respondent_id"],
                                         "question": question.id, "answer": codes[given]}))

        for multi in codebook.multis:
            found = _multi_answers(table, columns, multi, keep, rows, frame["respondent_id"], warnings)
            if found is not None:
                answers.append(found)
                found_questions.update(f"{multi.id}__{o.code}" for o in multi.options)

        quarantined = int(bad.sum())
        count = {"file": str(path), "rows_in": len(values), "rows_used": int(keep.sum()),
                 "rows_quarantined": quarantined, "read_as": table.details}
        # Nothing lost: every row read is either used or in the quarantine, once.
        assert count["rows_in"] == count["rows_used"] + count["rows_quarantined"], count
        assert len(quarantine) - quarantine_before == quarantined, (path, quarantined)
        counts.append(count)
        progress(f"  {thousands(count['rows_used'])} använda, {thousands(quarantined)} i karantän")

    def concat(parts, columns):
        parts = [p for p in parts if len(p)]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)

    result = Ingested(
        respondents=concat(respondents, ["respondent_id", "wave", "area_id", *[g.id for g in codebook.groups]]),
        answers=concat(answers, ["respondent_id", "question", "answer"]),
        freetext=concat(freetext, ["respondent_id", "question", "text"]),
        quarantine=pd.DataFrame(quarantine, columns=QUARANTINE_COLUMNS),
        warnings=warnings, file_counts=counts,
        area_matches=pd.DataFrame(matches, columns=AREA_MATCH_COLUMNS),
    )
    result.respondents["wave"] = result.respondents["wave"].astype("int64")
    answered = set(result.answers["question"].unique())
    for question in codebook.single_choice:
        if question.id in found_questions and question.id not in answered:
            warnings.append(f"fråga {question.id} har inga svar (no answers) i någon fil")

    if unmatched:
        problems = _unmatched_problems(unmatched, matcher, codebook.area_level)
        if not allow_unmatched_areas:
            raise IngestError(problems + [
                "Rätta stavningen i filen, lägg till ett alias ([inputs.area_aliases] i konfigurationen eller en "
                "aliases-kolumn i områdesfilen) eller sätt [inputs] allow_unmatched_areas = true för att bygga ändå "
                "med raderna i karantän (fix the spelling, add an alias, or allow them)."], warnings)
        warnings.append("\n".join(problems) + "\n  Raderna ligger i karantän (allow_unmatched_areas = true).")
    if result.respondents.empty:
        raise IngestError(["inga användbara rader (no usable rows) i " + ", ".join(str(s.path) for s in sources)
                           + "; de första orsakerna (the first reasons):"]
                          + [f"  {c[0]}, rad {c[1]}, kolumn {c[2]}: {c[4]}" for c in quarantine[:10]], warnings)
    return result


def _expected(options: tuple[Option, ...], limit: int = 8) -> str:
    shown = [f"{o.code} ({o.label['sv']})" for o in options[:limit]]
    return ", ".join(shown) + (" …" if len(options) > limit else "")


def _unmatched_problems(unmatched, matcher: AreaMatcher, level: str) -> list[str]:
    per_file: dict[tuple[str, str], list[tuple[str, list[int]]]] = defaultdict(list)
    for file, column, value, rows in unmatched:
        per_file[(file, column)].append((value, rows))
    lines = []
    for (file, column), items in per_file.items():
        total = sum(len(r) for _, r in items)
        lines.append(f"{file}, kolumn {column}: {counted(len(items), 'värde', 'värden')} finns inte bland områdena "
                     f"på nivån {level} (unknown areas), {counted(total, 'rad', 'rader')}:")
        for value, rows in sorted(items, key=lambda item: (-len(item[1]), item[0])):
            near = matcher.closest(value)
            lines.append(f"  '{value}': {rows_text(rows)}; närmast (closest): {', '.join(near) if near else '–'}")
    return lines


def _multi_answers(table: Table, columns: _Columns, multi: MultiQuestion, keep: pd.Series, rows: pd.Series,
                   respondent_id: pd.Series, warnings: list[str]) -> pd.DataFrame | None:
    """Answers to the derived yes/no items of one multiple-choice question, from one column per option or one
    delimited column; None if the export has neither."""
    path = table.path
    per_option = {o.code: columns.find(f"fråga {multi.id}, alternativ {o.code}", _option_column_names(multi, o))
                  for o in multi.options}
    found = {code: col for code, col in per_option.items() if col is not None}
    ticked = pd.DataFrame(index=table.values.index)
    if found:
        missing = [code for code in per_option if per_option[code] is None]
        if missing:
            warnings.append(f"{path}: fråga {multi.id}: kolumnen för alternativ {', '.join(missing)} saknas; "
                            "de alternativen räknas inte")
        any_answer = pd.Series(False, index=table.values.index)
        state = {}
        for option in multi.options:
            col = found.get(option.code)
            if col is None:
                continue
            yes_words = TICKED | {code_key(option.code), *(code_key(t) for t in option.label.values())}
            keys = table.values[col].map(code_key)
            if table.raw is not None:
                raw_keys = table.raw[col].map(code_key)
                keys = keys.where(keys.isin(yes_words | UNTICKED), raw_keys)
            yes, no, empty = keys.isin(yes_words), keys.isin(UNTICKED) | (keys == ""), keys == ""
            unknown = ~yes & ~no & keep
            if unknown.any():
                shown = table.values[col]
                warnings.append(f"{path}: fråga {multi.id} (kolumn {columns.name(col)}) har "
                                f"{thousands(int(unknown.sum()))} svar utanför kodboken (answers outside the codebook): "
                                f"{_value_groups(shown[unknown], rows[unknown])}; väntade 1/0, Ja/tomt eller "
                                f"'{option.label['sv']}'; de räknas inte")
            state[option.code] = (yes, no, empty)
            any_answer |= ~empty
        parts = []
        for code, (yes, no, empty) in state.items():
            given = any_answer & (yes | no) & keep
            parts.append(pd.DataFrame({"respondent_id": respondent_id[given], "question": f"{multi.id}__{code}",
                                       "answer": np.where(yes[given], MULTI_YES, MULTI_NO)}))
        return pd.concat(parts, ignore_index=True) if parts else None
    col = columns.find(f"fråga {multi.id}", _question_names(multi))
    if col is None:
        warnings.append(f"{path}: kolumnerna för fråga {multi.id} ({multi.column} eller "
                        f"{', '.join(_option_column_names(multi, multi.options[0])[:1])} …) saknas")
        return None
    lookup = _option_lookup(multi.options)
    shown = table.values[col]
    codes_per_row, unknown_rows, unknown_values = {}, [], []
    for i in shown.index[keep & (shown.str.strip() != "")]:
        codes, unknown = _split_multi(shown[i], lookup, multi.separator)
        if unknown:
            unknown_rows.append(i)
            unknown_values.append("; ".join(unknown))
        if codes:
            codes_per_row[i] = codes
    if unknown_rows:
        warnings.append(f"{path}: fråga {multi.id} (kolumn {columns.name(col)}) har {thousands(len(unknown_rows))} svar "
                        "utanför kodboken (answers outside the codebook): "
                        f"{_value_groups(pd.Series(unknown_values), pd.Series(rows[unknown_rows].to_numpy()))}; "
                        f"väntade {_expected(multi.options)}; de räknas inte")
    index = list(codes_per_row)
    parts = [pd.DataFrame({"respondent_id": respondent_id[index].to_numpy(), "question": f"{multi.id}__{o.code}",
                           "answer": [MULTI_YES if o.code in codes_per_row[i] else MULTI_NO for i in index]})
             for o in multi.options]
    return pd.concat(parts, ignore_index=True)


# ---- population margins ----------------------------------------------------------------------------

POPULATION_AREA_NAMES = ("area_id", "area", "område", "omrade", "områdeskod", "deso", "desokod", "regionkod")
POPULATION_COUNT_NAMES = ("population", "antal", "befolkning", "folkmängd", "count")


def load_population(source: Path | ResponseFile, codebook: Codebook, areas: pd.DataFrame) -> pd.DataFrame:
    """Population margins (area × the codebook's groups, e.g. kön × åldersgrupp), checked against the areas of one
    level and the groups' codes. Returns level, area_id, one column per group given, population (int).
    Raises IngestError with one line per problem, naming file, row, column, value and what was expected."""
    group_names = {g.id: [g.id, g.column, *g.aliases] for g in codebook.groups}
    known = {normalise(n) for names in [*group_names.values(), POPULATION_AREA_NAMES, POPULATION_COUNT_NAMES]
             for n in names}
    table = read_table(source, known)
    path = table.path
    columns = _Columns(table)
    area_col = columns.find("område", POPULATION_AREA_NAMES)
    count_col = columns.find("antal", POPULATION_COUNT_NAMES)
    group_cols = {gid: columns.find(f"grupp {gid}", names) for gid, names in group_names.items()}
    group_cols = {gid: col for gid, col in group_cols.items() if col is not None}
    expected = (f"väntade kolumnerna area_id (eller {', '.join(POPULATION_AREA_NAMES[1:4])}), population (eller antal) "
                f"och grupperna {', '.join(group_names)}")
    problems = []
    if area_col is None or count_col is None:
        missing = [n for n, c in (("area_id", area_col), ("population", count_col)) if c is None]
        raise IngestError(f"{path}: kolumnen {', '.join(missing)} saknas (column missing); kolumner i filen: "
                          f"{', '.join(h for h in table.header if h)}; {expected}")
    extra = [h for i, h in enumerate(table.header) if h and i not in columns.claimed]
    if extra:
        raise IngestError(f"{path}: okända kolumner (unknown columns) {', '.join(extra)}; {expected}")
    values, rows = table.values, pd.Series(table.rows, index=table.values.index)

    # The level whose areas the file names: the one most values match.
    area_text = values[area_col]
    best = None
    for level, frame in areas.groupby("level", sort=False):
        matcher = AreaMatcher(frame)
        ids = area_text.map(lambda v, m=matcher: m.match(v)[0])
        if best is None or ids.notna().sum() > best[1].notna().sum():
            best = (level, ids, matcher)
    level, area_ids, matcher = best
    unknown = area_ids.isna()
    if unknown.any():
        near = {v: ", ".join(matcher.closest(v)) or "–" for v in area_text[unknown].unique()}
        problems.append(f"{path}, kolumn {columns.name(area_col)}: område som inte finns på nivån {level} "
                        f"(unknown area): {_value_groups(area_text[unknown], rows[unknown])}; väntade id eller namn "
                        f"på nivån {level} (närmast: {'; '.join(f'{v} → {n}' for v, n in list(near.items())[:5])})")
    out = pd.DataFrame({"level": level, "area_id": area_ids})
    for gid, col in group_cols.items():
        group = codebook.group(gid)
        codes, shown = _lookup_codes(table, col, _option_lookup(group.options))
        bad = codes.isna()
        if bad.any():
            problems.append(f"{path}, kolumn {columns.name(col)}: kod som inte finns i kodbokens grupp {gid} "
                            f"(unknown group code): {_value_groups(shown[bad], rows[bad])}; väntade "
                            f"{_expected(group.options)}")
        out[gid] = codes
    count_text = values[count_col]
    keys = count_text.map(lambda v: code_key(re.sub(r"[\s\u00a0\u202f]", "", v)))
    counts = keys.map(lambda k: int(k) if re.fullmatch(r"\d+", k) else None)
    bad = counts.isna()
    if bad.any():
        problems.append(f"{path}, kolumn {columns.name(count_col)}: inte ett heltal ≥ 0 (not a whole number ≥ 0): "
                        f"{_value_groups(count_text[bad], rows[bad])}; väntade antal personer, t.ex. 1204")
    out["population"] = counts
    cells = ["area_id", *group_cols]
    duplicated = out[cells].notna().all(axis=1) & out.duplicated(cells, keep=False)
    if duplicated.any():
        shown = out.loc[duplicated, cells].astype(str).agg(" × ".join, axis=1)
        problems.append(f"{path}: samma cell flera gånger (duplicate area × group): {_value_groups(shown, rows[duplicated])}; "
                        "väntade en rad per kombination")
    if problems:
        raise IngestError(problems)
    out["population"] = out["population"].astype("int64")
    return out.reset_index(drop=True)
