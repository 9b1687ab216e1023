"""The callbacks' response cache (issue 7; bench/README.md has the measurements).

A callback answer is a function of the request body and the build only (the app keeps no per-user state on the
server), so it is stored, brotli-compressed, under a hash of the build id and the body (`response_key`). With
REDIS_URL it is shared by all instances (flask-caching on Redis: any instance answers a request another one
computed); without, each process keeps one of RESPONSE_CACHE_MB (64; 0 turns it off), least recently used out
first (cachetools). Requests with a cookie or an Authorization header (a staff session) are never cached.
(survey.results also caches queries per process.)
"""
from __future__ import annotations

import hashlib
import json
import os
import threading

import brotli
from cachetools import LRUCache
from flask import Flask, Response, g, request
from flask_caching import Cache

from .encoding import accepts, send

CALLBACK_PATH = "/_dash-update-component"
CACHE_SECONDS = 24 * 3600
MIN_SIZE = 1024  # smaller answers are stored as they are
ENTRY_OVERHEAD = 200  # bytes counted per answer besides its body


def response_key(build_id: str, body: bytes, trigger_free: tuple = (), wait_only: tuple = ()) -> str:
    """The cache key of a callback request: the build and the body, less what the answer does not depend on.
    For a callback in `trigger_free` (the first output of callbacks that never read which input changed), the
    changed inputs are left out, and the value of inputs in `wait_only` (ids of inputs taken only to wait for
    something, whose value is a time): a browser sends the details with the time the map was painted, so with it
    no two details requests were alike. A room of browsers reaching one view by different changes shares one answer."""
    try:
        call = json.loads(body)
        output = call.get("output", "") if isinstance(call, dict) else ""
    except (ValueError, UnicodeDecodeError):
        call, output = None, ""
    if isinstance(output, str) and output.startswith(tuple(trigger_free)):
        call = {"output": output, "state": call.get("state"),
                "inputs": [e for e in call.get("inputs") or []
                           if not (isinstance(e, dict) and e.get("id") in wait_only)]}
        body = json.dumps(call, sort_keys=True, separators=(",", ":")).encode()
    return "cb:" + hashlib.sha256(build_id.encode() + b"\0" + body).hexdigest()


class LocalCache:
    """The response cache of one process when there is no Redis: an LRU of at most `budget` bytes of answers
    (value: (status, body, its encoding)). One answer never takes more than an eighth of it; an answer already
    stored is kept as it is. flask-caching's get/set, for the hooks below."""

    def __init__(self, budget: int):
        self.budget = budget
        self.data: LRUCache = LRUCache(maxsize=budget, getsizeof=lambda value: len(value[1]) + ENTRY_OVERHEAD)
        self.lock = threading.Lock()  # cachetools' caches are not thread-safe

    def get(self, key):
        with self.lock:
            return self.data.get(key)

    def set(self, key, value, timeout=None):
        if len(value[1]) + ENTRY_OVERHEAD > self.budget // 8:
            return
        with self.lock:
            if key not in self.data:
                self.data[key] = value


def make_cache(server: Flask):
    """flask-caching on Redis when REDIS_URL is set (shared by every instance), else a cache of this process
    (RESPONSE_CACHE_MB, default 64; 0 turns it off: None)."""
    url = os.environ.get("REDIS_URL")
    if not url:
        budget = float(os.environ.get("RESPONSE_CACHE_MB", "64"))
        return LocalCache(int(budget * 1e6)) if budget > 0 else None
    cache = Cache(config={"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url, "CACHE_KEY_PREFIX": "trygg:",
                          "CACHE_DEFAULT_TIMEOUT": CACHE_SECONDS})
    cache.init_app(server)
    return cache


def _cached_answer(hit) -> Response:
    status, data, encoding = hit
    if encoding and not accepts(encoding):  # a client without brotli: flask-compress takes it from here
        data, encoding = brotli.decompress(data), None
    response = Response(data, status=status, mimetype="application/json")
    if encoding:
        send(response, encoding, data)
    response.headers["X-Cache"] = "hit"
    return response


def install(server: Flask, get_results, trigger_free: tuple = (), wait_only: tuple = ()) -> None:
    """Answer repeated callback requests from the cache. `get_results()` gives the build (its id is in the key);
    `trigger_free`, `wait_only`: what the key leaves out (response_key)."""
    cache = make_cache(server)
    if cache is None:
        return

    @server.before_request
    def answer_from_cache():
        if request.method != "POST" or request.path != CALLBACK_PATH or "Cookie" in request.headers \
                or "Authorization" in request.headers:
            return None
        g.response_key = response_key(get_results().manifest["build_id"], request.get_data(cache=True),
                                      trigger_free, wait_only)
        try:
            hit = cache.get(g.response_key)
        except Exception:  # Redis down: answer without the cache
            hit = None
        if hit is None:
            return None
        g.response_key = None
        return _cached_answer(hit)

    @server.after_request
    def store_answer(response: Response) -> Response:
        # Runs before flask-compress's hook (registered later, run earlier): it sees the plain body.
        key = g.pop("response_key", None)
        if not key or response.status_code not in (200, 204) or "Set-Cookie" in response.headers \
                or "no-store" in response.headers.get("Cache-Control", ""):  # e.g. a job's id (exports/jobs.py)
            return response
        # Kept compressed (brotli at flask-compress's level): a hit is then not compressed again (a national map
        # answer is 230 KB of JSON, 3 ms of brotli) and the cache holds about seven times as many answers.
        data, encoding = response.get_data(), None
        if len(data) >= MIN_SIZE:
            data, encoding = brotli.compress(data, quality=server.config.get("COMPRESS_BR_LEVEL", 4)), "br"
            if accepts("br"):
                response = send(response, "br", data)
        try:
            cache.set(key, (response.status_code, data, encoding), timeout=CACHE_SECONDS)
        except Exception:  # Redis down: the answer goes out uncached
            pass
        return response
