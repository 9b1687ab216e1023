"""Medborgarlöften in Chromium (issue 23): as staff, a promise started from the prioritisation view, two indicators
taken from dashboard views with "Följ upp som indikator", three actions, a status change and the change log; as a
resident (no login), the area's återkoppling page with the promise, its actions and the indicators' baseline and
change, on a desktop and a phone, axe-clean, and its flyer. The app runs under gunicorn with a staff password and a
database of its own (SQLite)."""
from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import requests
from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from .conftest import LOAD_TIMEOUT_MS
from .meeting import SCREENS, axe_violations

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "lösen-" + secrets.token_hex(6)
IDRE = {"level": "distrikt", "area": "distrikt_idre", "wave": "2016"}
TITLE = "Lugnare trafik och tryggare kvällar i Idre"


@pytest.fixture(scope="module")
def promise_server(processed, tmp_path_factory):
    folder = tmp_path_factory.mktemp("promises-app")
    with socket_port() as port:
        pass
    env = {**os.environ, "DATA_DIR": str(processed), "SECRET_KEY": secrets.token_urlsafe(32), "WARM_SECONDS": "0",
           "TRYGG_STAFF_PASSWORD_HASH": generate_password_hash(PASSWORD),
           "TRYGG_PROMISES_DB": str(folder / "promises.sqlite3"), "TRYGG_STATE_DB": str(folder / "state.sqlite3")}
    env.pop("DATABASE_URL", None)
    log = (folder / "gunicorn.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind",
                             f"127.0.0.1:{port}", "--workers", "2", "--access-logfile", "/dev/null", "app:server"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/aterkoppling/", timeout=2).ok:
                break
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("gunicorn did not start: " + (folder / "gunicorn.log").read_text(errors="replace")[-2000:])
    yield url
    proc.terminate()
    proc.wait(timeout=10)


class socket_port:
    """A free loopback port (the socket is closed before gunicorn binds it)."""

    def __enter__(self) -> int:
        import socket
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc):
        self.sock.close()


def follow_up_from_view(tab, url: str, view: dict) -> None:
    """Open the dashboard on `view` and click "Följ upp som indikator"."""
    tab.goto(url + "/?" + "&".join(f"{k}={v}" for k, v in view.items()))
    tab.wait_for_selector("#result-table tbody tr", timeout=LOAD_TIMEOUT_MS)
    link = tab.locator("#follow-up-link")
    expect(link).to_have_attribute("href", re.compile("area=" + view["area"]))  # the view's own parameters
    assert link.get_attribute("href") == "/personal/loften/indikator?" + tab.url.split("?", 1)[1]
    link.click()
    expect(tab.locator("h1")).to_have_text("Följ upp som indikator")


@pytest.mark.browser
def test_staff_make_a_promise_and_residents_see_how_it_went(browser, promise_server):
    url = promise_server
    staff = browser.new_context(viewport={"width": 1366, "height": 900}, locale="sv-SE")
    tab = staff.new_page()
    tab.goto(url + "/personal/logga-in")
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(url + "/personal/")

    # The prioritisation view: the problems of Idre side by side; a promise started from one of them.
    tab.goto(url + "/personal/loften/prioritering?area=distrikt:distrikt_idre")
    expect(tab.locator("#priority-table tbody tr").first).to_be_visible()
    tab.get_by_role("link", name="Starta ett löfte om Fortkörning").click()
    expect(tab.locator("#problems option[value=p_fortkorning]")).to_have_js_property("selected", True)
    expect(tab.locator("#areas option[value='distrikt:distrikt_idre']")).to_have_js_property("selected", True)
    tab.fill("#title", TITLE)
    tab.fill("#text", "Polisen gör fler trafikkontroller och kommunen lagar belysningen.")
    tab.fill("#parties", "Älvdalens kommun, Polisen")
    tab.click("#save-promise")
    expect(tab.locator("#promise-title")).to_have_text(TITLE)
    promise_url = tab.url

    # Indicator 1 from a view.
    follow_up_from_view(tab, url, {"question": "p_fortkorning", **IDRE})
    expect(tab.locator("#indicator-text")).to_contain_text("Fortkörning i Idre (alla), utgångsläge 2016")
    tab.get_by_role("button", name=f"Lägg till i ”{TITLE}”").click()
    expect(tab.locator("article.indicator")).to_have_count(1)

    # Indicator 2 from another view (women only), added to the promise.
    follow_up_from_view(tab, url, {"question": "q_otrygg_kvall", **IDRE, "kon": "1"})
    tab.get_by_role("button", name=f"Lägg till i ”{TITLE}”").click()
    expect(tab.locator("article.indicator")).to_have_count(2)
    expect(tab.locator("article.indicator").nth(1)).to_contain_text("Kvinna")
    expect(tab.locator("article.indicator").first.locator("tbody tr")).to_have_count(2)  # 2016 and 2019

    for what, who in (("Trafikkontroller på Idrevägen", "Polisen"), ("Ny belysning vid skolan", "Kommunen"),
                      ("Trygghetsvandring i centrum", "Kommunen och Polisen")):
        tab.fill("#action-what", what)
        tab.fill("#action-who", who)
        tab.click("#add-action-button")
        expect(tab.locator("form.action .action-what").last).to_have_text(what)
    first = tab.locator("form.action").first
    first.locator("select").select_option("genomford")
    first.get_by_role("button", name="Ändra status").click()
    expect(tab.locator("form.action").first.locator(".status")).to_have_text("Genomförd")
    log = tab.locator("#change-log tbody tr")
    expect(log).to_have_count(7)  # created, 2 indicators, 3 actions, 1 status
    expect(log.first).to_contain_text("Planerad → Genomförd")
    expect(log.first).to_contain_text("personal")
    assert tab.url.startswith(promise_url)
    assert axe_violations(tab) == []
    # Logged out, the dashboard no longer shows the staff-only link (staff/auth.py's hint cookie is cleared).
    tab.goto(url + "/personal/logga-ut")
    tab.goto(url + "/")
    tab.wait_for_selector("#result-table tbody tr", timeout=LOAD_TIMEOUT_MS)
    expect(tab.locator("#follow-up-link")).to_be_hidden()
    staff.close()

    # A resident, not logged in: the area's page, desktop and phone.
    for viewport, name in (({"width": 1366, "height": 768}, "desktop"), ({"width": 360, "height": 740}, "phone")):
        resident = browser.new_context(viewport=viewport, locale="sv-SE")
        page = resident.new_page()
        page.goto(url + "/aterkoppling/")
        page.get_by_role("link", name="Idre", exact=True).first.click()
        expect(page.locator("h1")).to_have_text("Återkoppling: Idre")
        promise = page.locator("article.feedback-promise")
        expect(promise.locator("h3")).to_have_text(TITLE)
        expect(promise.locator(".feedback-actions li")).to_have_count(3)
        expect(promise.locator(".feedback-actions li").first).to_contain_text("Genomförd")
        indicators = page.locator(".feedback-indicator")
        expect(indicators).to_have_count(2)
        expect(indicators.first).to_contain_text("2016 (utgångsläge)")
        expect(indicators.first).to_contain_text(re.compile(
            "2019: .*(ingen säkerställd förändring|minskat, statistiskt säkerställt|ökat, statistiskt säkerställt)"))
        assert axe_violations(page) == [], name
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], name
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENS / f"aterkoppling-{name}.png"), full_page=True)
        resident.close()
    flyer = requests.get(url + "/aterkoppling/distrikt/distrikt_idre/flygblad.pdf", timeout=30)
    assert flyer.status_code == 200 and flyer.content.startswith(b"%PDF")
    assert requests.get(url + "/personal/loften/", timeout=10, allow_redirects=False).status_code == 401


