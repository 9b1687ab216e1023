"""Presentation mode (/presentation): the story's views one per screen, very large type, high contrast.

The slides are made by views/slides.py (the same content as the PowerPoint and PDF) and shown by callbacks/sharing.py.
Paging: the buttons, the arrow keys and PageUp/PageDown (presentation clickers), see assets/app.js.
"""
from __future__ import annotations

import uuid

from dash import dcc, html

from survey.results import Results
from views.slides import chart_rows
from views.texts import t

RANKING_ONE_COLUMN = 8  # a longer ranking is shown in two columns (17 villages cannot stand in one on 768 px)
SLIDE_GRAPH_CONFIG = {"displaylogo": False, "showSendToCloud": False, "responsive": True, "displayModeBar": False,
                      "scrollZoom": False, "doubleClick": False}


def presentation_page(results: Results, lang: str) -> html.Div:
    return html.Div([
        dcc.Store(id="lang", data=lang),
        html.Span(id="html-lang", hidden=True),
        dcc.Store(id="slide-index", data=0),
        dcc.Store(id="slide-jump"),  # Home/End (assets/app.js): the first or last slide
        dcc.Store(id="page-token", data=uuid.uuid4().hex),
        html.Span(id="slide-dummy", hidden=True),
        html.Header([
            html.Nav([
                html.Button(t("prev", lang), id="slide-prev", className="btn btn-light btn-lg", type="button"),
                html.Span(id="slide-counter", className="slide-counter", **{"aria-live": "polite"}),
                html.Button(t("next", lang), id="slide-next", className="btn btn-light btn-lg", type="button"),
            ], className="d-flex flex-nowrap align-items-center gap-2",
                **{"aria-label": t("presentation_title", lang)}),
            html.P(t("keys_help", lang), className="presentation-help"),
            html.Div([
                html.Button(t("fullscreen", lang), id="slide-fullscreen", className="btn btn-outline-light",
                            type="button"),
                html.A(t("exit_presentation", lang), href=f"/?lang={lang}" if lang != "sv" else "/",
                       id="slide-exit", className="btn btn-outline-light"),
            ], className="d-flex flex-nowrap gap-2"),
        ], className="presentation-bar"),
        html.Main(html.Article(id="slide", className="slide"), id="main", className="presentation-main"),
    ], id="presentation", className="presentation", lang=lang)


def slide_content(slide, index: int, count: int, lang: str, fit: dict | None = None, key: str = "") -> list:
    """One slide (views.slides.Slide) as page content: title, what is shown, the summary sentence, the chart
    (or, for an area with too few answers, a kind word why there is no number) beside the numbers (on a map
    slide the areas ranked), source and notes. assets/app.js shrinks the type (down to a floor) until it all fits.
    `fit`: the map's size attributes (layouts.page.map_fit), so assets/app.js fits the map to the screen.
    `key`: what the slide shows; the chart's id carries it, so each slide gets a new plotly graph (plotly.react
    from a bar chart to a map, or between maps of other levels, left MapLibre without its layers)."""
    graph = None
    size = {**fit, "data-grow": "1"} if fit and slide.chart == "map" else {"data-rows": str(chart_rows(slide.figure))}
    if slide.figure and slide.figure.get("data") and not slide.too_few:
        graph = html.Figure([
            dcc.Graph(id=f"slide-graph-{index}-{key}", figure=slide.figure, config=SLIDE_GRAPH_CONFIG,
                      className="slide-graph", responsive=True),
            html.Figcaption(t("chart_text_slide", lang), className="visually-hidden"),
        ], className=f"slide-figure slide-{slide.chart} mb-0", **size)
    side = [html.Div(slide.too_few_text, className="slide-too-few")] if slide.too_few else []
    if slide.ranking:  # a map slide: the areas ranked, then the municipality's line (no second heading)
        rows = [html.Tr([html.Td(f"{i}."), html.Th(area, scope="row"), html.Td(share, className="num"),
                         html.Td(span, className="num")]) for i, (area, share, span) in enumerate(slide.ranking, 1)]
        half = (len(rows) + 1) // 2 if len(rows) > RANKING_ONE_COLUMN else len(rows)
        side += [html.H2(slide.ranking_heading, className="slide-list-heading"),
                 html.Div([html.Table(html.Tbody(part), className="slide-ranking")
                           for part in (rows[:half], rows[half:]) if part], className="slide-ranking-columns"),
                 html.P(" · ".join(slide.ranking_notes), className="slide-list-note"),
                 *[html.P(line, className="slide-number-line") for line in slide.numbers]]
    else:
        caption = t("numbers_caption_index" if slide.is_index else "numbers_caption", lang)
        side.append(html.Table([html.Caption(caption, className="slide-list-heading"),
                                html.Tbody(_number_rows(slide.number_rows, lang))], className="slide-numbers"))
    return [
        html.H1(slide.title, className="slide-title", id="slide-title"),
        html.P(slide.subtitle, className="slide-subtitle"),
        html.P(slide.summary, className="slide-summary", id="slide-summary"),
        html.Div([graph, html.Div(side, className="slide-side")],
                 className="slide-body" + ("" if graph else " slide-body-text")),
        html.P([" ".join(slide.notes), html.Br(), slide.source], className="slide-source"),
    ]


def _number_rows(rows: list[tuple], lang: str) -> list:
    """The numbers as table rows; an area with several groups gets a row of its own above them (the groups' rows
    then name only the group: narrower than "Hela kommunen (65–84)" on each)."""
    out = []
    for area in dict.fromkeys(row[0] for row in rows):
        mine = [row for row in rows if row[0] == area]
        if len(mine) > 1:
            out.append(html.Tr(html.Th(area, colSpan=4, scope="colgroup", className="slide-numbers-area")))
        for name, who, share, span, answers in mine:
            label = (who or t("all_respondents", lang)) if len(mine) > 1 else (f"{name} ({who})" if who else name)
            cells = [html.Td(share, className="num"), html.Td(span, className="num"),
                     html.Td(answers, className="num")] if span else [html.Td(share, colSpan=3)]  # "för få svar"
            out.append(html.Tr([html.Th(label, scope="row", className="ps-3" if len(mine) > 1 else None), *cells]))
    return out


def empty_slide(lang: str) -> list:
    return [html.H1(t("presentation_title", lang), className="slide-title", id="slide-title"),
            html.P(t("presentation_empty", lang), className="slide-summary", id="slide-summary")]
