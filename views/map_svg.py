"""The view's map as a plain SVG for the index page's first paint (web/first_paint.py): a phone on a slow line sees
the map with the answer, seconds before plotly.js and MapLibre have loaded and drawn the interactive one. The same
image, served at /map.svg, stands in the dashboard's map until plotly has drawn it (layouts/page.py).

Drawn from the interactive map's own figure (map_view: one query path, the same hidden cells and colours): each
area filled as its trace fills it (the share on the colour scale; uncertain ones faded; hidden ones grey, or
faded in the colour of the area whose value they show), with the colour scale and a grey key under it. The
boundaries come from the build's GeoJSON of the level, projected as the map is (Web Mercator) and simplified to
about a pixel, once per build and level. A level with more than MAX_AREAS areas (a national build) gets none.
"""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape
from plotly.colors import sample_colorscale
from shapely.geometry import shape
from shapely.ops import transform

from .figures import SUPPRESSED_GREY
from .map_labels import label_size, places
from .texts import t

MAX_AREAS = 400
WIDTH = 460  # px of the drawing's own units, as the dashboard's map (views/map.py)
KEY = 74  # px under the areas for the colour scale's title, the scale and the grey key
NAME_SIZE = 15  # px of the drawing: about 11 px on a phone, where it is drawn 340 px wide
FONT = 'font-size="16" font-family="system-ui, sans-serif" fill="#212529"'  # as attributes: served alone too


def _mercator(lon, lat):
    lat = max(min(lat, 85.0), -85.0)
    return lon / 360 + 0.5, 0.5 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)


@lru_cache(maxsize=8)
def area_paths(geojson: Path, build_id: str) -> tuple[dict[str, tuple[str, str]], float, tuple] | None:
    """{area id: (name, SVG path)} in a WIDTH-wide drawing, its height and its frame (left, top, scale: where
    a place goes, _at); None for too many areas."""
    features = json.loads(geojson.read_text(encoding="utf-8"))["features"]
    if len(features) > MAX_AREAS:
        return None
    shapes = [(f["properties"]["area_id"], f["properties"].get("name", ""),
               transform(lambda x, y, z=None: _mercator(x, y), shape(f["geometry"]))) for f in features]
    left, bottom, right, top = (min(s[2].bounds[0] for s in shapes), max(s[2].bounds[3] for s in shapes),
                                max(s[2].bounds[2] for s in shapes), min(s[2].bounds[1] for s in shapes))
    scale = (WIDTH - 4) / max(right - left, 1e-12)
    height = min((bottom - top) * scale + 4, 1.6 * WIDTH)
    scale = min(scale, (height - 4) / max(bottom - top, 1e-12))
    paths = {}
    for area, name, geometry in shapes:
        drawn = transform(lambda x, y: ((x - left) * scale + 2, (y - top) * scale + 2), geometry).simplify(0.6)
        rings = [p for poly in getattr(drawn, "geoms", [drawn]) for p in (poly.exterior, *poly.interiors)]
        paths[area] = (name, "".join("M" + "L".join(f"{x:.0f} {y:.0f}" for x, y in ring.coords[:-1]) + "Z"
                                     for ring in rings))
    return paths, height, (left, top, scale)


def _at(frame: tuple, lon: float, lat: float) -> tuple[float, float]:
    left, top, scale = frame
    x, y = _mercator(lon, lat)
    return (x - left) * scale + 2, (y - top) * scale + 2


def _names(named: list[list], frame: tuple, height: float) -> str:
    """The places' names (views/map_labels.places: the largest areas first, the municipality's seat before the
    small ones), each at its place with a white halo; a name that would cover one already placed, or leave the
    drawing, is left out (the interactive map, which replaces this one, places every name)."""
    kept, out = [], []
    for name, lon, lat, *_ in sorted(named, key=lambda p: not p[-1]):  # the seat first (stable sort)
        x, y = _at(frame, lon, lat)
        w, h = label_size(name, NAME_SIZE)
        box = (x - w / 2, y - h, x + w / 2, y + 4)
        if box[0] < 0 or box[2] > WIDTH or box[1] < 0 or box[3] > height or any(
                box[0] < k[2] and k[0] < box[2] and box[1] < k[3] and k[1] < box[3] for k in kept):
            continue
        kept.append(box)
        out.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="2.5" fill="#212529"/>'
                   f'<text x="{x:.0f}" y="{y - 5:.0f}" text-anchor="middle">{escape(name)}</text>')
    return (f'<g font-size="{NAME_SIZE}" font-family="system-ui, sans-serif" fill="#212529" stroke="#fff" '
            f'stroke-width="3" paint-order="stroke" stroke-linejoin="round">{"".join(out)}</g>') if out else ""