@pytest.mark.browser
def test_the_prioritisation_matrix_in_both_languages_on_a_desktop_and_a_phone(browser, promise_server, processed):
    """The matrix (numbered points), its table with the build's numbers, the quadrants and the areas and groups where
    a problem is significantly worse, in Swedish and English, on a desktop and a phone, axe-clean."""
    from promises.matrix_chart import points
    from survey.results import ASSOCIATION_FILE
    url, stored = promise_server, pd.read_parquet(processed / ASSOCIATION_FILE)
    staff = browser.new_context(viewport={"width": 1366, "height": 768}, locale="sv-SE")
    tab = staff.new_page()
    tab.goto(url + "/personal/logga-in")
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(url + "/personal/")
    # Idre 2019: a number of the table is the build's (Results.association), and every shown one is a point
    speeding = stored[(stored["question"] == "p_fortkorning") & (stored["wave"] == 2019)
                      & (stored["area_id"] == "distrikt_idre")].iloc[0]
    texts = {"sv": ("Vanligt och går ihop med otrygghet", "Områden: Idre", "Grupper här: ", "för få svar"),
             "en": ("Common and goes with feeling unsafe", "Areas: Idre", "Groups here: ", "too few answers")}
    for lang, (quadrant, areas, groups, hidden) in texts.items():
        tab.set_viewport_size({"width": 1366, "height": 768})
        tab.goto(url + "/personal/loften/prioritering?area=distrikt:distrikt_idre&wave=2019"
                 + ("&lang=en" if lang == "en" else ""))
        table = tab.locator("#priority-table")
        row = table.locator("tbody tr", has=tab.locator("th", has_text=re.compile("^(Fortkörning|Speeding)$")))
        expect(row).to_contain_text(points(speeding["difference"], lang))
        shown = table.locator("tbody tr").filter(has_not_text=hidden)
        expect(tab.locator("svg.matrix-wide g.point")).to_have_count(shown.count())
        assert shown.count() >= 3
        expect(tab.locator("svg.matrix-wide")).to_be_visible()
        expect(tab.locator("svg.matrix-narrow")).to_be_hidden()
        expect(tab.locator("svg.matrix-wide")).to_contain_text(quadrant)
        expect(table).to_contain_text(quadrant)
        expect(table.locator("td.worse")).to_contain_text([re.compile(areas)])
        expect(table.locator("td.worse").filter(has_text=groups).first).to_be_visible()
        if lang == "sv":  # the same page in either language: axe on a desktop in Swedish, on a phone in English
            assert axe_violations(tab) == [], lang
        SCREENS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENS / f"prioritering-{lang}-desktop.png"), full_page=True)
        tab.set_viewport_size({"width": 360, "height": 740})
        expect(tab.locator("svg.matrix-narrow")).to_be_visible()
        expect(tab.locator("svg.matrix-wide")).to_be_hidden()
        if lang == "en":
            assert axe_violations(tab) == [], lang + " phone"
        assert tab.evaluate("document.documentElement.scrollWidth") <= 360, lang
        tab.screenshot(path=str(SCREENS / f"prioritering-{lang}-phone.png"), full_page=True)
    # a promise still starts from a problem
    tab.get_by_role("link", name="Start a promise on Speeding").click()
    expect(tab.locator("#problems option[value=p_fortkorning]")).to_have_js_property("selected", True)
    staff.close()
