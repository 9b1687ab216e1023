"""A view's table (views/table.py's Table) as a file: CSV and Excel, the one renderer of each, for /export/table.*
and /api/v1/results?format=csv|xlsx alike.

CSV is UTF-8 with a byte-order mark (Excel reads the å, ä, ö); in Swedish the separator is ';' and the decimal
sign ',' (what Swedish Excel expects), in English ',' and '.'; whether a value is hidden is a word of the language.
Excel gets numbers, percent with a percent format, so they can be computed with, and the view's texts under them.
"""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from survey.results import Results
from survey.spreadsheet import as_text
from views.download import download_table
from views.params import query_params
from views.table import Table, filename
from views.texts import t

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
COLUMN_WIDTHS = (28, 24, 11, 11, 11, 11, 40, 12, 9, 9, 9)  # then 11 for each answer option


def csv_cell(cell, lang: str):
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return t("yes" if cell else "no", lang)
    if isinstance(cell, float) and lang == "sv":
        return str(cell).replace(".", ",")
    return as_text(cell)


def csv_bytes(table: Table, lang: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if lang == "sv" else ",", lineterminator="\r\n")
    writer.writerow([as_text(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_cell(c, lang) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def append_row(sheet, cells) -> None:
    """A row with its text cells neutralised (as_text) and stored as strings: openpyxl otherwise writes a text
    starting with = as a live formula."""
    sheet.append([as_text(c) for c in cells])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def xlsx_bytes(table: Table, lang: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = t("table_heading", lang)[:31]
    append_row(sheet, table.columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        cells = list(row)
        for i in table.percent:
            cells[i] = None if cells[i] is None else cells[i] / 100
        append_row(sheet, cells)
        written = sheet[sheet.max_row]
        for i in table.percent:
            written[i].number_format = "0.0%"
    sheet.append([])
    for line in table.lines:
        if line:
            append_row(sheet, [line])
    for index in range(1, len(table.columns) + 1):
        width = COLUMN_WIDTHS[index - 1] if index <= len(COLUMN_WIDTHS) else 11
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_file(results: Results, view: dict, fmt: str) -> tuple[bytes, str, str]:
    """The view's table as (body, mimetype, file name) in `fmt` ("csv" or "xlsx"); QueryError for a bad view."""
    table = download_table(results, query_params(view), view.get("area"), view["lang"], with_texts=fmt == "xlsx")
    render, mimetype = (csv_bytes, CSV) if fmt == "csv" else (xlsx_bytes, XLSX)
    return render(table, view["lang"]), mimetype, filename(view, fmt)
