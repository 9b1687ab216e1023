"""Per-client limits on the story exports (issue 22): Flask-Limiter, counted in Redis when REDIS_URL is set (all
workers and instances share it), else in each worker's memory. The page's buttons and POST /export/story.* count
against one limit per client address (the proxy's X-Forwarded-For when TRUSTED_PROXIES says so, web/security.py)."""
from __future__ import annotations

import os

from flask import request
from flask_limiter import Limiter
from limits import parse

EXPORT_RATE = parse(os.environ.get("EXPORT_RATE", "6/minute"))  # story files a client may ask for

limiter = Limiter(lambda: request.remote_addr or "-", storage_uri=os.environ.get("REDIS_URL") or "memory://",
                  key_prefix="trygg-limits", strategy="moving-window")


def export_allowed() -> bool:
    """Count one story export for this request's client; False when it is over EXPORT_RATE."""
    return limiter.limiter.hit(EXPORT_RATE, "story-export", request.remote_addr or "-")
