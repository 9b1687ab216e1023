"""Place names on the map, drawn as SVG text (plotly annotations), so they need no glyph server and show in the
browser, in kaleido's PNG and in the slides alike (MapLibre's own text layers fetch glyph files from the internet).

An annotation sits at the centre of the map (paper 0.5, 0.5) shifted by the place's offset in pixels from the
map's centre (Web Mercator at the map's zoom): exact at any width, since MapLibre keeps the centre in the middle
of the canvas. A name goes inside its area when it fits there, else beside its point, else (a small area among
others, like the village Älvdalen) at a free spot nearby with a leader line; a name with no free spot is left out
rather than drawn over another. When the map moves (a pan, a zoom, a phone's smaller zoom), assets/app.js shifts
the names with it, from the places' coordinates kept in the layout's `meta`.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

TILE = 512  # MapLibre's world is 512 px wide at zoom 0
CHAR_WIDTH = 0.58  # a system sans-serif's mean character width, in font sizes (Swedish names, measured in Chromium)
LINE_HEIGHT = 1.35
GAP = 3  # px between a name's box and what it must not cover
COLOUR_BAR = 80  # px of the figure's width the colour bar takes (plotly narrows the map's plot area by it)
BOTTOM_RESERVED = 34  # px at the bottom: the legend of the significance dots


def world_px(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """A point in Web Mercator pixels at `zoom` (y downwards), as MapLibre projects it."""
    size = TILE * 2 ** zoom
    siny = min(max(math.sin(math.radians(lat)), -0.9999), 0.9999)
    return (lon + 180) / 360 * size, (0.5 - math.log((1 + siny) / (1 - siny)) / (4 * math.pi)) * size


@lru_cache(maxsize=32)
def area_extents(geojson_path: Path, build_id: str) -> dict[str, tuple[float, float, float, float]]:
    """Each area's bounding box (west, south, east, north) from the build's boundaries (cached per build)."""
    extents = {}
    for feature in json.loads(geojson_path.read_text("utf-8"))["features"]:
        coords = []
        _flatten(feature["geometry"]["coordinates"], coords)
        lons, lats = [c[0] for c in coords], [c[1] for c in coords]
        extents[feature["properties"]["area_id"]] = (min(lons), min(lats), max(lons), max(lats))
    return extents


def _flatten(nested, out: list) -> None:
    if nested and isinstance(nested[0], (int, float)):
        out.append(nested)
        return
    for part in nested:
        _flatten(part, out)


def places(results, level: str, max_places: int = 60) -> list[list]:
    """The level's places to name: [name, lon, lat, width_deg, height_deg, area_id, seat], the largest areas first
    (they take their spot first; the small ones then find room around them). `seat`: the place is named after the
    municipality (Älvdalen in Älvdalens kommun: a Swedish municipality is mostly named after its main town), whose
    name is placed first among the small ones and hidden last. None for a level with more areas than a map can
    name (a national level)."""
    ids = results.area_ids(level)
    if not ids or len(ids) > max_places:
        return []
    extents = area_extents(results.folder / "geo" / f"{level}.geojson", results.manifest["build_id"])
    out = []
    for area_id in ids:
        west, south, east, north = extents.get(area_id, (0, 0, 0, 0))
        lon, lat = results.area_point(level, area_id)
        name = results.area_name(level, area_id)
        # 4 decimals: 5 m, a 50th of a pixel at the maps' zooms (the rings' points are in a village map's answer)
        out.append([name, round(lon, 4), round(lat, 4), round(east - west, 4), round(north - south, 4), area_id,
                    name.startswith(results.manifest["kommun"]["name"])])
    return sorted(out, key=lambda p: -p[3] * p[4])


def label_size(name: str, font_size: float) -> tuple[float, float]:
    return len(name) * CHAR_WIDTH * font_size + 4, LINE_HEIGHT * font_size + 2


def _overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _box(cx: float, cy: float, w: float, h: float) -> tuple:
    return cx - w / 2 - GAP, cy - h / 2 - GAP, cx + w / 2 + GAP, cy + h / 2 + GAP


def _candidates(x: float, y: float, w: float, h: float, area_px: tuple[float, float], away: float):
    """Where a name may go, best first, as (centre x, centre y, leader line?): inside the area if it fits, beside
    its point, then on rings around it (a leader line), first in the direction `away` (radians) from its
    neighbours."""
    if w < area_px[0] * 0.8 and h < area_px[1] * 0.6:
        yield x, y, False
    for dx, dy in ((w / 2 + 8, 0), (-w / 2 - 8, 0), (0, -h / 2 - 7), (0, h / 2 + 7),
                   (w / 2 + 5, -h / 2 - 3), (w / 2 + 5, h / 2 + 3), (-w / 2 - 5, -h / 2 - 3), (-w / 2 - 5, h / 2 + 3)):
        yield x + dx, y + dy, False
    turns = sorted(range(24), key=lambda k: min(k, 24 - k))  # 0, 1, 23, 2, 22, …: nearest to `away` first
    for radius in range(25, 301, 15):
        for k in turns:
            angle = away + math.pi * 2 * k / 24
            yield x + math.cos(angle) * (radius + w / 2), y + math.sin(angle) * (radius + h / 2), True


def _nearest_edge(x: float, y: float, box: tuple) -> tuple[float, float]:
    """Where a leader line from (x, y) to the box's centre enters the box (plotly draws it so)."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    half_w, half_h = (box[2] - box[0]) / 2, (box[3] - box[1]) / 2
    dx, dy = x - cx, y - cy
    t = min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf, 1.0)
    return cx + dx * t, cy + dy * t


