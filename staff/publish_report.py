"""The upload page's report as a page, not terminal text: tables of the comparison with the published build (the
safety net), the rows per file, every answer accounted for, how the areas matched, warnings and errors; file names
as the staff member uploaded them, never a server path. A form maps unknown area values to known areas.

The numbers come from the staged build's manifest and survey.compare (each build's own Results.query); the
messages of the check are ingest's (Swedish, with English in brackets), shown as a list.
"""
from __future__ import annotations

import json
from pathlib import Path

import dash_bootstrap_components as dbc
from dash import dcc, html

from survey.ingest.accounting import KINDS
from translations import text as t
from views.texts import decimal, integer, percent

FLAG = "⚠ "


def _name(path: str) -> str:
    return Path(path).name


NUMBERS = {"published", "new", "change", "rows_in", "rows_used", "quarantined", "rows", *KINDS}


def table(caption: str, lang: str, columns: tuple[str, ...], rows: list[list], flags: list[bool] | None = None,
          **attrs) -> html.Div:
    """A readable table: a caption, the columns' headings (pub_col_<name> in the catalogs), number columns
    right-aligned, a flagged row highlighted."""
    flags = flags or [False] * len(rows)
    align = ["text-end" if c in NUMBERS else None for c in columns]
    body = [html.Tr([html.Td(v, className=a) for v, a in zip(row, align)],
                    className="table-warning" if flagged else None) for row, flagged in zip(rows, flags)]
    head = html.Thead(html.Tr([html.Th(t("pub_col_" + c, lang), scope="col", className=a)
                               for c, a in zip(columns, align)]))
    # The title above the scrolling box (a caption inside it would scroll out of sight on a phone); the caption
    # names the table for screen readers.
    return html.Div([
        html.H4(caption, className="small fw-semibold mb-1"),
        html.Div(dbc.Table([html.Caption(caption, className="visually-hidden"), head, html.Tbody(body)],
                           bordered=False, striped=True, size="sm", className="small mb-0 w-auto", **attrs),
                 className="table-responsive", tabIndex=0, role="region", **{"aria-label": caption}),
    ], className="mb-3")


def _signed(value: int, lang: str) -> str:
    return ("+" if value > 0 else "−" if value < 0 else "") + integer(abs(value), lang)


def _points(change: float, lang: str) -> str:
    """A change of share in percentage points, signed."""
    sign = "+" if change > 0 else "−" if change < 0 else ""
    return sign + t("compare_points", lang).format(n=decimal(abs(change) * 100, lang, 1))


def _value(share: float, kind: str, lang: str) -> str:
    return integer(round(share * 100), lang) if kind == "index" else percent(share, lang)


def comparison(found: dict, questions: dict[str, str], levels: dict[str, str], lang: str) -> html.Section:
    """Respondents per wave and area, and the largest changes of the published shares, flagged when implausible."""
    if found["published"] is None:
        return html.Section(html.P(t("compare_nothing_published", lang)))
    waves = table(t("compare_waves", lang), lang, ("wave", "published", "new", "change"),
                  [[str(w["wave"]), integer(w["old"], lang), integer(w["new"], lang),
                    (FLAG + t("compare_lost_most", lang) + " " if w["flag"] else "") + _signed(w["change"], lang)]
                   for w in found["waves"]], [w["flag"] for w in found["waves"]], id="staff-compare-waves")
    parts = [html.H3(t("compare_heading", lang), className="h6 mt-3"), _summary(found, lang), waves]
    if found["areas"]:
        parts.append(table(
            t("compare_areas", lang).format(shown=len(found["areas"]), n=found["areas_changed"]),
            lang, ("wave", "area", "published", "new", "change"),
            [[str(a["wave"]), a["name"], integer(a["old"], lang), integer(a["new"], lang), _signed(a["change"], lang)]
             for a in found["areas"]], [a["flag"] for a in found["areas"]], id="staff-compare-areas"))
    if found["shares"]:
        parts.append(table(
            t("compare_shares", lang).format(shown=len(found["shares"]), n=found["shares_compared"]),
            lang, ("wave", "question", "level", "area", "published", "new", "change"),
            [[str(s["wave"]), questions.get(s["question"], s["question"]), levels.get(s["level"], s["level"]),
              s["name"], _value(s["old"], s["kind"], lang), _value(s["new"], s["kind"], lang),
              (FLAG + t("compare_implausible", lang) + " " if s["flag"] else "") + _points(s["change"], lang)]
             for s in found["shares"]], [s["flag"] for s in found["shares"]], id="staff-compare-shares"))
    return html.Section(parts, id="staff-comparison")


