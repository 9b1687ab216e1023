"""The staff pages under /personal/: free-text answers (redacted) filtered by area, question and group, and
the upload of new survey exports, checked and published (staff/upload.py).

A Dash app of its own on the same Flask server, at /personal/, so that all its routes and callbacks
(/personal/_dash-update-component) are behind the staff guard of staff/auth.py; the callbacks check the
session again. The JSON API /personal/api/fritext gives the same answers.

Swedish, or English with `?lang=en` as on the public pages (staff_lang): the page's <html lang> and <title> are
set when it is served (StaffDash), the header and the page are drawn by a callback that reads the URL, and
every link keeps the language.
"""
from __future__ import annotations

from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html
from flask import Blueprint, has_request_context, jsonify, request

from layouts.page import index_html
from survey.results import QueryError
from translations import text as catalog_text
from views.labels import whole_words

from . import freetext, upload, upload_page
from .auth import LANG, LOGOUT, PREFIX, is_staff, lang_query, staff_lang, staff_user_label

ROOT = Path(__file__).resolve().parents[1]
UPLOAD = PREFIX + "uppladdning"
PROMISES = PREFIX + "loften/"  # the medborgarlöften's pages (promises/staff_pages.py)
GROUP_IDS = "staff-group-"


class StaffDash(dash.Dash):
    """The staff pages' Dash app; its page is served with <html lang> and <title> in the URL's language (Dash's
    index_string is one for every request; this is the override its docs describe)."""

    def interpolate_index(self, **kwargs) -> str:
        lang = staff_lang()
        page = index_html(lang)
        for key, value in {**kwargs, "title": catalog_text("staff_title", lang)}.items():
            page = page.replace("{%" + key + "%}", value)
        return page


def make_staff_app(server, get_results, data_dir: Path) -> dash.Dash:
    # assets/: the styles and dropdowns.js (Dash's dropdowns made accessible), not the public page's app.js
    app = StaffDash("trygghetskartan_staff", server=server, url_base_pathname=PREFIX,
                    title=catalog_text("staff_title", LANG),
                    assets_folder=str(ROOT / "assets"), assets_ignore=r"^app\.js$", assets_path_ignore=["^plotly$"],
                    serve_locally=True,
                    suppress_callback_exceptions=True, update_title=None,
                    meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"},
                               {"name": "robots", "content": "noindex"}])
    app.index_string = index_html(LANG)
    app.layout = layout
    results_now = get_results()
    group_inputs = [Input(GROUP_IDS + g.id, "value") for g in results_now.codebook.groups]

    @app.callback(Output("staff-shell", "children"), Input("staff-url", "pathname"), Input("staff-url", "search"))
    def show_page(pathname, search):
        lang = staff_lang(search)
        if not is_staff():  # the guard has already answered 401; this is the second check
            return html.P(catalog_text("staff_login_first", lang))
        if pathname == UPLOAD:
            content = upload_page.page(data_dir, lang)
        else:
            content = freetext_page(get_results(), lang)
        return frame(content, pathname, lang)

    @app.callback(Output("staff-answers", "children"), Input("staff-question", "value"), Input("staff-wave", "value"),
                  Input("staff-area", "value"), *group_inputs, State("staff-url", "search"))
    def show_answers(question, wave, area, *codes_and_search):
        *codes, search = codes_and_search
        lang = staff_lang(search)
        if not is_staff():
            return html.P(catalog_text("staff_login_first", lang))
        results = get_results()
        params = {"question": question, "wave": wave, "area": area,
                  **{g.id: c for g, c in zip(results.codebook.groups, codes)}}
        try:
            found = freetext.answers(results, params)
        except QueryError as err:
            return dbc.Alert(catalog_text("staff_selection_error", lang).format(error=err), color="warning")
        return answer_list(found, lang)

    server.register_blueprint(api_blueprint(get_results))
    upload.register(server, get_results, data_dir)
    upload_page.register_callbacks(app, get_results, data_dir)
    return app


def api_blueprint(get_results) -> Blueprint:
    api = Blueprint("staff_api", __name__, url_prefix=PREFIX + "api")

    @api.get("/fritext")
    def answers():
        if not is_staff():
            return jsonify({"error": catalog_text("staff_login_required", staff_lang())}), 401
        try:
            found = freetext.answers(get_results(), request.args)
        except QueryError as err:
            return jsonify({"error": str(err), "parameter": err.parameter, "allowed": err.allowed}), 400
        response = jsonify(found)
        response.headers["Cache-Control"] = "no-store"
        return response

    return api


