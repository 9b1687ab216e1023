"""The naive reference: the straightforward Dash approach, on the same inputs as a build.

Run (as the harness does): NAIVE_CONFIG=config/demo.toml gunicorn --config gunicorn.conf.py bench.naive_app:server

What a first version of such a dashboard usually looks like, and what the real app avoids:
- the raw response exports are read into one pandas DataFrame at start (one row per respondent, one column per
  question), with each respondent's area at every level merged in;
- every callback filters that frame and runs `groupby` inside the callback;
- the map callback returns a complete plotly-express figure with the full GeoJSON of the level (the boundary
  file as delivered, unsimplified) embedded, on every filter change;
- the details callback returns plotly-express figures and an html.Table.
It has the same component ids and callback signatures as the real app (so the harness sends it the very same
callback bodies, and the browser measurement clicks the same controls). It does less statistics than the real
app (unweighted shares, a Wilson interval, no comparisons, no complementary suppression), so the ratios it gives
are, if anything, flattering to it. The page layout is its own, minimal one.
"""
from __future__ import annotations

import csv
import json
import math
import os
from pathlib import Path

import dash
import geopandas as gpd
import pandas as pd
import plotly.express as px
import shapely
from dash import ALL, Input, Output, State, dcc, html

from survey.codebook import load_codebook
from survey.config import load_config

ROOT = Path(__file__).resolve().parents[1]
CONFIG = load_config(os.environ.get("NAIVE_CONFIG", ROOT / "config/demo.toml"))
CODEBOOK = load_codebook(ROOT / CONFIG.codebook)
GROUPS = [g.id for g in CODEBOOK.groups]
LEVELS = [lv.id for lv in CONFIG.levels]
MIN_N = CONFIG.min_n
Z = 1.959963984540054


def _read(path: Path) -> pd.DataFrame:
    with open(path, encoding="utf-8-sig") as f:
        sep = csv.Sniffer().sniff(f.readline(), delimiters=",;\t").delimiter
    return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)


def _load():
    """Boundaries (full GeoJSON per level) and the responses with every level's area id."""
    shapes, parents = {}, {}
    for lv in CONFIG.levels:
        if lv.file is None:
            continue
        frame = gpd.read_file(ROOT / lv.file, layer=lv.layer).to_crs(4326)
        frame = frame.rename(columns={lv.id_column: "area_id", lv.name_column: "name"})
        frame["area_id"] = frame["area_id"].astype(str)
        if lv.parent_column:
            parents[lv.id] = dict(zip(frame["area_id"], frame[lv.parent_column].astype(str)))
        shapes[lv.id] = frame[["area_id", "name", "geometry"]]
    top = [lv for lv in LEVELS if lv in shapes][-1]
    shapes["kommun"] = gpd.GeoDataFrame({"area_id": [CONFIG.kommun_code], "name": [CONFIG.kommun_name]},
                                        geometry=[shapely.union_all(shapes[top].geometry.values)], crs=4326)
    geojson = {lv: json.loads(frame.to_json()) for lv, frame in shapes.items()}
    names = {lv: dict(zip(frame["area_id"], frame["name"])) for lv, frame in shapes.items()}

    frames = [_read(ROOT / p) for p in CONFIG.responses]
    df = pd.concat(frames, ignore_index=True)
    df = df.rename(columns={CODEBOOK.wave_column: "wave", CODEBOOK.area_column: LEVELS[0]})
    df["wave"] = df["wave"].astype(int)
    by_name = {n: a for a, n in names[LEVELS[0]].items()}
    df[LEVELS[0]] = df[LEVELS[0]].map(lambda v: v if v in names[LEVELS[0]] else by_name.get(v))
    df = df[df[LEVELS[0]].notna()]
    for lower, upper in zip(LEVELS, LEVELS[1:]):
        df[upper] = df[lower].map(parents[lower]) if upper != "kommun" else CONFIG.kommun_code
    return df, geojson, names


DF, GEOJSON, NAMES = _load()
WAVES = sorted(DF["wave"].unique().tolist())
QUESTIONS = [q for q in CODEBOOK.single_choice if q.id in DF.columns]


def _centre() -> dict:
    west, south, east, north = shapely.bounds(shapely.union_all(
        [shapely.geometry.shape(f["geometry"]) for f in GEOJSON["kommun"]["features"]]))
    lat = math.radians((south + north) / 2)
    zoom = math.log2(min(560 / (512 * (east - west) * 1.1 / 360),
                         480 / (512 * (north - south) / math.cos(lat) * 1.1 / 360)))
    return {"center": {"lon": (west + east) / 2, "lat": (south + north) / 2}, "zoom": zoom}


