"""Content negotiation for the copies the web edge keeps compressed (static.py, geo.py, response_cache.py)."""
from __future__ import annotations

from flask import Response, request


def accepts(encoding: str) -> bool:
    return encoding in request.headers.get("Accept-Encoding", "").replace(" ", "").split(",")


def best(variants: dict) -> tuple[str, bytes] | None:
    """The copy (encoding, bytes) of `variants` ({"br": …, "gzip": …}) this client takes: brotli first."""
    for encoding in ("br", "gzip"):
        if encoding in variants and accepts(encoding):
            return encoding, variants[encoding]
    return None


def send(response: Response, encoding: str, data: bytes) -> Response:
    """`response` with `data` (its body compressed as `encoding`) as its body: Content-Encoding and -Length, Vary
    and a strong ETag of its own."""
    response.direct_passthrough = False
    response.set_data(data)
    response.headers["Content-Encoding"] = encoding
    response.headers["Content-Length"] = str(len(data))
    vary = response.headers.get("Vary")
    response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary and "accept-encoding" not in vary.lower() else (
        vary or "Accept-Encoding")
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(f"{etag}:{encoding}")
    return response