def layout() -> html.Div:
    """The page's frame: the URL, and the place where show_page draws the header and the page in its language."""
    return html.Div([dcc.Location(id="staff-url"), html.Div(id="staff-shell")])


def frame(content, pathname: str | None, lang: str) -> html.Div:
    """The header (who is logged in, the staff pages, the map, the other language, log out) above `content`."""
    keep = lang_query(lang)
    other = "en" if lang == "sv" else "sv"
    here = UPLOAD if pathname == UPLOAD else PREFIX

    def nav_link(key: str, path: str) -> html.A:
        current = {"aria-current": "page"} if path == here else {}
        return html.A(catalog_text(key, lang), href=path + keep, className="me-3", **current)

    user = staff_user_label(lang) if has_request_context() else ""
    return html.Div([
        html.Header(dbc.Container([
            html.Div([html.H1(catalog_text("staff_title", lang), className="h4 mb-0"),
                      html.P(catalog_text("staff_logged_in", lang).format(user=user),
                             className="small mb-0 text-body-secondary")]),
            html.Nav([
                nav_link("staff_nav_freetext", PREFIX),
                nav_link("staff_nav_upload", UPLOAD),
                nav_link("staff_nav_promises", PROMISES),
                html.A(catalog_text("staff_nav_map", lang), href="/" + keep, className="me-3"),
                html.A(catalog_text("language_link", lang), href=f"?lang={other}", lang=other, id="staff-language-link",
                       className="btn btn-outline-primary btn-sm me-2"),
                html.Form(html.Button(catalog_text("staff_logout", lang), type="submit",
                                      className="btn btn-outline-secondary btn-sm"),
                          method="post", action=LOGOUT + keep, className="d-inline"),
            ], className="d-flex flex-wrap align-items-center row-gap-2"),
        ], fluid=True, className="d-flex flex-wrap justify-content-between align-items-center py-2"),
            className="border-bottom"),
        dbc.Container(html.Main(content, id="staff-page", className="py-3"), fluid=True),
    ], lang=lang)


def freetext_page(results, lang: str = LANG) -> html.Div:
    qs = freetext.questions(results)
    groups = [html.Div([dbc.Label(g.label[lang], html_for=GROUP_IDS + g.id, className="fw-semibold mb-1"),
                        dcc.Dropdown(id=GROUP_IDS + g.id, options=[{"label": o.label[lang], "value": o.code}
                                                                    for o in g.options],
                                     placeholder=catalog_text("staff_all", lang), clearable=True)], className="mb-2")
              for g in results.codebook.groups]
    return dbc.Row([
        dbc.Col(html.Aside([
            html.H2(catalog_text("staff_selection", lang), className="h5"),
            dbc.Label(catalog_text("staff_question", lang), html_for="staff-question", className="fw-semibold mb-1"),
            dcc.Dropdown(id="staff-question", options=[{"label": q.text[lang], "value": q.id} for q in qs],
                         value=qs[0].id if qs else None, clearable=False, className="mb-2"),
            dbc.Label(catalog_text("staff_wave", lang), html_for="staff-wave", className="fw-semibold mb-1"),
            dcc.Dropdown(id="staff-wave", options=[{"label": str(w), "value": str(w)} for w in results.waves],
                         placeholder=catalog_text("staff_all_waves", lang), clearable=True, className="mb-2"),
            dbc.Label(catalog_text("staff_area", lang), html_for="staff-area", className="fw-semibold mb-1"),
            dcc.Dropdown(id="staff-area", options=freetext.area_choices(results, lang),
                         placeholder=catalog_text("staff_whole", lang).format(**whole_words(results, lang)),
                         clearable=True, className="mb-2"),
            *groups,
        ]), lg=3, md=4),
        dbc.Col(html.Section([
            html.H2(catalog_text("staff_freetext_heading", lang), className="h5"),
            dbc.Alert(catalog_text("staff_redaction_note", lang), color="info", className="small"),
            html.Div(id="staff-answers", **{"aria-live": "polite"}),
        ]), lg=9, md=8),
    ])


def answer_list(found: dict, lang: str = LANG) -> html.Div:
    shown = len(found["answers"])
    head = catalog_text("staff_count", lang).format(n=found["count"]) + (
        catalog_text("staff_count_first", lang).format(shown=shown) if shown < found["count"] else "")
    return html.Div([
        html.P(head, className="fw-semibold", id="staff-count"),
        html.Ul([html.Li([html.Span(a["text"], className="staff-text"),
                          html.Span(f" – {a['area']}, {a['wave']}", className="small text-body-secondary")],
                         className="list-group-item") for a in found["answers"]],
                className="list-group", id="staff-answer-list"),
    ])
