"""The table of one view as CSV or Excel: exactly the rows the dashboard's table shows (callbacks.view.details_view).

CSV is UTF-8 with a byte-order mark (Excel reads the å, ä, ö); in Swedish the separator is ';' and the decimal
sign ',' (what Swedish Excel expects), in English ',' and '.'. Shares are percent with one decimal; Excel gets
numbers with a percent format, so they can be computed with.
"""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from callbacks.state import query_params
from callbacks.view import details_view, remarks
from layouts.texts import t
from survey.results import Results


def headers(kind: str, lang: str) -> list[str]:
    value = t("index_label", lang) + " (0–100)" if kind == "index" else t("share", lang) + " (%)"
    return [t("area", lang), t("group", lang), t("n", lang), value, t("interval_low", lang),
            t("interval_high", lang), t("remarks", lang), "area_id", "level"]


def table(results: Results, view: dict) -> dict:
    """{title, subtitle, summary, note, kind, header, rows: [[cells]]} with numbers as floats (percent) or None."""
    lang = view["lang"]
    shown = details_view(results, query_params(view), view.get("area"), lang)
    rows = []
    for r in shown["rows"]:
        suppressed = r["suppressed"]
        rows.append([r["area_name"], r["group_label"] or t("all_respondents", lang),
                     None if suppressed else r["n"],
                     None if suppressed else round(r["share"] * 100, 1),
                     None if suppressed else round(r["share_low"] * 100, 1),
                     None if suppressed else round(r["share_high"] * 100, 1),
                     t("too_few", lang) if suppressed else remarks(r, lang), r["area_id"], r["level"]])
    kind = shown["rows"][0]["kind"] if shown["rows"] else "share"
    return {"title": shown["title"], "subtitle": shown["subtitle"], "summary": shown["summary"],
            "note": shown["note"], "kind": kind, "header": headers(kind, lang), "rows": rows}


def filename(view: dict, ext: str) -> str:
    parts = ["trygghetskartan", view["question"], str(view["wave"]), view["level"]]
    if view.get("by"):
        parts.append(view["by"])
    parts += [f"{g}{c}" for g, c in sorted((view.get("filters") or {}).items())]
    if view.get("area"):
        parts.append(view["area"])
    return "_".join(parts) + "." + ext


def as_csv(data: dict, lang: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if lang == "sv" else ",", lineterminator="\r\n")
    writer.writerow(data["header"])
    for row in data["rows"]:
        writer.writerow(["" if c is None else (str(c).replace(".", ",") if lang == "sv" and isinstance(c, float) else c)
                         for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(data: dict, lang: str, source: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = t("table_heading", lang)[:31]
    sheet.append(data["header"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in data["rows"]:
        cells = list(row)
        if data["kind"] != "index":
            cells[3:6] = [None if v is None else v / 100 for v in cells[3:6]]
        sheet.append(cells)
        if data["kind"] != "index":
            for cell in sheet[sheet.max_row][3:6]:
                cell.number_format = "0.0%"
    sheet.append([])
    for line in (data["title"], data["subtitle"], data["summary"], data["note"], source):
        if line:
            sheet.append([line])
    for index, width in enumerate((28, 24, 11, 11, 11, 11, 40, 12, 9), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
