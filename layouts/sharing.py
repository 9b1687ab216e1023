"""The parts of the page for meetings: share a view (link and QR code), build a presentation ("story") of views,
save charts as images and the table as CSV or Excel. The callbacks are in callbacks/sharing.py."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from views.texts import t

FOLLOW_UP = "/personal/loften/indikator"  # promises/staff_pages.py


def view_toolbar(lang: str) -> html.Div:
    """Under the view's title: share it, or add it to the presentation."""
    return html.Div([
        html.Button(t("share_button", lang), id="share-button", type="button",
                    className="btn btn-outline-primary btn-sm me-2", **{"aria-haspopup": "dialog"}),
        html.Button(t("story_add", lang), id="story-add", type="button", className="btn btn-primary btn-sm"),
        html.Span(id="story-status", className="small ms-2", role="status"),
        # staff (issue 23): the view as an indicator of a medborgarlöfte; the href follows the view (assets/app.js);
        # shown only to a browser that has logged in as staff (staff/auth.py's hint cookie)
        html.A(t("follow_up_link", lang), id="follow-up-link", href=FOLLOW_UP + ("?lang=en" if lang == "en" else ""),
               className="btn btn-link btn-sm ms-auto staff-only"),
    ], className="view-toolbar d-flex flex-wrap align-items-center gap-1 mb-2")


def share_modal(lang: str) -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(t("share_title", lang), id="share-title"), close_button=True),
        dbc.ModalBody([
            html.P(t("share_help", lang), className="mb-2"),
            # says so when the link is only this computer's address (callbacks/sharing.py, views/qr.py)
            html.Div(id="share-warning", role="status"),
            dbc.Label(t("share_link_label", lang), html_for="share-url", className="fw-semibold mb-1"),
            html.Div([
                dbc.Input(id="share-url", type="url", readonly=True, value="", className="me-2"),
                dcc.Clipboard(target_id="share-url", title=t("copy_link", lang), className="btn btn-outline-primary",
                              id="share-copy"),
            ], className="d-flex align-items-center mb-3"),
            html.Div(html.Img(id="share-qr", alt="", className="share-qr"), className="text-center"),
        ]),
        dbc.ModalFooter(html.Button(t("close", lang), id="share-close", type="button", className="btn btn-secondary")),
    ], id="share-modal", is_open=False, size="lg", labelledby="share-title")


def story_panel(lang: str) -> html.Section:
    """The presentation being built: its views in order, and what can be done with it."""
    return html.Section([
        html.H2(t("story_heading", lang), className="h6 fw-semibold", id="story-heading"),
        html.P(t("story_saved_note", lang), className="small text-body-secondary mb-1"),
        html.Ol(id="story-list", className="story-list small ps-3 mb-2"),
        html.Div([
            html.A(t("story_start", lang), id="story-start", href=f"/presentation?lang={lang}",
                   className="btn btn-primary btn-sm"),
            html.Button(t("story_export", lang), id="story-export", type="button",
                        className="btn btn-outline-secondary btn-sm"),
            html.Button(t("story_clear", lang), id="story-clear", type="button",
                        className="btn btn-outline-secondary btn-sm", **{"aria-haspopup": "dialog"}),
        ], className="d-flex flex-wrap gap-2 mb-2"),
        # The button opens the file dialog (the click reaches the upload area); its file input is labelled by the
        # button and kept out of the tab order in assets/app.js.
        dcc.Upload(html.Button(t("story_import", lang), id="story-upload-button", type="button",
                               className="btn btn-outline-secondary btn-sm w-100"),
                   id="story-upload", accept=".json,application/json", className="mb-2", multiple=False),
        html.P(id="story-import-status", className="small mb-2", role="status"),
        html.Div([
            html.Span(t("story_downloads", lang) + ":", className="small me-2"),
            html.Button(t("story_pptx", lang), id="story-pptx", type="button",
                        className="btn btn-outline-secondary btn-sm"),
            html.Button(t("story_pdf", lang), id="story-pdf", type="button",
                        className="btn btn-outline-secondary btn-sm"),
        ], className="d-flex flex-wrap align-items-center gap-2"),
        # A story's file is a job (exports/jobs.py): the status line says queued, slide i of n, ready (the poll
        # below updates it every second; a spinner around it would blink at each poll)
        html.Div([dcc.Download(id="story-file"), html.P(id="story-file-status", className="small mb-0", role="status",
                                                        **{"aria-live": "polite"})]),
        dcc.Download(id="story-json"),
        dbc.Modal([  # "Töm presentationen" asks first: the story may be an evening's preparation
            dbc.ModalBody(t("story_clear_confirm", lang), id="story-clear-question"),
            dbc.ModalFooter([
                html.Button(t("cancel", lang), id="story-clear-cancel", type="button", className="btn btn-secondary"),
                html.Button(t("story_clear_yes", lang), id="story-clear-confirm", type="button",
                            className="btn btn-danger"),
            ]),
        ], id="story-clear-modal", is_open=False, labelledby="story-clear-question"),
        dcc.Store(id="story-job"), dcc.Interval(id="story-job-poll", interval=1000, disabled=True),
    ], className="story-panel border rounded p-2", **{"aria-labelledby": "story-heading"})


def save_buttons(chart: str, name: str, lang: str) -> html.Div:
    """PNG and SVG of a chart, drawn in the browser by plotly (no server, no network)."""
    return html.Div([
        html.Span(t("save_chart", lang), className="me-1"),
        *[html.Button(t(f"save_{fmt}", lang), id={"type": "save-chart", "chart": chart, "format": fmt},
                      className="btn btn-link btn-sm p-0 me-2 align-baseline", type="button",
                      **{"aria-label": t(f"save_{fmt}_label", lang, chart=name.lower())})
          for fmt in ("png", "svg")],
    ], className="save-chart small")


def table_downloads(lang: str) -> html.Div:
    return html.Div([
        html.Span(t("table_download", lang), className="me-1"),
        html.A(t("table_csv", lang), id="table-csv", href="/export/table.csv", className="me-2",
               **{"aria-label": t("table_csv_label", lang)}),
        html.A(t("table_xlsx", lang), id="table-xlsx", href="/export/table.xlsx", className="me-2",
               **{"aria-label": t("table_xlsx_label", lang)}),
    ], className="small")
