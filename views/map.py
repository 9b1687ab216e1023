"""The view's map: the query's rows for a level → a choropleth and the note under it.

Read a column at a time (survey.results.Rows): a national map has 6,000 areas. The traces are a fixed list for a
level, so the browser's map can be updated in place (callbacks/map_patch.py sends only the values).
"""
from __future__ import annotations

import math

import numpy as np

from survey.results import QueryError, Results
from views.texts import half_up_array, percent_sign, t, value

from .figures import EMPTY_FIGURE, FONT, SHARE_SCALE, SUPPRESSED_GREY
from .labels import labelled_query, whole_words
from .map_labels import name_places, place_dots, places
from .params import known_language
from .profile import shared_top

MAP_HEIGHT = 520  # px of the dashboard's map
# px: the narrowest the dashboard's map is beside the charts (1366 px wide screen); a wider map has more room.
MAP_WIDTH = 460
LABEL_SIZE = 13  # px: the place names on the dashboard's map (a projected slide's are larger: views/slides.py)


def map_view(results: Results, params: dict, area: str | None, lang: str):
    """The choropleth for the view, and the note under it."""
    lang = known_language(lang)
    try:
        query = results.parse(params)
    except QueryError as err:
        return EMPTY_FIGURE, t("invalid", lang, error=err)
    rows = labelled_query(results, query, lang)
    url = f"/geo/{query.level}.geojson?v={results.manifest['build_id']}"
    note = t("too_few_note", lang, k=results.min_n)
    if next(lv for lv in results.manifest["levels"] if lv["id"] == query.level)["approximate"]:
        note += " " + t("approximate", lang)
    note += " " + t("uncertain_note", lang, n=results.reliable_min_n, w=round(results.reliable_max_width * 100))
    if rows.column("rolled_up_to").any():
        note += " " + t("rolled_up_note", lang)  # roll-up: a hidden area shows its enclosing area
    figure = map_figure(rows, url, results.manifest["map"], area, lambda a: results.area_point(query.level, a), lang,
                        places(results, query.level), shared_top(results, query), words=whole_words(results, lang))
    return figure, note


def fit_size(results: Results) -> tuple[int, int] | None:
    """The municipality's size in px at the build's zoom (from the finest level's bounds in the manifest,
    survey/build.py), for assets/app.js to fit a narrower map; None for a build made before it wrote them."""
    level = next(lv for lv in results.manifest["levels"] if lv["id"] == results.levels[0])
    if not level.get("bounds"):
        return None
    west, south, east, north = level["bounds"]
    scale = 512 * 2 ** results.manifest["map"]["zoom"] / 360  # px per degree of longitude (MapLibre: 512 px at 0)
    return round((east - west) * scale), round((north - south) / math.cos(math.radians((south + north) / 2)) * scale)


def fitted_zoom(results: Results, width: float, plot_height: float) -> float:
    """The zoom assets/app.js (fitMap) gives a slide's map of this figure width and plot height: out until the
    whole municipality shows, or in by at most one step to fill the slide. A slide's names are placed for it."""
    zoom, size = results.manifest["map"]["zoom"], fit_size(results)
    if size is None:
        return zoom
    return zoom + min(1, math.log2((width - 110) / size[0]), math.log2((plot_height - 20) / size[1]))


# What the map's areas have in common, said once in the figure's template (plotly fills in a trace's attribute it
# lacks from layout.template.data[its type]): the style of the shares, not in each of five traces (0.4 KB of a
# village map's whole figure). `below` "": each layer on top of the ones before it (dots and outline above colours).
TRACE_DEFAULTS = {
    "choroplethmap": {"featureidkey": "properties.area_id", "showlegend": False, "showscale": False, "below": "",
                      "colorscale": SHARE_SCALE, "marker": {"line": {"color": "#333333", "width": 1}}},
    "scattermap": {"below": ""},
}


