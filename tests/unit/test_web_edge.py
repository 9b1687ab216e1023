"""The web edge's own pieces, without a server: the per-process response cache and the map's bounds from the build."""
from __future__ import annotations

import json

from layouts.page import map_fit
from web.response_cache import ENTRY_OVERHEAD, LocalCache


def answer(size: int) -> tuple:
    return 200, b"x" * (size - ENTRY_OVERHEAD), "br"


def test_the_local_cache_lets_the_least_recently_used_go_beyond_its_budget():
    cache = LocalCache(8000)
    for key in "abcd":
        cache.set(key, answer(1000))
    assert cache.get("a") is not None  # now the most recently used
    for key in "efgh":
        cache.set(key, answer(1000))
    cache.set("i", answer(1000))  # 9,000 bytes: one must go, the least recently used (b)
    assert cache.get("b") is None and all(cache.get(k) is not None for k in "acdefghi")


def test_the_local_cache_keeps_what_it_has_and_refuses_an_answer_over_an_eighth():
    cache = LocalCache(8000)
    cache.set("a", answer(1000))
    cache.set("a", (204, b"", None))
    assert cache.get("a") == answer(1000)
    cache.set("big", answer(1001))
    assert cache.get("big") is None


def test_the_page_fits_the_map_to_the_bounds_the_build_wrote(results):
    finest = results.levels[0]
    level = next(lv for lv in results.manifest["levels"] if lv["id"] == finest)
    xs, ys = [], []

    def walk(coordinates):
        if coordinates and isinstance(coordinates[0], (int, float)):
            xs.append(coordinates[0])
            ys.append(coordinates[1])
        else:
            for part in coordinates:
                walk(part)

    for feature in json.loads((results.folder / "geo" / f"{finest}.geojson").read_text(encoding="utf-8"))["features"]:
        walk(feature["geometry"]["coordinates"])
    assert level["bounds"] == [min(xs), min(ys), max(xs), max(ys)]
    fit = map_fit(results)
    assert fit["data-fit-width"] > 0 and fit["data-fit-height"] > 0
    assert fit["data-zoom"] == results.manifest["map"]["zoom"]
