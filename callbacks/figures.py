"""Rows from the query → plotly figure dicts (plain dicts: no validation cost, small payloads)."""
from __future__ import annotations

import math

from layouts.texts import percent, t
from survey.codebook import Question

# ColorBrewer YlOrRd (sequential, colour-blind safe): more unfavourable answers = darker.
SHARE_SCALE = [[0.0, "#ffffb2"], [0.25, "#fecc5c"], [0.5, "#fd8d3c"], [0.75, "#f03b20"], [1.0, "#bd0026"]]
SUPPRESSED_GREY = "#bdbdbd"
FAVOURABLE = ["#08519c", "#3182bd", "#6baed6", "#bdd7e7"]     # ColorBrewer Blues, dark → light
UNFAVOURABLE = ["#fdae6b", "#e6550d", "#a63603", "#7f2704"]   # ColorBrewer Oranges, light → dark


def map_figure(rows, geojson_url: str, view: dict, selected: str | None, lang: str) -> dict:
    shown = [r for r in rows if not r["suppressed"]]
    hidden = [r for r in rows if r["suppressed"]]
    top = max((r["share"] for r in shown), default=0.1)
    zmax = max(10, math.ceil(top * 10) * 10)  # whole tens of percent, so the legend reads easily
    outline = {"line": {"color": "#333333", "width": 1}}
    data = [{
        "type": "choroplethmap", "name": "share", "geojson": geojson_url, "featureidkey": "properties.area_id",
        "locations": [r["area_id"] for r in shown], "z": [round(r["share"] * 100, 1) for r in shown],
        "zmin": 0, "zmax": zmax, "colorscale": SHARE_SCALE, "marker": outline,
        "customdata": [[r["area_name"], percent(r["share"], lang), t("n_of", lang, n=r["n"])] for r in shown],
        "hovertemplate": "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<extra></extra>",
        "colorbar": {"ticksuffix": "\u00a0%" if lang == "sv" else "%", "title": {"text": t("share_label", lang)},
                     "thickness": 14, "len": 0.8},
    }, {
        "type": "choroplethmap", "name": "suppressed", "geojson": geojson_url, "featureidkey": "properties.area_id",
        "locations": [r["area_id"] for r in hidden], "z": [0] * len(hidden), "showscale": False,
        "colorscale": [[0, SUPPRESSED_GREY], [1, SUPPRESSED_GREY]], "marker": outline,
        "customdata": [[r["area_name"], t("too_few", lang)] for r in hidden],
        "hovertemplate": "<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
    }]
    if selected:
        data.append({
            "type": "choroplethmap", "name": "selected", "geojson": geojson_url, "featureidkey": "properties.area_id",
            "locations": [selected], "z": [0], "showscale": False, "hoverinfo": "skip",
            "colorscale": [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
            "marker": {"line": {"color": "#000000", "width": 4}},
        })
    return {"data": data, "layout": {
        "map": {"style": "white-bg", **view}, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "uirevision": geojson_url, "clickmode": "event", "height": 520,
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
    }}


def bar_figure(row_sets: list[tuple[str, list[dict]]], question: Question, lang: str) -> dict:
    """One horizontal 100 % bar per (area, group): the answer distribution among those in the base."""
    labels, bars = [], []
    for area_name, rows in row_sets:
        for r in rows:
            group = r["group_label"] or t("all_respondents", lang)
            n_text = t("too_few", lang) if r["suppressed"] else t("n_of", lang, n=r["n"])
            labels.append(f"{area_name}<br>{group} ({n_text})")
            bars.append(r)
    base = [o for o in question.options if not o.exclude]
    favourable = [o for o in base if not o.unfavourable]
    unfavourable = [o for o in base if o.unfavourable]
    colour = {o.code: FAVOURABLE[min(i, 3)] for i, o in enumerate(favourable)}
    colour.update({o.code: UNFAVOURABLE[min(i, 3)] for i, o in enumerate(unfavourable)})
    suffix = "\u00a0%" if lang == "sv" else "%"
    data = []
    for option in base:
        values = [None if r["suppressed"] else round(r["distribution"][option.code] * 100, 1) for r in bars]
        dark = colour[option.code] in ("#08519c", "#3182bd", "#e6550d", "#a63603", "#7f2704")
        data.append({
            "type": "bar", "orientation": "h", "name": option.label[lang], "y": labels, "x": values,
            "marker": {"color": colour[option.code], "line": {"color": "#ffffff", "width": 1}},
            "text": [percent(v / 100, lang) if v is not None and v >= 6 else "" for v in values],
            "textposition": "inside", "insidetextanchor": "middle",
            "textfont": {"color": "#ffffff" if dark else "#111111"},
            "hovertemplate": f"{option.label[lang]}: %{{x:.0f}}{suffix}<extra>%{{y}}</extra>",
        })
    return {"data": data, "layout": {
        "barmode": "stack", "height": 70 + 46 * len(labels) + 22 * len(base),
        "xaxis": {"range": [0, 100], "dtick": 25, "ticksuffix": suffix, "fixedrange": True},
        "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True},
        # A vertical legend under the bars: long answer labels stay readable on a narrow screen.
        "legend": {"orientation": "v", "yref": "container", "y": 0, "yanchor": "bottom", "xref": "container", "x": 0,
                   "traceorder": "normal"},
        "margin": {"l": 10, "r": 10, "t": 10, "b": 40 + 22 * len(base)}, "plot_bgcolor": "#ffffff",
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13},
    }}
