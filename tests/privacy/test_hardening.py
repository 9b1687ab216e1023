"""Hardening: security headers, a Content-Security-Policy the page runs under in Chromium with no violation,
request size limits, bad values give 400 or a message (never 500, never a traceback), debug off, the secret key."""
from __future__ import annotations

import logging
import threading
import time

import pytest
import requests

from web.security import DEFAULT_MAX_CONTENT_LENGTH, secret_key

from .conftest import STAFF_PASSWORD
from .test_auth import outputs_of

PAGES = ["/", "/metod", "/api/v1/questions", "/geo/by.geojson", "/personal/", "/personal/logga-in", "/nope"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_everywhere(staff_server, path):
    response = requests.get(staff_server + path, timeout=10)
    headers = response.headers
    csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'" and csp["default-src"] == "'self'"
    scripts = csp["script-src"].split()
    assert scripts[0] == "'self'" and all(s.startswith("'sha256-") for s in scripts[1:]) and len(scripts) >= 2
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Traceback" not in response.text


def test_requests_larger_than_the_limit_are_refused(staff_server):
    too_big = b"{" + b" " * DEFAULT_MAX_CONTENT_LENGTH + b"}"
    response = requests.post(staff_server + "/_dash-update-component", data=too_big, timeout=30,
                             headers={"Content-Type": "application/json", "Connection": "close"})
    assert response.status_code == 413


def test_bad_values_are_a_400_in_the_api(staff_server):
    for params in ({"question": "q_otrygg_kvall", "wave": "²"}, {"question": "q_otrygg_kvall", "wave": "٢٠١٩"},
                   {"question": "q_otrygg_kvall", "level": "../../etc"}, {"question": ["a", "b"]}):
        response = requests.get(staff_server + "/api/v1/results", params=params, timeout=10)
        assert response.status_code == 400 and response.json()["parameter"] and "Traceback" not in response.text


def map_request(url: str, **values):
    dep = next(d for d in requests.get(url + "/_dash-dependencies", timeout=10).json()
               if d["output"].startswith("..map.figure"))
    return {"output": dep["output"], "outputs": outputs_of(dep["output"]), "changedPropIds": [],
            "inputs": [{"id": s["id"], "property": s["property"], "value": values.get(s["id"])}
                       if not s["id"].startswith("{") else [] for s in dep["inputs"]],
            "state": [{"id": s["id"], "property": s["property"], "value": values.get(s["id"])}
                      if not s["id"].startswith("{") else [] for s in dep["state"]]}


def test_unknown_values_in_a_callback_give_an_empty_state_with_a_message(staff_server):
    for values in ({"question": "nope", "wave": 2019, "level": "by", "lang": "sv"},
                   {"question": "q_otrygg_kvall", "wave": "1066", "level": "by", "lang": "xx"},
                   {"question": {"$ne": 1}, "wave": [2019], "level": None, "lang": None}):
        response = requests.post(staff_server + "/_dash-update-component", json=map_request(staff_server, **values),
                                 timeout=20)
        assert response.status_code == 200, response.text[:300]
        body = response.json()["response"]
        assert body["map"]["figure"]["data"] == [] and "Urvalet kunde inte visas" in body["map-note"]["children"]
    # the right values, for comparison
    response = requests.post(staff_server + "/_dash-update-component",
                             json=map_request(staff_server, question="q_otrygg_kvall", wave=2019, level="by",
                                              lang="sv"),
                             timeout=20)
    assert response.status_code == 200 and response.json()["response"]["map"]["figure"]["data"]


def test_malformed_callback_requests_are_a_400(staff_server):
    url = staff_server + "/_dash-update-component"
    for body in ({}, {"output": 5}, {"output": "nope.children", "inputs": []}, [1, 2], "x",
                 {"output": "page.children", "inputs": "x"}, {"output": "page.children", "inputs": [{"id": "url"}]}):
        response = requests.post(url, json=body, timeout=10)
        assert response.status_code == 400 and "Traceback" not in response.text, body
    assert requests.post(url, data="{", headers={"Content-Type": "application/json"}, timeout=10).status_code == 400


def test_debug_is_off_and_errors_show_no_traceback(processed, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(processed))
    import app as module
    built = module.create_app(processed)
    assert built.server.debug is False and built.server.config["PROPAGATE_EXCEPTIONS"] is False

    def boom():
        raise RuntimeError("a secret path /etc/shadow")
    built.server.view_functions["api_v1.questions"] = boom  # a bug anywhere: 500, but nothing of it shown
    response = built.server.test_client().get("/api/v1/questions")
    assert response.status_code == 500 and b"secret" not in response.data and b"Traceback" not in response.data


def test_secret_key_from_the_environment_or_made_at_start(monkeypatch, caplog):
    monkeypatch.setenv("SECRET_KEY", "från-miljön")
    assert secret_key() == "från-miljön"
    monkeypatch.delenv("SECRET_KEY")
    monkeypatch.delenv("TRYGG_SECRET_KEY", raising=False)
    with caplog.at_level(logging.WARNING, logger="trygghetskartan.security"):
        made = secret_key()
    assert len(made) >= 32 and made != secret_key() and "SECRET_KEY saknas" in caplog.text


ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
WATCH = """document.addEventListener('securitypolicyviolation', e => {
    (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile); });"""


@pytest.mark.browser
def test_the_pages_run_under_the_policy_in_chromium(staff_server):
    # In a thread of its own: Playwright's sync API refuses to run where another test left an asyncio loop.
    outcome: dict = {}
    worker = threading.Thread(target=lambda: outcome.update(_browse(staff_server)), daemon=True)
    worker.start()
    worker.join(timeout=240)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["violations"] == []
    assert [e for e in outcome["errors"] if "Content Security Policy" in e or "Refused" in e] == []
    assert outcome["staff_sees_the_marker"]


def _browse(staff_server: str) -> dict:
    try:
        return _browse_pages(staff_server)
    except Exception as err:  # noqa: BLE001 - reported by the test
        return {"error": repr(err)}


def _browse_pages(staff_server: str) -> dict:
    from playwright.sync_api import sync_playwright

    violations, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(WATCH)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            def visit(path: str, ready: str):
                page.goto(staff_server + path)
                page.wait_for_selector(ready, timeout=30_000)
                time.sleep(1.5)
                violations.extend(page.evaluate("window.__csp || []"))

            visit("/", "#map .js-plotly-plot .choroplethmap, #map .js-plotly-plot canvas")
            box = page.locator("#map .js-plotly-plot").bounding_box()
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # a map click
            time.sleep(1.5)
            violations.extend(page.evaluate("window.__csp || []"))
            visit("/?lang=en", "#map .js-plotly-plot canvas")
            visit("/metod", "main, h1")
            visit("/personal/logga-in", "#password")
            page.fill("#password", STAFF_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_selector("#staff-answer-list", timeout=30_000)
            time.sleep(1)
            violations.extend(page.evaluate("window.__csp || []"))
            marker = "PRIVAT-FRITEXT-MARKÖR" in page.locator("#staff-answer-list").text_content()
            visit("/personal/uppladdning", "#staff-upload")
        finally:
            browser.close()
    return {"violations": violations, "errors": errors, "staff_sees_the_marker": marker}