def _choropleth(name: str, locations: list, geojson_url: str, **style) -> dict:
    return {"type": "choroplethmap", "name": name, "geojson": geojson_url, "locations": locations, **style}


def _whole_percent(shares: np.ndarray) -> list[int]:
    """Shares as whole percent, rounded half up as the table rounds them."""
    return half_up_array(shares * 100).astype(int).tolist()


def _share_hovers(rows, part: np.ndarray, uncertain: bool, flags: dict) -> list[list]:
    """The hover data of the rows `part` (indices): interval (whole numbers: the map's hover template adds the %
    sign), answers, and whether it differs from the rest. Numbers, not formatted text, and neither the name
    (the template takes it from the boundaries' properties), nor the value (it is z), nor "uncertain" (the
    faded trace's template says it): a filter change sends these for every area (bench/README.md). A difference
    in a faded area ends in " · ", so that the template's "osäker siffra" follows it. `flags`: vs_rest → its
    words ("Högre än övriga kommunen")."""
    flags = {None: "", **{d: text + (" · " if uncertain else "") for d, text in flags.items() if d}}
    hovers = np.empty((len(part), 4), dtype=object)  # filled a column at a time, listed in C (6,000 areas: 2 → 0.3 ms)
    hovers[:, 0], hovers[:, 1] = (_whole_percent(rows.column(c)[part]) for c in ("share_low", "share_high"))
    hovers[:, 2] = rows.column("n")[part].astype(int).tolist()
    hovers[:, 3] = [flags[d] for d in rows.column("vs_rest")[part].tolist()]
    return hovers.tolist()


def _share_hovertemplate(is_index: bool, uncertain: bool, lang: str) -> str:
    unit = "" if is_index else percent_sign(lang)
    span = t("interval_short", lang)
    return (f"<b>%{{properties.name}}</b><br>%{{z}}{unit} ({span}: %{{customdata[0]}}{unit}–"
            f"%{{customdata[1]}}{unit})<br>{t('n_of', lang, n='%{customdata[2]}')}<br>"
            f"%{{customdata[3]}}{t('uncertain', lang) if uncertain else ''}<extra></extra>")


