"""Files that would exhaust the machine, refused before they are read (issue 22): a 2 MB xlsx "zip bomb" took
2.4 GB in the check, a 91 KB .sav whose header claims 10 million rows 2.4 GB.

- xlsx (a zip of XML): the sizes the zip's directory gives, before anything is unpacked: at most MAX_UNPACKED
  bytes in all and a ratio of at most MAX_RATIO to the packed size (real exports pack 5–20 times; a bomb
  hundreds), and the sheet's own <dimension> at most MAX_CELLS cells; while reading, rows are counted too
  (a sheet need not say its dimension).
- .sav/.zsav: the header's row and column counts (pyreadstat's metadata, nothing else read) against MAX_CELLS and
  against the file's size: a stored value takes at least a byte (.sav's compression) or, zlib-packed (.zsav),
  at least 1/ZSAV_RATIO of one.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .messages import IngestError

MAX_CELLS = 50_000_000     # cells of one export (a national survey: 1,000,000 respondents × 50 questions)
MAX_UNPACKED = 2 * 1024**3  # bytes of an xlsx unpacked
MAX_RATIO = 100            # unpacked / packed of an xlsx
ZSAV_RATIO = 200           # values per byte a zlib-packed .zsav can reach at most with real answers
DIMENSION = re.compile(rb'<dimension ref="[A-Z]+(\d+)(?::([A-Z]+)(\d+))?"')


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def check_xlsx(path: Path) -> None:
    """IngestError naming the file when its unpacked size, packing ratio or stated sheet size is over the limits."""
    try:
        with zipfile.ZipFile(path) as book:
            entries = book.infolist()
            unpacked = sum(e.file_size for e in entries)
            packed = max(1, sum(e.compress_size for e in entries))
            if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * max(packed, 1024 * 1024):
                raise IngestError(f"{path.name}: Excel-filen packas upp till {unpacked / 1e6:,.0f} MB "
                                  f"({unpacked / packed:,.0f} gånger sin storlek), mer än en enkätexport kan vara: "
                                  f"den läses inte (the file unpacks to {unpacked / 1e6:,.0f} MB, "
                                  f"{unpacked / packed:,.0f} times its size: refused)")
            for entry in entries:
                if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
                    with book.open(entry) as sheet:
                        head = sheet.read(4096)
                    found = DIMENSION.search(head)
                    if found and found[2]:
                        cells = int(found[3]) * _column_number(found[2].decode())
                        if cells > MAX_CELLS:
                            raise IngestError(f"{path.name}: bladet {entry.filename.rsplit('/', 1)[1]} säger sig ha "
                                              f"{cells:,} celler, högst {MAX_CELLS:,} läses (the sheet claims "
                                              f"{cells:,} cells; at most {MAX_CELLS:,})")
    except zipfile.BadZipFile as err:
        raise IngestError(f"{path.name}: kunde inte läsa Excel-filen (could not read the Excel file): {err}") from None


def check_cells(path: Path, cells: int) -> None:
    """While reading: IngestError once `cells` read are over MAX_CELLS."""
    if cells > MAX_CELLS:
        raise IngestError(f"{path.name}: mer än {MAX_CELLS:,} celler, filen läses inte vidare "
                          f"(more than {MAX_CELLS:,} cells: refused)")


def check_sav(path: Path) -> None:
    """IngestError naming the file when the header's row count is impossible for the file's size, or too large."""
    import pyreadstat

    try:
        _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
    except Exception as err:  # pyreadstat raises its own ReadstatError and others
        raise IngestError(f"{path.name}: kunde inte läsa SPSS-filen (could not read the SPSS file): {err}") from None
    rows, columns = max(0, meta.number_rows or 0), max(1, meta.number_columns or 1)
    size = path.stat().st_size
    most = size * (ZSAV_RATIO if path.suffix.lower() == ".zsav" else 1)
    if rows * columns > min(MAX_CELLS, most):
        raise IngestError(f"{path.name}: filens huvud säger {rows:,} rader × {columns} kolumner, vilket inte ryms "
                          f"i {size:,} byte (eller är över {MAX_CELLS:,} celler): filen är skadad eller gjord för att "
                          f"fylla minnet (the header claims {rows:,} rows × {columns} columns, impossible in "
                          f"{size:,} bytes or over {MAX_CELLS:,} cells: refused)")
