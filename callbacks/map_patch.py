"""The map sends its boundaries once: after the first figure, a filter change sends only the values (a dash Patch).

The GeoJSON is a URL the browser fetches and caches once (/geo/<level>.geojson?v=<build>), and the figure's
traces are a fixed list for a level (views/map.py). So once the browser shows a map, a filter change
alters only what depends on the data: per trace its areas (`locations`), values (`z`, the colour range), hover
texts (`customdata`) and marker positions (VALUE_KEYS). Everything else (layout, trace styles, names, the
GeoJSON URL: the figure's *structure*) is summed up in a digest.

The app keeps no per-user state: the browser keeps, in the store `map-drawn` (written with the map), the digests
of the structure it shows, of the note under the map and of which areas each trace draws, and which traces are
blank. The callback sends a Patch of the values only when the new figure has the same structure, the full figure
otherwise (a new page, another level, language or build, a change of the figure code), the areas' ids only when
they changed, and the note only when it changed. tests/unit/test_map_patch.py checks that the patch turns any
view's figure into any other's with the same structure.
"""
from __future__ import annotations

import copy
import hashlib
import json

from dash import Patch, no_update

# The keys of a map trace that depend on the data shown; a change anywhere else sends the whole figure. The colour
# bar's (one trace's) title says whether the scale is fixed (the problem items: views/profile.py).
VALUE_KEYS = ("locations", "z", "zmin", "zmax", "customdata", "lon", "lat", "visible", "text", "colorbar")


def _digest(value) -> str:
    return hashlib.blake2b(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode(),
                           digest_size=8).hexdigest()


def structure(figure: dict) -> str | None:
    """Digest of everything in the figure but the values (None for an empty figure)."""
    if not figure.get("data"):
        return None
    return _digest({"layout": figure.get("layout"),
                    "data": [{k: v for k, v in trace.items() if k not in VALUE_KEYS} for trace in figure["data"]]})


def blank(figure: dict) -> str:
    """Per trace, "1" if it draws nothing (no areas, no markers, and not the one with the colour scale), else "0".
    A trace blank on the shown map and in the new one needs no update: nothing of it is on the screen."""
    return "".join("1" if not (trace.get("locations") or trace.get("lon") or trace.get("showscale")) else "0"
                   for trace in figure.get("data") or [])


def where(figure: dict) -> str:
    """Digest of which areas each trace draws (shown, faded, hidden, selected)."""
    return _digest([trace.get("locations") for trace in figure.get("data") or []])


def values(figure: dict) -> str:
    """Per trace, a digest of its values: a trace whose values the shown map already has is not sent again (the
    rings of the places named away from their area, the colour bar's trace: 1.3 KB of a village map's patch)."""
    return "".join(_digest({k: trace.get(k) for k in VALUE_KEYS})[:8] for trace in figure.get("data") or [])


def map_patch(figure: dict, skip: set[int] = frozenset(), same_areas: bool = False) -> Patch:
    """The Patch that turns a shown map of the same structure into `figure` (but for the traces `skip`; without
    the traces' areas when `same_areas`: each trace draws the same areas as on the shown map)."""
    keys = [key for key in VALUE_KEYS if not (same_areas and key == "locations")]
    patch = Patch()
    for i, trace in enumerate(figure["data"]):
        if i not in skip:  # one "Merge" per trace
            patch["data"][i].update({key: trace[key] for key in keys if key in trace})
    return patch


def map_answer(figure: dict, note, drawn: dict | None):
    """The map callback's outputs (figure, note, map-drawn): a Patch when the browser's map has the same structure
    (without the traces blank before and after, or whose values are those shown: a few hundred bytes of a municipal
    answer of about 1 KB; without
    the areas' ids when every trace draws the same areas as before: a national one is 6,000 ids), no note when it
    is the one shown, and the new `map-drawn` record (no update when it is the same)."""
    shown = drawn if isinstance(drawn, dict) else {}
    state = {"figure": structure(figure), "note": _digest(note), "blank": blank(figure), "where": where(figure),
             "values": values(figure)}
    same = state["figure"] is not None and shown.get("figure") == state["figure"]
    skip = {i for i, (was, now) in enumerate(zip(shown.get("blank", ""), state["blank"])) if was == now == "1"}
    old_values = str(shown.get("values", ""))
    skip |= {i for i in range(len(state["blank"])) if old_values[8 * i:8 * i + 8] == state["values"][8 * i:8 * i + 8]}
    patch = map_patch(figure, skip, same_areas=shown.get("where") == state["where"]) if same else figure
    return patch, no_update if shown.get("note") == state["note"] else note, no_update if shown == state else state


def apply(figure: dict, patch: Patch) -> dict:
    """Apply a Patch of merges and assignments to a figure dict as dash-renderer does (for tests)."""
    out = copy.deepcopy(figure)
    for op in patch.to_plotly_json()["operations"]:
        target = out
        for step in op["location"][:-1] if op["operation"] == "Assign" else op["location"]:
            target = target[step]
        if op["operation"] == "Merge":
            target.update(op["params"]["value"])
        else:
            assert op["operation"] == "Assign", op
            target[op["location"][-1]] = op["params"]["value"]
    return out


# A clientside callback (Input: the map's figure, Output: the store `map-painted`): resolves when plotly has drawn
# the map just updated (its plotly_afterplot event), or after a second at most. The details callback takes
# `map-painted` as an input, so Dash asks for the details only once the map is on the screen: the bars and the
# table (hundreds of elements) then no longer hold up the map's drawing (bench/README.md measures both).
MAP_PAINTED = """function (figure) {
    return new Promise(function (resolve) {
        var gd = document.querySelector('#map .js-plotly-plot');
        var done = false;
        function finish() { if (!done) { done = true; resolve(Date.now()); } }
        if (!gd || typeof gd.on !== 'function') { finish(); return; }
        function painted() { gd.removeListener('plotly_afterplot', painted); finish(); }
        gd.on('plotly_afterplot', painted);
        setTimeout(function () { gd.removeListener('plotly_afterplot', painted); finish(); }, 1000);
    });
}"""
