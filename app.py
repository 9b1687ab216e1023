"""Wires the dashboard: the Dash app, its callbacks, the API and the boundary files. `server` is for gunicorn."""
from __future__ import annotations

import os
from pathlib import Path

import dash
from flask import abort, send_file

from api import make_blueprint
from callbacks import register_callbacks
from callbacks.view import TRIGGER_FREE, WAIT_ONLY
from exports.routes import make_blueprint as make_export_blueprint
from layouts.page import index_html, shell
from security import harden
from serving import install as install_serving
from staff import init_auth, load_settings, make_staff_app
from survey.results import open_results

ROOT = Path(__file__).parent
def create_app(data_dir: str | Path | None = None) -> dash.Dash:
    data_dir = Path(data_dir or os.environ.get("DATA_DIR", ROOT / "data" / "processed"))

    def get_results():
        return open_results(data_dir)

    app = dash.Dash(__name__, title="Trygghetskartan", assets_folder=str(ROOT / "assets"),
                    serve_locally=True, suppress_callback_exceptions=True, compress=True,
                    meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
    app.index_string = index_html("sv")
    app.layout = shell
    register_callbacks(app, get_results)
    server = app.server
    server.register_blueprint(make_blueprint(get_results))
    server.register_blueprint(make_export_blueprint(get_results))  # /export/table.csv|xlsx

    @server.get("/geo/<level>.geojson")
    def boundaries(level: str):
        results = get_results()
        if level not in results.levels:
            abort(404)
        response = send_file(results.folder / "geo" / f"{level}.geojson", mimetype="application/geo+json")
        response.cache_control.public = True
        response.cache_control.max_age = 86400  # the URL carries the build id, so a new build is a new URL
        return response

    # Staff pages behind a login (/personal/, staff/), then the hardening of every route (security.py).
    config = open_results(data_dir).manifest.get("config")
    init_auth(server, load_settings(ROOT / config if config else None))
    app.staff_app = make_staff_app(server, get_results, data_dir)
    harden(server, [app], [app.staff_app])
    # Precompressed bundles and boundaries, the shared cache (REDIS_URL), X-Instance (serving.py, issue 7).
    install_serving(app, get_results, TRIGGER_FREE, WAIT_ONLY)

    # Dash registers its script bundles on a process's first request, unguarded: with several threads, a
    # bundle requested at the same moment got a 500 ("dash is not a registered library"). One request here,
    # before any worker serves, does it once (and gunicorn's preload hands the result to every worker).
    server.test_client().get("/")
    return app


app = create_app()
server = app.server
