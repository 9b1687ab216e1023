"""Serving the dashboard fast (issue 7; the measurements behind each choice are in bench/README.md).

`install(app, get_results)` (called by app.py) adds, on top of flask-compress:

- Static bundles at their best compression. Dash's script bundles (plotly.js alone is 4.8 MB) and the assets are
  compressed once, ahead of time, at brotli quality 11 (and gzip 9 for clients without brotli) into a cache on
  disk, `.cache/precompressed/<sha256 of the file>.br|.gz` (`python -m serving precompress` writes it; `make run`
  and `make bench` do). A response whose body has a precompressed copy is sent as that copy; anything else is
  compressed on the fly by flask-compress as before. Brotli 11 is too slow to do per request (10 s for plotly.js)
  but makes the first page load 1.45 MB instead of 1.88 MB.
- Boundaries compressed: /geo/<level>.geojson (application/geo+json, which flask-compress leaves alone) is sent
  as the build's `geo/<level>.geojson.br` (brotli 11, written by the build) or compressed once per process.
- A response cache for the callbacks: a callback answer is a function of the request body and the build only (the
  app keeps no per-user state on the server), so it is stored, brotli-compressed, under a hash of the build id
  and the body. With REDIS_URL it is shared by all instances (flask-caching on Redis: any instance answers a
  request another one computed); without, each process keeps one of RESPONSE_CACHE_MB (64). Requests with a
  cookie or an Authorization header (a staff session) are never cached. (survey.results also caches queries per
  process.)
- `X-Instance: <INSTANCE_NAME>` on every response when INSTANCE_NAME is set (to see which instance answered
  behind a load balancer; tests/server/test_nginx.py).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import sys
import threading
import time
from collections import OrderedDict
from pathlib import Path

from flask import Response, g, request

ROOT = Path(__file__).resolve().parent
CACHE_DIR = Path(os.environ.get("PRECOMPRESSED_DIR", ROOT / ".cache" / "precompressed"))
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
MIN_SIZE = 1024
CALLBACK_PATH = "/_dash-update-component"
CACHE_SECONDS = 24 * 3600


def _accepts(encoding: str) -> bool:
    return encoding in request.headers.get("Accept-Encoding", "").replace(" ", "").split(",")


def _best(variants: dict) -> tuple[str, bytes] | None:
    for encoding in ("br", "gzip"):
        if encoding in variants and _accepts(encoding):
            return encoding, variants[encoding]
    return None


def _send(response: Response, encoding: str, data: bytes) -> Response:
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


# ---- static bundles --------------------------------------------------------------------------------------------------

def static_files() -> list[Path]:
    """Every script and style sheet the page may load: Dash's bundles (with dcc's async chunks and plotly.js),
    dash-bootstrap-components and the assets folder."""
    import dash
    import dash_bootstrap_components
    import plotly

    roots = [Path(dash.__file__).parent, Path(dash_bootstrap_components.__file__).parent,
             Path(plotly.__file__).parent / "package_data", ROOT / "assets"]
    def served(p: Path) -> bool:  # not the debug-mode bundles, Jupyter's widget bundle or unminified React
        return not (".dev." in p.name or p.name == "widgetbundle.js" or (p.parent.name == "deps" and ".min." not in p.name))

    return sorted(p for root in roots for p in root.rglob("*") if p.suffix in (".js", ".css") and p.is_file()
                  and p.stat().st_size >= MIN_SIZE and "node_modules" not in p.parts and served(p))


def precompress(files: list[Path] | None = None, quiet: bool = False) -> int:
    """Write the brotli-11 and gzip-9 copies of `files` (default: static_files()) that the cache lacks."""
    import brotli

    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    made = 0
    for path in files or static_files():
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        for suffix, compress in (("br", lambda d: brotli.compress(d, quality=11)), ("gz", lambda d: gzip.compress(d, 9))):
            target = CACHE_DIR / f"{digest}.{suffix}"
            if target.exists():
                continue
            tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
            tmp.write_bytes(compress(data))
            os.replace(tmp, target)  # atomic: another process never reads half a file
            made += 1
        if not quiet:
            print(f"{path.relative_to(path.parents[2]) if len(path.parents) > 2 else path}", file=sys.stderr)
    return made


class _Precompressed:
    """Per process: request path → the precompressed copies of its body, found by the body's hash; and, once
    served, the whole answer (headers and copies), so a repeat is answered before Dash reads the file again."""

    def __init__(self):
        self.by_path: dict[str, dict] = {}
        self.answers: dict[str, tuple[dict, dict]] = {}  # full path → (headers, {encoding: bytes})
        self.lock = threading.Lock()

    def variants(self, path: str, body: bytes) -> dict:
        found = self.by_path.get(path)
        if found is None:
            digest = hashlib.sha256(body).hexdigest()
            found = {}
            for encoding, suffix in (("br", "br"), ("gzip", "gz")):
                copy = CACHE_DIR / f"{digest}.{suffix}"
                if copy.exists():
                    found[encoding] = copy.read_bytes()
            with self.lock:
                self.by_path[path] = found
        return found


# ---- install ---------------------------------------------------------------------------------------------------------

_installed: dict = {}


def _libc():
    """glibc, or None (another C library: the tuning below is glibc's)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c") if sys.platform.startswith("linux") else None
    try:
        libc = ctypes.CDLL(name) if name else None
        return libc if libc is not None and hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


_LIBC = _libc()
_last_trim = [0.0]


def limit_malloc_arenas() -> None:
    """At most two malloc arenas, so a worker's four threads do not each keep a heap of their own (set before the
    app is loaded; the environment's MALLOC_ARENA_MAX wins)."""
    if _LIBC is not None and "MALLOC_ARENA_MAX" not in os.environ:
        _LIBC.mallopt(-8, 2)  # M_ARENA_MAX, from glibc's malloc.h


def give_back_memory(every: float = 2.0) -> None:
    """After a request, at most every `every` seconds per worker: glibc keeps what a view freed (a national view's
    arrays are megabytes) in its heap; malloc_trim hands it back to the system. Measured on the national walk in
    one process: 8 ms, 445 → 389 MB. (Mapping every large block instead, MALLOC_MMAP_THRESHOLD_=128 KiB, also
    kept RSS down but doubled the details callback's time.)"""
    now = time.monotonic()
    if _LIBC is not None and now - _last_trim[0] >= every:
        _last_trim[0] = now
        _LIBC.malloc_trim(0)


def warm(seconds: float) -> int:
    """Answer the first view of every question and wave (the finest level) before serving,
    for at most `seconds`: each (wave, question) table and its disclosure pattern are then computed once. Called in
    gunicorn's master (gunicorn.conf.py, `when_ready`): with preload, every worker starts with the results. Returns
    the number of views answered."""
    get_results = _installed.get("get_results")
    if get_results is None or seconds <= 0:
        return 0
    results = get_results()
    questions = [q.id for q in results.codebook.single_choice] + [i.id for i in results.codebook.indices]
    deadline = time.monotonic() + seconds
    done = 0
    for wave in reversed(results.waves):  # the latest wave first: the page opens on it
        for question in questions:
            if time.monotonic() > deadline:
                return done
            results.query(results.parse({"question": question, "wave": str(wave), "level": results.levels[0]}))
            done += 1
    return done


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
                "inputs": [e for e in call.get("inputs") or [] if not (isinstance(e, dict) and e.get("id") in wait_only)]}
        body = json.dumps(call, sort_keys=True, separators=(",", ":")).encode()
    return "cb:" + hashlib.sha256(build_id.encode() + b"\0" + body).hexdigest()


