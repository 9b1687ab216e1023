"""Load test: simulated visitors of the dashboard (locust). Loopback only, bounded by the harness (-t 60s).

    BENCH_META=bench/output/municipal/locust-meta.json \
        .venv/bin/locust -f bench/locustfile.py --headless -u 200 -r 20 -t 60s --host http://127.0.0.1:8050

(bench/run.py writes BENCH_META: the build's questions, waves, levels, groups, areas, the app's
/_dash-dependencies and the same-origin resources a first page load fetched.)

Each visitor arrives (spread over the first 10 s), loads the page as a browser with an empty cache does (the HTML,
every script and style sheet, the layout, the callback map, the first callbacks, the boundaries), then changes
one control at a time as bench/payloads.py's walk does (question, year, filter, group, level, a click on the map),
thinking 2–8 s between changes. A change sends what the browser sends, in its order: the area chooser first when
it is involved, then the map with the page's URL-sync call (answered "no update"), then the details (the page
asks for them once the map is painted). Like a browser, a visitor keeps its connections open and sends the next
request on the one used last (geventhttpclient's pool is last in, first out). Views repeat across visitors, as they do
in a room full of people looking at the same survey.
A request fails unless it answers 200 (204 for "no update"); the harness reports locust's percentiles per
callback and, from this file, the percentiles over all callback requests (locust_callbacks.json).
"""
from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import gevent
import numpy as np
from locust import FastHttpUser, between, events, task

from bench import payloads

SPEC = json.loads(Path(os.environ["BENCH_META"]).read_text(encoding="utf-8"))
META, DEPS, RESOURCES = SPEC["meta"], SPEC["deps"], SPEC.get("resources", [])
CALLBACKS = payloads.Callbacks(DEPS, list(META["groups"]))
NAMES = ("render_page", "choose_area", "update_map", "update_details")
TIMES: list[tuple[float, float]] = []  # (when answered, response time in ms) of every callback request
HITS = [0]  # callback answers the server took from its response cache (X-Cache: hit)
RESENT = "resent (the server had closed the connection)"


def _closed(error) -> bool:
    """A connection the server closed before reading the request (not a timeout: that is an error)."""
    return isinstance(error, (ConnectionError, EOFError)) or type(error).__name__ in (
        "HTTPConnectionClosed", "EmptyResponse", "ConnectionClosed")
# br, as a browser takes it (Chromium also takes zstd, which locust cannot decode; the server's cost is alike).
HEADERS = {"Content-Type": "application/json", "Accept-Encoding": "gzip, deflate, br"}


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, **kwargs):
    if name in NAMES and exception is None:
        TIMES.append((time.monotonic(), response_time))


@events.quitting.add_listener
def _write(environment, **kwargs):
    out = Path(os.environ["BENCH_META"]).with_name("locust_callbacks.json")
    when, times = (np.array(x) for x in zip(*TIMES)) if TIMES else (np.zeros(1), np.zeros(1))
    # p95 per 10 s of the run (by when answered): whether the time is the arrival of 200 page loads or the steady state
    tens = ((when - when.min()) // 10).astype(int)
    by_10s = [{"from_s": 10 * k, "requests": int((tens == k).sum()),
               "p95_ms": float(np.percentile(times[tens == k], 95))}
              for k in range(int(tens.max()) + 1) if (tens == k).any()]
    out.write_text(json.dumps({"requests": len(TIMES), "p50_ms": float(np.percentile(times, 50)),
                               "p95_ms": float(np.percentile(times, 95)), "p99_ms": float(np.percentile(times, 99)),
                               "max_ms": float(times.max()), "cache_hits": HITS[0], "by_10s": by_10s}))


class Visitor(FastHttpUser):
    wait_time = between(2, 8)
    concurrency = 4  # the browser's parallel requests to one host (the map and the details go together)

    def post(self, name: str, make_body) -> None:
        data = json.dumps(make_body(), separators=(",", ":"))
        for attempt in (1, 2):
            with self.client.post("/_dash-update-component", data=data, headers=HEADERS, name=name,
                                  catch_response=True) as response:
                if response.status_code == 0 and attempt == 1 and _closed(getattr(response, "error", None)):
                    # The server closed a kept-alive connection as the request went out: a browser sends such a
                    # request again on a new connection (Chromium does for any method: the server never read
                    # it). Counted under a name of its own, so the resends show in the table and no time is lost.
                    response.request_meta["name"] = RESENT
                    response.success()
                    continue
                if response.status_code not in (200, 204):
                    error = getattr(response, "error", None)
                    response.failure(f"HTTP {response.status_code}"
                                     + (f" ({type(error).__name__}: {error})" if error else ""))
                else:
                    HITS[0] += response.headers.get("X-Cache") == "hit"
                    if name in CALLBACKS.keeping:  # only these are decompressed and parsed: the load generator
                        self.tab.receive(response.content)  # shares the 2 cores with the server
            return

    def send(self, requests: list) -> None:
        """In the browser's order: the area chooser first (its output feeds the others), then the map and the
        page's URL sync at the same time, and the details once the map has answered (they wait for it to be
        painted, callbacks/map_patch.py; the time the browser takes to paint is not added)."""
        for name, make_body in requests:
            if name == "choose_area":
                self.post(name, make_body)
        jobs = {name: gevent.spawn(self.post, name, make_body) for name, make_body in requests
                if name not in ("choose_area", "update_details")}
        if "update_map" in jobs:
            jobs["update_map"].join()
        for name, make_body in requests:
            if name == "update_details":
                self.post(name, make_body)
        gevent.joinall(list(jobs.values()))

    def on_start(self) -> None:
        self.client.get("/", headers=HEADERS, name="page /")
        for path in RESOURCES:
            self.client.get(path, headers=HEADERS, name="static (first visit)")
        self.client.get("/_dash-layout", headers=HEADERS, name="page /_dash-layout")
        self.client.get("/_dash-dependencies", headers=HEADERS, name="page /_dash-dependencies")
        self.tab = payloads.Tab(CALLBACKS)
        render_page, *callbacks = payloads.page_load(self.tab, META)
        self.post(*render_page)  # the page first, then its controls' callbacks
        self.send(callbacks)
        self.walk = payloads.Walk(self.tab, META, seed=random.randrange(1 << 30), fresh=False,
                                   url_sync=lambda view: payloads.url_search(view, META))

    @task
    def change_a_control(self) -> None:
        self.send(self.walk.step())
