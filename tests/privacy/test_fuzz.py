"""10,000 malformed or random requests against the app under gunicorn: callback requests for the real callback
signatures with random values and broken bodies, API calls with random parameters, odd paths, methods and
sizes. No 5xx, no traceback or file path in any answer, and the app answers normally afterwards."""
from __future__ import annotations

import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from .test_auth import outputs_of

ROOT = Path(__file__).resolve().parents[2]
N = 10_000
WORDS = ["q_otrygg_kvall", "pol_fortroende", "idx_problem", "fritext", "2019", "2016", "by", "deso", "distrikt",
         "kommun", "kon", "alder", "boende", "1", "2", "3", "4", "9", "sv", "en", "de", "by_idre", "2039A0030",
         "/", "/metod", "/presentation", "?lang=en", "?question=q_otrygg_kvall&level=deso", "csv", "json", "xlsx"]
NASTY = ["", " ", "\x00", "\u202e", "💥", "<script>alert(1)</script>", "' OR '1'='1", "../../etc/passwd", "%00",
         "%s%s%s", "{}", "[]", "null", "NaN", "-1", "1e309", "٢٠١٩", "²", "0x7e3", "by\x1fkon", "a" * 5000]
LEAKS = ["Traceback", 'File "', str(ROOT), "site-packages", "werkzeug/", ".py\", line"]


def scalar(rng: random.Random):
    kind = rng.random()
    if kind < 0.3:
        return rng.choice(WORDS)
    if kind < 0.5:
        return rng.choice(NASTY)
    if kind < 0.6:
        return rng.choice([None, True, False, 0, -1, 2019, 10 ** 30, 3.5, -0.0])
    if kind < 0.8:
        return "".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(rng.randrange(0, 40)))
    return rng.randrange(-10 ** 6, 10 ** 6)


def value(rng: random.Random, depth: int = 0):
    kind = rng.random()
    if depth < 3 and kind < 0.15:
        return [value(rng, depth + 1) for _ in range(rng.randrange(0, 5))]
    if depth < 3 and kind < 0.25:
        return {str(scalar(rng))[:20]: value(rng, depth + 1) for _ in range(rng.randrange(0, 4))}
    if depth < 3 and kind < 0.3:  # plausible component values: a map click, a story
        return rng.choice([{"points": [{"location": scalar(rng)}]}, {"points": scalar(rng)},
                           {"views": [value(rng, 3)]}])
    return scalar(rng)


def item(rng: random.Random, spec: dict):
    """An input or state item for a declared {"id", "property"}: right shape, random value (a list of items with
    random ids for a pattern-matching id)."""
    if spec["id"].startswith("{"):
        pattern = json.loads(spec["id"])
        return [{"id": {k: (scalar(rng) if isinstance(v, list) else v) for k, v in pattern.items()},
                 "property": spec["property"], "value": value(rng)} for _ in range(rng.randrange(0, 4))]
    return {"id": spec["id"], "property": spec["property"], "value": value(rng)}


def callback_body(rng: random.Random, dep: dict):
    body = {"output": dep["output"], "outputs": outputs_of(dep["output"]),
            "inputs": [item(rng, s) for s in dep["inputs"]], "state": [item(rng, s) for s in dep["state"]],
            "changedPropIds": [f"{s['id']}.{s['property']}" for s in dep["inputs"][:1]]}
    if rng.random() < 0.35:  # break it
        key = rng.choice(list(body))
        how = rng.randrange(6)
        if how == 0:
            del body[key]
        elif how == 1:
            body[key] = value(rng)
        elif how == 2 and isinstance(body[key], list):
            body[key] = body[key] + [value(rng)]
        elif how == 3 and isinstance(body[key], list) and body[key]:
            body[key] = body[key][:-1]
        elif how == 4:
            body["output"] = rng.choice(["nope.children", "..a.b...c.d..", "staff-answers.children", str(scalar(rng))])
        else:
            body[key] = [{"id": scalar(rng), "property": scalar(rng), "value": value(rng)}]
    return body


