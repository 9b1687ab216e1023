"""The dashboard page: a function of the build's results and the language, no data loading at import."""
from __future__ import annotations

import uuid
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html

from survey.results import Results
from views.labels import source_credit, whole_words
from views.map import fit_size
from views.params import map_params, query_params
from views.qr import public_url
from views.texts import t

from .plotly_sv import SV
from .sharing import save_buttons, share_modal, story_panel, table_downloads, view_toolbar

GRAPH_CONFIG = {"displaylogo": False, "showSendToCloud": False, "responsive": True,
                "modeBarButtonsToRemove": ["select2d", "lasso2d"],
                # the camera button saves a PNG drawn by plotly in the browser: works offline
                "toImageButtonOptions": {"format": "png", "filename": "trygghetskartan", "scale": 2}}


def graph_config(lang: str) -> dict:
    """GRAPH_CONFIG in the page's language: plotly's toolbar and messages in Swedish on the Swedish page."""
    if lang != "sv":
        return GRAPH_CONFIG
    return {**GRAPH_CONFIG, "locale": "sv", "locales": {"sv": SV}}


def dropdown_labels(lang: str) -> dict:
    """Dash 4's dropdown texts ("Search", "No options found" …) in the page's language."""
    return {key: t("dropdown_" + key, lang) for key in DROPDOWN_LABELS}


DROPDOWN_LABELS = ("select_all", "deselect_all", "selected_count", "search", "clear_search", "clear_selection",
                   "no_options_found")


def index_html(lang: str) -> str:
    """Dash's page around the app, with the page's language set (WCAG 3.1.1; the public page's English view
    sets it again in the browser)."""
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n'
            "<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}</head>\n"
            "<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body>\n</html>")


def question_options(results: Results, lang: str) -> list[dict]:
    """Questions grouped by theme: a disabled heading per theme, then its questions (searchable by full text)."""
    options = []
    for theme_id, theme in results.codebook.themes.items():
        questions = [q for q in results.codebook.single_choice if q.theme == theme_id]
        if not questions:
            continue
        options.append({"label": theme[lang].upper(), "value": f"theme:{theme_id}", "disabled": True})
        options += [{"label": q.short[lang], "value": q.id, "search": f"{q.short[lang]} {theme[lang]} {q.text[lang]}"}
                    for q in questions + [i for i in results.codebook.indices if i.theme == theme_id]]
    return options


def level_options(results: Results, lang: str) -> list[dict]:
    return [{"label": lv["label"][lang], "value": lv["id"]} for lv in results.manifest["levels"]]


def _control(label: str, control, control_id: str) -> html.Div:
    return html.Div([dbc.Label(label, html_for=control_id, className="fw-semibold mb-1"), control], className="mb-3")


def controls(results: Results, lang: str, view: dict | None = None) -> html.Div:
    """The view's controls, set to `view` (from the URL; views/params.py), else to the default view."""
    codebook = results.codebook
    view = view or {}
    first_question = view.get("question") or codebook.single_choice[0].id
    filters = view.get("filters") or {}
    group_filters = [
        _control(group.label[lang],
                 dcc.Dropdown(id={"type": "filter", "group": group.id},
                              options=[{"label": o.label[lang], "value": o.code} for o in group.shown],
                              placeholder=t("filter_all", lang), clearable=True, searchable=False,
                              labels=dropdown_labels(lang),
                              value=filters.get(group.id)),
                 f'{{"group":"{group.id}","type":"filter"}}')
        for group in codebook.groups
    ]
    return html.Div([
        _control(t("question", lang), dcc.Dropdown(id="question", options=question_options(results, lang),
                                                   value=first_question, clearable=False, maxHeight=420,
                                                   labels=dropdown_labels(lang),
                                                   optionHeight=36), "question"),
        _control(t("wave", lang), dbc.RadioItems(id="wave", value=int(view.get("wave") or results.waves[-1]),
                                                  inline=True,
                                                  options=[{"label": str(w), "value": w} for w in results.waves]),
                 "wave"),
        _control(t("level", lang), dbc.RadioItems(id="level", value=view.get("level") or results.levels[0],
                                                   options=level_options(results, lang)), "level"),
        _control(t("by", lang), dcc.Dropdown(
            id="by", value=view.get("by") or "", clearable=False, searchable=False, labels=dropdown_labels(lang),
            options=[{"label": t("by_none", lang), "value": ""}]
            + [{"label": g.label[lang], "value": g.id} for g in codebook.groups]), "by"),
        html.Fieldset([html.Legend(t("filters", lang), className="fs-6 fw-semibold"), *group_filters],
                      className="border rounded p-2"),
    ], className="controls", id="controls")


