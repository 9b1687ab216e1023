"""Rows from the query → plotly figure dicts (plain dicts: no validation cost, small payloads)."""
from __future__ import annotations

import math

import numpy as np

from layouts.texts import half_up, interval, percent, t, value
from survey.codebook import Question

# ColorBrewer YlOrRd (sequential, colour-blind safe): more unfavourable answers = darker.
SHARE_SCALE = [[0.0, "#ffffb2"], [0.25, "#fecc5c"], [0.5, "#fd8d3c"], [0.75, "#f03b20"], [1.0, "#bd0026"]]
SUPPRESSED_GREY = "#bdbdbd"
FAVOURABLE = ["#08519c", "#3182bd", "#6baed6", "#bdd7e7"]     # ColorBrewer Blues, dark → light
UNFAVOURABLE = ["#fdae6b", "#e6550d", "#a63603", "#7f2704"]   # ColorBrewer Oranges, light → dark
MARK = {"higher": "▲", "lower": "▼"}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


def message_figure(text: str) -> dict:
    """An empty chart that says why it is empty."""
    return {"data": [], "layout": {"height": 120, "xaxis": {"visible": False}, "yaxis": {"visible": False},
                                   "annotations": [{"text": text, "showarrow": False, "xref": "paper", "yref": "paper",
                                                    "x": 0.5, "y": 0.5, "font": {"size": 14}}],
                                   "margin": {"l": 10, "r": 10, "t": 10, "b": 10}, "plot_bgcolor": "#ffffff"}}


def _choropleth(name: str, locations: list, geojson_url: str, **style) -> dict:
    return {"type": "choroplethmap", "name": name, "geojson": geojson_url, "featureidkey": "properties.area_id",
            "locations": locations, "showlegend": False, **style}


def _whole_percent(shares: np.ndarray) -> list[int]:
    """Shares as whole percent, rounded half up as the table rounds them: layouts.texts.half_up for an array (6,000
    areas × 3 numbers one at a time: 10 ms against 0.5 ms, the same numbers)."""
    return np.floor(shares * 100 + 0.5 + 1e-9).astype(int).tolist()


def _share_hovers(rows, part: np.ndarray, uncertain: bool, lang: str) -> list[list]:
    """The hover data of the rows `part` (indices): interval (whole numbers: the map's hover template adds the %
    sign), answers, and whether it differs from the rest. Numbers, not formatted text, and neither the name
    (the template takes it from the boundaries' properties), nor the value (it is z), nor "uncertain" (the
    faded trace's template says it): a filter change sends these for every area (bench/README.md). A difference
    in a faded area ends in " · ", so that the template's "osäker siffra" follows it."""
    flags = {None: "", **{d: t(f"sig_{d}", lang) + (" · " if uncertain else "") for d in ("higher", "lower")}}
    hovers = np.empty((len(part), 4), dtype=object)  # filled a column at a time, listed in C (6,000 areas: 2 → 0.3 ms)
    hovers[:, 0], hovers[:, 1] = (_whole_percent(rows.column(c)[part]) for c in ("share_low", "share_high"))
    hovers[:, 2] = rows.column("n")[part].astype(int).tolist()
    hovers[:, 3] = [flags[d] for d in rows.column("vs_rest")[part].tolist()]
    return hovers.tolist()


def _share_hovertemplate(is_index: bool, uncertain: bool, lang: str) -> str:
    unit = "" if is_index else ("\u00a0%" if lang == "sv" else "%")
    span = t("interval_short", lang)
    return (f"<b>%{{properties.name}}</b><br>%{{z}}{unit} ({span}: %{{customdata[0]}}{unit}–"
            f"%{{customdata[1]}}{unit})<br>{t('n_of', lang, n='%{customdata[2]}')}<br>"
            f"%{{customdata[3]}}{t('uncertain', lang) if uncertain else ''}<extra></extra>")


