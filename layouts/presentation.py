"""Presentation mode (/presentation): the story's views one per screen, very large type, high contrast.

The slides are made by views/slides.py (the same content as the PowerPoint and PDF) and shown by callbacks/sharing.py.
Paging: the buttons, the arrow keys and PageUp/PageDown (presentation clickers), see assets/app.js.
"""
from __future__ import annotations

import uuid

from dash import dcc, html

from survey.results import Results
from views.texts import t

SLIDE_GRAPH_CONFIG = {"displaylogo": False, "showSendToCloud": False, "responsive": True, "displayModeBar": False,
                      "scrollZoom": False, "doubleClick": False}


def presentation_page(results: Results, lang: str) -> html.Div:
    return html.Div([
        dcc.Store(id="lang", data=lang),
        html.Span(id="html-lang", hidden=True),
        dcc.Store(id="slide-index", data=0),
        dcc.Store(id="page-token", data=uuid.uuid4().hex),
        html.Span(id="slide-dummy", hidden=True),
        html.Header([
            html.Nav([
                html.Button(t("prev", lang), id="slide-prev", className="btn btn-light btn-lg", type="button"),
                html.Span(id="slide-counter", className="slide-counter", **{"aria-live": "polite"}),
                html.Button(t("next", lang), id="slide-next", className="btn btn-light btn-lg", type="button"),
            ], className="d-flex flex-wrap align-items-center gap-2", **{"aria-label": t("presentation_title", lang)}),
            html.Div([
                html.Button(t("fullscreen", lang), id="slide-fullscreen", className="btn btn-outline-light",
                            type="button"),
                html.A(t("exit_presentation", lang), href=f"/?lang={lang}" if lang != "sv" else "/",
                       id="slide-exit", className="btn btn-outline-light"),
            ], className="d-flex flex-wrap gap-2"),
        ], className="presentation-bar"),
        html.Main(html.Article(id="slide", className="slide"), id="main", className="presentation-main"),
        html.Footer(t("keys_help", lang), className="presentation-help"),
    ], id="presentation", className="presentation", lang=lang)


def slide_content(slide, index: int, count: int, lang: str, fit: dict | None = None) -> list:
    """One slide (views.slides.Slide) as page content: title, what is shown, the summary sentence, the chart
    (or, for an area with too few answers, a kind word why there is no number), the numbers, source and notes.
    `fit`: the map's size attributes (layouts.page.map_fit), so assets/app.js fits the map to the screen."""
    chart = html.Div(t("too_few_slide", lang), className="slide-too-few") if slide.too_few else None
    graph = None
    if slide.figure and slide.figure.get("data") and not slide.too_few:
        graph = html.Figure([
            dcc.Graph(id="slide-graph", figure=slide.figure, config=SLIDE_GRAPH_CONFIG, className="slide-graph",
                      responsive=True),
            html.Figcaption(t("chart_text_slide", lang), className="visually-hidden"),
        ], className="slide-figure mb-0", **({**fit, "data-grow": "1"} if fit and slide.chart == "map" else {}))
    return [
        html.H1(slide.title, className="slide-title", id="slide-title"),
        html.P(slide.subtitle, className="slide-subtitle"),
        html.Div([
            html.Div([
                html.P(slide.summary, className="slide-summary", id="slide-summary"),
                chart,
                html.Ul([html.Li(line) for line in slide.numbers], className="slide-numbers"),
            ], className="slide-text"),
            graph,
        ], className="slide-body"),
        html.P([" ".join(slide.notes), html.Br(), slide.source], className="slide-source"),
    ]


def empty_slide(lang: str) -> list:
    return [html.H1(t("presentation_title", lang), className="slide-title", id="slide-title"),
            html.P(t("presentation_empty", lang), className="slide-summary", id="slide-summary")]
