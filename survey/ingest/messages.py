"""The words of ingest: the quarantine's reasons, the error that stops a build, and how counts and rows are written
("1 204 rader", "rad 3, 7, 12 … (1 204 rader)", "'kanske' rad 3, 7 (2 rader)")."""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

import pandas as pd

from ..codebook import Option

EXAMPLE_ROWS = 3  # rows shown of a longer list: "rad 3, 7, 12 … (1 204 rader)"

REASON_FIELDS = ("raden har fler fält än rubrikraden (more fields than the header): kontrollera avgränsare och "
                 "citattecken")
REASON_WAVE = "omgång (år) saknas eller är inte ett tal (wave missing or not a number)"
REASON_WAVE_CONFLICT = "omgången skiljer sig från konfigurationens wave (wave differs from the config)"
REASON_AREA = "okänt område (area not in the boundaries)"
REASON_AREA_EMPTY = "område saknas (area missing)"
REASON_DUPLICATE = "dubbelt id, raden med samma id ovanför används (duplicate respondent id; the first row is used)"
REASON_DUPLICATE_WAVE = ("dubbelt id i omgången, raden med samma id i en tidigare fil används (duplicate respondent id "
                         "in the wave; the earlier file's row is used)")


class IngestError(ValueError):
    """A problem that stops the build: names the file, row, column, value and what was expected.

    `problems` holds one line per problem; `warnings` what was found before it (shown by `check`); `unknown_areas`
    the area values that matched no area, as {value, rows, closest: [area ids]} (the upload page offers to map them)."""

    def __init__(self, problems: str | list[str], warnings: list[str] | None = None,
                 unknown_areas: list[dict] | None = None):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.warnings = list(warnings or [])
        self.unknown_areas = list(unknown_areas or [])
        super().__init__("\n".join(self.problems))


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


def value_groups(values: pd.Series, rows: pd.Series, limit: int = 5) -> str:
    """Distinct values with their rows, most frequent first: "'kanske' rad 3, 7 (2 rader); 'x' rad 9"."""
    by_value: dict[str, list[int]] = defaultdict(list)
    for value, row in zip(values, rows):
        by_value[value].append(int(row))
    ordered = sorted(by_value.items(), key=lambda kv: (-len(kv[1]), kv[1][0]))
    text = "; ".join(f"'{v}' {rows_text(r)}" for v, r in ordered[:limit])
    if len(ordered) > limit:
        text += f"; och {len(ordered) - limit} andra värden (other values)"
    return text


def expected_options(options: tuple[Option, ...], limit: int = 8) -> str:
    """The codebook's options as a message shows what was expected: "1 (Kvinna), 2 (Man) …"."""
    shown = [f"{o.code} ({o.label['sv']})" for o in options[:limit]]
    return ", ".join(shown) + (" …" if len(options) > limit else "")
