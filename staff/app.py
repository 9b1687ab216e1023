"""The staff pages under /personal/: free-text answers (redacted) filtered by area, question and group, and a
the upload of new survey exports, checked and published (staff/upload.py).

A Dash app of its own on the same Flask server, at /personal/, so that all its routes and callbacks
(/personal/_dash-update-component) are behind the staff guard of staff/auth.py; the callbacks check the
session again. The JSON API /personal/api/fritext gives the same answers.
"""
from __future__ import annotations

from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html
from flask import Blueprint, has_request_context, jsonify, request

from survey.results import QueryError

from . import freetext, upload
from layouts.page import index_html
from translations import text as t

from .auth import LANG, LOGOUT, PREFIX, is_staff, staff_user

ROOT = Path(__file__).resolve().parents[1]
UPLOAD = PREFIX + "uppladdning"
GROUP_IDS = "staff-group-"


def make_staff_app(server, get_results, data_dir: Path) -> dash.Dash:
    app = dash.Dash("trygghetskartan_staff", server=server, url_base_pathname=PREFIX, title=t("staff_title", LANG),
                    assets_folder=str(ROOT / "assets"), assets_ignore=r".*\.js$", serve_locally=True,
                    suppress_callback_exceptions=True, update_title=None,
                    meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"},
                               {"name": "robots", "content": "noindex"}])
    app.index_string = index_html(LANG)
    app.layout = lambda: layout(get_results())
    results_now = get_results()
    group_inputs = [Input(GROUP_IDS + g.id, "value") for g in results_now.codebook.groups]

    @app.callback(Output("staff-page", "children"), Input("staff-url", "pathname"))
    def show_page(pathname):
        if not is_staff():  # the guard has already answered 401; this is the second check
            return html.P(t("staff_login_first", LANG))
        if pathname == UPLOAD:
            return upload.page()
        return freetext_page(get_results())

    @app.callback(Output("staff-answers", "children"), Input("staff-question", "value"), Input("staff-wave", "value"),
                  Input("staff-area", "value"), *group_inputs)
    def show_answers(question, wave, area, *codes):
        if not is_staff():
            return html.P(t("staff_login_first", LANG))
        results = get_results()
        params = {"question": question, "wave": wave, "area": area,
                  **{g.id: c for g, c in zip(results.codebook.groups, codes)}}
        try:
            found = freetext.answers(results, params)
        except QueryError as err:
            return dbc.Alert(t("staff_selection_error", LANG).format(error=err), color="warning")
        return answer_list(found)

    server.register_blueprint(api_blueprint(get_results))
    upload.register(app, server, get_results, data_dir)
    return app


def api_blueprint(get_results) -> Blueprint:
    api = Blueprint("staff_api", __name__, url_prefix=PREFIX + "api")

    @api.get("/fritext")
    def answers():
        if not is_staff():
            return jsonify({"error": t("staff_login_required", LANG)}), 401
        try:
            found = freetext.answers(get_results(), request.args)
        except QueryError as err:
            return jsonify({"error": str(err), "parameter": err.parameter, "allowed": err.allowed}), 400
        response = jsonify(found)
        response.headers["Cache-Control"] = "no-store"
        return response

    return api


def layout(results) -> html.Div:
    return html.Div([
        dcc.Location(id="staff-url"),
        html.Header(dbc.Container([
            html.Div([html.H1(t("staff_title", LANG), className="h4 mb-0"),
                      html.P(t("staff_logged_in", LANG).format(user=(staff_user() if has_request_context() else None) or ""),
                             className="small mb-0 text-body-secondary")]),
            html.Nav([
                html.A(t("staff_nav_freetext", LANG), href=PREFIX, className="me-3"),
                html.A(t("staff_nav_upload", LANG), href=UPLOAD, className="me-3"),
                html.A(t("staff_nav_map", LANG), href="/", className="me-3"),
                html.Form(html.Button(t("staff_logout", LANG), type="submit", className="btn btn-outline-secondary btn-sm"),
                          method="post", action=LOGOUT, className="d-inline"),
            ], className="d-flex align-items-center"),
        ], fluid=True, className="d-flex justify-content-between align-items-center py-2"), className="border-bottom"),
        dbc.Container(html.Main(id="staff-page", className="py-3"), fluid=True),
    ], lang=LANG)


def freetext_page(results) -> html.Div:
    qs = freetext.questions(results)
    groups = [html.Div([dbc.Label(g.label["sv"], html_for=GROUP_IDS + g.id, className="fw-semibold mb-1"),
                        dcc.Dropdown(id=GROUP_IDS + g.id, options=[{"label": o.label["sv"], "value": o.code}
                                                                    for o in g.options],
                                     placeholder=t("staff_all", LANG), clearable=True)], className="mb-2")
              for g in results.codebook.groups]
    return dbc.Row([
        dbc.Col(html.Aside([
            html.H2(t("staff_selection", LANG), className="h5"),
            dbc.Label(t("staff_question", LANG), html_for="staff-question", className="fw-semibold mb-1"),
            dcc.Dropdown(id="staff-question", options=[{"label": q.text["sv"], "value": q.id} for q in qs],
                         value=qs[0].id if qs else None, clearable=False, className="mb-2"),
            dbc.Label(t("staff_wave", LANG), html_for="staff-wave", className="fw-semibold mb-1"),
            dcc.Dropdown(id="staff-wave", options=[{"label": str(w), "value": str(w)} for w in results.waves],
                         placeholder=t("staff_all_waves", LANG), clearable=True, className="mb-2"),
            dbc.Label(t("staff_area", LANG), html_for="staff-area", className="fw-semibold mb-1"),
            dcc.Dropdown(id="staff-area", options=freetext.area_choices(results, "sv"), placeholder=t("staff_whole", LANG),
                         clearable=True, className="mb-2"),
            *groups,
        ]), lg=3, md=4),
        dbc.Col(html.Section([
            html.H2(t("staff_freetext_heading", LANG), className="h5"),
            dbc.Alert(t("staff_redaction_note", LANG),
                      color="info", className="small"),
            html.Div(id="staff-answers", **{"aria-live": "polite"}),
        ]), lg=9, md=8),
    ])


def answer_list(found: dict) -> html.Div:
    shown = len(found["answers"])
    head = t("staff_count", LANG).format(n=found["count"]) + (
        t("staff_count_first", LANG).format(shown=shown) if shown < found["count"] else "")
    return html.Div([
        html.P(head, className="fw-semibold", id="staff-count"),
        html.Ul([html.Li([html.Span(a["text"], className="staff-text"),
                          html.Span(f" – {a['area']}, {a['wave']}", className="small text-body-secondary")],
                         className="list-group-item") for a in found["answers"]],
                className="list-group", id="staff-answer-list"),
    ])