VIEW = _centre()


def answers(question_id: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """The question's answers in its base, as a column 'value' (1 = unfavourable, or the index value)."""
    question = CODEBOOK.question(question_id)
    if question is None:  # an index: each respondent's mean item score
        index = CODEBOOK.index(question_id)
        scores = frame[list(index.items)].apply(lambda c: c.map(index.scores))
        keep = scores.notna().sum(axis=1) >= index.min_items
        return frame[keep].assign(value=scores[keep].mean(axis=1) / index.top), True
    base = [o.code for o in question.options if not o.exclude]
    bad = {o.code for o in question.options if o.unfavourable}
    sub = frame[frame[question_id].isin(base)]
    return sub.assign(value=sub[question_id].isin(bad).astype(float)), False


def select(question, wave, filter_values, ids) -> tuple[pd.DataFrame, bool]:
    frame = DF[DF["wave"] == int(wave)]
    for value, control in zip(filter_values or [], ids or []):
        if value not in (None, ""):
            frame = frame[frame[control["group"]] == str(value)]
    return answers(question, frame)


def summarise(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    g = frame.groupby(keys)["value"].agg(n="size", share="mean").reset_index()
    g.loc[g["n"] < MIN_N, "share"] = None
    centre = (g["share"] + Z * Z / (2 * g["n"])) / (1 + Z * Z / g["n"])
    half = Z * ((g["share"] * (1 - g["share"]) / g["n"] + Z * Z / (4 * g["n"] ** 2)) ** 0.5) / (1 + Z * Z / g["n"])
    return g.assign(low=centre - half, high=centre + half)


app = dash.Dash(__name__, title="Naive reference", serve_locally=True, compress=True,
                suppress_callback_exceptions=True)
server = app.server


def _layout():
    return html.Div([
        dcc.Location(id="url"),
        dcc.Store(id="lang", data="sv"),
        html.H1("Trygghetskartan (naive reference)"),
        dcc.Dropdown(id="question", options=[{"label": q.short["sv"], "value": q.id} for q in QUESTIONS]
                     + [{"label": i.short["sv"], "value": i.id} for i in CODEBOOK.indices],
                     value=QUESTIONS[0].id, clearable=False),
        dcc.RadioItems(id="wave", options=[{"label": str(w), "value": w} for w in WAVES], value=WAVES[-1], inline=True),
        dcc.RadioItems(id="level", options=[{"label": lv, "value": lv} for lv in LEVELS], value=LEVELS[0], inline=True),
        dcc.Dropdown(id="by", options=[{"label": "–", "value": ""}] + [{"label": g, "value": g} for g in GROUPS],
                     value="", clearable=False),
        *[dcc.Dropdown(id={"type": "filter", "group": g.id}, options=[{"label": o.label["sv"], "value": o.code}
                                                                     for o in g.options]) for g in CODEBOOK.groups],
        html.Div(id="page"),
        dcc.Graph(id="map"), html.P(id="map-note"),
        dcc.Dropdown(id="area"),
        html.H2(id="view-title"), html.P(id="view-subtitle"), html.P(id="summary"),
        dcc.Graph(id="bars"), dcc.Graph(id="shares"), dcc.Graph(id="trend"), html.P(id="bars-note"),
        html.A("CSV", id="csv-link", href="#"), html.Div(id="table"),
    ])


app.layout = _layout


@app.callback(Output("page", "children"), Input("url", "pathname"), Input("url", "search"))
def render_page(pathname, search):
    return html.P(f"Sida {pathname}{search or ''}")


@app.callback(Output("area", "options"), Output("area", "value"),
              Input("level", "value"), Input("map", "clickData"), State("area", "value"))
def choose_area(level, click, current):
    options = sorted(({"label": n, "value": a} for a, n in NAMES[level].items()), key=lambda o: o["label"])
    clicked = (click or {}).get("points", [{}])[0].get("location")
    if dash.ctx.triggered_id == "map":
        return dash.no_update, clicked
    return options, current if current in NAMES[level] else None


@app.callback(Output("map", "figure"), Output("map-note", "children"),
              Input("question", "value"), Input("wave", "value"), Input("level", "value"),
              Input({"type": "filter", "group": ALL}, "value"), Input("area", "value"),
              State({"type": "filter", "group": ALL}, "id"), State("lang", "data"))
def update_map(question, wave, level, filter_values, area, ids, lang):
    frame, is_index = select(question, wave, filter_values, ids)
    g = summarise(frame, [level])
    g["name"] = g[level].map(NAMES[level])
    g["percent"] = (g["share"] * 100).round(1)
    fig = px.choropleth_map(g, geojson=GEOJSON[level], locations=level, featureidkey="properties.area_id",
                            color="percent", hover_name="name", hover_data={"n": True, level: False},
                            color_continuous_scale="YlOrRd", map_style="white-bg", opacity=0.9,
                            center=VIEW["center"], zoom=VIEW["zoom"], height=520)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0})
    return fig, f"{len(g)} områden, {int((g['n'] < MIN_N).sum())} med för få svar"


