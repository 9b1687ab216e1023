"""Callbacks of the main view: parse inputs, ask the one query path, turn rows into figures and a table.

The work is in plain functions of (results, inputs) so tests can call them directly; `register_callbacks`
only wires them to the app.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from dash import ALL, ClientsideFunction, Input, Output, State, ctx, no_update

from layouts.methods import methods_page
from layouts.page import page
from layouts.presentation import presentation_page
from layouts.texts import integer, interval, t, value
from survey.results import QueryError, Results, Rows
from views.labels import group_label, labelled_query
from views.summary import summarise

from .figures import bar_figure, map_figure, message_figure, shares_figure, trend_figure
from .map_patch import MAP_PAINTED, map_answer
from .state import parse_view

EMPTY_FIGURE = {"data": [], "layout": {}}
MAX_TABLE_ROWS = 500  # rows of the table on the page (table_part)
# For the response cache's key (web.response_cache.response_key): the callbacks whose answer does not depend on
# which input changed (the first output of each; neither reads ctx.triggered), and the inputs taken only to wait
# (a time).
TRIGGER_FREE = ("..map.figure..", "..bars.figure..")
WAIT_ONLY = ("map-painted",)


def view_params(question, wave, level, by, filter_values, filter_ids) -> dict:
    """The dashboard's controls as the same parameters the API takes."""
    params = {"question": question, "wave": str(wave), "level": level}
    if by:
        params["by"] = by
    for value, control in zip(filter_values or [], filter_ids or []):
        if value not in (None, "") and isinstance(control, dict) and isinstance(control.get("group"), str):
            params.setdefault(control["group"], str(value))  # parse() checks the group and the code
    return params


def language(search: str | None, default: str) -> str:
    lang = parse_qs((search or "").lstrip("?")).get("lang", [default])[0]
    return lang if lang in ("sv", "en") else default


def remarks(r: dict, lang: str) -> str:
    notes = []
    if r["vs_rest"]:
        notes.append(t(f"{r['vs_rest']}_short", lang))
    if r["change"]:
        notes.append(t("change_up" if r["change"] == "higher" else "change_down", lang, wave=r["previous_wave"]))
    if r["unreliable"]:
        notes.append(t("uncertain", lang))
    return "; ".join(notes)


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


TABLE_COLUMNS = ("area", "group", "n", "share", "interval", "remarks")


def table_data(rows: list[dict], lang: str, total: int | None = None, csv: str | None = None) -> dict:
    """The view's rows as the table's texts, for the store `table-data`; the page draws the table from it
    (tk.table in assets/app.js). Texts rather than html elements: a national table of 500 rows was 360 KB of
    element JSON (9 ms to encode, most of the details answer) and is 40 KB so. `total` > len(rows): the table
    shows a part and says where the whole one is (`part`)."""
    data = {"head": [t(k, lang) for k in TABLE_COLUMNS], "rows": [
        [r["area_name"], r["group_label"] or t("all_respondents", lang),
         t("too_few", lang) if r["suppressed"] else integer(r["n"], lang),
         "–" if r["suppressed"] else value(r, "share", lang), "" if r["suppressed"] else interval(r, lang),
         _first_upper(r.get("rolled_up_label") or "") if r["suppressed"] else remarks(r, lang),
         "suppressed" if r["suppressed"] else ("uncertain" if r["unreliable"] else None)]
        for r in rows
    ], "part": None}
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


def area_choice(results: Results, level: str, clicked: str | None, current: str | None, from_map: bool):
    """Options of the area chooser for the level, and its value: the clicked area, else the current one if valid."""
    options = [{"label": results.area_name(level, a), "value": a} for a in results.area_ids(level)]
    valid = {o["value"] for o in options}
    if from_map:
        return no_update, clicked if clicked in valid else no_update
    return options, current if current in valid else None


def map_view(results: Results, params: dict, area: str | None, lang: str):
    """The choropleth for the view, and the note under it."""
    lang = lang if lang in ("sv", "en") else "sv"
    try:
        query = results.parse(params)
    except QueryError as err:
        return EMPTY_FIGURE, t("invalid", lang, error=err)
    rows = labelled_query(results, query, lang)
    url = f"/geo/{query.level}.geojson?v={results.manifest['build_id']}"
    note = t("too_few_note", lang, k=results.min_n)
    if next(lv for lv in results.manifest["levels"] if lv["id"] == query.level)["approximate"]:
        note += " " + t("approximate", lang)
    note += " " + t("uncertain_note", lang, n=results.reliable_min_n, w=round(results.reliable_max_width * 100))
    if rows.column("rolled_up_to").any():
        note += " " + t("rolled_up_note", lang)  # roll-up: a hidden area shows its enclosing area
    figure = map_figure(rows, url, results.manifest["map"], area, lambda a: results.area_point(query.level, a), lang)
    return figure, note


