"""The main view's Dash callbacks: the page for a URL, the area chooser, the map, and what is beside it.

Only the wiring: what a view shows is computed by views/ (views/map.py, views/details.py, views/params.py), in
plain functions tests call directly.
"""
from __future__ import annotations

from dash import ALL, ClientsideFunction, Input, Output, State, ctx, no_update

from layouts.methods import methods_page
from layouts.page import page
from layouts.presentation import presentation_page
from views.details import details_view
from views.map import map_view
from views.params import area_choice, language, parse_view, view_params
from views.story import promise_to_add

from .map_patch import MAP_PAINTED, map_answer
from .sharing import register_sharing_callbacks

# For the response cache's key (web.response_cache.response_key): the callbacks whose answer does not depend on
# which input changed (the first output of each; neither reads ctx.triggered), and the inputs taken only to wait
# (a time).
TRIGGER_FREE = ("..map.figure..", "..bars.figure..")
WAIT_ONLY = ("map-painted",)


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
        return page(results, lang, parse_view(search or "", results), promise_to_add(search))

    # The page's language on <html> too (the index page is served before the language is known).
    app.clientside_callback("function (lang) { document.documentElement.lang = lang; return lang; }",
                            Output("html-lang", "children"), Input("lang", "data"))

    @app.callback(Output("area", "options"), Output("area", "value"),
                  Input("level", "value"), Input("map", "clickData"), State("area", "value"))
    def choose_area(level, click, current):
        point = (click or {}).get("points", [{}])[0]
        clicked = point.get("location") or point.get("customdata")  # an area, or the ring of a small area's place
        return area_choice(get_results(), level, clicked, current, ctx.triggered_id == "map")

    @app.callback(Output("map", "figure"), Output("map-note", "children"), Output("map-drawn", "data"),
                  Input("question", "value"), Input("wave", "value"), Input("level", "value"), filters,
                  Input("area", "value"), filter_ids, State("lang", "data"), State("map-drawn", "data"))
    def update_map(question, wave, level, filter_values, area, ids, lang, drawn):
        # The boundaries go once: when the browser shows a map of the same structure, only values (a Patch).
        figure, note = map_view(get_results(), view_params(question, wave, level, None, filter_values, ids), area, lang)
        return map_answer(figure, note, drawn)

    app.clientside_callback(MAP_PAINTED, Output("map-painted", "data"), Input("map", "figure"))
    # drawn into #table by the DOM, not as Dash components (assets/app.js); a header click sets `table-sort`
    app.clientside_callback(ClientsideFunction("tk", "table"), Output("table-drawn", "data"),
                            Input("table-data", "data"), Input("table-sort", "data"))

    @app.callback(Output("bars", "figure"), Output("shares", "figure"), Output("trend", "figure"),
                  Output("ranking", "figure"), Output("table-data", "data"), Output("view-title", "children"),
                  Output("view-subtitle", "children"), Output("bars-heading", "children"),
                  Output("summary", "children"), Output("bars-note", "children"), Output("csv-link", "href"),
                  Output({"type": "story-add-chart", "chart": "profile"}, "hidden"),
                  Input("question", "value"), Input("wave", "value"), Input("level", "value"), Input("by", "value"),
                  filters, Input("area", "value"), filter_ids, State("lang", "data"),
                  Input("map-painted", "data"))  # only to wait for the map: it is drawn first (map_patch.py)
    def update_details(question, wave, level, by, filter_values, area, ids, lang, _map_painted):
        results = get_results()
        view = details_view(results, view_params(question, wave, level, by, filter_values, ids), area, lang)
        return (*(view[k] for k in ("bars", "shares", "trend", "ranking", "table", "title", "page_subtitle",
                                    "bars_heading", "summary", "note", "csv")),
                results.codebook.index(question) is None)  # the profile's button: only for an index

    register_sharing_callbacks(app, get_results)
