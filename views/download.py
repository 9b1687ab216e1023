"""A view's table for a file, the same wherever it is downloaded (/export/table.*, /api/v1/results?format=...):
the rows of the page's table with the columns of views/table.py; in Excel the view's texts under it."""
from __future__ import annotations

from survey.results import Results

from .details import details_view
from .labels import source_credit
from .table import Table, view_rows, view_table


def download_table(results: Results, params: dict, area: str | None, lang: str, with_texts: bool) -> Table:
    """The view's table (QueryError for invalid `params`). `with_texts`: with the title, subtitle, who (filter and
    breakdown), summary (of `area`, else the municipality), notes and source under it, as Excel has them."""
    query = results.parse(params)
    if not with_texts:
        return view_table(results, query, view_rows(results, query, params, lang), lang)
    shown = details_view(results, params, area, lang)
    table = view_table(results, query, shown["rows"], lang)
    table.lines = [shown["title"], shown["subtitle"], shown["who"], shown["summary"], shown["note"],
                   source_credit(results.manifest, lang)]
    return table
