"""The index page with the view's answer in it (issue 24): Dash serves the same page for every URL, an empty
`#react-entry-point` ("Loading..."), and only then fetches the layout and runs the callbacks; on a phone on a slow
line that was seconds of nothing. `Dashboard.interpolate_index` (Dash's supported hook, called per request while
flask.request is the page's) puts the view of the URL's query string in its place, drawn by views/first_paint.py
from details_view's answer (the details callback's own function: one query path, the same hidden cells), and sets
<html lang> to the view's language. Dash does not cache its index page, and the response cache only keeps callback
answers, so each URL gets its own view in its own language. The pages with charts also preload plotly.js from a
versioned URL (plotly_url).
"""
from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path

import dash
from cachetools import LRUCache
from dash._utils import interpolate_str
from flask import Response, abort, request

from layouts.page import index_html
from views.details import details_view
from views.first_paint import first_paint, plain_entry
from views.map import map_view
from views.map_svg import map_svg, svg_image
from views.params import language, map_params, parse_view, query_params

log = logging.getLogger(__name__)
DASHBOARD_PATHS = ("/",)  # the other pages (/metod, /presentation) get the plain line
CHART_PATHS = ("/", "/presentation")  # the pages that draw charts at once: plotly.js is preloaded
ASSETS = Path(__file__).resolve().parents[1] / "assets"
PLOTLY_BUNDLE = "plotly/plotly-trygghetskartan.min.js"  # not loaded by Dash itself: assets_path_ignore


_SVGS: LRUCache = LRUCache(maxsize=256)  # (build, map's parameters, language) → SVG: per view, bounded
_SVGS_LOCK = threading.Lock()


def view_svg(results, view: dict) -> str:
    """The view's map as an SVG (views/map_svg.py; "" when there is none), made once per worker: the index page
    draws it inline and /map.svg serves it when the app mounts, for the same view."""
    params = map_params(query_params(view))
    key = (results.manifest["build_id"], tuple(sorted(params.items())), view["lang"])
    with _SVGS_LOCK:
        svg = _SVGS.get(key)
    if svg is None:  # the selected area is not drawn: the same SVG for every area
        svg = svg_image(results, map_view(results, params, None, view["lang"])[0], view["level"], view["lang"])
        with _SVGS_LOCK:
            _SVGS[key] = svg
    return svg


def install(server, get_results) -> None:
    """/map.svg?<a view's query>&v=<build id>: the view's map as an image (views/map_svg.py), which stands in the
    dashboard's map until plotly has drawn it; the work of one map callback, kept a day (the URL names the build)."""
    @server.get("/map.svg", endpoint="map_image")
    def map_image():
        results = get_results()
        view = parse_view(request.query_string.decode("latin-1"), results)
        svg = view_svg(results, view)
        if not svg:
            abort(404)
        response = Response(svg, mimetype="image/svg+xml")
        response.cache_control.public = True
        response.cache_control.max_age = 86400 if request.args.get("v") == results.manifest["build_id"] else 60
        return response


def entry(get_results, path: str, search: str) -> tuple[str, str]:
    """(language, the react-entry-point's HTML) for the page at `path` with the query string `search`."""
    results = get_results()
    default = results.manifest.get("default_language", "sv")
    lang = language(search, default)
    if path not in DASHBOARD_PATHS:
        return lang, plain_entry(lang)
    view = parse_view(search, results)  # forgiving, as the page is: an invalid value is the default's
    details = details_view(results, query_params(view), view["area"], view["lang"])
    return view["lang"], first_paint(details, view["lang"], map_svg(view_svg(results, view)))


@lru_cache(maxsize=1)
def plotly_url(prefix: str) -> str:
    """plotly.js with only the traces the page draws (assets/plotly/, built by tools/plotly_bundle: 0.68 MB brotli'd
    against the full bundle's 1.11 MB, most of a phone's first load; bench/README.md), at a versioned URL (kept a
    year: web/static.py). dcc asks for plotly.js by a fixed name, and only once the first graph is on the page; the
    index page preloads this one from the start and assets/plotly_url.js hands dcc its URL."""
    return f"{prefix}assets/{PLOTLY_BUNDLE}?m={int((ASSETS / PLOTLY_BUNDLE).stat().st_mtime)}"


class Dashboard(dash.Dash):
    """dash.Dash whose index page carries the view's answer; `get_results` is set by the factory (web/app.py)."""

    get_results = None

    def interpolate_index(self, **kwargs) -> str:
        lang = "sv"
        try:
            lang, answer = entry(self.get_results, request.path, request.query_string.decode("latin-1"))
            kwargs["app_entry"] = f'<div id="react-entry-point">{answer}</div>'
        except Exception:  # the page must still load (the app shows the view, or says what is wrong with it)
            log.exception("the index page's first paint failed for %s", request.full_path)
        # A page without charts (/metod) only names the bundle: a visitor may go on to the map without a reload.
        url = plotly_url(self.config.requests_pathname_prefix)
        kwargs["metas"] += (f'<link rel="preload" as="script" id="plotly-bundle" href="{url}">'
                            if request.path in CHART_PATHS else f'<meta id="plotly-bundle" content="{url}">')
        return interpolate_str(index_html(lang), **kwargs)