def _summary(found: dict, lang: str) -> dbc.Alert:
    lost = [str(w["wave"]) for w in found["waves"] if w["flag"]]
    lines = [t("compare_summary", lang).format(compared=integer(found["shares_compared"], lang),
                                               flagged=integer(found["shares_flagged"], lang))]
    if lost:
        lines.append(t("compare_waves_lost", lang).format(waves=", ".join(lost)))
    if not found["counts_known"]:
        lines.append(t("compare_counts_unknown", lang))
    warn = bool(lost) or found["shares_flagged"] > 0
    return dbc.Alert([html.P(line, className="mb-1") for line in lines], color="warning" if warn else "info",
                     className="small", id="staff-compare-summary")


def files_and_answers(manifest: dict, lang: str) -> list:
    """Rows per file (in, used, quarantined), then every file × question's cells."""
    files = table(t("report_files", lang), lang, ("file", "rows_in", "rows_used", "quarantined"),
                  [[_name(f["file"]), integer(f["rows_in"], lang), integer(f["rows_used"], lang),
                    integer(f["rows_quarantined"], lang)] for f in manifest["files"]])
    entries = manifest.get("accounting") or []
    accounting = table(
        t("report_accounting", lang),
        lang, ("file", "question", "rows", *KINDS),
        [[_name(e["file"]), e["question"] + (f" ({t('report_group', lang)})" if e["kind"] == "grupp" else ""),
          integer(e["rows"], lang), *(integer(e[k], lang) for k in KINDS)] for e in entries],
        [e["unrecognised"] > 0 for e in entries], id="staff-accounting")
    return [files, accounting]


def area_matching(manifest: dict, lang: str) -> list:
    loose = (manifest.get("area_matching") or {}).get("loose") or []
    if not loose:
        return []
    return [table(t("report_areas_matched", lang), lang, ("value", "area", "how", "rows"),
                  [[m["value"], m["name"], m["how"], integer(m["rows"], lang)] for m in loose])]


def messages(heading: str, lines: list[str], color: str) -> html.Div:
    """Warnings or errors as a list (their words are ingest's: Swedish, English in brackets)."""
    if not lines:
        return html.Div()
    return html.Div([html.H3(heading, className="h6 mt-3"),
                     dbc.Alert(html.Ul([html.Li(line, style={"whiteSpace": "pre-wrap"}) for line in lines],
                                       className="mb-0 ps-3", lang="sv"), color=color, className="small")])


def unknown_areas_form(unknown: list[dict], areas: list[tuple[str, str]], lang: str) -> html.Section:
    """A known area chosen for each unknown value (nothing chosen for the staff member: the closest names are shown
    beside it); saving adds the aliases and checks the same files again."""
    options = [{"label": name, "value": area_id} for area_id, name in areas]
    names = dict(areas)
    rows = []
    for i, item in enumerate(unknown):
        dropdown_id = {"type": "staff-alias-area", "index": i}
        rows.append(html.Tr([
            html.Td(html.Label(f"'{item['value']}'", htmlFor=json.dumps(dropdown_id, sort_keys=True,
                                                                          separators=(",", ":")))),
            html.Td(integer(len(item["rows"]), lang), className="text-end"),
            html.Td(", ".join(names.get(a, a) for a in item["closest"]) or "–"),
            html.Td(dcc.Dropdown(id=dropdown_id, options=options, placeholder=t("alias_choose", lang),
                                 clearable=True, style={"minWidth": "14rem"})),
        ]))
    return html.Section([
        html.H3(t("alias_heading", lang), className="h6 mt-3"),
        html.P(t("alias_intro", lang), className="small"),
        html.Div(dbc.Table([html.Thead(html.Tr([html.Th(t("pub_col_" + c, lang), scope="col",
                                                        className="text-end" if c == "rows" else None)
                                                for c in ("value", "rows", "closest", "area")])),
                            html.Tbody(rows)], size="sm", className="small"), className="table-responsive"),
        html.Button(t("alias_save", lang), id="staff-alias-save", className="btn btn-primary btn-sm"),
    ], id="staff-alias-form")
