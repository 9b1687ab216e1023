"""A view's table: its rows (the level's, then the whole municipality's) as the page shows them (table_data) and as
a download (view_table: one model, rendered as CSV and Excel by exports/tables.py for /export/table.* and for
/api/v1/results?format=csv|xlsx alike, so a view's file has the same rows and columns wherever it comes from).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from survey.config import KOMMUN_LEVEL_ID
from survey.results import Query, Results, Rows
from views.texts import half_up, integer, interval, t, value

from .labels import filter_phrase, first_upper, labelled_query

MAX_TABLE_ROWS = 500  # rows of the table on the page (table_part)
TABLE_COLUMNS = ("area", "group", "n", "share", "interval", "remarks")


# ---- the rows -----------------------------------------------------------------------------------------------------

def municipality_rows(results: Results, params: dict, lang: str) -> list[dict]:
    """The view's rows for the whole municipality (the level KOMMUN_LEVEL_ID), labelled in `lang`."""
    return list(labelled_query(results, results.parse({**params, "level": KOMMUN_LEVEL_ID}), lang))


def table_rows(level_rows: Rows, kommun_rows: list[dict], level: str) -> Rows:
    """The table's rows: the level's, then the municipality's (unless the level is the municipality)."""
    return level_rows.followed_by(kommun_rows if level != KOMMUN_LEVEL_ID else [])


def view_rows(results: Results, query: Query, params: dict, lang: str) -> Rows:
    """The rows of a view's table, for a download (details_view makes the same for the page)."""
    return table_rows(labelled_query(results, query, lang), municipality_rows(results, params, lang), query.level)


# ---- the page's table ---------------------------------------------------------------------------------------------

def remarks(r: dict, lang: str) -> str:
    notes = []
    if r["vs_rest"]:
        notes.append(t(f"{r['vs_rest']}_short", lang))
    if r["change"]:
        notes.append(t("change_up" if r["change"] == "higher" else "change_down", lang, wave=r["previous_wave"]))
    if r["unreliable"]:
        notes.append(t("uncertain", lang))
    return "; ".join(notes)


def table_data(rows: list[dict], lang: str, total: int | None = None, csv: str | None = None,
               caption: str | None = None) -> dict:
    """The view's rows as the table's texts, for the store `table-data`; the page draws the table from it
    (tk.table in assets/app.js). Texts rather than html elements: a national table of 500 rows was 360 KB of
    element JSON (9 ms to encode, most of the details answer) and is 40 KB so. `total` > len(rows): the table
    shows a part and says where the whole one is (`part`). `caption`: who the view is about (labels.view_label).
    Listed by area name, the municipality last; a click on a header sorts by that column (`keys`)."""
    is_index = any(r["kind"] == "index" for r in rows)  # an index's value is no share: "Indexvärde"
    head = [t("index_value" if k == "share" and is_index else k, lang) for k in TABLE_COLUMNS]
    data = {"head": head, "rows": [
        [r["area_name"], r["group_text"],
         t("too_few", lang) if r["suppressed"] else integer(r["n"], lang),
         "–" if r["suppressed"] else value(r, "share", lang), "" if r["suppressed"] else interval(r, lang),
         first_upper(r.get("rolled_up_label") or "") if r["suppressed"] else remarks(r, lang),
         "suppressed" if r["suppressed"] else ("uncertain" if r["unreliable"] else None)]
        for r in rows
    ], "part": None, "caption": caption,
        # what the page sorts by when a header is clicked (assets/app.js): n, share, interval's low end, and
        # whether the row is the municipality's (kept last). A hidden row's are None: its numbers stay hidden.
        "keys": [[None, None, None, r["level"] == KOMMUN_LEVEL_ID] if r["suppressed"] else
                 [r["n"], r["share"], r["share_low"], r["level"] == KOMMUN_LEVEL_ID] for r in rows]}
    if total is not None and total > len(rows):
        data["part"] = {"text": t("table_part", lang, shown=integer(len(rows), lang), total=integer(total, lang)),
                        "link": t("table_whole_csv", lang), "href": csv}
    return data