@app.callback(Output("bars", "figure"), Output("shares", "figure"), Output("trend", "figure"),
              Output("table", "children"), Output("view-title", "children"), Output("view-subtitle", "children"),
              Output("summary", "children"), Output("bars-note", "children"), Output("csv-link", "href"),
              Input("question", "value"), Input("wave", "value"), Input("level", "value"), Input("by", "value"),
              Input({"type": "filter", "group": ALL}, "value"), Input("area", "value"),
              State({"type": "filter", "group": ALL}, "id"), State("lang", "data"))
def update_details(question, wave, level, by, filter_values, area, ids, lang):
    frame, is_index = select(question, wave, filter_values, ids)
    chosen = frame[frame[level] == area] if area else frame
    keys = [by] if by else []
    # Bars: the answer distribution per group (of the chosen area, or everyone).
    if is_index:
        bars = px.histogram(chosen, x="value", nbins=20)
    else:
        dist = chosen.groupby(keys + [question]).size().rename("n").reset_index() if keys else \
            chosen.groupby(question).size().rename("n").reset_index()
        dist["share"] = dist["n"] / dist.groupby(keys)["n"].transform("sum") if keys else dist["n"] / dist["n"].sum()
        bars = px.bar(dist, x="share", y=by if by else [""] * len(dist), color=question, orientation="h")
    # Shares with intervals per group, chosen area and the whole.
    parts = [summarise(chosen.assign(_all="alla"), ["_all"] + keys),
             summarise(frame.assign(_all="hela"), ["_all"] + keys)]
    shares_frame = pd.concat(parts, ignore_index=True)
    shares_frame["label"] = shares_frame["_all"] + (" " + shares_frame[by].astype(str) if by else "")
    shares = px.bar(shares_frame, x="share", y="label", orientation="h",
                    error_x=shares_frame["high"] - shares_frame["share"],
                    error_x_minus=shares_frame["share"] - shares_frame["low"])
    # Trend: every wave, the chosen area and the whole.
    everything = DF
    for value, control in zip(filter_values or [], ids or []):
        if value not in (None, ""):
            everything = everything[everything[control["group"]] == str(value)]
    waves, _ = answers(question, everything)
    trend_frame = pd.concat([summarise(waves.assign(_who="hela"), ["_who", "wave"])]
                            + ([summarise(waves[waves[level] == area].assign(_who=area), ["_who", "wave"])]
                               if area else []))
    trend = px.line(trend_frame, x="wave", y="share", color="_who", markers=True)
    # The table: every area of the level (× group).
    rows = summarise(frame, [level] + keys)
    rows["name"] = rows[level].map(NAMES[level])
    table = html.Table([html.Thead(html.Tr([html.Th(c) for c in ("Område", "Grupp", "Antal", "Andel")])),
                        html.Tbody([html.Tr([html.Td(r["name"]), html.Td(str(r[by]) if by else "alla"),
                                             html.Td("för få svar" if pd.isna(r["share"]) else str(r["n"])),
                                             html.Td("–" if pd.isna(r["share"]) else f"{r['share'] * 100:.0f} %")])
                                    for _, r in rows.iterrows()])])
    title = (CODEBOOK.question(question) or CODEBOOK.index(question)).text["sv"]
    return (bars, shares, trend, table, title, f"{wave}", f"{len(frame)} svar", "Andel av dem som svarat.",
            f"/csv?question={question}&wave={wave}")


# Dash registers its script bundles on a process's first request, without a lock: with several threads a bundle
# requested at the same moment answers 500. The same single warm-up request as app.py (a Dash workaround, not an
# optimisation: without it the naive page fails to load under gunicorn's threads).
server.test_client().get("/")
