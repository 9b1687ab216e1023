"""The first paint's SVG map (views/map_svg.py) shows what the interactive map shows: every area of the level,
each filled as the map's figure fills it (colour scale, fading, grey for a hidden value), the places' names that
fit, in the view's language;
and nothing for a level with more areas than a first paint should carry."""
from __future__ import annotations

import json
import re
from types import SimpleNamespace

from plotly.colors import sample_colorscale

from views import map_svg as module
from views.map import map_view
from views.map_svg import svg_image

VIEW = {"question": "q_otrygg_kvall", "wave": "2019", "level": "by"}


def drawn(svg: str) -> dict[str, tuple[str, str]]:
    """{area name: (fill, fill-opacity)} of the SVG's areas."""
    return {name: (fill, opacity) for fill, opacity, name in
            re.findall(r'<path d="[^"]+" fill="([^"]+)" fill-opacity="([^"]+)"><title>([^<]+)</title>', svg)}


def test_every_area_is_filled_as_the_map_fills_it(results):
    for lang, grey in (("sv", "för få svar"), ("en", "too few answers")):
        figure, _ = map_view(results, VIEW, None, lang)
        svg = svg_image(results, figure, "by", lang)
        areas = drawn(svg)
        assert set(areas) == {results.area_name("by", a) for a in results.area_ids("by")}
        assert grey in svg and 'role="img"' in svg
        # the places' names that fit, none over another: the main town among them
        boxes = [(float(x), float(y), name) for x, y, name in
                 re.findall(r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="middle">([^<]+)</text>', svg)]
        assert "Älvdalen" in {name for *_, name in boxes} and len(boxes) >= 8
        for i, (x1, y1, a) in enumerate(boxes):
            for x2, y2, b in boxes[i + 1:]:
                assert abs(x1 - x2) * 2 >= min(len(a), len(b)) * 6 or abs(y1 - y2) >= 15, (a, b)
        seen = set()
        for trace in figure["data"]:
            trace = {**figure["layout"]["template"]["data"][trace["type"]][0], **trace}  # as plotly fills it in
            if trace.get("name") not in ("share", "uncertain", "suppressed"):
                continue
            span = trace["zmax"] - trace["zmin"]
            for area, z in zip(trace["locations"], trace["z"]):
                colour = sample_colorscale(trace["colorscale"], [(z - trace["zmin"]) / span], colortype="rgb")[0]
                assert areas[results.area_name("by", area)] == (colour, f'{trace["marker"]["opacity"]:g}'), area
                seen.add(trace["name"])
        assert {"share", "uncertain"} <= seen


def test_names_are_escaped_and_a_large_level_gets_no_map(results, tmp_path, monkeypatch):
    (tmp_path / "geo").mkdir()
    square = {"type": "Polygon", "coordinates": [[[13, 61], [14, 61], [14, 62], [13, 62], [13, 61]]]}
    (tmp_path / "geo" / "by.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"area_id": "a", "name": "<script>alert(1)</script>"}, "geometry": square}]}))
    fake = SimpleNamespace(folder=tmp_path, manifest={"build_id": "test", "kommun": {"name": "X"}},
                           area_ids=lambda level: ["a"], area_point=lambda level, a: (13.5, 61.5),
                           area_name=lambda level, a: "<script>alert(1)</script>")
    figure, _ = map_view(results, VIEW, None, "sv")
    for trace in figure["data"]:
        if trace.get("name") == "share":
            trace["locations"], trace["z"] = ["a"], [10]
    svg = svg_image(fake, figure, "by", "sv")
    assert svg.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2 and "<script" not in svg  # title, name
    monkeypatch.setattr(module, "MAX_AREAS", 0)
    module.area_paths.cache_clear()
    try:
        assert svg_image(fake, figure, "by", "sv") == ""
    finally:
        module.area_paths.cache_clear()
