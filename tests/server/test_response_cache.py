"""The callbacks' response cache (web/response_cache.py) over HTTP, against the app under gunicorn: a repeated request
is answered from the cache, as brotli it was stored in, and a client without brotli gets the same answer."""
from __future__ import annotations

import json

import requests

from callbacks.view import TRIGGER_FREE, WAIT_ONLY
from web.response_cache import response_key

from .map_request import details_request, map_request


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


def test_details_of_one_view_share_an_answer_whatever_changed_and_whenever_the_map_was_painted(server_url):
    # A browser sends the details with the time its map was painted (map-painted) and the input that changed:
    # the answer depends on neither, so the response cache's key leaves them out (web.response_cache.response_key).
    session = requests.Session()
    first, again = (session.post(server_url + "/_dash-update-component", timeout=20,
                                 data=details_request(server_url, "p_fortkorning", 2016, "by", painted, changed),
                                 headers={"Content-Type": "application/json", "Accept-Encoding": "br"})
                    for painted, changed in ((1765000000000, "question.value"), (1765000004321, "level.value")))
    assert first.status_code == again.status_code == 200
    assert "X-Cache" not in first.headers and again.headers["X-Cache"] == "hit"
    assert first.json() == again.json()
    assert first.json()["response"]["view-title"]["children"]


def test_the_key_keeps_what_an_answer_depends_on():
    area = json.dumps({"output": "..area.options...area.value..", "inputs": [{"id": "level", "value": "by"}],
                       "changedPropIds": ["level.value"]})
    clicked = area.replace('["level.value"]', '["map.clickData"]')
    assert (response_key("b1", area.encode(), TRIGGER_FREE, WAIT_ONLY)
            != response_key("b1", clicked.encode(), TRIGGER_FREE, WAIT_ONLY))
    details = {"output": "..bars.figure...shares.figure..", "inputs": [{"id": "question", "value": "q1"},
               {"id": "map-painted", "value": 1}], "changedPropIds": ["question.value"]}
    other_time = {**details, "inputs": [details["inputs"][0], {"id": "map-painted", "value": 2}]}
    other_question = {**details, "inputs": [{"id": "question", "value": "q2"}, details["inputs"][1]]}
    keys = [response_key("b1", json.dumps(d).encode(), TRIGGER_FREE, WAIT_ONLY)
            for d in (details, other_time, other_question)]
    assert keys[0] == keys[1] != keys[2]
    assert response_key("b2", json.dumps(details).encode(), TRIGGER_FREE, WAIT_ONLY) != keys[0]  # another build
    assert response_key("b1", b"not json", TRIGGER_FREE, WAIT_ONLY).startswith("cb:")