def _crosses(a: tuple, b: tuple, c: tuple, d: tuple) -> bool:
    """Whether the segments a–b and c–d cross."""
    def side(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


def _line_hits_box(a: tuple, b: tuple, box: tuple) -> bool:
    corners = [(box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3])]
    return any(_crosses(a, b, corners[i], corners[(i + 1) % 4]) for i in range(4))


def _away(x: float, y: float, points: dict, name: str) -> float:
    """The direction (radians) away from the place's near neighbours (60 px), or to the right if it has none."""
    dx = dy = 0.0
    for other, (px, py) in points.items():
        dist = math.hypot(px - x, py - y)
        if other != name and dist < 60:
            dx, dy = dx + (x - px) / max(dist, 1), dy + (y - py) / max(dist, 1)
    return math.atan2(dy, dx) if (dx or dy) else 0.0


def _free(box: tuple, line: tuple | None, taken: list, lines: list, others: list) -> bool:
    """A name's box (and leader line) covers no name, point or line placed before, and its line crosses none."""
    if any(_overlaps(box, b) for b in taken + others):
        return False
    if any(_line_hits_box(*seg, box) for seg in lines):
        return False
    return line is None or not (any(_crosses(*line, *seg) for seg in lines)
                                or any(_line_hits_box(*line, b) for b in taken))


def place_labels(named: list[list], center: dict, zoom: float, width: float, height: float,
                 font_size: float) -> tuple[list[dict], list[int], set[str]]:
    """The annotations naming `named` (places()) on a map of width × height px, each one's place (its index in
    `named`, for assets/app.js to move them with the map), and the areas whose name stands away from the area
    (they get a dot to click: the area itself may be a speck)."""
    cx, cy = world_px(center["lon"], center["lat"], zoom)
    plot_width = width - COLOUR_BAR
    frame = (-plot_width / 2, -height / 2, plot_width / 2, height / 2 - BOTTOM_RESERVED)
    points = {}
    for name, lon, lat, *_ in named:
        px, py = world_px(lon, lat, zoom)
        points[name] = (px - cx, py - cy)
    taken: list[tuple] = []  # boxes of the names placed
    lines: list[tuple] = []  # their leader lines
    annotations, where, away = [], [], set()
    scale = TILE * 2 ** zoom / 360
    sized = {p[0]: (*label_size(p[0], font_size), p[3] * scale,
                    p[4] * scale / max(math.cos(math.radians(p[2])), 0.1)) for p in named}
    fits = {name for name, (w, h, aw, ah) in sized.items() if w < aw * 0.8 and h < ah * 0.6}
    crowd = {name: sum(math.hypot(px - x, py - y) < 40 for px, py in points.values())
             for name, (x, y) in points.items()}
    # First the names that fit inside their area (the largest first), then the main town's, then the others, the
    # most crowded first: they have the fewest free spots.
    rounds = [(p, True) for p in named if p[0] in fits]
    rounds += [(p, False) for p in sorted(named, key=lambda p: (not p[6], -crowd[p[0]]))]
    for (name, _, _, _, _, area_id, _), inside_only in rounds:
        if any(a["text"] == name for a in annotations):
            continue
        x, y = points[name]
        w, h, area_w, area_h = sized[name]
        # a name covers no other place's point (its dot, its significance mark)
        others = [(px - 6, py - 6, px + 6, py + 6) for other, (px, py) in points.items() if other != name]
        spots = _candidates(x, y, w, h, (area_w, area_h), _away(x, y, points, name))
        for tx, ty, leader in ([next(spots)] if inside_only else spots):
            box = _box(tx, ty, w, h)
            line = ((x, y), _nearest_edge(x, y, box)) if leader else None
            inside = frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1] and box[3] <= frame[3]
            if inside and _free(box, line, taken, lines, others):
                break
        else:
            continue  # no free spot: left out rather than drawn over another name
        taken.append(box)
        if line:
            lines.append(line)
        if (tx, ty) != (x, y):
            away.add(area_id)
        annotations.append(_annotation(name, x, y, tx - x, ty - y, leader, font_size))
        where.append(next(i for i, p in enumerate(named) if p[0] == name))
    # the main town's name first: where names collide after a zoom, assets/app.js keeps the earlier one
    seats = {p[0] for p in named if p[6]}
    order = sorted(range(len(annotations)), key=lambda i: annotations[i]["text"] not in seats)
    return [annotations[i] for i in order], [where[i] for i in order], away


