"""How gunicorn.conf.py's settings were chosen: the load test (bench/locustfile.py) against several worker and
thread counts, on the municipal build, one table.

    .venv/bin/python -m bench.sweep [--seconds 40] [--users 200] [--configs 2x4,3x4,4x2,2x8,4x4]

Each configuration gets a fresh gunicorn (preloaded and warmed, as in production) and the same load; the table
shows callback p50/p95 over all callback requests, errors, requests answered and the workers' RSS afterwards.
"""
from __future__ import annotations

import argparse
import json
import sys

import requests

from . import client, payloads
from .run import OUT, html_resources, load_test, log, page_resources


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sweep")
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--configs", default="2x4,3x4,4x2,2x8,4x4")
    parser.add_argument("--scale", default="municipal")
    args = parser.parse_args(argv)
    folder = OUT / args.scale
    processed = folder / "processed"
    if not (processed / "manifest.json").exists():
        print(f"{processed} saknas: kör `python -m bench.run --scale {args.scale}` först", file=sys.stderr)
        return 1
    from survey.results import Results

    meta = payloads.metadata(Results(processed))
    previous = json.loads((folder / "results.json").read_text()) if (folder / "results.json").exists() else {}
    entries = previous.get("app", {}).get("browser", {}).get("entries", [])
    lines = ["| workers × threads | callback p50 | callback p95 | update_details p95 | errors | callbacks answered "
             "| RSS per worker |", "|---|---|---|---|---|---|---|"]
    results = {}
    for config in args.configs.split(","):
        workers, threads = (int(x) for x in config.split("x"))
        log(f"{workers} workers × {threads} threads …")
        server = client.Server("app:server", {"DATA_DIR": str(processed)}, workers=workers, threads=threads,
                               log=folder / f"sweep-{config}.log")
        try:
            deps = requests.get(server.url + "/_dash-dependencies", timeout=30).json()
            # The files a first visit fetched in the last run's browser step, else (national: no browser step) the
            # ones the page names and the first map's boundaries, as bench.run does.
            resources = page_resources(entries) or html_resources(server.url, processed, meta["levels"][0])
            out = load_test(server.url, meta, deps, resources, folder, args.users, args.seconds)
            rss = server.rss_mb()
        finally:
            server.stop()
        results[config] = {**out, "rss_mb": rss}
        details = out["per"].get("update_details", {}).get("p95_ms", 0)
        lines.append(f"| {workers} × {threads} | {out.get('callback_p50_ms') or 0:.0f} ms "
                     f"| {out['callback_p95_ms']:.0f} ms "
                     f"| {details:.0f} ms | {out['errors']} | {out['callback_requests']} | {max(rss):.0f} MB |")
        log("  p95 per 10 s: " + ", ".join(f"{b['from_s']}–{b['from_s'] + 10} s {b['p95_ms']:.0f} ms ({b['requests']})"
                                            for b in out.get("by_10s", [])) + f"; cache hits {out.get('cache_hits')}")
    (folder / "sweep.json").write_text(json.dumps(results, indent=1, default=float))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
