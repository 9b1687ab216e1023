"""Callbacks for meetings: the view in the URL, "Dela" (link and QR code), the story (add, remove, move, clear,
save and open as JSON), its PowerPoint and PDF, chart images, and presentation mode.

Only the wiring: views are parsed by views/params.py, stories read and written by views/story.py, slides made by
views/slides.py (exports/slides.py draws them as files). The browser-side parts (URL history, paging keys, chart
images) are in assets/app.js.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date

import dash_bootstrap_components as dbc
from dash import ALL, ClientsideFunction, Input, Output, State, ctx, dcc, html, no_update

from exports.jobs import queue, valid_job_id
from exports.routes import KIND_NAMES, job_message, start_story_export, too_long
from layouts.page import map_fit
from layouts.presentation import empty_slide, slide_content
from promises.slide import story_label, story_slide, with_promise_slides
from survey.results import QueryError
from views.params import control_view, parse_view, story_item
from views.qr import only_this_computer, public_url, qr_data_uri, shared_url
from views.slides import make_slide, screen_figure
from views.story import MAX_STORY, StoryTooLong, promise_id, read_story_file, story_entry_label, story_file, story_views
from views.texts import t

from .promise_story import register_promise_story_callbacks

FILTER_IDS = State({"type": "filter", "group": ALL}, "id")


def register_sharing_callbacks(app, get_results) -> None:
    register_link_callbacks(app, get_results)
    register_story_callbacks(app, get_results)
    register_story_clear_callbacks(app)
    register_story_file_callbacks(app, get_results)
    register_presentation_callbacks(app, get_results)
    register_promise_story_callbacks(app)


def register_link_callbacks(app, get_results) -> None:
    """The view → the URL, the links that depend on it, and "Dela" (the link and its QR code)."""
    filters = Input({"type": "filter", "group": ALL}, "value")
    controls = [Input("question", "value"), Input("wave", "value"), Input("level", "value"), Input("by", "value"),
                filters, Input("area", "value")]

    # The view → the URL (and the links that depend on it). In the browser: it writes the history.
    app.clientside_callback(
        ClientsideFunction("tk", "syncUrl"),
        Output("url", "search"), Output("url", "href"), Output("view-search", "data"), Output("share-url", "value"),
        Output("language-link", "href"), Output("table-csv", "href"), Output("table-xlsx", "href"),
        Output("story-start", "href"), Output("follow-up-link", "href"),
        *controls, FILTER_IDS, State("lang", "data"), State("view-defaults", "data"), State("page-token", "data"))

    @app.callback(Output("share-modal", "is_open"), Output("share-qr", "src"), Output("share-qr", "alt"),
                  Output("share-warning", "children"),
                  Input("share-button", "n_clicks"), Input("share-close", "n_clicks"),
                  State("share-url", "value"), State("lang", "data"), prevent_initial_call=True)
    def share(open_clicks, close_clicks, url, lang):
        if ctx.triggered_id == "share-close" or not url:
            return False, no_update, no_update, no_update
        public = public_url(get_results().manifest)
        url = shared_url(url, public)  # the page writes it so too (app.js); the QR code never names another
        warning = None
        if not public and only_this_computer(url):
            warning = dbc.Alert(t("share_local_warning", lang), color="warning", className="small mb-2",
                                id="share-local-warning")
        return True, qr_data_uri(url), t("qr_alt", lang, url=url), warning



def register_story_callbacks(app, get_results) -> None:
    """The story: add, remove, move, clear, open a file; its list."""
    @app.callback(Output("story", "data"), Output("story-status", "children"),
                  Output("story-import-status", "children"),
                  Input("story-add", "n_clicks"), Input({"type": "story-remove", "index": ALL}, "n_clicks"),
                  Input({"type": "story-up", "index": ALL}, "n_clicks"),
                  Input({"type": "story-down", "index": ALL}, "n_clicks"), Input("story-clear-confirm", "n_clicks"),
                  Input("story-upload", "contents"), Input({"type": "story-add-chart", "chart": ALL}, "n_clicks"),
                  State("question", "value"), State("wave", "value"), State("level", "value"), State("by", "value"),
                  State({"type": "filter", "group": ALL}, "value"), State("area", "value"), FILTER_IDS,
                  State("story-upload", "filename"), State("story", "data"), State("lang", "data"),
                  prevent_initial_call=True)
    def edit_story(add, removes, ups, downs, clear, upload, charts, question, wave, level, by, filter_values, area, ids,
                   filename, story, lang):
        results = get_results()
        trigger = ctx.triggered_id
        try:
            story = story_views(story)
        except StoryTooLong:  # not a story the page made: the page says so, and it can be cleared
            return ([], "", "") if trigger == "story-clear" else (no_update, too_long(story, lang), "")
        chart = trigger.get("chart") if isinstance(trigger, dict) and trigger.get("type") == "story-add-chart" else None
        if (trigger == "story-add" and add) or (chart and any(charts)):
            if len(story) >= MAX_STORY:
                return no_update, too_long(story + [{}], lang), ""
            item = story_item(control_view(results, question, wave, level, by, filter_values, ids, area, lang))
            if chart:  # the view's trend or its index's profile as the slide's chart (views/slide_charts.py)
                item = story_item(parse_view({**item, "chart": chart}, results))
            if item in story:
                return no_update, t("story_duplicate", lang, n=story.index(item) + 1), ""
            story.append(item)
            return story, t("story_added", lang, n=len(story)), ""
        if trigger == "story-clear-confirm" and clear:
            return [], "", ""
        if trigger == "story-upload" and upload:
            try:
                views = read_story_file(upload, results)
            except (ValueError, QueryError) as err:
                return no_update, "", t("story_import_error", lang, error=err)
            return views, "", t("story_imported", lang, n=len(views), name=filename or "")
        if isinstance(trigger, dict) and ctx.triggered[0]["value"]:
            i = trigger["index"]
            if 0 <= i < len(story):
                other = {"story-up": i - 1, "story-down": i + 1}.get(trigger["type"])
                if trigger["type"] == "story-remove":
                    story.pop(i)
                elif 0 <= other < len(story):  # assets/app.js keeps the focus on the moved view's button
                    story[other], story[i] = story[i], story[other]
                return story, "", ""
        return no_update, no_update, no_update

    # The page's token as an input too: the stored story may arrive before the page is drawn.
    @app.callback(Output("story-list", "children"), Output("story-start", "className"),
                  Input("story", "data"), Input("page-token", "data"), State("lang", "data"))
    def show_story(story, token, lang):
        results = get_results()
        try:
            story = story_views(story)
        except StoryTooLong:
            return [html.Li(too_long(story, lang), className="story-empty")], "btn btn-primary btn-sm"
        items = []
        if any(promise_id(item) for item in story):  # a promise's title comes from the database
            ctx.response.set_header("Cache-Control", "no-store")
        for i, item in enumerate(story):
            try:
                label = story_label(item, lang) if promise_id(item) else story_entry_label(results, item, lang)
            except (KeyError, StopIteration, AttributeError, TypeError):
                label = str(item)
            buttons = [html.Button(arrow, id={"type": kind, "index": i}, type="button",
                                   className="btn btn-link btn-sm p-0 ms-1", **{"aria-label": t(kind.replace("-", "_"),
                                                                                                 lang, n=i + 1)})
                       for arrow, kind, shown in (("↑", "story-up", i > 0), ("↓", "story-down", i < len(story) - 1))
                       if shown]
            buttons.append(html.Button("✕", id={"type": "story-remove", "index": i}, type="button",
                                       className="btn btn-link btn-sm p-0 ms-1",
                                       **{"aria-label": t("story_remove", lang, n=i + 1)}))
            items.append(html.Li([html.Span(label), *buttons], className="story-item"))
        if not items:
            return [html.Li(t("story_empty", lang), className="story-empty")], "btn btn-primary btn-sm"
        return items, "btn btn-primary btn-sm"



def register_story_clear_callbacks(app) -> None:
    """"Töm presentationen" opens a question; the story is emptied only by its "Ja" (register_story_callbacks)."""
    @app.callback(Output("story-clear-modal", "is_open"), Input("story-clear", "n_clicks"),
                  Input("story-clear-cancel", "n_clicks"), Input("story-clear-confirm", "n_clicks"),
                  prevent_initial_call=True)
    def ask_before_clearing(clear, cancel, confirm):
        return ctx.triggered_id == "story-clear" and bool(clear)


def register_story_file_callbacks(app, get_results) -> None:
    """The story saved as JSON, and as PowerPoint or PDF."""
    @app.callback(Output("story-json", "data"), Input("story-export", "n_clicks"), State("story", "data"),
                  State("lang", "data"), prevent_initial_call=True)
    def export_story(clicks, story, lang):
        if not clicks:
            return no_update
        try:
            story = story_views(story)
        except StoryTooLong:
            return no_update
        return {"content": story_file(story, lang), "filename": f"presentation-{date.today().isoformat()}.json",
                "type": "application/json"}

    @app.callback(Output("story-job", "data"), Output("story-file-status", "children"),
                  Output("story-job-poll", "disabled"), Output("story-job-poll", "n_intervals"),
                  Input("story-pptx", "n_clicks"), Input("story-pdf", "n_clicks"),
                  State("story", "data"), State("lang", "data"), prevent_initial_call=True)
    def export_slides(pptx_clicks, pdf_clicks, story, lang):
        # A job (exports/jobs.py): this answers at once; the poll below shows its progress and fetches the file.
        ctx.response.set_header("Cache-Control", "no-store")  # web/response_cache.py: never a shared answer
        if not story or not ctx.triggered[0]["value"]:
            return no_update, t("story_empty", lang) if not story else no_update, no_update, no_update
        kind = "pptx" if ctx.triggered_id == "story-pptx" else "pdf"
        job, _, message = start_story_export(get_results(), kind, story, lang, with_promise_slides)
        if job is None:
            return None, message, True, 0
        return {"id": job, "kind": kind}, message, False, 0

    @app.callback(Output("story-file", "data"), Output("story-file-status", "children", allow_duplicate=True),
                  Output("story-job-poll", "disabled", allow_duplicate=True),
                  Input("story-job-poll", "n_intervals"), State("story-job", "data"), State("lang", "data"),
                  prevent_initial_call=True)
    def poll_export(_n, job, lang):
        ctx.response.set_header("Cache-Control", "no-store")
        if not isinstance(job, dict) or not valid_job_id(job.get("id")) or job.get("kind") not in KIND_NAMES:
            return no_update, no_update, True
        status = queue().status(job["id"])
        if status["state"] in ("queued", "running"):
            return no_update, job_message(status, lang), False
        body = queue().file(job["id"], job["kind"]) if status["state"] == "done" else None
        if body is None:
            return no_update, job_message(status if status["state"] != "done" else {"state": "gone"}, lang), True
        stem = f"trygghetskartan-{date.today().isoformat()}"
        return dcc.send_bytes(body, f"{stem}.{job['kind']}"), job_message(status, lang), True



def register_presentation_callbacks(app, get_results) -> None:
    """Chart images (in the browser) and presentation mode."""
    app.clientside_callback(ClientsideFunction("tk", "saveChart"), Output("chart-saved", "children"),
                            Input({"type": "save-chart", "chart": ALL, "format": ALL}, "n_clicks"),
                            State({"type": "save-chart", "chart": ALL, "format": ALL}, "id"),
                            prevent_initial_call=True)

    # ---- presentation mode -------------------------------------------------------------------------------------
    app.clientside_callback(ClientsideFunction("tk", "step"), Output("slide-index", "data"),
                            Input("slide-prev", "n_clicks"), Input("slide-next", "n_clicks"),
                            Input("slide-jump", "data"),
                            Input("story", "data"), Input("page-token", "data"), State("slide-index", "data"),
                            State("story", "data"))
    app.clientside_callback(ClientsideFunction("tk", "fullscreen"), Output("slide-dummy", "children"),
                            Input("slide-fullscreen", "n_clicks"), prevent_initial_call=True)

    @app.callback(Output("slide", "children"), Output("slide-counter", "children"),
                  Output("slide-prev", "disabled"), Output("slide-next", "disabled"),
                  Input("slide-index", "data"), Input("story", "data"), Input("page-token", "data"),
                  State("lang", "data"))
    def show_slide(index, story, token, lang):
        try:
            story = story_views(story)
        except StoryTooLong:
            return empty_slide(lang), too_long(story, lang), True, True
        if not story:
            return empty_slide(lang), "", True, True
        index = max(0, min(index if isinstance(index, int) else 0, len(story) - 1))
        results = get_results()
        if promise_id(story[index]):  # a promise's follow-up (promises/slide.py), from the database
            ctx.response.set_header("Cache-Control", "no-store")
            slide = story_slide(results, story[index], lang)
        else:
            slide = make_slide(results, parse_view({**story[index], "lang": lang}, results), lang)
        if slide.figure and slide.figure.get("data"):
            slide.figure = screen_figure(slide)
        key = hashlib.sha1(json.dumps([story[index], lang], sort_keys=True).encode()).hexdigest()[:10]
        return (slide_content(slide, index, len(story), lang, map_fit(results), key),
                t("slide_of", lang, i=index + 1, n=len(story)),
                index == 0, index == len(story) - 1)

