"""The upload page (/personal/uppladdning) and its callbacks: what is published now (with one click back to the
previous build), the upload, the check as tables with the comparison against the published build, a form that
maps unknown area values to known areas and checks again, and Publicera. The work is staff/upload.py's; the
tables are staff/publish_report.py's."""
from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, dcc, html, no_update

from survey.compare import compare
from survey.outcome import Outcome
from survey.publishing import linked, previous_link
from survey.results import Results, open_results
from translations import text as t
from views.texts import integer

from . import area_aliases, publish_report
from .auth import LANG, is_staff, staff_lang
from .upload import (
    ANSWERS,
    CODEBOOK,
    UPLOAD_LIMIT,
    UploadError,
    aliases_file,
    check,
    config_of,
    publish,
    restore_previous,
    save,
)

CHECK_OUTPUTS = ("staff-upload-report", "staff-upload-id", "staff-publish", "staff-publish-result",
                 "staff-upload-checked", "staff-unknown-values")


def page(data_dir: Path, lang: str = LANG) -> html.Div:
    """The page in `lang`."""
    mb = UPLOAD_LIMIT // 2**20
    return html.Div([
        html.H2(t("upload_heading", lang), className="h5"),
        html.Div(published_now(data_dir, lang), id="staff-published"),
        dcc.Markdown(t("upload_intro", lang).format(mb=mb), className="small"),
        # In a <label>: the file input inside gets its name from the text (WCAG 1.3.1/4.1.2), and a click on the
        # label opens the file chooser (the browser's own label behaviour, so Upload's own click is off).
        html.Label(dcc.Upload(id="staff-upload-files", multiple=True, accept=",".join(ANSWERS + CODEBOOK),
                              disable_click=True,
                              children=html.Div([t("upload_drop", lang), " ", html.Span(
                                  t("upload_choose", lang), className="text-decoration-underline")]),
                              className="staff-upload-drop border border-2 rounded p-4 text-center",
                              style={"borderStyle": "dashed", "cursor": "pointer"}),
                   className="d-block mb-3"),
        dcc.Store(id="staff-upload-id"), dcc.Store(id="staff-upload-checked"), dcc.Store(id="staff-unknown-values"),
        dcc.Loading(html.Div(id="staff-upload-report", **{"aria-live": "polite"}), type="default"),
        html.Button(t("upload_publish", lang), id="staff-publish", disabled=True, className="btn btn-primary my-3"),
        dcc.Loading(html.Div(id="staff-publish-result", **{"aria-live": "polite"}), type="default"),
    ], id="staff-upload")


def _about(manifest: dict, lang: str) -> str:
    return t("published_build", lang).format(
        built=manifest["built_at"][:16].replace("T", " "), respondents=integer(manifest["respondents"], lang),
        waves=", ".join(str(w) for w in manifest["waves"]))


def published_now(data_dir: Path, lang: str) -> dbc.Card:
    """The published build and, when there is one, the previous build with a button that restores it."""
    data_dir = Path(data_dir)
    current, previous = linked(data_dir), linked(previous_link(data_dir))
    if current is None and (data_dir / "manifest.json").is_file():  # a data folder of its own, not a link
        current = data_dir.resolve()
    parts = []
    if current is not None:
        parts.append(html.P([html.Strong(t("published_now", lang) + " "), _about(_manifest(current), lang)],
                            className="mb-1", id="staff-published-now"))
    if previous is not None:
        parts += [html.P([html.Strong(t("published_previous", lang) + " "), _about(_manifest(previous), lang)],
                         className="mb-2", id="staff-published-previous"),
                  html.Button(t("restore_button", lang), id="staff-restore",
                              className="btn btn-outline-danger btn-sm")]
    return dbc.Card(dbc.CardBody(parts, className="small py-2"), className="mb-3")


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def checked(upload_id: str, data_dir: Path, base_config: Path, lang: str) -> tuple:
    """The check of an upload as the page shows it: (report, upload id to publish, publish disabled, publish
    result, the upload checked, its unknown area values)."""
    outcome = check(upload_id, data_dir, base_config)
    if not outcome.ok:
        return failed_report(outcome, data_dir, lang), None, True, None, upload_id, \
            [a["value"] for a in outcome.unknown_areas]
    return passed_report(outcome, data_dir, lang), upload_id, False, None, upload_id, []


def failed_report(outcome: Outcome, data_dir: Path, lang: str) -> list:
    lines = [line.strip() for line in outcome.text.splitlines() if line.strip()]
    warnings = [line.removeprefix("Varning: ") for line in lines if line.startswith("Varning: ")]
    errors = [line for line in lines if not line.startswith("Varning: ") and line != "Fel (error):"]
    parts = [dbc.Alert(t("upload_check_failed", lang), color="danger", className="mb-2")]
    if outcome.unknown_areas:
        results = open_results(data_dir)
        finest = results.levels[0]
        areas = [(a, results.area_name(finest, a)) for a in results.area_ids(finest)]
        parts.append(publish_report.unknown_areas_form(outcome.unknown_areas, areas, lang))
    parts += [publish_report.messages(t("report_errors", lang), errors, "danger"),
              publish_report.messages(t("report_warnings", lang), warnings, "warning")]
    return parts