def make_request(rng: random.Random, deps: list[dict]) -> tuple[str, str, dict]:
    kind = rng.random()
    if kind < 0.55:
        dep = rng.choice(deps)
        form = rng.random()
        if form < 0.9:
            return "POST", "/_dash-update-component", {"json": callback_body(rng, dep)}
        if form < 0.95:
            raw = rng.choice(["", "{", "null", "[]", "1", '{"output": 1}', "[" * 5000 + "]" * 5000,
                              json.dumps(callback_body(rng, dep))[:rng.randrange(1, 200)]])
            return "POST", "/_dash-update-component", {"data": raw, "headers": {"Content-Type": "application/json"}}
        return "POST", "/_dash-update-component", {"data": json.dumps(callback_body(rng, dep)),
                                                   "headers": {"Content-Type": rng.choice(["text/plain", "", "x/y"])}}
    if kind < 0.85:
        keys = ["question", "wave", "level", "by", "kon", "alder", "boende", "format", "lang"]
        params = {k: scalar(rng) for k in rng.sample(keys, rng.randrange(0, len(keys) + 1))}
        if rng.random() < 0.2:
            params[str(scalar(rng))[:30]] = scalar(rng)
        path = rng.choice(["/api/v1/results"] * 6 + ["/api/v1/questions", "/api/v1/", "/api/v1/results/x",
                                                     f"/geo/{scalar(rng)}.geojson", "/export/table.csv"])
        return "GET", path, {"params": {k: str(v)[:1000] for k, v in params.items()}}  # a request line < 4 KiB
    if kind < 0.97:
        path = rng.choice(["/", "/metod", "/presentation", "/_dash-layout", "/_dash-dependencies", "/assets/../app.py",
                           "/assets/%2e%2e/app.py", "/_dash-component-suites/dash/../../app.py", "/personal/",
                           "/personal/api/fritext", "/personal/_dash-update-component", "/personal/logga-in",
                           "/geo/../manifest.json", "/data/processed/private/freetext.parquet",
                           "/" + "".join(chr(rng.randrange(33, 0x2FF)) for _ in range(rng.randrange(1, 30)))])
        method = rng.choice(["GET", "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
        return method, path, {"data": str(value(rng))[:500]} if method in ("POST", "PUT", "PATCH") else {}
    # Too big: 413 (or 405/401 first). The server then closes the connection rather than read 3 MiB it does
    # not want, so this one goes on a connection of its own.
    return "POST", rng.choice(["/_dash-update-component", "/api/v1/results", "/personal/logga-in"]), {
        "data": b"x" * (3 * 1024 * 1024), "headers": {"Content-Type": "application/json", "Connection": "close"}}


def test_ten_thousand_random_requests(server_url):
    deps = [d for d in requests.get(server_url + "/_dash-dependencies", timeout=10).json()
            if not d.get("clientside_function")]
    assert len(deps) >= 4
    rng = random.Random(2039)
    plan = [make_request(rng, deps) for _ in range(N)]
    local = threading.local()
    problems: list[str] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def send(job):
        method, path, kwargs = job
        alone = kwargs.get("headers", {}).get("Connection") == "close"
        session = requests.Session() if alone else (getattr(local, "session", None) or requests.Session())
        if not alone:
            local.session = session
        try:
            response = session.request(method, server_url + path, timeout=30, allow_redirects=False, **kwargs)
        except requests.RequestException as err:
            with lock:
                problems.append(f"{method} {path}: {type(err).__name__} {str(kwargs)[:80]} {str(err)[:200]}")
            return
        text = response.text[:200_000] if method != "HEAD" else ""
        with lock:
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                problems.append(f"{response.status_code} {method} {path} {str(kwargs)[:300]}: {text[:200]}")
            for leak in LEAKS:
                if leak in text:
                    problems.append(f"{leak!r} in the answer to {method} {path}: {text[:300]}")

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(send, plan))
    seconds = time.monotonic() - started
    assert not problems, problems[:10]
    assert sum(statuses.values()) == N
    assert statuses.get(400, 0) > 1000 and statuses.get(200, 0) > 1000 and statuses.get(413, 0) > 10, statuses
    assert seconds < 90, seconds

    # ... and the app answers normally afterwards
    page = requests.get(server_url + "/", timeout=10)
    assert page.status_code == 200 and "_dash-config" in page.text
    body = requests.get(server_url + "/api/v1/results", params={"question": "q_otrygg_kvall", "level": "deso"},
                        timeout=10).json()
    assert len(body["rows"]) == 5 and all(r["n"] >= 5 for r in body["rows"] if not r["suppressed"])
    dep = next(d for d in deps if d["output"].startswith("..map.figure"))
    real = {"output": dep["output"], "outputs": outputs_of(dep["output"]), "changedPropIds": [],
            "inputs": [{"id": s["id"], "property": s["property"],
                        "value": {"question": "q_otrygg_kvall", "wave": 2019, "level": "by"}.get(s["id"])}
                       if not s["id"].startswith("{") else [] for s in dep["inputs"]],
            "state": [{"id": s["id"], "property": s["property"], "value": "sv" if s["id"] == "lang" else None}
                      if not s["id"].startswith("{") else [] for s in dep["state"]]}
    response = requests.post(server_url + "/_dash-update-component", json=real, timeout=30)
    assert response.status_code == 200 and "choroplethmap" in response.text
