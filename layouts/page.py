"""The dashboard page: a function of the build's results and the language, no data loading at import."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from survey.results import Results

from .texts import t

GRAPH_CONFIG = {"displaylogo": False, "showSendToCloud": False, "responsive": True,
                "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


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


def controls(results: Results, lang: str) -> html.Div:
    codebook = results.codebook
    first_question = codebook.single_choice[0].id
    group_filters = [
        _control(group.label[lang],
                 dcc.Dropdown(id={"type": "filter", "group": group.id},
                              options=[{"label": o.label[lang], "value": o.code} for o in group.options],
                              placeholder=t("filter_all", lang), clearable=True, searchable=False),
                 f'{{"group":"{group.id}","type":"filter"}}')
        for group in codebook.groups
    ]
    return html.Div([
        _control(t("question", lang), dcc.Dropdown(id="question", options=question_options(results, lang),
                                                   value=first_question, clearable=False, maxHeight=420,
                                                   optionHeight=36), "question"),
        _control(t("wave", lang), dbc.RadioItems(id="wave", value=results.waves[-1], inline=True,
                                                  options=[{"label": str(w), "value": w} for w in results.waves]),
                 "wave"),
        _control(t("level", lang), dbc.RadioItems(id="level", value=results.levels[0],
                                                   options=level_options(results, lang)), "level"),
        _control(t("by", lang), dcc.Dropdown(
            id="by", value="", clearable=False, searchable=False,
            options=[{"label": t("by_none", lang), "value": ""}]
            + [{"label": g.label[lang], "value": g.id} for g in codebook.groups]), "by"),
        html.Fieldset([html.Legend(t("filters", lang), className="fs-6 fw-semibold"), *group_filters],
                      className="border rounded p-2"),
    ], className="controls")


def page(results: Results, lang: str) -> html.Div:
    manifest = results.manifest
    kommun = manifest["kommun"]["name"]
    other_lang = "en" if lang == "sv" else "sv"
    banner = dbc.Alert(t("demo_banner", lang), color="warning", className="demo-banner mb-0 py-2 rounded-0",
                       id="demo-banner") if manifest.get("demo") else None
    return html.Div([
        html.A(t("skip", lang), href="#main", className="visually-hidden-focusable"),
        dcc.Store(id="lang", data=lang),
        html.Span(id="html-lang", hidden=True),
        banner,
        html.Header(dbc.Container([
            html.Div([html.H1(t("title", lang), className="h3 mb-0"),
                      html.P(t("subtitle", lang, kommun=kommun), className="mb-0 text-body-secondary")]),
            html.Nav([
                html.A(t("methods_link", lang), href=f"/metod?lang={lang}", id="methods-link", className="me-3"),
                html.A(t("language_link", lang), href=f"?lang={other_lang}", lang=other_lang, id="language-link",
                       className="btn btn-outline-primary btn-sm"),
            ], className="d-flex align-items-center"),
        ], fluid=True, className="d-flex justify-content-between align-items-center py-2"), className="border-bottom"),
        dbc.Container(dbc.Row([
            dbc.Col(html.Aside(controls(results, lang), **{"aria-label": t("question", lang)}), lg=3, md=4,
                    className="py-3 border-end"),
            dbc.Col(html.Main([
                html.H2(id="view-title", className="h4 mt-3"),
                html.P(id="view-subtitle", className="text-body-secondary"),
                html.Section([html.H3(t("summary_heading", lang), className="visually-hidden"),
                              html.P(id="summary", className="lead summary", **{"aria-live": "polite"})]),
                dbc.Row([
                    dbc.Col(html.Section([
                        html.H3(t("map_heading", lang), className="h5"),
                        html.P(t("map_help", lang), className="small mb-1"),
                        dcc.Graph(id="map", config=GRAPH_CONFIG, className="map-graph"),
                        html.P(id="map-note", className="small text-body-secondary"),
                    ]), xl=6),
                    dbc.Col(html.Section([
                        html.H3(t("bars_heading", lang), className="h5"),
                        _control(t("choose_area", lang), dcc.Dropdown(id="area", placeholder=t("whole_kommun", lang),
                                                                      clearable=True), "area"),
                        dcc.Graph(id="bars", config=GRAPH_CONFIG, className="bars-graph"),
                        html.H3(t("shares_heading", lang), className="h6 mt-2"),
                        dcc.Graph(id="shares", config=GRAPH_CONFIG),
                        html.H3(t("trend_heading", lang), className="h6 mt-2"),
                        dcc.Graph(id="trend", config=GRAPH_CONFIG),
                        html.P(id="bars-note", className="small text-body-secondary"),
                    ]), xl=6),
                ]),
                html.Section([
                    html.Div([html.H3(t("table_heading", lang), className="h5 mb-0"),
                              html.A(t("api_link", lang), id="csv-link", href="#", className="small")],
                             className="d-flex gap-3 align-items-baseline"),
                    html.Div(id="table", className="table-wrap"),
                ], className="mt-3"),
            ], id="main"), lg=9, md=8),
        ]), fluid=True),
        html.Footer(dbc.Container(html.P(t("footer_data", lang, built=manifest["built_at"][:10],
                                           credit=manifest.get("source_credit", "")), className="small mb-0 py-2"),
                                  fluid=True), className="border-top mt-3"),
    ], lang=lang)


def shell() -> html.Div:
    """The static frame; the page itself is rendered for the language in the URL."""
    return html.Div([dcc.Location(id="url"), html.Div(id="page")])