def install(app, get_results, trigger_free: tuple = (), wait_only: tuple = ()) -> None:
    """`trigger_free`, `wait_only`: what the response cache's key leaves out (response_key)."""
    server = app.server
    # flask-compress leaves bodies under 500 bytes alone; most map updates (a Patch of a municipality's values)
    # are 300–800 bytes of JSON and about half that compressed, and a village hall meeting shares a slow line.
    server.config["COMPRESS_MIN_SIZE"] = 200
    _installed["get_results"] = get_results
    precompressed = _Precompressed()
    geo_cache: dict = {}
    geo_lock = threading.Lock()
    instance = os.environ.get("INSTANCE_NAME")
    cache = _shared_cache(server)

    @server.before_request
    def static_from_memory():
        # A bundle already served once (its path carries its version, so it never changes): no file read.
        if request.method != "GET" or not request.path.startswith(STATIC_PREFIXES) or request.if_none_match:
            return None
        known = precompressed.answers.get(request.full_path)
        best = known and _best(known[1])
        if not best:
            return None
        response = Response(best[1], status=200, headers=known[0])
        response.headers["Content-Encoding"] = best[0]
        response.headers["Content-Length"] = str(len(best[1]))
        return response

    if cache is not None:
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
            status, data, encoding = hit
            if encoding and not _accepts(encoding):  # a client without brotli: flask-compress takes it from here
                import brotli

                data, encoding = brotli.decompress(data), None
            response = Response(data, status=status, mimetype="application/json")
            if encoding:
                _send(response, encoding, data)
            response.headers["X-Cache"] = "hit"
            return response

    @server.after_request
    def serve_fast(response: Response) -> Response:
        # Runs before flask-compress's hook (registered later, run earlier): we see the plain body.
        if instance:
            response.headers["X-Instance"] = instance
        key = g.pop("response_key", None) if cache is not None else None
        if key and response.status_code in (200, 204) and "Set-Cookie" not in response.headers:
            # Kept compressed (brotli at flask-compress's level): a hit is then not compressed again (a national
            # map answer is 230 KB of JSON, 3 ms of brotli) and the cache holds about seven times as many answers.
            data, encoding = response.get_data(), None
            if len(data) >= MIN_SIZE:
                import brotli

                data, encoding = brotli.compress(data, quality=server.config.get("COMPRESS_BR_LEVEL", 4)), "br"
                if _accepts("br"):
                    response = _send(response, "br", data)
            try:
                cache.set(key, (response.status_code, data, encoding), timeout=CACHE_SECONDS)
            except Exception:
                pass
        if request.method != "GET" or response.status_code != 200 or "Content-Encoding" in response.headers:
            return response
        path = request.path
        if path.startswith(STATIC_PREFIXES):
            response.direct_passthrough = False
            body = response.get_data()
            if len(body) >= MIN_SIZE:
                variants = precompressed.variants(request.full_path, body)
                best = _best(variants)
                if best:
                    response = _send(response, *best)
                    if variants and "max-age" in response.headers.get("Cache-Control", ""):
                        keep = {k: v for k, v in response.headers.items()
                                if k.lower() not in ("content-encoding", "content-length", "x-instance", "set-cookie")}
                        with precompressed.lock:
                            precompressed.answers[request.full_path] = (keep, variants)
                    return response
        elif path.startswith("/geo/") and path.endswith(".geojson"):
            return _send_geojson(response, get_results(), path, geo_cache, geo_lock)
        return response


