"""The answer before any script has run: a view's title, summary and table as plain HTML inside the index page's
`#react-entry-point` (web/first_paint.py puts it there; React replaces it when the app mounts).

A phone on a slow line needs seconds for plotly.js; this part of the page is in the first response, so the view's
answer is readable at once (bench/README.md, the mobile rows). Made from details_view's answer (the same one the
details callback returns), so its numbers are the page's, with the same hidden cells; every text is escaped.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from views.texts import t

_CELL_CLASSES = ("", "", "num", "num", "num", "")  # as tk.table in assets/app.js draws them


def _row(r: list) -> str:
    cells = "".join(f'<td class="{c}">{escape(text)}</td>' if c else f"<td>{escape(text)}</td>"
                    for c, text in zip(_CELL_CLASSES, r[:6]))
    return f'<tr class="{escape(r[6])}">{cells}</tr>' if r[6] else f"<tr>{cells}</tr>"


def _table(data: dict) -> Markup:
    """The table as tk.table draws it (assets/app.js): caption, header, rows with their state's class. Every text
    goes through escape(); f-strings rather than Markup.format, which took 4 ms for a village table."""
    caption = f'<caption class="caption-top">{escape(data["caption"])}</caption>' if data.get("caption") else ""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in data["head"])
    part = ""
    if data.get("part"):
        href = str(data["part"]["href"] or "")
        link = f' <a href="{escape(href)}">{escape(data["part"]["link"])}</a>' if href.startswith(("/", "?")) else ""
        part = f'<p class="small">{escape(data["part"]["text"])}{link}</p>'
    return Markup(f'{part}<div class="table-wrap" tabindex="0" role="region" aria-labelledby="first-paint-table">'
                  f'<table class="table table-sm table-striped">{caption}<thead><tr>{head}</tr></thead>'
                  f'<tbody>{"".join(_row(r) for r in data["rows"])}</tbody></table></div>')


def first_paint(details: dict, lang: str, map_html: str = "") -> Markup:
    """The view's answer as HTML, from details_view's answer `details` in `lang`: the page's heading, the view's
    title and subtitle, the summary, a line saying the maps and charts are on their way, the map (`map_html`,
    views/map_svg.py) and the table. An invalid view (details_view's message as its title, no table) shows that
    message alone."""
    parts = [Markup('<h2 class="h4 mt-3">{}</h2>').format(details["title"])]
    if isinstance(details.get("table"), dict):
        parts += [Markup('<p class="text-body-secondary">{}</p>').format(details["page_subtitle"]),
                  Markup('<p class="lead summary">{}</p>').format(details["summary"])]
    parts.append(Markup('<p class="first-paint-loading" role="status">{}</p>').format(t("first_paint_loading", lang)))
    if isinstance(details.get("table"), dict):
        table = Markup('<div class="first-paint-table"><h3 class="h5" id="first-paint-table">{}</h3>{}</div>').format(
            t("table_heading", lang), _table(details["table"]))
        parts.append(Markup('<div class="first-paint-row">{}{}</div>').format(map_html, table))
    return Markup('<div class="_dash-loading first-paint"><header class="border-bottom">'
                  '<div class="container-fluid py-2"><h1 class="h3 mb-0">{}</h1></div></header>'
                  '<main class="container-fluid">{}</main></div>').format(t("title", lang), Markup("").join(parts))


def plain_entry(lang: str) -> Markup:
    """What the index page shows until the app has mounted when there is no view to show (another page)."""
    return Markup('<div class="_dash-loading first-paint"><main class="container-fluid">'
                  '<p class="first-paint-loading" role="status">{}</p></main></div>').format(t("loading", lang))