def passed_report(outcome: Outcome, data_dir: Path, lang: str) -> list:
    manifest = outcome.manifest
    new = Results(Path(data_dir).parent / "builds" / manifest["build_id"])
    old = open_results(data_dir) if (Path(data_dir) / "manifest.json").is_file() else None
    questions = {q: (new.codebook.question(q) or new.codebook.index(q)).short[lang] for q in new.codebook.question_ids}
    levels = {lv["id"]: lv["label"][lang] for lv in manifest["levels"]}
    return [dbc.Alert(t("upload_check_ok", lang), color="success", className="mb-2"),
            publish_report.comparison(compare(old, new), questions, levels, lang),
            html.H3(t("report_files_heading", lang), className="h6 mt-3"),
            *publish_report.files_and_answers(manifest, lang),
            *publish_report.area_matching(manifest, lang),
            publish_report.messages(t("report_warnings", lang), manifest["warnings"], "warning")]


def register_callbacks(app, get_results, data_dir: Path) -> None:
    data_dir = Path(data_dir)
    outputs = [Output(CHECK_OUTPUTS[0], "children"), Output(CHECK_OUTPUTS[1], "data"),
               Output(CHECK_OUTPUTS[2], "disabled"), Output(CHECK_OUTPUTS[3], "children"),
               Output(CHECK_OUTPUTS[4], "data"), Output(CHECK_OUTPUTS[5], "data")]
    again = [Output(o.component_id, o.component_property, allow_duplicate=True) for o in outputs]
    refused = (None, True, None, None, [])

    @app.callback(*outputs, Input("staff-upload-files", "contents"), State("staff-upload-files", "filename"),
                  State("staff-url", "search"), prevent_initial_call=True)
    def check_files(contents, names, search):
        lang = staff_lang(search)
        if not is_staff():
            return html.P(t("staff_login_first", lang)), *refused
        try:
            files = [(name, base64.b64decode(content.split(",", 1)[1], validate=True))
                     for name, content in zip(names or [], contents or [])]
            return checked(save(files, data_dir, lang), data_dir, config_of(get_results), lang)
        except (UploadError, binascii.Error, IndexError) as err:
            return dbc.Alert(str(err) or t("upload_unreadable", lang), color="danger"), *refused

    @app.callback(*again, Input("staff-alias-save", "n_clicks"), State({"type": "staff-alias-area", "index": ALL},
                                                                        "value"),
                  State("staff-unknown-values", "data"), State("staff-upload-checked", "data"),
                  State("staff-url", "search"), prevent_initial_call=True)
    def save_aliases(clicks, chosen, values, upload_id, search):
        lang = staff_lang(search)
        if not is_staff():
            return html.P(t("staff_login_first", lang)), *refused
        if not clicks or not upload_id:
            return (no_update,) * 6
        results = get_results()
        mappings = {v: a for v, a in zip(values or [], chosen or []) if a}
        try:
            area_aliases.save(aliases_file(data_dir, config_of(get_results)), mappings,
                              set(results.area_ids(results.levels[0])))
            return checked(upload_id, data_dir, config_of(get_results), lang)
        except (area_aliases.AliasError, UploadError) as err:
            return dbc.Alert(t("alias_refused", lang).format(value=str(err)), color="danger"), *refused

    register_publish(app, data_dir, get_results)


def register_publish(app, data_dir: Path, get_results) -> None:
    @app.callback(Output("staff-publish-result", "children", allow_duplicate=True),
                  Output("staff-publish", "disabled", allow_duplicate=True),
                  Output("staff-published", "children", allow_duplicate=True),
                  Input("staff-publish", "n_clicks"), State("staff-upload-id", "data"), State("staff-url", "search"),
                  prevent_initial_call=True)
    def publish_upload(clicks, upload_id, search):
        lang = staff_lang(search)
        if not is_staff():
            return html.P(t("staff_login_first", lang)), True, no_update
        if not clicks or not upload_id:
            return no_update, no_update, no_update
        try:
            outcome = publish(upload_id, data_dir, config_of(get_results), lang)
        except UploadError as err:
            return dbc.Alert(str(err), color="danger"), True, no_update
        shown = t("upload_published" if outcome.ok else "upload_publish_failed", lang)
        alert = dbc.Alert(shown, color="success" if outcome.ok else "danger", id="staff-publish-outcome")
        if not outcome.ok:
            alert = [alert, publish_report.messages(t("report_errors", lang), outcome.text.splitlines(), "danger")]
        return alert, outcome.ok, published_now(data_dir, lang)

    @app.callback(Output("staff-published", "children", allow_duplicate=True),
                  Input("staff-restore", "n_clicks"), State("staff-url", "search"), prevent_initial_call=True)
    def restore(clicks, search):
        lang = staff_lang(search)
        if not is_staff():
            return html.P(t("staff_login_first", lang))
        if not clicks:
            return no_update
        outcome = restore_previous(data_dir, lang)
        # the outcome beside the button that was pressed (the page below may be long)
        alert = dbc.Alert(outcome.text, color="success" if outcome.ok else "danger", id="staff-restore-outcome",
                          className="small mb-2")
        return [alert, published_now(data_dir, lang)]