def _send_geojson(response: Response, results, path: str, cache: dict, lock: threading.Lock) -> Response:
    source = results.folder / "geo" / path.rsplit("/", 1)[1]
    key = str(source)
    with lock:
        variants = cache.get(key)
        if variants is None:
            import brotli

            variants = {}
            built = source.with_name(source.name + ".br")
            response.direct_passthrough = False
            data = response.get_data()
            variants["br"] = built.read_bytes() if built.exists() else brotli.compress(data, quality=5)
            variants["gzip"] = gzip.compress(data, 6)
            if len(cache) > 16:
                cache.clear()
            cache[key] = variants
    best = _best(variants)
    return _send(response, *best) if best else response


class _LocalCache:
    """The response cache of one process when there is no Redis: least recently used out beyond `budget` bytes."""

    def __init__(self, budget: int):
        self.budget, self.size, self.data, self.lock = budget, 0, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            hit = self.data.get(key)
            if hit is not None:
                self.data.move_to_end(key)
            return hit

    def set(self, key, value, timeout=None):  # value: (status, body, its encoding)
        size = len(value[1]) + 200
        if size > self.budget // 8:  # one answer never takes more than an eighth of the cache
            return
        with self.lock:
            if key in self.data:
                return
            self.data[key] = value
            self.size += size
            while self.size > self.budget and self.data:
                _, old = self.data.popitem(last=False)
                self.size -= len(old[1]) + 200


def _shared_cache(server):
    """flask-caching on Redis when REDIS_URL is set (shared by every instance), else a cache of this process
    (RESPONSE_CACHE_MB, default 64; 0 turns it off)."""
    url = os.environ.get("REDIS_URL")
    if not url:
        budget = float(os.environ.get("RESPONSE_CACHE_MB", "64"))
        return _LocalCache(int(budget * 1e6)) if budget > 0 else None
    from flask_caching import Cache

    cache = Cache(config={"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url, "CACHE_KEY_PREFIX": "trygg:",
                          "CACHE_DEFAULT_TIMEOUT": CACHE_SECONDS})
    cache.init_app(server)
    return cache


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] != ["precompress"]:
        print("usage: python -m serving precompress   (writes .cache/precompressed/)", file=sys.stderr)
        return 2
    made = precompress(quiet=True)
    print(f"{made} nya komprimerade filer i {CACHE_DIR} (precompressed copies written)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
