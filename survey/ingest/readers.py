"""Reading one export into a Table of text: CSV (its encoding and separator found), Excel .xlsx (the first sheet or a
named one) and SPSS .sav (value labels applied, the stored codes kept). The header row is found by its column names
among the first rows; each record keeps its row number as Excel shows it."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import ResponseFile
from .bombs import check_cells, check_sav, check_xlsx
from .matching import normalise
from .messages import IngestError

HEADER_ROW = 1  # Excel numbering: the header is row 1, the first respondent row 2
HEADER_SEARCH_ROWS = 30  # the header is looked for among the first rows (titles above it are common in Excel)


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


def _records_xlsx(path: Path, sheet: str | None, known: set[str]) -> tuple[list[list[str]], str]:
    import openpyxl

    check_xlsx(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # zipfile/openpyxl raise several types; the message is what the user needs
        raise IngestError(f"{path}: kunde inte läsa Excel-filen (could not read the Excel file): {err}") from None
    try:
        if sheet is None:
            ws = _data_sheet(path, book, known)
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise IngestError(f"{path}: bladet '{sheet}' finns inte (sheet not found); bladen i filen: "
                              f"{', '.join(book.sheetnames)}")
        records, cells = [], 0
        for row in ws.iter_rows(values_only=True):
            records.append([_cell(v) for v in row])
            cells += len(row)
            check_cells(path, cells)
        return records, f"Excel, blad '{ws.title}'"
    finally:
        book.close()


def _data_sheet(path: Path, book, known: set[str]):
    """The sheet whose header has the most of the codebook's column names (at least two): the answers are often
    not on the first sheet (a cover sheet, a codebook sheet). None has them: an error naming each sheet's columns."""
    if len(book.worksheets) == 1 or not known:
        return book.worksheets[0]
    found = []
    for ws in book.worksheets:
        head = [[_cell(v) for v in row] for row in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)]
        at = _find_header(head, known) if head else 0
        columns = [c.strip() for c in (head[at] if head else []) if c.strip()]
        found.append((sum(normalise(c) in known for c in columns), ws, columns))
    best = max(found, key=lambda f: f[0])  # the first of the best
    if best[0] >= 2:
        return best[1]
    listed = "; ".join(f"'{ws.title}': " + (", ".join(columns[:8]) + (" …" if len(columns) > 8 else "") or "(tomt)")
                       for _, ws, columns in found)
    raise IngestError(f"{path}: inget blad har kodbokens kolumner (no sheet has the codebook's columns); bladen "
                      f"och deras kolumner (the sheets and their columns): {listed}. Välj bladet med sheet = \"...\" "
                      "eller rätta kolumnnamnen i kodboken (aliases)")


def _read_sav(path: Path) -> Table:
    import pyreadstat

    check_sav(path)
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


NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")  # a cell of a respondent's row, never of a header
JOINED = ("{} - {}", "{}: {}", "{} [{}]", "{}.{}", "{} {}")  # how survey tools name a sub-item's column


def _two_row_header(path: Path, records: list[list[str]], at: int, known: set[str]) -> list[str] | None:
    """A header of two rows, a question's text above its sub-items (a merged cell reads as empty after its first
    column): each sub-item's column is named by the sub-item joined to the question above it, as a survey tool names
    it ("F2: Klotter", "F2 - Klotter"; JOINED), or by the sub-item alone, whichever the codebook knows. The row
    below the header is a second header row when it has text under a question cell merged across, is blank under a
    column the codebook knows (merged down) and has no number (a respondent's row has some); it is refused, naming
    the columns, when none of its names is known. None: a one-row header (the row below is a respondent)."""
    if not known or at + 1 >= len(records):
        return None
    top, sub = records[at], records[at + 1]
    width = max(len(top), len(sub))
    top, sub = ([c.strip() for c in row] + [""] * (width - len(row)) for row in (top, sub))
    merged_down = any(normalise(c) in known and not u for c, u in zip(top, sub))
    under_merged = any(u and not c for c, u in zip(top, sub))  # text under a question cell merged across
    if not (merged_down and under_merged) or any(NUMBER.match(u) for u in sub):  # a respondent has numbers
        return None
    header, above, matched, tried = [], "", 0, []
    for question, item in zip(top, sub):
        above = question or above  # a merged question cell: its text is in its first column only
        if not item:
            header.append(question)
            continue
        names = [j.format(above, item) for j in JOINED] if above else []
        hit = next((n for n in [*names, item] if normalise(n) in known), None)
        matched += hit is not None
        header.append(hit or (names[0] if names else item))
        tried.append(header[-1])
    if not matched:
        shown = ", ".join(f"'{n}'" for n in tried[:5]) + (" …" if len(tried) > 5 else "")
        raise IngestError(f"{path}: rubriken har två rader (two-row header: question text above sub-items), rad "
                          f"{at + 1} och {at + 2}, men ingen kolumn under frågorna känns igen (no sub-item column "
                          f"recognised): {shown}. Lägg till namnen i frågornas eller alternativens aliases i kodboken, "
                          "eller exportera med en rubrikrad (one header row)")
    return header


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
        raise IngestError(f"{path}: det gamla Excel-formatet .xls läses inte (not supported): "
                          "spara som .xlsx eller CSV")
    if suffix in (".xlsx", ".xlsm"):
        records, details = _records_xlsx(path, spec.sheet, known)
    else:
        records, details = _records_csv(path)
    if spec.header_row is not None:
        if not 1 <= spec.header_row <= len(records):
            raise IngestError(f"{path}: header_row = {spec.header_row}, men filen har {len(records)} rader")
        at = spec.header_row - 1
    else:
        at = _find_header(records, known)
    header = [c.strip() for c in (records[at] if records else [])]
    combined = _two_row_header(path, records, at, known) if spec.header_row is None else None
    if combined is not None:
        header, details = combined, details + f", rubrik på rad {at + 1}–{at + 2} (två rader)"
        at += 1  # the body starts below the second header row
    else:
        details += f", rubrik på rad {at + 1}"
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
    return Table(path, header, values, numbers, labels=[""] * width, too_long=too_long, details=details)