def page(results: Results, lang: str, view: dict | None = None, add_promise: str | None = None) -> html.Div:
    """The dashboard in `lang`, showing `view` (question, wave, level, by, filters, area; None: the default);
    `add_promise`: a promise's follow-up to add to the story (?promise=, callbacks/promise_story.py)."""
    view = view or {}
    level = view.get("level") or results.levels[0]
    manifest = results.manifest
    banner = dbc.Alert(t("demo_banner", lang), color="warning", className="demo-banner mb-0 py-2 rounded-0",
                       id="demo-banner") if manifest.get("demo") else None
    return html.Div([
        html.A(t("skip", lang), href="#main", className="visually-hidden-focusable"),
        dcc.Store(id="lang", data=lang),
        html.Span(id="html-lang", hidden=True),
        dcc.Store(id="view-defaults", data={"question": results.codebook.single_choice[0].id,
                                            "wave": str(results.waves[-1]), "level": results.levels[0],
                                            "lang": manifest.get("default_language", "sv"),
                                            "groups": [g.id for g in results.codebook.groups],
                                            "public_url": public_url(manifest)}),  # "Dela" links to it
        share_modal(lang),
        html.Span(id="chart-saved", hidden=True),
        dcc.Store(id="page-token", data=uuid.uuid4().hex),  # new with every page drawn (see assets/app.js)
        dcc.Store(id="story-promise", data=add_promise),
        banner,
        _header(lang, whole_words(results, lang)),
        # A grid (style.css): controls and the presentation panel on the left, the view on the right; on a phone the
        # view comes right after the folded controls ("Välj fråga och grupp") and the presentation panel last.
        html.Div([
            # On a phone the controls fold away behind a button, so the answer (summary, map) comes first.
            html.Aside([html.Button(t("controls_toggle", lang), id="controls-toggle", type="button",
                                    className="controls-toggle btn btn-outline-primary w-100",
                                    **{"aria-expanded": "false", "aria-controls": "controls"}),
                        controls(results, lang, view)],
                       **{"aria-label": t("question", lang)}, className="layout-controls py-3", id="controls-panel"),
            html.Main([
                html.H2(id="view-title", className="h4 mt-3"),
                html.P(id="view-subtitle", className="text-body-secondary"),
                view_toolbar(lang),
                html.Section([html.H3(t("summary_heading", lang), className="visually-hidden"),
                              html.P(id="summary", className="lead summary", **{"aria-live": "polite"})]),
                dbc.Row([
                    dbc.Col(_map_section(results, lang, view), xl=6),
                    dbc.Col(html.Section([
                        # for an index: the profile of its questions (callbacks/view.py names it)
                        html.H3(t("bars_heading", lang), className="h5", id="bars-heading"),
                        _control(t("choose_area", lang), dcc.Dropdown(
                            id="area", placeholder=t("whole_kommun", lang, **whole_words(results, lang)),
                            clearable=True, labels=dropdown_labels(lang),
                            options=[{"label": results.area_name(level, a), "value": a}
                                     for a in results.area_ids(level)], value=view.get("area")), "area"),
                        _chart("bars", t("bars_heading", lang), lang, className="bars-graph"),
                        _story_add_chart("profile", lang),  # shown for an index (callbacks/view.py)
                        html.H3(t("shares_heading", lang), className="h6 mt-2"),
                        _chart("shares", t("shares_heading", lang), lang),
                        html.H3(t("trend_heading", lang), className="h6 mt-2"),
                        _chart("trend", t("trend_heading", lang), lang),
                        _story_add_chart("trend", lang),
                        html.P(id="bars-note", className="small text-body-secondary"),
                    ]), xl=6),
                ]),
                _table_section(lang),
            ], id="main", className="layout-main"),
            html.Div(story_panel(lang), className="layout-story pb-3"),
        ], className="dashboard-grid container-fluid"),
        html.Footer(dbc.Container(html.P(t("footer_data", lang, built=manifest["built_at"][:10],
                                           credit=source_credit(manifest, lang)), className="small mb-0 py-2"),
                                  fluid=True), className="border-top mt-3"),
    ], lang=lang)


def map_placeholder(results: Results, lang: str, view: dict) -> list:
    """The view's map as an image (/map.svg, views/map_svg.py), shown in the map's place until plotly has drawn the
    map (assets/app.js marks the figure `map-ready`): on a phone that is seconds. Decorative: the map is the table's
    numbers, and the interactive map follows."""
    if not view.get("question"):
        return []
    query = map_params(query_params(view))
    src = "/map.svg?" + urlencode({**query, "lang": lang, "v": results.manifest["build_id"]})
    return [html.Img(src=src, alt="", className="map-placeholder", **{"aria-hidden": "true"})]


