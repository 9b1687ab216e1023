"""The callbacks' response cache (serving.py) over HTTP, against the app under gunicorn: a repeated request is
answered from the cache, as brotli it was stored in, and a client without brotli gets the same answer."""
from __future__ import annotations

import requests

from .map_request import map_request


def test_a_repeated_callback_comes_from_the_cache_compressed_once(server_url):
    body = map_request(server_url, "p_fortkorning", 2016, "distrikt")
    session = requests.Session()  # one connection: one worker, whose cache it is

    def post(encodings: str) -> requests.Response:
        return session.post(server_url + "/_dash-update-component", data=body, timeout=20,
                            headers={"Content-Type": "application/json", "Accept-Encoding": encodings})

    first, again, gzip_only = post("gzip, br"), post("gzip, br"), post("gzip")
    assert [r.status_code for r in (first, again, gzip_only)] == [200] * 3
    assert again.headers["X-Cache"] == gzip_only.headers["X-Cache"] == "hit"
    assert first.headers["Content-Encoding"] == again.headers["Content-Encoding"] == "br"
    assert gzip_only.headers["Content-Encoding"] == "gzip"  # decompressed from the cache, gzipped for this client
    assert first.json() == again.json() == gzip_only.json()
    assert first.json()["response"]["map"]["figure"]["data"][0]["geojson"].startswith("/geo/distrikt.geojson")
    assert int(again.headers["Content-Length"]) < len(again.content)  # sent compressed