def _annotation(name: str, x: float, y: float, dx: float, dy: float, leader: bool, font_size: float) -> dict:
    """A name at (x + dx, y + dy) px from the map's centre (y downwards); a leader line to (x, y) if `leader`."""
    note = {"text": name}  # the rest of its style is the figure's annotation defaults (label_defaults)
    # whole pixels: half a pixel is not seen, and each name's four decimals were 0.2 KB of a village map's answer
    if leader:  # the arrow's head at the point, the name at its tail
        return {**note, "showarrow": True, "xshift": round(x), "yshift": round(-y), "ax": round(dx), "ay": round(dy)}
    return {**note, "xshift": round(x + dx), "yshift": round(-(y + dy))}


def label_defaults(font_size: float) -> dict:
    """What every name has in common, said once in the figure's template rather than in each of 22 annotations (the
    village map's full figure: 13.7 → 10.1 KB)."""
    # anchored at their middle wherever assets/app.js moves them ("auto" anchors a name away from 0.5 by its side)
    return {"xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5, "xanchor": "center", "yanchor": "middle",
            "showarrow": False, "font": {"size": font_size, "color": "#111111"}, "bgcolor": "rgba(255,255,255,0.82)",
            "borderpad": 1, "captureevents": False, "axref": "pixel", "ayref": "pixel", "arrowhead": 0,
            "arrowwidth": 1.5, "arrowcolor": "#333333", "standoff": 4}


def name_places(layout: dict, named: list[list], width: float, height: float, font_size: float) -> set[str]:
    """Put the names of the places `named` (places()) on the map `layout` of width × height px at its own centre
    and zoom (the dashboard's, a slide's, an image's); returns the areas named away from their area. The layout's
    `meta.labels` keeps, per name, only what assets/app.js needs to move it with the map (it moves a name by its
    paper x/y and keeps the shift placed here): its place in whole px from the map's centre (`point`, y downwards)
    and its box's width (`width`; `height` one for all). Not the places themselves: 2 KB of a village map's answer."""
    meta = layout.setdefault("meta", {})
    view = layout["map"]
    placed, where, away = _placed(tuple(tuple(p) for p in named), view["center"]["lon"], view["center"]["lat"],
                                  view["zoom"], width, height, font_size)
    annotations = [dict(a) for a in placed]  # flat dicts: a copy the figure may change, not the cached placement
    layout["annotations"] = annotations
    template = layout.setdefault("template", {}).setdefault("layout", {})
    template["annotationdefaults"] = label_defaults(font_size)
    cx, cy = world_px(view["center"]["lon"], view["center"]["lat"], view["zoom"])
    points = [world_px(named[k][1], named[k][2], view["zoom"]) for k in where]
    meta["labels"] = {"point": [[round(x - cx), round(y - cy)] for x, y in points], "center": view["center"],
                      "zoom": view["zoom"], "width": [round(label_size(a["text"], font_size)[0]) for a in annotations],
                      "height": round(label_size("", font_size)[1])}
    return away


@lru_cache(maxsize=256)
def _placed(named: tuple, lon: float, lat: float, zoom: float, width: float, height: float, font_size: float):
    """place_labels, once per map (a level's names in a size): the search takes 100 ms for 22 villages."""
    return place_labels([list(p) for p in named], {"lon": lon, "lat": lat}, zoom, width, height, font_size)


def place_dots(named: list[list], away: set[str], lang_name: str) -> list[dict]:
    """The rings marking the places named away from their area: where the name points, and a target to click (the
    area may be too small to hit). Two traces, a dark dot and a white one inside it, so that they read as rings,
    not as the filled dots of a significant difference; the white one takes no hover (the dark one under it
    answers, with the place's name and area), so it carries only its points. Always present, possibly empty (a
    fixed list of traces)."""
    chosen = [p for p in named if p[5] in away]
    points = {"lon": [p[1] for p in chosen], "lat": [p[2] for p in chosen]}
    dark = {"customdata": [p[5] for p in chosen], "text": [p[0] for p in chosen],
            "hovertemplate": "<b>%{text}</b><extra></extra>"}
    return [{"type": "scattermap", "mode": "markers", "name": f"{lang_name}:{size}", **points,
             "marker": {"size": size, "color": colour}, **(dark if size == 11 else {"hoverinfo": "skip"}),
             "showlegend": False} for size, colour in ((11, "#222222"), (5, "#ffffff"))]
