"""CPU per callback for the load test's mix of requests, in one process (Flask's test client, no HTTP): a steadier
figure than the load test's for comparing two versions of the code on a noisy machine (run them in turns).

    .venv/bin/python -m bench.mix --data bench/output/national/processed [--visitors 40] [--changes 8]
                                  [--profile update_details]

Each simulated visitor loads the page and makes `--changes` changes as bench/locustfile.py's visitors do (the
requests of all visitors interleaved at random, seeded); the response cache is off, so every request is computed;
objects are frozen first as gunicorn.conf.py does for its workers. Prints the CPU time per callback and, with
`--profile NAME`, cProfile's top functions for that callback.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def requests_of(callbacks, meta: dict, visitors: int, changes: int) -> list:
    """(tab, (name, body function)) for every request of every visitor, interleaved at random (seeded)."""
    from bench import payloads

    queues = []
    for visitor in range(visitors):
        tab = payloads.Tab(callbacks)
        walk = payloads.Walk(tab, meta, seed=visitor + 7, fresh=False,
                              url_sync=lambda view: payloads.url_search(view, meta))
        queue = [(tab, r) for r in payloads.page_load(tab, meta)]
        for _ in range(changes):
            queue += [(tab, r) for r in walk.step()]
        queues.append(queue)
    rng, order = random.Random(3), []
    while any(queues):
        queue = rng.choice([q for q in queues if q])
        order.append(queue.pop(0))
    return order


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(ROOT / "data" / "processed"), help="a build's processed folder")
    parser.add_argument("--visitors", type=int, default=40)
    parser.add_argument("--changes", type=int, default=8)
    parser.add_argument("--profile", help="a callback to profile (update_map, update_details, …)")
    args = parser.parse_args(argv)
    os.environ.update({"DATA_DIR": str(Path(args.data).resolve()), "RESPONSE_CACHE_MB": "0"})
    os.chdir(ROOT)
    import brotli

    import app
    from bench import payloads
    from survey.results import open_results

    client = app.server.test_client()
    meta = payloads.metadata(open_results(args.data))
    callbacks = payloads.Callbacks(client.get("/_dash-dependencies").get_json(), list(meta["groups"]))
    order = requests_of(callbacks, meta, args.visitors, args.changes)
    gc.freeze()
    cpu: dict[str, list[float]] = {}
    sizes: dict[str, list[int]] = {}
    profile = cProfile.Profile() if args.profile else None
    for tab, (name, make_body) in order:
        body = json.dumps(make_body())
        started = time.process_time()
        if profile and name == args.profile:
            profile.enable()
        response = client.post("/_dash-update-component", data=body,
                               headers={"Content-Type": "application/json", "Accept-Encoding": "br"})
        if profile:
            profile.disable()
        cpu.setdefault(name, []).append(time.process_time() - started)
        data = response.get_data()
        sizes.setdefault(name, []).append(len(data))
        tab.receive(brotli.decompress(data) if response.headers.get("Content-Encoding") == "br" else data)
    total = sum(sum(v) for v in cpu.values())
    print(f"{len(order)} requests, {total:.1f} s of CPU, {total / len(order) * 1e3:.1f} ms a request")
    for name, times in cpu.items():
        times.sort()
        print(f"  {name:15s} n={len(times):5d}  CPU mean {sum(times) / len(times) * 1e3:6.1f} ms"
              f"  p50 {times[len(times) // 2] * 1e3:6.1f}  p95 {times[int(len(times) * 0.95)] * 1e3:6.1f} ms"
              f"  as sent (br) mean {sum(sizes[name]) / len(sizes[name]) / 1e3:.1f} KB")
    if profile:
        pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(40)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