def table_part(level_rows: Rows, kommun_rows: list[dict], chosen: str | None) -> list[dict]:
    """At most MAX_TABLE_ROWS of a view's rows for the page (a national view has tens of thousands, which nobody
    reads on a screen and which took a second to send): the chosen area's and the municipality's rows first,
    then the others in their order. The CSV and the API have them all."""
    if len(level_rows) + len(kommun_rows) <= MAX_TABLE_ROWS:
        return [*level_rows, *kommun_rows]
    first = (level_rows.of_area(chosen) if chosen else []) + kommun_rows
    rest = [r for r in level_rows.head(MAX_TABLE_ROWS) if r["area_id"] != chosen]
    return first + rest[:MAX_TABLE_ROWS - len(first)]


# ---- the download -------------------------------------------------------------------------------------------------

@dataclass
class Table:
    """A view's table for a file: `columns` (headers in the language), `rows` of cells (text, int, float, bool or
    None for no value). Percent and index values are numbers 0–100 with one decimal; `percent` are the indices of
    the columns holding a percent (Excel shows them as such). `lines` go under the table in Excel."""
    columns: list[str]
    rows: list[list]
    percent: list[int]
    lines: list[str] = field(default_factory=list)


def _one_decimal(share: float | None) -> float | None:
    return None if share is None else half_up(share * 100, 1)


def table_columns(kind: str, options: list, lang: str) -> list[str]:
    """The download's headers: what a reader needs first (area, group, answers, value, interval, remarks), then
    the codes to join on (area id, level, group code), whether the value is hidden, the answers' distribution,
    and last who the view is about and its breakdown (the same on every row: a file read alone says it)."""
    value_header = t("index_value", lang) + " (0–100)" if kind == "index" else t("share", lang) + " (%)"
    return [t("area", lang), t("group", lang), t("n", lang), value_header, t("interval_low", lang),
            t("interval_high", lang), t("remarks", lang), t("area_id", lang), t("level", lang), t("group_code", lang),
            t("hidden_column", lang)] + [f"{o.label[lang]} (%)" for o in options] + [
        t("filter_column", lang), t("breakdown_column", lang)]


def table_cells(r: dict, options: list, lang: str, view: tuple[str, str]) -> list:
    hidden = r["suppressed"]
    shares = [None] * 3 if hidden else [_one_decimal(r[k]) for k in ("share", "share_low", "share_high")]
    distribution = r["distribution"] or {}
    return [r["area_name"], r["group_text"], None if hidden else r["n"], *shares,
            t("too_few", lang) if hidden else remarks(r, lang), r["area_id"], r["level"], r["group"], hidden,
            *[None if hidden else _one_decimal(distribution.get(o.code)) for o in options], *view]


def view_table(results: Results, query: Query, rows: list[dict], lang: str) -> Table:
    """The rows of a view (view_rows, or details_view's "rows") as the table of its downloads."""
    question = results.codebook.question(query.question)
    options = [o for o in question.options if not o.exclude] if question else []  # an index has no distribution
    kind = "index" if question is None else "share"
    columns = table_columns(kind, options, lang)
    first_option = len(columns) - len(options) - 2
    percent = [] if kind == "index" else [3, 4, 5, *range(first_option, first_option + len(options))]
    by = results.codebook.group(query.by)
    view = (filter_phrase(results, query.filters, lang), by.label[lang] if by else "")
    return Table(columns, [table_cells(r, options, lang, view) for r in rows], percent)


def filename(view: dict, ext: str) -> str:
    """The download's file name: trygghetskartan_<question>_<wave>_<level>[_<by>][_<group><code>…][_<area>]."""
    parts = ["trygghetskartan", view["question"], str(view["wave"]), view["level"]]
    if view.get("by"):
        parts.append(view["by"])
    parts += [f"{g}{c}" for g, c in sorted((view.get("filters") or {}).items())]
    if view.get("area"):
        parts.append(view["area"])
    return "_".join(parts) + "." + ext
