"""Callbacks of the main view: parse inputs, ask the one query path, turn rows into figures and a table."""
from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from dash import ALL, Input, Output, State, ctx, html, no_update

from layouts.page import page
from layouts.texts import integer, percent, t
from survey.results import QueryError

from .figures import bar_figure, map_figure


def view_params(question, wave, level, by, filter_values, filter_ids) -> dict:
    """The dashboard's controls as the same parameters the API takes."""
    params = {"question": question, "wave": str(wave), "level": level}
    if by:
        params["by"] = by
    for value, control in zip(filter_values or [], filter_ids or []):
        if value not in (None, ""):
            params[control["group"]] = str(value)
    return params


def language(search: str | None, default: str) -> str:
    lang = parse_qs((search or "").lstrip("?")).get("lang", [default])[0]
    return lang if lang in ("sv", "en") else default


def table(rows: list[dict], lang: str) -> html.Table:
    head = html.Thead(html.Tr([html.Th(t(k, lang), scope="col") for k in ("area", "group", "n", "share")]))
    body = html.Tbody([
        html.Tr([html.Td(r["area_name"]), html.Td(r["group_label"] or t("all_respondents", lang)),
                 html.Td(t("too_few", lang) if r["suppressed"] else integer(r["n"], lang), className="num"),
                 html.Td("–" if r["suppressed"] else percent(r["share"], lang), className="num")],
                className="suppressed" if r["suppressed"] else None)
        for r in rows
    ])
    return html.Table([head, body], className="table table-sm table-striped", id="result-table")


def register_callbacks(app, get_results) -> None:
    """Attach the view's callbacks to `app`. `get_results()` returns the current build's Results."""

    @app.callback(Output("page", "children"), Input("url", "search"))
    def render_page(search):
        results = get_results()
        return page(results, language(search, results.manifest["default_language"]))

    @app.callback(Output("area", "options"), Output("area", "value"),
                  Input("level", "value"), Input("map", "clickData"), State("area", "value"), State("lang", "data"))
    def choose_area(level, click, current, lang):
        results = get_results()
        options = [{"label": results.area_name(level, a), "value": a} for a in results.area_ids(level)]
        valid = {o["value"] for o in options}
        if ctx.triggered_id == "map" and click:
            clicked = click["points"][0].get("location")
            return no_update, clicked if clicked in valid else no_update
        return options, current if current in valid else None

    filters = Input({"type": "filter", "group": ALL}, "value")
    filter_ids = State({"type": "filter", "group": ALL}, "id")

    @app.callback(Output("map", "figure"), Output("map-note", "children"),
                  Input("question", "value"), Input("wave", "value"), Input("level", "value"), filters,
                  Input("area", "value"), filter_ids, State("lang", "data"))
    def update_map(question, wave, level, filter_values, area, ids, lang):
        results = get_results()
        try:
            query = results.parse(view_params(question, wave, level, None, filter_values, ids))
        except QueryError as err:
            return {"data": [], "layout": {}}, t("invalid", lang, error=err)
        rows = results.query(query, lang)
        url = f"/geo/{level}.geojson?v={results.manifest['build_id']}"
        note = [t("too_few_note", lang, k=results.min_n)]
        if next(lv for lv in results.manifest["levels"] if lv["id"] == level)["approximate"]:
            note.append(" " + t("approximate", lang))
        return map_figure(rows, url, results.manifest["map"], area, lang), note

    @app.callback(Output("bars", "figure"), Output("table", "children"), Output("view-title", "children"),
                  Output("view-subtitle", "children"), Output("bars-note", "children"), Output("csv-link", "href"),
                  Input("question", "value"), Input("wave", "value"), Input("level", "value"), Input("by", "value"),
                  filters, Input("area", "value"), filter_ids, State("lang", "data"))
    def update_details(question, wave, level, by, filter_values, area, ids, lang):
        results = get_results()
        params = view_params(question, wave, level, by, filter_values, ids)
        try:
            query = results.parse(params)
        except QueryError as err:
            message = t("invalid", lang, error=err)
            return {"data": [], "layout": {}}, message, message, "", "", "#"
        level_rows = results.query(query, lang)
        kommun = results.parse({**params, "level": "kommun"})
        kommun_rows = results.query(kommun, lang)
        question_obj = results.codebook.question(query.question)
        row_sets = []
        if area:
            row_sets.append((results.area_name(level, area), [r for r in level_rows if r["area_id"] == area]))
        row_sets.append((t("whole_kommun", lang), list(kommun_rows)))
        answers = f" {t('or', lang)} ".join(o.label[lang].lower() for o in question_obj.options if o.unfavourable)
        excluded = ", ".join(o.label[lang].lower() for o in question_obj.options if o.exclude)
        note = t("base_note", lang, excluded=excluded) if excluded else ""
        table_rows = list(level_rows) + (list(kommun_rows) if level != "kommun" else [])
        csv = "/api/v1/results?" + urlencode({**params, "format": "csv", "lang": lang})
        return (bar_figure(row_sets, question_obj, lang), table(table_rows, lang), question_obj.text[lang],
                t("unfavourable", lang, answers=answers) + f" ({query.wave})", note, csv)
