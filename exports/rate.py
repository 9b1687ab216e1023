"""Per-client limits on the story exports (issue 22): Flask-Limiter, counted in Redis when REDIS_URL is set (all
workers and instances share it), else in a SQLite file the instance's workers share (exports/rate_store.py). The
page's buttons and POST /export/story.* count against one limit per client address (the proxy's X-Forwarded-For
when TRUSTED_PROXIES says so, web/security.py)."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import request
from flask_limiter import Limiter
from limits import parse

from . import rate_store  # noqa: F401 (registers the trygg-sqlite:// scheme with `limits`)

log = logging.getLogger("trygghetskartan.exports")

EXPORT_RATE = parse(os.environ.get("EXPORT_RATE", "6/minute"))  # story files a client may ask for

# The storage comes from the app's config (RATELIMIT_STORAGE_URI, set by web/app.py from storage_uri below).
limiter = Limiter(lambda: request.remote_addr or "-", key_prefix="trygg-limits", strategy="moving-window")


def storage_uri(data_dir: Path) -> str:
    """Redis when REDIS_URL is set; else `rate-limits.sqlite3` beside the staff's shared state (TRYGG_STATE_DB,
    default next to the data folder), which every worker of this instance opens."""
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    state = Path(os.environ.get("TRYGG_STATE_DB") or Path(data_dir).resolve().parent / "staff-state.sqlite3")
    return f"trygg-sqlite://{state.with_name('rate-limits.sqlite3')}"


def export_allowed() -> bool:
    """Count one story export for this request's client; False when it is over EXPORT_RATE. A store that cannot be
    read lets the export through (the queue's own bound still holds: exports/jobs.py) and says so in the log."""
    try:
        return limiter.limiter.hit(EXPORT_RATE, "story-export", request.remote_addr or "-")
    except Exception as err:  # sqlite3.Error, a Redis connection error: the limit is not worth a 500
        log.error("exportgränsen kunde inte räknas (export rate store failed): %s", err)
        return True