def _filled(figure: dict, trace: dict) -> dict:
    """The trace with what it takes from the figure's template for its type (views/map.py TRACE_DEFAULTS), as
    plotly fills it in (the marker merged a level deeper)."""
    default = ((figure["layout"].get("template") or {}).get("data") or {}).get(trace["type"], [{}])[0]
    return {**default, **trace, "marker": {**default.get("marker", {}), **trace.get("marker", {})}}


def _fills(figure: dict) -> dict[str, tuple[str, float]]:
    """{area id: (colour, opacity)} as the figure's value traces fill them."""
    fills = {}
    for trace in (_filled(figure, tr) for tr in figure["data"]):
        if trace.get("name") not in ("share", "uncertain", "suppressed") or not trace.get("locations"):
            continue
        low, high = trace["zmin"], trace["zmax"]
        scale = trace["colorscale"]
        points = [min(max((z - low) / ((high - low) or 1), 0), 1) for z in trace["z"]]
        colours = sample_colorscale(scale, points, colortype="rgb")
        for area, colour in zip(trace["locations"], colours):
            fills[area] = (colour, trace["marker"].get("opacity", 1.0))
    return fills


def _key(figure: dict, top: float, lang: str) -> str:
    """The colour scale from 0 to its top and, beside it, grey: too few answers."""
    scale = _filled(figure, next(tr for tr in figure["data"] if tr.get("name") == "scale"))
    stops = "".join(f'<stop offset="{x:g}" stop-color="{c}"/>' for x, c in scale["colorscale"])
    suffix = scale["colorbar"]["ticksuffix"]
    title = escape(re.sub(r"<br\s*/?>", " ", scale["colorbar"]["title"]["text"]))  # plotly's line breaks
    y = top + 8
    return (f'<defs><linearGradient id="fp-scale">{stops}</linearGradient></defs>'
            f'<text x="2" y="{y + 14}" {FONT}>{title}</text>'
            f'<rect x="2" y="{y + 24}" width="180" height="16" fill="url(#fp-scale)" stroke="#333" stroke-width=".5"/>'
            f'<text x="2" y="{y + 60}" {FONT}>0{suffix}</text>'
            f'<text x="182" y="{y + 60}" text-anchor="end" {FONT}>{scale["zmax"]:g}{suffix}</text>'
            f'<rect x="210" y="{y + 24}" width="16" height="16" fill="{SUPPRESSED_GREY}" stroke="#333" '
            f'stroke-width=".5"/><text x="232" y="{y + 38}" {FONT}>{escape(t("too_few", lang))}</text>')


def svg_image(results, figure: dict, level: str, lang: str) -> str:
    """The figure of map_view for `level` as a standalone SVG document's element, or "" (no areas to colour, too
    many areas)."""
    drawn = area_paths(results.folder / "geo" / f"{level}.geojson", results.manifest["build_id"])
    fills = _fills(figure) if drawn else {}
    if not fills:
        return ""
    paths, height, frame = drawn
    areas = []
    for area, (name, path) in paths.items():
        colour, opacity = fills.get(area, ("#ffffff", 1.0))
        areas.append(f'<path d="{path}" fill="{colour}" fill-opacity="{opacity:g}"><title>{escape(name)}</title>'
                     f'</path>')
    label = escape(t("map_heading", lang))
    return (f'<svg viewBox="0 0 {WIDTH} {height + KEY:.0f}" role="img" aria-label="{label}" '
            f'xmlns="http://www.w3.org/2000/svg"><g stroke="#333" stroke-width=".7" stroke-linejoin="round">'
            f'{"".join(areas)}</g>{_names(places(results, level), frame, height)}{_key(figure, height, lang)}</svg>')


def map_svg(svg: str) -> Markup:
    """svg_image's SVG inline, in the first paint's figure (or nothing)."""
    return Markup(f'<figure class="first-paint-map">{svg}</figure>') if svg else Markup("")
