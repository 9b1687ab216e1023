"""Wiring: the database (migrated at start), the staff pages, the public återkoppling pages and their styles."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint

from . import public_pages, staff_pages
from .db import Database, database_url
from .render import DB


def install(server, get_results, data_dir: str | Path) -> Database:
    """Migrate the database (once, under a lock) and register the pages on `server`."""
    db = Database(database_url(data_dir))
    db.migrate()  # DatabaseUnavailable (a RuntimeError saying what to set) stops the start
    db.dispose()  # gunicorn preloads the app: each worker opens its own connections after the fork
    server.extensions[DB] = {"db": db, "get_results": get_results}
    server.register_blueprint(staff_pages.make_blueprint())
    server.register_blueprint(public_pages.make_blueprint())
    server.register_blueprint(Blueprint("promise_static", __name__, static_folder="static",
                                        static_url_path="/loften-static"))
    return db
