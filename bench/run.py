"""The benchmark harness: measure the app and the naive reference on the same data, in the same run, print one table.

    python -m bench.run --scale municipal      # the demo (make bench, about 4 minutes)
    python -m bench.run --scale national       # 1,000,000 respondents, 6,000 areas (make bench-national)
    python -m bench.run --report               # the table of the last run of each scale (for bench/README.md)

Each run, in order (every number printed comes from this run; results also go to bench/output/<scale>/results.json):
 1. build: `python -m survey build --config ...` as a child of a small wrapper process, which reports the wall
    time and its children's peak RSS (resource.getrusage(RUSAGE_CHILDREN).ru_maxrss). Municipal: config/demo.toml
    with the output redirected to bench/output/municipal/processed. National: bench/output/national/config.toml,
    generated first by bench/national.py if missing (the generation is not part of the build time).
 2. the app (gunicorn.conf.py, `app:server`) and the naive reference (`bench.naive_app:server`, same gunicorn
    settings) are started on free loopback ports.
 3. server time per callback: a seeded walk of realistic filter changes (bench/payloads.py; never the same view
    twice, so per-view caches never help) POSTs the callbacks' real bodies to /_dash-update-component, one request
    at a time on one keep-alive connection, with the browser's Accept-Encoding. Time = request sent → last byte
    read, on loopback. Payload = response body bytes as transferred (compressed) and decompressed. The first
    page load's callbacks (render_page, choose_area, update_map, update_details) start the walk.
 4. headless Chromium (bench/browser.py): first page load bytes as transferred, and filter change → repainted map.
 5. RSS of each gunicorn worker (/proc/<pid>/status VmRSS) after 3 and 4.
 6. load test (app only): locust, 200 users for 60 s (bench/locustfile.py); RSS again afterwards.
The app and the naive reference are measured one after the other (never at the same time) on this machine.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import requests

from . import browser, client, felt, payloads

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "output"
LOCUST = ROOT / ".venv" / "bin" / "locust"

SCALES = {
    "municipal": {"steps": 300, "naive_steps": 60, "changes": 12, "naive_changes": 6, "timeout_ms": 60_000,
                  "settled_changes": 200},
    "national": {"steps": 120, "naive_steps": 12, "changes": 8, "naive_changes": 4, "timeout_ms": 180_000,
                 "settled_changes": 40},
}
TARGETS = {  # (metric, scale) → (limit, unit, "le" = at most)
    ("callback_p95_ms", "municipal"): 20, ("callback_p95_ms", "national"): 150,
    ("map_payload_bytes", "municipal"): 10_000,
    ("repaint_p95_ms", "municipal"): 300,
    ("first_load_bytes", "municipal"): 1_500_000,
    ("build_seconds", "national"): 300, ("build_peak_mb", "national"): 6000,
    ("worker_rss_mb", "national"): 600,
    ("load_p95_ms", "municipal"): 500, ("load_p95_ms", "national"): 500,
    ("load_errors", "municipal"): 0, ("load_errors", "national"): 0,
    # issue 24: what is felt (bench/felt.py)
    ("settled_p95_ms", "municipal"): 250, ("settled_by_p95_ms", "municipal"): 400,
    ("mobile_readable_ms", "municipal"): 2500, ("mobile_map_ms", "municipal"): 5000,
    ("mobile_warm_map_ms", "municipal"): 1500,
}
SETTLED_RATIO = 3  # the naive app's settled p95 ÷ the app's, at least (issue 24)
CALLBACK_NAMES = ("render_page", "choose_area", "update_map", "update_details")

WRAPPER = ("import json, resource, subprocess, sys, time\n"
           "t = time.perf_counter()\n"
           "r = subprocess.run(sys.argv[1:])\n"
           "print(json.dumps({'returncode': r.returncode, 'seconds': time.perf_counter() - t,\n"
           "                  'peak_rss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---- 1. build ---------------------------------------------------------------------------------------------------

def municipal_config() -> Path:
    """config/demo.toml with its output in bench/output/municipal/processed (the demo's own build is not touched)."""
    text = (ROOT / "config/demo.toml").read_text(encoding="utf-8")
    text, count = re.subn(r'(?m)^dir\s*=\s*".*"$', 'dir = "bench/output/municipal/processed"', text)
    assert count == 1, "config/demo.toml: expected one `dir = ...` under [output]"
    path = OUT / "municipal" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def national_config() -> Path:
    path = OUT / "national" / "config.toml"
    if not path.exists():
        log("generating the national data (bench/national.py) …")
        subprocess.run([sys.executable, "-m", "bench.national", "--out", str(path.parent)], cwd=ROOT, check=True)
    return path


def build(config: Path, logfile: Path) -> dict:
    log(f"building {config} …")
    with open(logfile, "w") as out:
        result = subprocess.run([sys.executable, "-c", WRAPPER, sys.executable, "-m", "survey", "build",
                                 "--config", str(config.relative_to(ROOT))],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=out, text=True)
    lines = result.stdout.strip().splitlines()
    measured = json.loads(lines[-1])
    with open(logfile, "a") as out:
        out.write("\n".join(lines[:-1]) + "\n")
    if measured["returncode"] != 0:
        raise SystemExit(f"the build failed; see {logfile}")
    return {"seconds": measured["seconds"], "peak_mb": measured["peak_rss_kb"] * 1024 / 1e6}


# ---- 3. server time and payloads -----------------------------------------------------------------------------------

def walk_requests(tab: payloads.Tab, meta: dict, steps: int, seed: int = 1) -> list:
    """A page load, then `steps` filter changes; every 25 changes another visitor opens the page (its own tab,
    Swedish or English), so the page callback is timed more than once."""
    walk = payloads.Walk(tab, meta, seed=seed, fresh=True)
    out = [(*r, tab) for r in payloads.page_load(tab, meta)]
    for i in range(steps):
        out += [(*r, tab) for r in walk.step() if r[0] in CALLBACK_NAMES]
        if i % 25 == 24:
            visitor = payloads.Tab(tab.callbacks)
            out += [(*r, visitor) for r in payloads.page_load(visitor, meta, lang="en" if i % 50 == 24 else "sv")]
    return out


def time_callbacks(url: str, requests_: list, budget_s: float) -> dict:
    s = client.session()
    per: dict[str, list] = {}
    started = time.monotonic()
    for name, make_body, tab in requests_:
        reply = client.post(s, url, make_body())
        if reply.status not in (200, 204):
            raise RuntimeError(f"{url} {name}: HTTP {reply.status}: {reply.body[:300]!r}")
        tab.receive(reply.body)
        per.setdefault(name, []).append((reply.seconds, reply.transferred, reply.raw))
        if time.monotonic() - started > budget_s:
            log(f"  time budget of {budget_s:.0f} s reached after {sum(map(len, per.values()))} requests")
            break
    out = {}
    for name, values in per.items():
        seconds = np.array([v[0] for v in values]) * 1000
        out[name] = {"n": len(values), "p50_ms": float(np.percentile(seconds, 50)),
                     "p95_ms": float(np.percentile(seconds, 95)), "max_ms": float(seconds.max()),
                     "bytes_p50": float(np.percentile([v[1] for v in values], 50)),
                     "bytes_max": int(max(v[1] for v in values)),
                     "raw_p50": float(np.percentile([v[2] for v in values], 50)),
                     "raw_max": int(max(v[2] for v in values))}
    return out


def _normal(value, clientside=frozenset()) -> str:
    """A body part as text, with a property the renderer leaves out (undefined) the same as null, and the value of
    one a clientside callback writes (a time) left out."""
    def fill(v):
        if isinstance(v, list):
            return [fill(x) for x in v]
        if isinstance(v, dict) and "property" in v and "id" in v:
            if (str(v["id"]), v["property"]) in clientside:
                return {**v, "value": "(clientside)"}
            return {"value": None, **v}
        return v
    return json.dumps(fill(value), sort_keys=True)


def check_bodies(generated: list, sent: list[dict], clientside=frozenset()) -> list[str]:
    """Differences between the bodies we send and the page-load bodies Chromium sent (inputs and state)."""
    problems = []
    for name, make_body in generated:
        body = make_body()
        twin = next((b for b in sent if b["output"] == body["output"]), None)
        if twin is None:
            problems.append(f"{name}: not sent by the browser")
            continue
        for key in ("inputs", "state"):
            ours, theirs = body.get(key) or [], twin.get(key) or []
            for i in range(max(len(ours), len(theirs))):
                a = ours[i] if i < len(ours) else None
                b = theirs[i] if i < len(theirs) else None
                if _normal(a, clientside) != _normal(b, clientside):
                    problems.append(f"{name}: {key}[{i}] differ: ours {json.dumps(a)[:200]} "
                                    f"browser {json.dumps(b)[:200]}")
    return problems


# ---- the run -------------------------------------------------------------------------------------------------------

def run(scale: str, skip_load: bool, skip_naive: bool, skip_browser: bool = False,
        settled_changes: int | None = None) -> dict:
    settings = SCALES[scale]
    folder = OUT / scale
    folder.mkdir(parents=True, exist_ok=True)
    config = municipal_config() if scale == "municipal" else national_config()
    processed = folder / "processed"
    result: dict = {"scale": scale, "started": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": machine()}
    result["build"] = build(config, folder / "build.log")
    log(f"  build {result['build']['seconds']:.1f} s, peak {result['build']['peak_mb']:.0f} MB")

    from survey.results import Results
    results = Results(processed)
    meta = payloads.metadata(results)
    labels = {q.id: q.short["sv"] for q in results.codebook.single_choice}
    questions = [labels[q] for q in meta["questions"][1:12] if q in labels]  # no view is seen twice
    walk_inputs = felt.walk_inputs(results)
    del results

    apps = {"app": ("app:server", {"DATA_DIR": str(processed)})}
    if not skip_naive:
        apps["naive"] = ("bench.naive_app:server", {"NAIVE_CONFIG": str(config.relative_to(ROOT))})
    for which, (target, env) in apps.items():
        log(f"starting {which} ({target}) …")
        server = client.Server(target, env, log=folder / f"{which}.log")
        try:
            r: dict = {"startup_seconds": server.startup_seconds}
            deps = requests.get(server.url + "/_dash-dependencies", timeout=30).json()
            callbacks = payloads.Callbacks(deps, list(meta["groups"]))
            tab = payloads.Tab(callbacks)
            steps = settings["steps"] if which == "app" else settings["naive_steps"]
            generated = walk_requests(tab, meta, steps)
            log(f"  {which}: {len(generated)} callback requests, one at a time …")
            r["callbacks"] = time_callbacks(server.url, generated, budget_s=150 if which == "app" else 120)
            if skip_browser:
                resources = html_resources(server.url, processed, meta["levels"][0])
            else:
                log(f"  {which}: headless Chromium …")
                changes = settings["changes"] if which == "app" else settings["naive_changes"]
                b = browser.measure(server.url, meta["waves"], questions, changes, settings["timeout_ms"])
                r["browser"] = {k: v for k, v in b.items() if k != "bodies"}
                r["payload_check"] = check_bodies(payloads.page_load(payloads.Tab(callbacks), meta), b["bodies"],
                                                  frozenset(callbacks.clientside))
                for problem in r["payload_check"]:
                    log(f"  payload check: {problem}")
                resources = page_resources(b["entries"])
                r["felt"] = felt_measures(server.url, walk_inputs, settled_changes or settings["settled_changes"],
                                          settings["timeout_ms"], which)
            r["rss_mb"] = server.rss_mb()
            if which == "app" and not skip_load:
                r["load"] = load_test(server.url, meta, deps, resources, folder)
                r["rss_after_load_mb"] = server.rss_mb()
            result[which] = r
        finally:
            server.stop()
    (folder / "results.json").write_text(json.dumps(result, indent=1, default=float), encoding="utf-8")
    return result


def felt_measures(url: str, walk_inputs: tuple, changes: int, timeout_ms: int, which: str) -> dict:
    """Filter change → every panel settled over `changes` changes, and the mobile first load (bench/felt.py)."""
    log(f"  {which}: {changes} changes until every panel has settled …")
    walk = felt.settled_walk(url, *walk_inputs, changes, timeout_ms)
    log(f"  {which}: the first load on an emulated phone, cold and warm …")
    return {"walk": walk, "mobile": felt.mobile_load(url, max(timeout_ms, 120_000))}


def page_resources(entries: list) -> list[str]:
    """The same-origin files a first page load fetched (scripts, styles, boundaries), as paths with their query."""
    from urllib.parse import urlsplit

    out = []
    for name, *_ in entries:
        url = urlsplit(name)
        if url.scheme.startswith("http") and url.path not in ("/", "/_dash-layout", "/_dash-dependencies") \
                and url.path != "/_dash-update-component":
            out.append(url.path + (f"?{url.query}" if url.query else ""))
    return out


def html_resources(url: str, processed: Path, level: str) -> list[str]:
    """Without the browser step: the scripts and style sheets the page names, and the first map's boundaries (as
    views/map.py names them): what a first visit fetches besides the callbacks."""
    page = requests.get(url + "/", timeout=30).text
    build_id = json.loads((processed / "manifest.json").read_text(encoding="utf-8"))["build_id"]
    return re.findall(r'(?:src|href)="(/[^"]+\.(?:js|css)[^"]*)"', page) + [f"/geo/{level}.geojson?v={build_id}"]


def load_test(url: str, meta: dict, deps: list, resources: list[str], folder: Path, users: int = 200,
              seconds: int = 60) -> dict:
    """locust, headless: `users` simulated visitors for `seconds` (bench/locustfile.py), loopback only."""
    spec = folder / "locust-meta.json"
    spec.write_text(json.dumps({"meta": meta, "deps": deps, "resources": resources}), encoding="utf-8")
    prefix = folder / "locust"
    (folder / "locust_callbacks.json").unlink(missing_ok=True)
    log(f"  load test: {users} users for {seconds} s …")
    subprocess.run([str(LOCUST), "-f", str(ROOT / "bench/locustfile.py"), "--headless", "--users", str(users),
                    "--spawn-rate", str(max(1, users // 10)), "--run-time", f"{seconds}s", "--host", url,
                    "--csv", str(prefix), "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"],
                   cwd=ROOT, env={**os.environ, "BENCH_META": str(spec)}, check=False,
                   stdout=open(folder / "locust.log", "w"), stderr=subprocess.STDOUT, timeout=seconds + 120)
    import csv
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))
    out = {"users": users, "seconds": seconds, "per": {}}
    for row in rows:
        entry = {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                 "p50_ms": _number(row["50%"]), "p95_ms": _number(row["95%"]),
                 "max_ms": _number(row["Max Response Time"]),
                 "rps": _number(row["Requests/s"])}
        out["per"][row["Name"]] = entry
    callbacks = [v for k, v in out["per"].items() if k in CALLBACK_NAMES]
    out["callback_requests"] = sum(v["requests"] for v in callbacks)
    exceptions = (list(csv.DictReader(open(f"{prefix}_exceptions.csv")))
                  if Path(f"{prefix}_exceptions.csv").exists() else [])
    out["exceptions"] = sum(int(e.get("Count", 1)) for e in exceptions)  # errors in the simulated users themselves
    out["errors"] = sum(v["failures"] for k, v in out["per"].items() if k != "Aggregated") + out["exceptions"]
    if not callbacks:
        out["errors"] += 1  # nothing was answered: that is an error too
    # The p95 over every callback request: locust's own percentiles from its response-time histogram.
    hist = folder / "locust_callbacks.json"
    summary = json.loads(hist.read_text()) if hist.exists() else {}
    out["callback_p95_ms"] = summary.get("p95_ms", max(v["p95_ms"] for v in callbacks))
    out["callback_p50_ms"] = summary.get("p50_ms")
    out["cache_hits"], out["by_10s"] = summary.get("cache_hits"), summary.get("by_10s", [])
    return out


def _number(text: str) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return 0.0


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    mem = next((int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal")), 0)
    return f"{os.cpu_count()} CPUs ({cpu}), {mem / 1e6:.0f} GB RAM, Python {sys.version.split()[0]}"


# ---- the table -------------------------------------------------------------------------------------------------------

def _fmt(value, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "bytes":
        return f"{value / 1e6:.2f} MB" if value >= 1e6 else f"{value / 1e3:.1f} KB"
    if unit == "ms":
        return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.0f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:g}"


def rows_for(result: dict) -> list[tuple]:
    """(metric, unit, app value, naive value, target key) per line of the table."""
    app, naive = result.get("app", {}), result.get("naive", {})
    rows = []
    for name in CALLBACK_NAMES:
        a, n = app.get("callbacks", {}).get(name), naive.get("callbacks", {}).get(name)
        rows.append((f"server time {name} p50 (HTTP, loopback)", "ms", a and a["p50_ms"], n and n["p50_ms"], None))
        rows.append((f"server time {name} p95 (HTTP, loopback)", "ms", a and a["p95_ms"], n and n["p95_ms"],
                     "callback_p95_ms" if name in ("update_map", "update_details", "choose_area") else None))
    for name in CALLBACK_NAMES:
        a, n = app.get("callbacks", {}).get(name), naive.get("callbacks", {}).get(name)
        rows.append((f"payload {name} p50, as transferred (decompressed)", "bytes",
                     a and a["bytes_p50"], n and n["bytes_p50"], None, a and a["raw_p50"], n and n["raw_p50"]))
    a, n = app.get("callbacks", {}).get("update_map"), naive.get("callbacks", {}).get("update_map")
    rows.append(("payload update_map max (filter change), decompressed", "bytes", a and a["raw_max"],
                 n and n["raw_max"], "map_payload_bytes"))
    rows.append(("first page load, transferred (Chromium)", "bytes", app.get("browser", {}).get("first_load_bytes"),
                 naive.get("browser", {}).get("first_load_bytes"), "first_load_bytes"))
    for stat, key in (("p50", 50), ("p95", 95)):
        values = [np.percentile(x["browser"]["repaint_ms"], key) if x.get("browser", {}).get("repaint_ms") else None
                  for x in (app, naive)]
        rows.append((f"filter change → repainted map {stat} (Chromium)", "ms", values[0], values[1],
                     "repaint_p95_ms" if stat == "p95" else None))
    for stat, key in (("p50", 50), ("p95", 95)):
        values = []
        for x in (app, naive):
            bars = [v for v in x.get("browser", {}).get("bars_ms", []) if v is not None]
            values.append(np.percentile(bars, key) if bars else None)
        rows.append((f"filter change → repainted answer bars {stat} (Chromium)", "ms", values[0], values[1], None))
    if app.get("felt") or naive.get("felt"):  # the Chromium step ran
        rows += felt_rows(app, naive)
    rows.append(("memory per worker, max RSS after the runs", "MB", max(app.get("rss_mb") or [0]) or None,
                 max(naive.get("rss_mb") or [0]) or None, None))
    if app.get("rss_after_load_mb"):
        rows.append(("memory per worker, max RSS after the load test", "MB", max(app["rss_after_load_mb"]), None,
                     "worker_rss_mb"))
    rows.append(("build time (python -m survey build)", "s", result["build"]["seconds"], None, "build_seconds"))
    rows.append(("build peak memory (RSS)", "MB", result["build"]["peak_mb"], None, "build_peak_mb"))
    rows.append(("start-up until the first response", "s", app.get("startup_seconds"), naive.get("startup_seconds"),
                 None))
    load = app.get("load")
    if load:
        rows.append((f"load: {load['users']} users × {load['seconds']} s, callback requests answered", "n",
                     load["callback_requests"], None, None))
        rows.append(("load: errors (failed requests of any kind)", "n", load["errors"], None, "load_errors"))
        rows.append(("load: callback p50, all callbacks", "ms", load.get("callback_p50_ms"), None, None))
        rows.append(("load: callback p95, all callbacks", "ms", load["callback_p95_ms"], None, "load_p95_ms"))
        for name in ("update_map", "update_details"):
            if name in load["per"]:
                rows.append((f"load: {name} p95", "ms", load["per"][name]["p95_ms"], None, None))
    return rows


def settled_p95(x: dict, by: bool, key: int = 95):
    """The percentile `key` of "filter change → every panel settled" over the changes to views with (`by`) or
    without a breakdown; None when not measured."""
    ms = [w["ms"] for w in x.get("felt", {}).get("walk", []) if w["by"] == by and w["ms"] is not None]
    return float(np.percentile(ms, key)) if ms else None


def felt_rows(app: dict, naive: dict) -> list[tuple]:
    """The rows of what is felt (issue 24, bench/felt.py)."""
    rows = []
    for by, name, target in ((False, "without a breakdown", "settled_p95_ms"),
                             (True, "with a breakdown", "settled_by_p95_ms")):
        counts = [sum(w["by"] == by for w in x.get("felt", {}).get("walk", [])) for x in (app, naive)]
        for stat, key in (("p50", 50), ("p95", 95)):
            rows.append((f"filter change → every panel settled {stat}, {name} (Chromium; {counts[0]} / {counts[1]} "
                         "changes)", "ms", settled_p95(app, by, key), settled_p95(naive, by, key),
                         target if key == 95 else None))
    for visit, key, name, target in (("cold", "readable", "phone, cold cache: summary and numbers readable",
                                      "mobile_readable_ms"),
                                     ("cold", "map", "phone, cold cache: map painted", "mobile_map_ms"),
                                     ("cold", "interactive_map", "phone, cold cache: interactive map painted", None),
                                     ("warm", "map", "phone, returning visit (warm cache): map painted",
                                      "mobile_warm_map_ms"),
                                     ("warm", "interactive_map", "phone, returning visit: interactive map painted",
                                      None)):
        values = [x.get("felt", {}).get("mobile", {}).get(visit, {}).get(key) for x in (app, naive)]
        rows.append((f"{name} (1.6 Mbit/s, 150 ms RTT, CPU ÷4)", "ms", *values, target))
    values = [x.get("felt", {}).get("mobile", {}).get("transferred_warm") for x in (app, naive)]
    rows.append(("phone, returning visit: transferred", "bytes", *values, None))
    return rows


def table(results: list[dict]) -> str:
    scales = [r["scale"] for r in results]
    head = ["metric"]
    for s in scales:
        head += [f"{s}: app", f"{s}: naive", "naive ÷ app", "target"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    keyed = [{r[0]: r for r in rows_for(res)} for res in results]
    metrics = list(dict.fromkeys(m for k in keyed for m in k))
    for metric in metrics:
        cells = [metric]
        for res, k in zip(results, keyed):
            row = k.get(metric)
            if row is None:
                cells += ["", "", "", ""]
                continue
            unit, a, n, target = row[1], row[2], row[3], row[4]
            shown_a, shown_n = _fmt(a, unit), _fmt(n, unit)
            if len(row) > 5:  # payloads: transferred (decompressed)
                shown_a += f" ({_fmt(row[5], unit)})" if row[5] is not None else ""
                shown_n += f" ({_fmt(row[6], unit)})" if row[6] is not None else ""
            ratio = f"{n / a:.0f}×" if a and n and n / a >= 10 else (f"{n / a:.1f}×" if a and n else "")
            limit = TARGETS.get((target, res["scale"]))
            if limit is None:
                goal = ""
            else:
                ok = a is not None and a <= limit
                goal = f"≤ {_fmt(limit, unit) if unit != 'n' else limit}: {'met' if ok else '**not met**'}"
            cells += [shown_a, shown_n, ratio, goal]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ratios(result: dict) -> str:
    app, naive = result.get("app", {}), result.get("naive", {})
    if not naive:
        return ""
    def p95(r):
        return max(r["callbacks"][n]["p95_ms"] for n in ("update_map", "update_details"))

    lines = [f"{result['scale']}: callback p95 (worst of map and details) naive {p95(naive):.0f} ms / app "
             f"{p95(app):.1f} ms = {p95(naive) / p95(app):.0f}× (target ≥ 20×)"]
    for name in ("update_map", "update_details"):
        a, n = app["callbacks"][name], naive["callbacks"][name]
        lines.append(f"{result['scale']}: {name} p95 naive {n['p95_ms']:.0f} ms / app {a['p95_ms']:.1f} ms = "
                     f"{n['p95_ms'] / a['p95_ms']:.0f}×")
    for by, name in ((False, "without"), (True, "with")):
        a, n = settled_p95(app, by), settled_p95(naive, by)
        if a and n:
            lines.append(f"{result['scale']}: every panel settled p95, {name} a breakdown: naive {n:.0f} ms / app "
                         f"{a:.0f} ms = {n / a:.1f}× (target ≥ {SETTLED_RATIO}×)")
    a, n = app["callbacks"]["update_map"], naive["callbacks"]["update_map"]
    lines.append(f"{result['scale']}: map update payload p50 as transferred naive {n['bytes_p50']:.0f} B / app "
                 f"{a['bytes_p50']:.0f} B = {n['bytes_p50'] / a['bytes_p50']:.0f}×; "
                 f"decompressed {n['raw_p50']:.0f} B / "
                 f"{a['raw_p50']:.0f} B = {n['raw_p50'] / a['raw_p50']:.0f}× (target ≥ 50×)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description="Trygghetskartan benchmark")
    parser.add_argument("--scale", choices=list(SCALES), default="municipal")
    parser.add_argument("--report", action="store_true", help="print the table of the last run of every scale")
    parser.add_argument("--no-load", action="store_true", help="skip the 60 s load test")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive reference")
    parser.add_argument("--no-browser", action="store_true",
                        help="skip headless Chromium (at national scale it draws 6,000 polygons in software: minutes)")
    parser.add_argument("--settled-changes", type=int, default=None,
                        help="changes of the walk until every panel settled (default: 200 municipal, 40 national)")
    args = parser.parse_args(argv)
    if args.report:
        results = [json.loads((OUT / s / "results.json").read_text()) for s in SCALES
                   if (OUT / s / "results.json").exists()]
    else:
        started = time.monotonic()
        results = [run(args.scale, args.no_load, args.no_naive, args.no_browser, args.settled_changes)]
        log(f"done in {time.monotonic() - started:.0f} s")
    print(table(results))
    print()
    for res in results:
        print(f"{res['scale']}: {res['machine']}, run {res['started']}")
        if ratios(res):
            print(ratios(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
