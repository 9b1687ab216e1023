"""Text that a spreadsheet must read as text (OWASP CSV injection): a cell starting with = + - @, a tab or a
carriage return is read by Excel and LibreOffice as a formula (`=cmd|' /C calc'!A0` runs a program). Every CSV and
XLSX the app writes (exports/tables.py; the build's quarantine.csv and area_matches.csv) passes its text cells
through `as_text`; the codebook refuses labels that start so (survey/codebook.py)."""
from __future__ import annotations

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell):
    """A text cell starting like a formula gets a leading single quote; anything else (numbers, a negative one
    too) stays as it is."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def text_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with as_text applied to its text (object and string) columns."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) and not pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map(as_text)
    return out