def map_figure(rows, geojson_url: str, view: dict, selected: str | None, point, lang: str) -> dict:
    """Choropleth of the share per area of `rows` (survey.results.Rows, read a column at a time: a national map
    has 6,000 areas). Uncertain estimates are faded, areas with too few answers grey, and a dot marks an area that
    differs significantly from the rest of the municipality. `point(area_id)` is (lon, lat) inside the area."""
    area_ids, share = rows.column("area_id"), rows.column("share")
    hidden = rows.column("suppressed")
    shown = np.flatnonzero(~hidden)
    rolled = hidden & rows.column("rolled_up_to").astype(bool)
    top = max(np.concatenate([share[shown], rows.column("rolled_up_share")[rolled]]).tolist(), default=0.1)
    zmax = max(10, math.ceil(top * 10) * 10)  # whole tens of percent, so the legend reads easily
    outline = {"line": {"color": "#333333", "width": 1}}
    is_index = bool(len(shown)) and rows.column("kind")[0] == "index"
    colour = {"zmin": 0, "zmax": zmax, "colorscale": SHARE_SCALE}
    unreliable = rows.column("unreliable")
    data = []
    for name, part, opacity in (("share", shown[~unreliable[shown]], 1.0),
                                ("uncertain", shown[unreliable[shown]], 0.4)):
        data.append(_choropleth(name, area_ids[part].tolist(), geojson_url,
                                z=_whole_percent(share[part]),  # the value as the table rounds it
                                customdata=_share_hovers(rows, part, name == "uncertain", lang),
                                showscale=name == "share",
                                hovertemplate=_share_hovertemplate(is_index, name == "uncertain", lang),
                                marker={**outline, "opacity": opacity}, **colour,
                                colorbar={"ticksuffix": "" if is_index else ("\u00a0%" if lang == "sv" else "%"),
                                          "thickness": 14, "len": 0.75,
                                          "title": {"text": t("index_label" if is_index else "share_label", lang)}}))
    data.append(_hidden_trace(rows, np.flatnonzero(hidden), geojson_url, zmax, outline, lang))
    vs_rest = rows.column("vs_rest")
    for direction, colour_ in (("higher", "#000000"), ("lower", "#08519c")):
        marked = [point(a) for a in area_ids[shown[vs_rest[shown] == direction]].tolist()]
        data.append({"type": "scattermap", "mode": "markers", "name": t(f"sig_{direction}", lang),
                     "lon": [p[0] for p in marked], "lat": [p[1] for p in marked],
                     "marker": {"size": 12, "color": colour_}, "hoverinfo": "skip", "showlegend": True,
                     "visible": True if marked else "legendonly"})
    # Always present (empty when nothing is selected): a fixed list of traces lets plotly update the map in
    # place; a trace that comes and goes in the middle made MapLibre drop layers ("non-existing layer").
    data.append(_choropleth("selected", [selected] if selected else [], geojson_url,
                            z=[0] if selected else [], showscale=False, hoverinfo="skip",
                            colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                            marker={"line": {"color": "#000000", "width": 4}}))
    for trace in data:
        trace["below"] = ""  # each layer on top of the ones before it: dots and outline above the colours
    return {"data": data, "layout": {
        "map": {"style": "white-bg", **view}, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "uirevision": geojson_url, "clickmode": "event", "height": 520,
        "legend": {"orientation": "h", "x": 0, "y": 0, "yanchor": "bottom", "bgcolor": "rgba(255,255,255,0.85)"},
        "font": {"family": FONT},
    }}


def _hidden_trace(rows, hidden: np.ndarray, geojson_url: str, zmax: float, outline: dict, lang: str) -> dict:
    """The areas whose own value is hidden (trace "suppressed"): grey, or with roll-up faded in the colour of
    the enclosing area's published value, named in the hover ("för få svar · visar Idre med fjällbyarna")."""
    below = round(-zmax / 49, 3)  # z in [below, 0) is grey: about the first 2 % of the scale; 0..zmax the shares
    scale = [[0.0, SUPPRESSED_GREY], [0.0199, SUPPRESSED_GREY]] + [[0.02 + 0.98 * x, c] for x, c in SHARE_SCALE]
    labels = rows.column("rolled_up_label")[hidden]
    rolled = np.flatnonzero([bool(label) for label in labels.tolist()])  # the hidden areas that show another's value
    z, text = np.full(len(hidden), below, dtype=object), np.full(len(hidden), "", dtype=object)
    if len(rolled):
        kind = rows.column("kind")[0]  # one kind per view
        shares = rows.column("rolled_up_share")[hidden[rolled]].tolist()
        z[rolled] = [min(zmax, round(share * 100, 1)) for share in shares]
        # each share's text formatted once: a national view rolls thousands of areas up to a few hundred
        shown = {share: value({"kind": kind, "rolled_up_share": share}, "rolled_up_share", lang) for share in set(shares)}
        text[rolled] = [f" · {label}: {shown[share]}" for label, share in zip(labels[rolled].tolist(), shares)]
    z, text = z.tolist(), text.tolist()
    return _choropleth("suppressed", rows.column("area_id")[hidden].tolist(), geojson_url, z=z, zmin=below,
                       zmax=zmax, colorscale=scale, showscale=False, marker={**outline, "opacity": 0.5}, text=text,
                       hovertemplate=f"<b>%{{properties.name}}</b><br>{t('too_few', lang)}%{{text}}<extra></extra>")


