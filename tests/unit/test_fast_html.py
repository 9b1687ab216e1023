"""The table's rows built as plain JSON are what Dash's html components would have sent, byte for byte."""
from __future__ import annotations

import random

import plotly.io.json as pj
from dash import html

from callbacks import view
from callbacks.fast_html import element
from layouts.texts import integer, interval, t, value


def slow_table(rows: list[dict], lang: str) -> html.Table:
    """The table as it was built before, with one component object per cell."""
    columns = ("area", "group", "n", "share", "interval", "remarks")
    head = html.Thead(html.Tr([html.Th(t(k, lang), scope="col") for k in columns]))
    body = html.Tbody([
        html.Tr([html.Td(r["area_name"]), html.Td(r["group_label"] or t("all_respondents", lang)),
                 html.Td(t("too_few", lang) if r["suppressed"] else integer(r["n"], lang), className="num"),
                 html.Td("–" if r["suppressed"] else value(r, "share", lang), className="num"),
                 html.Td("" if r["suppressed"] else interval(r, lang), className="num"),
                 html.Td(view._first_upper(r.get("rolled_up_label") or "") if r["suppressed"] else view.remarks(r, lang))],
                className="suppressed" if r["suppressed"] else ("uncertain" if r["unreliable"] else None))
        for r in rows
    ])
    return html.Table([head, body], className="table table-sm table-striped", id="result-table")


def test_element_is_the_components_json():
    for tag, children, props in (("Td", "12 %", {"className": "num"}), ("Td", "", {}), ("Tr", ["a"], {"className": None}),
                                 ("Th", "Område", {"scope": "col"})):
        assert pj.to_json_plotly(element(tag, children, **props)) == pj.to_json_plotly(getattr(html, tag)(children, **props))


def test_the_table_is_byte_identical_to_the_components(results):
    rng = random.Random(5)
    questions = [q.id for q in results.codebook.single_choice] + [i.id for i in results.codebook.indices]
    for _ in range(40):
        params = {"question": rng.choice(questions), "wave": str(rng.choice(results.waves)),
                  "level": rng.choice(results.levels)}
        if rng.random() < 0.6:
            params["by"] = rng.choice(results.codebook.groups).id
        for lang in ("sv", "en"):
            rows = view.details_view(results, params, None, lang)["rows"]
            assert pj.to_json_plotly(view.table(rows, lang)) == pj.to_json_plotly(slow_table(rows, lang))