def details_view(results: Results, params: dict, area: str | None, lang: str) -> dict:
    """Bars, shares with intervals, trend, summary, table and the CSV link for one view."""
    lang = lang if lang in ("sv", "en") else "sv"
    try:
        query = results.parse(params)
    except QueryError as err:
        message = t("invalid", lang, error=err)
        return {"bars": EMPTY_FIGURE, "shares": EMPTY_FIGURE, "trend": EMPTY_FIGURE, "table": message,
                "title": message, "subtitle": "", "summary": "", "note": "", "csv": "#", "rows": []}
    level_rows = labelled_query(results, query, lang)
    kommun_rows = list(labelled_query(results, results.parse({**params, "level": "kommun"}), lang))
    question = results.codebook.question(query.question)
    index = results.codebook.index(query.question)
    chosen = area if area in results.area_ids(query.level) and query.level != "kommun" else None
    row_sets = []
    if chosen:
        row_sets.append((results.area_name(query.level, chosen), level_rows.of_area(chosen)))
    row_sets.append((t("whole_kommun", lang), kommun_rows))

    # The summary speaks of the chosen area (or the municipality); its verdicts are the map's.
    focus_rows = row_sets[0][1]
    answers = ([o.label[lang].lower() for o in question.options if o.unfavourable] if question
               else [index.short[lang].split(" (")[0].lower()])
    filters = [group_label(results, g, code, lang) for g, code in query.filters]
    summary = summarise(focus_rows[0], focus_rows[1:], answers, filters, results.min_n, lang, chosen is None)

    # The trend: the chosen area's (and the municipality's) everyone row in every wave.
    series = [(name, results.area_trend(results.parse({**params, "by": "", "level": area_level}), area_id))
              for name, area_level, area_id in ([(row_sets[0][0], query.level, chosen)] if chosen else []) + [
                  (t("whole_kommun", lang), "kommun", results.manifest["kommun"]["code"])]]

    excluded = ", ".join(o.label[lang].lower() for o in question.options if o.exclude) if question else ""
    notes = [t("base_note", lang, excluded=excluded)] if excluded else []
    notes.append(t("weighted_note" if results.weighted else "unweighted_note", lang))
    references = results.reference_rows(query.question, query.wave) if not query.filters else []
    if references:
        notes.append(t("reference_note", lang))
    whole = kommun_rows if query.level != "kommun" else []  # the municipality's rows after the level's
    table_rows = level_rows.followed_by(whole)
    csv = "/api/v1/results?" + urlencode({**params, "format": "csv", "lang": lang})
    return {
        "bars": bar_figure(row_sets, question, lang) if question else message_figure(t("index_no_distribution", lang)),
        "shares": shares_figure(row_sets, references, lang),
        "trend": trend_figure(series, lang),
        "table": table_data(table_part(level_rows, whole, chosen), lang, len(table_rows), csv),
        "title": (question or index).text[lang],
        "subtitle": (t("unfavourable", lang, answers=f" {t('or', lang)} ".join(answers)) if question
                     else t("index_subtitle", lang, n=len(index.items))) + f" ({query.wave})",
        "summary": summary,
        "note": " ".join(notes),
        "csv": csv,
        "rows": table_rows,
    }


def register_callbacks(app, get_results) -> None:
    """Attach the view's callbacks to `app`. `get_results()` returns the current build's Results."""
    filters = Input({"type": "filter", "group": ALL}, "value")
    filter_ids = State({"type": "filter", "group": ALL}, "id")

    @app.callback(Output("page", "children"), Input("url", "pathname"), Input("url", "search"),
                  State("view-search", "data"))
    def render_page(pathname, search, shown):
        # The page writes its own view into the URL (assets/app.js, callbacks/sharing.py) and records it in
        # `view-search`: that URL change needs no new page. Any other (a link, back, forward) renders the view.
        if shown is not None and shown == (pathname or "/") + (search or ""):
            return no_update
        results = get_results()
        lang = language(search, results.manifest["default_language"])
        if pathname == "/metod":
            return methods_page(results, lang)
        if pathname == "/presentation":
            return presentation_page(results, lang)
        return page(results, lang, parse_view(search or "", results))

    # The page's language on <html> too (the index page is served before the language is known).
    app.clientside_callback("function (lang) { document.documentElement.lang = lang; return lang; }",
                            Output("html-lang", "children"), Input("lang", "data"))

    @app.callback(Output("area", "options"), Output("area", "value"),
                  Input("level", "value"), Input("map", "clickData"), State("area", "value"))
    def choose_area(level, click, current):
        clicked = (click or {}).get("points", [{}])[0].get("location")
        return area_choice(get_results(), level, clicked, current, ctx.triggered_id == "map")

    @app.callback(Output("map", "figure"), Output("map-note", "children"), Output("map-drawn", "data"),
                  Input("question", "value"), Input("wave", "value"), Input("level", "value"), filters,
                  Input("area", "value"), filter_ids, State("lang", "data"), State("map-drawn", "data"))
    def update_map(question, wave, level, filter_values, area, ids, lang, drawn):
        # The boundaries go once: when the browser shows a map of the same structure, only values (a Patch).
        figure, note = map_view(get_results(), view_params(question, wave, level, None, filter_values, ids), area, lang)
        return map_answer(figure, note, drawn)

    app.clientside_callback(MAP_PAINTED, Output("map-painted", "data"), Input("map", "figure"))
    app.clientside_callback(ClientsideFunction("tk", "table"), Output("table", "children"),
                            Input("table-data", "data"))

    @app.callback(Output("bars", "figure"), Output("shares", "figure"), Output("trend", "figure"),
                  Output("table-data", "data"), Output("view-title", "children"), Output("view-subtitle", "children"),
                  Output("summary", "children"), Output("bars-note", "children"), Output("csv-link", "href"),
                  Input("question", "value"), Input("wave", "value"), Input("level", "value"), Input("by", "value"),
                  filters, Input("area", "value"), filter_ids, State("lang", "data"),
                  Input("map-painted", "data"))  # only to wait for the map: it is drawn first (map_patch.py)
    def update_details(question, wave, level, by, filter_values, area, ids, lang, _map_painted):
        view = details_view(get_results(), view_params(question, wave, level, by, filter_values, ids), area, lang)
        return tuple(view[k] for k in ("bars", "shares", "trend", "table", "title", "subtitle", "summary", "note", "csv"))

    from .sharing import register_sharing_callbacks  # here: callbacks.sharing builds on this module

    register_sharing_callbacks(app, get_results)
