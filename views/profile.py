"""The problem profile: an index's items (the codebook's `indices: items`, e.g. nedskräpning, buskörning) side by
side for one area, highest first, each with its 95 % interval and the municipality's value beside it; and the
colour scale the map keeps while one steps through those items (fixed, 0–100 %). Every number is a
row of the query (survey.results), hidden ones stay hidden."""
from __future__ import annotations

import math

from survey.config import KOMMUN_LEVEL_ID
from views.texts import interval, percent_sign, t, value

from .figures import FONT
from .labels import labelled_query

AREA_COLOUR, KOMMUN_COLOUR = "#e6550d", "#08519c"


def index_of(results, question_id: str):
    """The index `question_id` is an item of, or is (None for a question in no index)."""
    return next((i for i in results.codebook.indices if question_id == i.id or question_id in i.items), None)


def shared_top(results, query) -> tuple[float, int] | None:
    """For an item of an index: one fixed colour scale, 0–100 %, for all its items, so that stepping through them
    does not change what a colour means (a scale shared by the items' highest share took 20 queries, 0.7 s, per
    new filter). And how many items share it. None for any other question."""
    index = index_of(results, query.question)
    if index is None or query.question == index.id:
        return None
    return 1.0, len(index.items)


def profile_rows(results, params: dict, query, chosen: str | None, lang: str) -> list[tuple[str, dict, dict | None]]:
    """(item's short text, the area's everyone row, the municipality's) for each item of the view's index, the
    highest share first (hidden ones last). Without a chosen area: the municipality's row alone."""
    index = index_of(results, query.question)
    out = []
    for item in index.items:
        base = {**params, "question": item, "by": ""}
        kommun = labelled_query(results, results.parse({**base, "level": KOMMUN_LEVEL_ID}), lang)[0]
        area = labelled_query(results, results.parse(base), lang).of_area(chosen)[0] if chosen else kommun
        out.append((results.codebook.question(item).short[lang], area, kommun if chosen else None))
    return sorted(out, key=lambda x: (x[1]["suppressed"], -(x[1]["share"] or 0)))


def profile_figure(rows: list[tuple[str, dict, dict | None]], area_name: str, lang: str,
                   words: dict[str, str]) -> dict:
    """Dots with interval bars per item: the area's (orange) and the municipality's (blue) beside it (`words`:
    views.labels.whole_words)."""
    suffix = percent_sign(lang)
    labels = [label for label, _, _ in rows]
    data = []
    for name, pick, colour in ((area_name, 1, AREA_COLOUR), (t("whole_kommun", lang, **words), 2, KOMMUN_COLOUR)):
        shown = [(x[0], x[pick]) for x in rows if x[pick] is not None and not x[pick]["suppressed"]]
        if not shown:
            continue
        data.append({
            "type": "scatter", "mode": "markers", "name": name, "y": [label for label, _ in shown],
            "x": [round(r["share"] * 100, 1) for _, r in shown],
            "error_x": {"type": "data", "symmetric": False, "color": colour, "thickness": 1.5, "width": 4,
                        "array": [round((r["share_high"] - r["share"]) * 100, 1) for _, r in shown],
                        "arrayminus": [round((r["share"] - r["share_low"]) * 100, 1) for _, r in shown]},
            "marker": {"size": 10 if pick == 1 else 8, "color": colour,
                       "symbol": "circle" if pick == 1 else "diamond"},
            "customdata": [f"{value(r, 'share', lang)} ({interval(r, lang)})" for _, r in shown],
            "hovertemplate": f"{name}: %{{customdata}}<extra>%{{y}}</extra>", "showlegend": True})
    hidden = [label for label, area, _ in rows if area["suppressed"]]
    if hidden:
        data.append({"type": "scatter", "mode": "text", "y": hidden, "x": [0] * len(hidden),
                     "text": [t("too_few", lang)] * len(hidden), "textposition": "middle right",
                     "textfont": {"color": "#595959"}, "hoverinfo": "skip", "showlegend": False,
                     "name": t("too_few", lang)})
    top = max([r["share_high"] * 100 for _, *pair in rows for r in pair if r and not r["suppressed"]] + [10])
    return {"data": data, "layout": {
        "height": 110 + 24 * len(labels),
        "xaxis": {"range": [-2, min(100, math.ceil(top / 10) * 10)], "ticksuffix": suffix, "fixedrange": True,
                  "title": {"text": t("share_label", lang)}, "automargin": True, "gridcolor": "#e0e0e0",
                  "zeroline": False},
        "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True, "type": "category",
                  "categoryorder": "array", "categoryarray": labels},
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        "margin": {"l": 10, "r": 20, "t": 30, "b": 10}, "plot_bgcolor": "#ffffff",
        "font": {"family": FONT, "size": 13}}}