def shares_figure(row_sets: list[tuple[str, list[dict]]], references: list[dict], lang: str) -> dict:
    """The unfavourable share per row with its 95 % interval as error bars; the NTU reference values as rows
    of their own (another colour), so they can be read beside the local value."""
    is_index = any(r["kind"] == "index" for _, rows in row_sets for r in rows)
    suffix = "" if is_index else ("\u00a0%" if lang == "sv" else "%")
    bars = []  # (label, value, minus, plus, colour, hover)
    for area_name, rows in row_sets:
        for r in rows:
            label = f"{area_name}<br>{r['group_label'] or t('all_respondents', lang)}"
            if r["suppressed"]:
                bars.append((label, None, 0, 0, SUPPRESSED_GREY, t("too_few", lang), t("too_few", lang)))
                continue
            hover = (f"{value(r, 'share', lang)} ({interval(r, lang)})"
                     + (f" · {t('uncertain', lang)}" if r["unreliable"] else "")
                     + (f" · {t('sig_' + r['vs_rest'], lang)}" if r["vs_rest"] else ""))
            bars.append((label, r["share"] * 100, (r["share"] - r["share_low"]) * 100, (r["share_high"] - r["share"]) * 100,
                         "#fdd0a2" if r["unreliable"] else "#e6550d", hover, MARK.get(r["vs_rest"], "")))
    for ref in references:
        if ref["value"] is None:
            continue
        low, high = ref["low"] if ref["low"] is not None else ref["value"], ref["high"] if ref["high"] is not None else ref["value"]
        bars.append((f"NTU {ref['year']}<br>{ref['geography']}", ref["value"], ref["value"] - low, high - ref["value"],
                     "#807dba", f"Brå NTU: {ref['value']:.0f}{suffix} ({low:.0f}–{high:.0f}{suffix})", ""))
    labels = [b[0] for b in bars]
    data = [{"type": "bar", "orientation": "h", "y": labels, "x": [None if b[1] is None else round(b[1], 1) for b in bars],
             "marker": {"color": [b[4] for b in bars]},
             "error_x": {"type": "data", "symmetric": False, "array": [round(b[3], 1) for b in bars],
                         "arrayminus": [round(b[2], 1) for b in bars], "color": "#222222", "thickness": 1.5, "width": 6},
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
    suffix = "" if is_index else ("\u00a0%" if lang == "sv" else "%")
    data = []
    for (name, rows), colour in zip(series, ("#e6550d", "#08519c")):
        shown = [r for r in rows if not r["suppressed"]]
        data.append({"type": "scatter", "mode": "lines+markers", "name": name,
                     "x": [str(r["wave"]) for r in shown], "y": [round(r["share"] * 100, 1) for r in shown],
                     "error_y": {"type": "data", "symmetric": False,
                                 "array": [round((r["share_high"] - r["share"]) * 100, 1) for r in shown],
                                 "arrayminus": [round((r["share"] - r["share_low"]) * 100, 1) for r in shown]},
                     "line": {"color": colour}, "marker": {"size": 9, "color": colour}, "showlegend": True,
                     "hovertemplate": f"{name} %{{x}}: %{{y:.0f}}{suffix}<extra></extra>"})
    return {"data": data, "layout": {
        "height": 280, "xaxis": {"type": "category", "fixedrange": True},
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
            "text": [percent(r["distribution"][option.code], lang) if v is not None and v >= 6 else ""
                     for v, r in zip(values, bars)],
            "textposition": "inside", "insidetextanchor": "middle", "textangle": 0,
            "textfont": {"color": "#ffffff" if dark else "#111111"},
            "hovertemplate": f"{option.label[lang]}: %{{x:.0f}}{suffix}<extra>%{{y}}</extra>",
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