def _map_section(results: Results, lang: str, view: dict) -> html.Section:
    """The map, its notes and the ranking of its areas."""
    return html.Section([
        html.H3(t("map_heading", lang), className="h5"),
        html.P(t("map_help", lang), className="small mb-1"),
        dcc.Store(id="map-drawn"),  # which map the browser shows (callbacks/map_patch.py)
        dcc.Store(id="map-painted"),  # when plotly has drawn it (the details wait for it)
        html.Figure([*map_placeholder(results, lang, view),
                     dcc.Graph(id="map", config=graph_config(lang), className="map-graph"),
                     html.Figcaption(t("chart_text", lang), className="visually-hidden")],
                    className="mb-1 map-figure", **map_fit(results)),
        # on a phone the zoomed-out map names only the places there is room for (assets/app.js labelShown)
        html.P(t("map_names_phone", lang), className="small mb-1 d-sm-none"),
        save_buttons("map", t("map_heading", lang), lang),
        html.P(id="map-note", className="small text-body-secondary"),
        html.H3(t("ranking_chart_heading", lang), className="h6 mt-2"),
        html.P(t("ranking_help", lang, **whole_words(results, lang)), className="small mb-1"),
        _chart("ranking", t("ranking_chart_heading", lang), lang),
    ])


def _table_section(lang: str) -> html.Section:
    """The numbers behind the charts: drawn in the browser from the store `table-data` (assets/app.js)."""
    return html.Section([
        html.Div([html.H3(t("table_heading", lang), className="h5 mb-0", id="table-heading"),
                  table_downloads(lang),
                  html.A(t("api_link", lang), id="csv-link", href="#", className="small")],
                 className="d-flex flex-wrap column-gap-3 align-items-baseline"),
        dcc.Store(id="table-data"),  # the table's texts; drawn by tk.table (assets/app.js)
        dcc.Store(id="table-sort"),  # the column it is sorted by, if a header was clicked
        dcc.Store(id="table-drawn"),  # when tk.table last drew it
        # focusable, so a keyboard can scroll it (axe: scrollable-region-focusable)
        html.Div(id="table", className="table-wrap", tabIndex="0", role="region",
                 **{"aria-labelledby": "table-heading"}),
    ], className="mt-3")


def _header(lang: str, words: dict[str, str]) -> html.Header:
    """The title, the link to the methods page and the one to the page in the other language."""
    other_lang = "en" if lang == "sv" else "sv"
    return html.Header(dbc.Container([
        html.Div([html.H1(t("title", lang), className="h3 mb-0"),
                  html.P(t("subtitle", lang, **words), className="mb-0 text-body-secondary")]),
        html.Nav([
            html.A(t("methods_link", lang), href=f"/metod?lang={lang}", id="methods-link", className="me-3"),
            html.A(t("language_link", lang), href=f"?lang={other_lang}", lang=other_lang, id="language-link",
                   className="btn btn-outline-primary btn-sm"),
        ], className="d-flex align-items-center"),
    ], fluid=True, className="d-flex justify-content-between align-items-center py-2"), className="border-bottom")


def map_fit(results: Results) -> dict:
    """data-* attributes for assets/app.js: the municipality's size in px at the map's zoom, so that a narrow map
    (a phone) zooms out until all of it shows. The finest level's bounds come from the build's manifest
    (survey/build.py); a build made before it wrote them gets no fit (app.js then keeps the build's zoom)."""
    zoom, size = results.manifest["map"]["zoom"], fit_size(results)
    if size is None:
        return {"data-zoom": zoom}
    return {"data-fit-width": size[0], "data-fit-height": size[1], "data-zoom": zoom}


def _chart(chart_id: str, name: str, lang: str, className: str | None = None) -> html.Figure:
    """A chart with its text alternative (the summary and the table) and its PNG/SVG buttons."""
    return html.Figure([dcc.Graph(id=chart_id, config=graph_config(lang), className=className),
                        html.Figcaption(t("chart_text", lang), className="visually-hidden"),
                        save_buttons(chart_id, name, lang)], className="mb-1")


def _story_add_chart(chart: str, lang: str) -> html.Button:
    """Adds the view to the presentation as a slide of this chart (its trend, its index's profile)."""
    return html.Button(t(f"story_add_{chart}", lang), id={"type": "story-add-chart", "chart": chart}, type="button",
                       className="btn btn-outline-primary btn-sm mb-2", hidden=chart == "profile")


def shell() -> html.Div:
    """The static frame; the page itself is rendered for the path and the view in the URL. The story (the views
    of a presentation) is kept in the browser's localStorage, so it outlives the page."""
    return html.Div([dcc.Location(id="url", refresh=False), dcc.Store(id="view-search"),
                     dcc.Store(id="story", storage_type="local", data=[]), html.Div(id="page")])
