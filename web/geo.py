"""The boundaries: /geo/<level>.geojson, each level's GeoJSON of the current build.

application/geo+json is not a type flask-compress compresses, so the route sends it compressed itself: as the
build's `geo/<level>.geojson.br` (brotli 11, written by survey/build.py: a third of gzip's bytes), or gzip 6 for a
client without brotli; the copies are made once per process. The URL carries the build id (views/map.py), so
a new build is a new URL and a day's caching is safe.
"""
from __future__ import annotations

import gzip
import threading
from pathlib import Path

import brotli
from cachetools import LRUCache
from flask import Flask, Response, abort, request, send_file

from .encoding import best, send

MAX_AGE = 86400


class Copies:
    """The compressed copies of boundary files, by path (the last 16 used, so an old build's are let go)."""

    def __init__(self):
        self.cache: LRUCache = LRUCache(maxsize=16)
        self.lock = threading.Lock()

    def of(self, source: Path, response: Response) -> dict:
        key = str(source)
        with self.lock:
            variants = self.cache.get(key)
            if variants is None:
                response.direct_passthrough = False
                data = response.get_data()
                built = source.with_name(source.name + ".br")
                variants = {"br": built.read_bytes() if built.exists() else brotli.compress(data, quality=5),
                            "gzip": gzip.compress(data, 6)}
                self.cache[key] = variants
        return variants


def install(server: Flask, get_results) -> None:
    """Route /geo/<level>.geojson on `server`; `get_results()` returns the current build's Results."""
    copies = Copies()

    @server.get("/geo/<level>.geojson", endpoint="boundaries")
    def boundaries(level: str):
        results = get_results()
        if level not in results.levels:
            abort(404)
        source = results.folder / "geo" / f"{level}.geojson"
        response = send_file(source, mimetype="application/geo+json")
        response.cache_control.public = True
        response.cache_control.max_age = MAX_AGE  # the URL carries the build id, so a new build is a new URL
        if request.method != "GET" or response.status_code != 200:  # HEAD, 304, 206: as send_file made them
            return response
        chosen = best(copies.of(source, response))
        return send(response, *chosen) if chosen else response
