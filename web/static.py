"""Static bundles at their best compression (issue 7; the measurements are in bench/README.md).

Dash's script bundles (plotly.js alone is 4.8 MB) and the assets are compressed once, ahead of time, at brotli
quality 11 (and gzip 9 for clients without brotli) into a cache on disk, `.cache/precompressed/<sha256 of the
file>.br|.gz` (`python -m web.static precompress` writes it; `make run` and `make bench` do). A response whose body
has a precompressed copy is sent as that copy; anything else is compressed on the fly by flask-compress as before.
Brotli 11 is too slow to do per request (10 s for plotly.js) but makes the first page load 1.45 MB instead of
1.88 MB. Once a bundle has been served (its path carries its version, so it never changes), a repeat is answered
from memory before Dash reads the file again.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import re
import sys
import threading
from pathlib import Path

import brotli
import dash
import dash_bootstrap_components
import plotly
from flask import Flask, Response, request

from .encoding import best, send

ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = Path(os.environ.get("PRECOMPRESSED_DIR", ROOT / ".cache" / "precompressed"))
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
MIN_SIZE = 1024
_NOT_KEPT = ("content-encoding", "content-length", "x-instance", "set-cookie")
YEAR = 31536000
# Paths (with their query) kept in memory: the page loads about 25; any `?m=` or fingerprint is a path of its own,
# so a client making them up must not grow a worker's memory without end.
MAX_PATHS = 256


def static_files() -> list[Path]:
    """Every script and style sheet the page may load: Dash's bundles (with dcc's async chunks and plotly.js),
    dash-bootstrap-components and the assets folder."""
    roots = [Path(dash.__file__).parent, Path(dash_bootstrap_components.__file__).parent,
             Path(plotly.__file__).parent / "package_data", ROOT / "assets"]

    def served(p: Path) -> bool:  # not the debug-mode bundles, Jupyter's widget bundle or unminified React
        return not (".dev." in p.name or p.name == "widgetbundle.js"
                    or (p.parent.name == "deps" and ".min." not in p.name))

    return sorted(p for root in roots for p in root.rglob("*") if p.suffix in (".js", ".css") and p.is_file()
                  and p.stat().st_size >= MIN_SIZE and "node_modules" not in p.parts and served(p))


def precompress(files: list[Path] | None = None, quiet: bool = False) -> int:
    """Write the brotli-11 and gzip-9 copies of `files` (default: static_files()) that the cache lacks."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    made = 0
    for path in files or static_files():
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        for suffix, compress in (("br", lambda d: brotli.compress(d, quality=11)),
                                 ("gz", lambda d: gzip.compress(d, 9))):
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


class Precompressed:
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
                if len(self.by_path) >= MAX_PATHS:
                    self.by_path.clear()
                self.by_path[path] = found
        return found

    def remember(self, path: str, response: Response, variants: dict) -> None:
        keep = {k: v for k, v in response.headers.items() if k.lower() not in _NOT_KEPT}
        with self.lock:
            if len(self.answers) >= MAX_PATHS:
                self.answers.clear()
            self.answers[path] = (keep, variants)

    def answer(self, path: str) -> Response | None:
        """The answer to a repeat of `path` from memory, or None (not served yet, or no copy this client takes)."""
        known = self.answers.get(path)
        chosen = known and best(known[1])
        if not chosen:
            return None
        response = Response(chosen[1], status=200, headers=known[0])
        response.headers["Content-Encoding"] = chosen[0]
        response.headers["Content-Length"] = str(len(chosen[1]))
        return response


def install(server: Flask) -> None:
    """Send Dash's bundles and the assets as their precompressed copies (before flask-compress sees them)."""
    precompressed = Precompressed()

    @server.before_request
    def static_from_memory():
        if request.method != "GET" or not request.path.startswith(STATIC_PREFIXES):
            return None
        if request.environ.get("HTTP_IF_NONE_MATCH"):  # (not request.if_none_match: it would keep the old)
            ask_for_the_file(request.environ)
            return None
        return precompressed.answer(request.full_path)

    @server.after_request
    def static_precompressed(response: Response) -> Response:
        # Runs before flask-compress's hook (registered later, run earlier): it sees the plain body.
        if request.method != "GET" or response.status_code != 200 or "Content-Encoding" in response.headers \
                or not request.path.startswith(STATIC_PREFIXES):
            return response
        response.direct_passthrough = False
        cache_for_good(response)
        body = response.get_data()
        variants = precompressed.variants(request.full_path, body) if len(body) >= MIN_SIZE else {}
        chosen = best(variants)
        if chosen:
            response = send(response, *chosen)
            if "max-age" in response.headers.get("Cache-Control", ""):
                precompressed.remember(request.full_path, response, variants)
        return response


def ask_for_the_file(environ: dict) -> None:
    """A revalidation names the ETag of the compressed copy it was sent (send() makes it "<file's ETag>:br"); Flask
    and Dash compare If-None-Match with the file's own and sent the whole file again each time (plotly.js, 1.1 MB,
    on every return visit). The file's ETag is asked for instead: unchanged, they answer 304."""
    environ["HTTP_IF_NONE_MATCH"] = re.sub(r':(?:br|gzip)"', '"', environ.get("HTTP_IF_NONE_MATCH", ""))


def cache_for_good(response: Response) -> None:
    """A versioned URL never changes: Dash's fingerprinted bundles (it sends max-age) and the assets, whose URL
    carries the file's time (`?m=`), are kept a year without asking again (`immutable`: not even on a reload), so a
    returning phone loads none of them. Dash's unversioned files (dcc's async chunks, plotly.min.js, which dcc asks
    for by a fixed name) keep their ETag: a return visit asks, and gets a 304 (ask_for_the_file)."""
    versioned = "max-age" in response.headers.get("Cache-Control", "") or (
        request.path.startswith("/assets/") and request.args.get("m"))
    if versioned:
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] != ["precompress"]:
        print("usage: python -m web.static precompress   (writes .cache/precompressed/)", file=sys.stderr)
        return 2
    made = precompress(quiet=True)
    print(f"{made} nya komprimerade filer i {CACHE_DIR} (precompressed copies written)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
