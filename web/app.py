"""The app factory: the Dash app with its callbacks, the API, exports and staff pages, behind the web edge
(security, static bundles, boundaries, the response cache). The top-level app.py makes one for gunicorn."""
from __future__ import annotations

import os
from pathlib import Path

import dash
from flask import Flask, Response

from api import make_blueprint
from callbacks import register_callbacks
from callbacks.view import TRIGGER_FREE, WAIT_ONLY
from exports.rate import limiter, storage_uri
from exports.routes import make_blueprint as make_export_blueprint
from layouts.page import index_html, shell
from promises.routes import install as install_promises
from promises.slide import with_promise_slides
from staff import init_auth, load_settings, make_staff_app
from survey.results import open_results

from . import geo, response_cache, static
from .first_paint import Dashboard
from .first_paint import install as install_map_image
from .security import harden

ROOT = Path(__file__).resolve().parents[1]
RESULTS = "trygghetskartan.results"  # server.extensions[RESULTS]: get_results, for gunicorn.conf.py's warm-up


def create_app(data_dir: str | Path | None = None) -> dash.Dash:
    """The dashboard for the build in `data_dir` (default: DATA_DIR, else data/processed)."""
    data_dir = Path(data_dir or os.environ.get("DATA_DIR", ROOT / "data" / "processed"))

    def get_results():
        return open_results(data_dir)

    app = Dashboard(__name__, title="Trygghetskartan", assets_folder=str(ROOT / "assets"),
                    assets_path_ignore=["^plotly$"], serve_locally=True, suppress_callback_exceptions=True,
                    compress=True,
                    meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
    app.index_string = index_html("sv")  # per request: the view's language and its answer (web/first_paint.py)
    app.get_results = get_results
    app.layout = shell
    register_callbacks(app, get_results)
    server = app.server
    server.extensions[RESULTS] = get_results
    server.register_blueprint(make_blueprint(get_results))
    # /export/table.*, story files as jobs (a promise's slide made by promises/slide.py)
    server.register_blueprint(make_export_blueprint(get_results, with_promise_slides))
    server.config["RATELIMIT_STORAGE_URI"] = storage_uri(data_dir)
    limiter.init_app(server)  # per-client limits on the story files (exports/rate.py), shared by the workers
    geo.install(server, get_results)  # /geo/<level>.geojson
    install_map_image(server, get_results)  # /map.svg: the view's map until plotly has drawn it

    # Staff pages behind a login (/personal/, staff/), then the hardening of every route (security.py).
    config = open_results(data_dir).manifest.get("config")
    init_auth(server, load_settings(ROOT / config if config else None), data_dir)
    app.staff_app = make_staff_app(server, get_results, data_dir)
    install_promises(server, get_results, data_dir)  # medborgarlöften: staff pages, återkoppling (issue 23)
    harden(server, [app], [app.staff_app])
    # flask-compress leaves bodies under 500 bytes alone; most map updates (a Patch of a municipality's values)
    # are 300–800 bytes of JSON and about half that compressed, and a village hall meeting shares a slow line.
    server.config["COMPRESS_MIN_SIZE"] = 200
    static.install(server)  # precompressed bundles (issue 7)
    response_cache.install(server, get_results, TRIGGER_FREE, WAIT_ONLY)  # shared with REDIS_URL
    name_the_instance(server, os.environ.get("INSTANCE_NAME"))

    # Dash registers its script bundles on a process's first request, unguarded: with several threads, a
    # bundle requested at the same moment got a 500 ("dash is not a registered library"). One request here,
    # before any worker serves, does it once (and gunicorn's preload hands the result to every worker).
    server.test_client().get("/")
    return app


def name_the_instance(server: Flask, instance: str | None) -> None:
    """`X-Instance: <INSTANCE_NAME>` on every response when it is set: which instance answered behind a load
    balancer (deploy/cluster.py, tests/server/test_nginx.py)."""
    if not instance:
        return

    @server.after_request
    def instance_header(response: Response) -> Response:
        response.headers["X-Instance"] = instance
        return response
