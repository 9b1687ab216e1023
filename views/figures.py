"""Rows from the query → the view's charts as plotly figure dicts (plain dicts: no validation cost, small payloads):
the bars of the answers, the shares with their intervals, the trend, and an empty chart that says why. The map is
views/map.py's."""
from __future__ import annotations

import math

from survey.codebook import Question
from views.texts import interval, percent, percent_sign, t, value

# ColorBrewer YlOrRd (sequential, colour-blind safe): more unfavourable answers = darker.
SHARE_SCALE = [[0.0, "#ffffb2"], [0.25, "#fecc5c"], [0.5, "#fd8d3c"], [0.75, "#f03b20"], [1.0, "#bd0026"]]
SUPPRESSED_GREY = "#bdbdbd"
FAVOURABLE = ["#08519c", "#3182bd", "#6baed6", "#bdd7e7"]     # ColorBrewer Blues, dark → light
UNFAVOURABLE = ["#fdae6b", "#e6550d", "#a63603", "#7f2704"]   # ColorBrewer Oranges, light → dark
MARK = {"higher": "▲", "lower": "▼"}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
EMPTY_FIGURE = {"data": [], "layout": {}}


def plain(text: str) -> str:
    """A label as text in a chart: plotly draws <a href>, <b>, <br> in names, ticks and hovers (an option label
    with a link became a clickable link in the legend); &, <, > as entities show as the characters. A `%{` would
    be read by a hover template."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("%{", "%​{")


def shares_figure(row_sets: list[tuple[str, list[dict]]], references: list[dict], lang: str,
                  words: dict[str, str]) -> dict:
    """The unfavourable share per row with its 95 % interval as error bars; the NTU reference values as rows
    of their own (another colour), so they can be read beside the local value. `words`: views.labels.whole_words
    (the hover's "higher than the rest of the municipality")."""
    is_index = any(r["kind"] == "index" for _, rows in row_sets for r in rows)
    suffix = "" if is_index else percent_sign(lang)
    bars = []  # (label, value, minus, plus, colour, hover)
    for area_name, rows in row_sets:
        for r in rows:
            label = f"{plain(area_name)}<br>{plain(r['group_text'])}"
            if r["suppressed"]:
                bars.append((label, None, 0, 0, SUPPRESSED_GREY, t("too_few", lang), t("too_few", lang)))
                continue
            hover = (f"{value(r, 'share', lang)} ({interval(r, lang)})"
                     + (f" · {t('uncertain', lang)}" if r["unreliable"] else "")
                     + (f" · {t('sig_' + r['vs_rest'], lang, **words)}" if r["vs_rest"] else ""))
            bars.append((label, r["share"] * 100, (r["share"] - r["share_low"]) * 100,
                         (r["share_high"] - r["share"]) * 100,
                         "#fdd0a2" if r["unreliable"] else "#e6550d", hover, MARK.get(r["vs_rest"], "")))
    for ref in references:
        if ref["value"] is None:
            continue
        low, high = (ref["low"] if ref["low"] is not None else ref["value"],
                     ref["high"] if ref["high"] is not None else ref["value"])
        bars.append((f"NTU {ref['year']}<br>{ref['geography']}", ref["value"], ref["value"] - low, high - ref["value"],
                     "#807dba", f"Brå NTU: {ref['value']:.0f}{suffix} ({low:.0f}–{high:.0f}{suffix})", ""))
    labels = [b[0] for b in bars]
    data = [{"type": "bar", "orientation": "h", "y": labels,
             "x": [None if b[1] is None else round(b[1], 1) for b in bars],
             "marker": {"color": [b[4] for b in bars]},
             "error_x": {"type": "data", "symmetric": False, "array": [round(b[3], 1) for b in bars],
                         "arrayminus": [round(b[2], 1) for b in bars], "color": "#222222", "thickness": 1.5,
                         "width": 6},
             # ▲/▼: significantly higher/lower than the rest of the municipality (also said in the hover and table)
             "text": [b[6] for b in bars], "textposition": "outside", "cliponaxis": False,
             "customdata": [b[5] for b in bars], "hovertemplate": "%{customdata}<extra>%{y}</extra>",
             "showlegend": False, "name": t("share_label", lang)}]
    top = max([b[1] + b[3] for b in bars if b[1] is not None] + [10])
    return {"data": data, "layout": {
        "height": 110 + 46 * len(labels),
        "xaxis": {"range": [0, min(100, math.ceil(top / 10) * 10 + 5)], "ticksuffix": suffix, "fixedrange": True,
                  "title": {"text": t("index_axis" if is_index else "share_axis", lang)}, "automargin": True},
        "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True},
        "margin": {"l": 10, "r": 10, "t": 10, "b": 20}, "plot_bgcolor": "#ffffff",
        "font": {"family": FONT, "size": 13},
    }}


def trend_figure(series: list[tuple[str, list[dict]]], lang: str) -> dict:
    """The share over all waves, with 95 % intervals, for the selected area and the whole municipality."""
    is_index = any(r["kind"] == "index" for _, rows in series for r in rows)
    suffix = "" if is_index else percent_sign(lang)
    # Time runs left to right whatever is missing: a category axis orders by first appearance, so an area without
    # a value in the first wave put 2019 left of 2016.
    waves = sorted({r["wave"] for _, rows in series for r in rows})
    data = []
    for (name, rows), colour in zip(series, ("#e6550d", "#08519c")):
        name = plain(name)
        shown = [r for r in rows if not r["suppressed"]]
        data.append({"type": "scatter", "mode": "lines+markers", "name": name,
                     "x": [str(r["wave"]) for r in shown], "y": [round(r["share"] * 100, 1) for r in shown],
                     "error_y": {"type": "data", "symmetric": False,
                                 "array": [round((r["share_high"] - r["share"]) * 100, 1) for r in shown],
                                 "arrayminus": [round((r["share"] - r["share_low"]) * 100, 1) for r in shown]},
                     "line": {"color": colour}, "marker": {"size": 9, "color": colour}, "showlegend": True,
                     "hovertemplate": f"{name} %{{x}}: %{{y:.0f}}{suffix}<extra></extra>"})
    return {"data": data, "layout": {
        "height": 280, "xaxis": {"type": "category", "categoryorder": "array",
                                 "categoryarray": [str(w) for w in waves], "fixedrange": True},
        "yaxis": {"rangemode": "tozero", "ticksuffix": suffix, "fixedrange": True, "automargin": True},
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "plot_bgcolor": "#ffffff", "font": {"family": FONT, "size": 13},
    }}


def bar_figure(row_sets: list[tuple[str, list[dict]]], question: Question, lang: str) -> dict:
    """One horizontal 100 % bar per (area, group): the answer distribution among those in the base."""
    labels, bars = [], []
    for area_name, rows in row_sets:
        for r in rows:
            group = r["group_text"]
            n_text = t("too_few", lang) if r["suppressed"] else t("n_of", lang, n=r["n"])
            labels.append(f"{plain(area_name)}<br>{plain(group)} ({n_text})")
            bars.append(r)
    base = [o for o in question.options if not o.exclude]
    favourable = [o for o in base if not o.unfavourable]
    unfavourable = [o for o in base if o.unfavourable]
    colour = {o.code: FAVOURABLE[min(i, 3)] for i, o in enumerate(favourable)}
    colour.update({o.code: UNFAVOURABLE[min(i, 3)] for i, o in enumerate(unfavourable)})
    suffix = percent_sign(lang)
    data = []
    for option in base:
        name = plain(option.label[lang])
        values = [None if r["suppressed"] else round(r["distribution"][option.code] * 100, 1) for r in bars]
        dark = colour[option.code] in ("#08519c", "#3182bd", "#e6550d", "#a63603", "#7f2704")
        data.append({
            "type": "bar", "orientation": "h", "name": name, "y": labels, "x": values,
            "marker": {"color": colour[option.code], "line": {"color": "#ffffff", "width": 1}},
            "text": [percent(r["distribution"][option.code], lang) if v is not None and v >= 6 else ""
                     for v, r in zip(values, bars)],
            "textposition": "inside", "insidetextanchor": "middle", "textangle": 0,
            "textfont": {"color": "#ffffff" if dark else "#111111"},
            "hovertemplate": f"{name}: %{{x:.0f}}{suffix}<extra>%{{y}}</extra>",
        })
    return {"data": data, "layout": {
        "barmode": "stack", "height": 70 + 46 * len(labels) + 22 * len(base),
        "xaxis": {"range": [0, 100], "dtick": 25, "ticksuffix": suffix, "fixedrange": True},
        "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True},
        # A vertical legend under the bars: long answer labels stay readable on a narrow screen.
        "legend": {"orientation": "v", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0,
                   "traceorder": "normal"},
        "margin": {"l": 10, "r": 10, "t": 10, "b": 40 + 22 * len(base)}, "plot_bgcolor": "#ffffff",
        "font": {"family": FONT, "size": 13},
    }}