def map_figure(rows, geojson_url: str, view: dict, selected: str | None, point, lang: str,
               named: list | None = None, shared: tuple[float, int] | None = None, *, words: dict[str, str]) -> dict:
    """Choropleth of the share per area of `rows` (survey.results.Rows, read a column at a time: a national map
    has 6,000 areas). Uncertain estimates are faded, areas with too few answers grey, and a dot marks an area that
    differs significantly from the rest of the municipality. `point(area_id)` is (lon, lat) inside the area.
    `named`: the places to name on the map (views/map_labels.py); `shared`: (top share, items) of the index this
    question is an item of, for one colour scale over all its items (views/profile.py); `words`:
    views.labels.whole_words (the dots' "higher than the rest of the municipality")."""
    flags = {d: t(f"sig_{d}", lang, **words) for d in ("higher", "lower")}
    layout = {"map": {"style": "white-bg", **view}, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
              "uirevision": geojson_url, "clickmode": "event", "height": MAP_HEIGHT,
              "legend": {"orientation": "h", "x": 0, "y": 0, "yanchor": "bottom",
                         "bgcolor": "rgba(255,255,255,0.85)"},
              "font": {"family": FONT}}
    away = name_places(layout, named or [], MAP_WIDTH, MAP_HEIGHT, LABEL_SIZE)
    area_ids, share = rows.column("area_id"), rows.column("share")
    hidden = rows.column("suppressed")
    shown = np.flatnonzero(~hidden)
    rolled = hidden & rows.column("rolled_up_to").astype(bool)
    top = max(np.concatenate([share[shown], rows.column("rolled_up_share")[rolled]]).tolist(), default=0.1)
    top = max(top, shared[0]) if shared else top
    zmax = max(10, math.ceil(top * 10) * 10)  # whole tens of percent, so the legend reads easily
    is_index = bool(len(shown)) and rows.column("kind")[0] == "index"
    colour = {"zmin": 0, "zmax": zmax}  # in each trace: plotly scales a trace by its data unless it has both
    unreliable = rows.column("unreliable")
    data = [_scale_trace(area_ids[:1].tolist(), geojson_url, colour, is_index, lang, shared and shared[1])]
    for name, part, opacity in (("share", shown[~unreliable[shown]], 1.0),
                                ("uncertain", shown[unreliable[shown]], 0.4)):
        data.append(_choropleth(name, area_ids[part].tolist(), geojson_url,
                                z=_whole_percent(share[part]),  # the value as the table rounds it
                                customdata=_share_hovers(rows, part, name == "uncertain", flags),
                                hovertemplate=_share_hovertemplate(is_index, name == "uncertain", lang),
                                marker={"opacity": opacity}, **colour))
    data.append(_hidden_trace(rows, np.flatnonzero(hidden), geojson_url, zmax, lang))
    data += place_dots(named or [], away, t("place_dots", lang))
    vs_rest = rows.column("vs_rest")
    for direction, colour_ in (("higher", "#000000"), ("lower", "#08519c")):
        marked = [point(a) for a in area_ids[shown[vs_rest[shown] == direction]].tolist()]
        data.append({"type": "scattermap", "mode": "markers", "name": flags[direction],
                     "lon": [p[0] for p in marked], "lat": [p[1] for p in marked],
                     "marker": {"size": 12, "color": colour_}, "hoverinfo": "skip", "showlegend": True,
                     "visible": True if marked else "legendonly"})
    # Always present (empty when nothing is selected): a fixed list of traces lets plotly update the map in
    # place; a trace that comes and goes in the middle made MapLibre drop layers ("non-existing layer").
    data.append(_choropleth("selected", [selected] if selected else [], geojson_url,
                            z=[0] if selected else [], hoverinfo="skip",
                            colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                            marker={"line": {"color": "#000000", "width": 4}}))
    layout["template"]["data"] = {kind: [style] for kind, style in TRACE_DEFAULTS.items()}
    return {"data": data, "layout": layout}


def _scale_trace(first_area: list, geojson_url: str, colour: dict, is_index: bool, lang: str,
                 shared_items: int | None = None) -> dict:
    """The colour scale's own trace (trace "scale"): one area of the level, invisible, that is never empty. plotly
    draws a colour bar only for a trace with data, and any trace of values can be empty (women 65–84: every
    village's estimate uncertain or hidden), so the legend went with it."""
    return _choropleth("scale", first_area, geojson_url, z=[0] * len(first_area), **colour, showscale=True,
                       hoverinfo="skip", marker={"opacity": 0, "line": {"width": 0}},
                       colorbar={"ticksuffix": "" if is_index else percent_sign(lang), "thickness": 14, "len": 0.75,
                                 "title": {"text": t("shared_scale", lang, n=shared_items) if shared_items else
                                           t("index_label" if is_index else "share_label", lang)}})


def _hidden_trace(rows, hidden: np.ndarray, geojson_url: str, zmax: float, lang: str) -> dict:
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
        shown = {share: value({"kind": kind, "rolled_up_share": share}, "rolled_up_share", lang)
                 for share in set(shares)}
        text[rolled] = [f" · {label}: {shown[share]}" for label, share in zip(labels[rolled].tolist(), shares)]
    z, text = z.tolist(), text.tolist()
    return _choropleth("suppressed", rows.column("area_id")[hidden].tolist(), geojson_url, z=z, zmin=below,
                       zmax=zmax, colorscale=scale, marker={"opacity": 0.5}, text=text,
                       hovertemplate=f"<b>%{{properties.name}}</b><br>{t('too_few', lang)}%{{text}}<extra></extra>")
