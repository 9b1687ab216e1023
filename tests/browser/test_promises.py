"""Medborgarlöften in Chromium (issue 23): as staff, a promise started from the prioritisation view, two indicators
taken from dashboard views with "Följ upp som indikator", three actions, a status change and the change log; as a
resident (no login), the area's återkoppling page with the promise, its actions and the indicators' baseline and
change, on a desktop and a phone, axe-clean, and its flyer. The app runs under gunicorn with a staff password and a
database of its own (SQLite)."""
from __future__ import annotations

import io
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
from pptx import Presentation
from pypdf import PdfReader
from werkzeug.security import generate_password_hash

from promises import store
from promises.db import Database

from .conftest import LOAD_TIMEOUT_MS, Recorder
from .meeting import SCREENS, axe_violations
from .test_slides_fit import MEASURE, step_to

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
    yield ServerUrl(url, folder)
    proc.terminate()
    proc.wait(timeout=10)


class ServerUrl(str):
    """The server's address, with the folder of its database (a test writes a promise there directly)."""

    def __new__(cls, url: str, folder: Path):
        made = super().__new__(cls, url)
        made.folder = folder
        return made


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


@pytest.mark.browser
def test_a_promise_follow_up_becomes_a_slide_of_the_presentation(browser, promise_server, tmp_path):
    """As staff: "Lägg till i presentationen" on a promise's page adds its follow-up to the story (an unknown number
    is refused with a message); the presentation steps to its slide (title, verdict in words, the chart)
    with no console error, fitting 1366×768, 1920×1080 and 1024×768 (test_slides_fit's measure); the story's PowerPoint
    through the export route; the lägesbild's PDF."""
    url = promise_server
    db = Database(f"sqlite:///{promise_server.folder / 'promises.sqlite3'}")
    title = "Tryggare kvällar i Särna"
    pid = store.create_promise(db, "test", {"title": title, "areas": ["distrikt:distrikt_sarna"]}, [
        {"question": q, "level": "distrikt", "area_id": "distrikt_sarna", "filters": f, "baseline_wave": 2016}
        for q, f in (("q_otrygg_kvall", {}), ("p_fortkorning", {"kon": "1"}))])
    for what, status in (("Belysning vid busshållplatsen", "genomford"), ("Trygghetsvandring", "pagar"),
                         ("Grannsamverkan", "planerad")):
        store.add_action(db, "test", pid, {"what": what, "status": status})
    plain = store.create_promise(db, "test", {"title": "Mer belysning", "areas": ["distrikt:distrikt_sarna"]})
    db.dispose()

    staff = browser.new_context(viewport={"width": 1366, "height": 768}, locale="sv-SE")
    tab = staff.new_page()
    tab.recorder = Recorder()
    tab.recorder.attach(tab)
    tab.goto(url + "/personal/logga-in")
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(url + "/personal/")
    report = staff.request.get(url + "/personal/loften/lagesbild.pdf")
    assert report.ok and report.headers["content-type"] == "application/pdf"
    assert title in "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.body())).pages)

    tab.goto(url + "/?promise=99999")  # more bad values: tests/medborgarlofte/test_promise_slide.py
    expect(tab.locator("#story-status")).to_contain_text("Det finns inget medborgarlöfte nummer 99999")
    tab.goto(url + f"/personal/loften/{pid}")
    tab.click("#promise-to-story")
    expect(tab.locator("#story-status")).to_have_text("Tillagd som bild 1 i presentationen.")
    expect(tab.locator("#story-list li").first).to_contain_text(f"Medborgarlöfte: {title}")
    assert "promise=" not in tab.url  # the address is the view's again: a reload adds nothing
    tab.wait_for_selector("#result-table tbody tr", timeout=LOAD_TIMEOUT_MS)
    tab.click("#story-add")  # and a view after it
    expect(tab.locator("#story-list li")).to_have_count(2)
    assert tab.evaluate("JSON.parse(localStorage.getItem('story'))[0]") == {"promise": str(pid)}

    tab.goto(url + "/presentation")
    for width, height in ((1366, 768), (1920, 1080), (1024, 768)):
        tab.set_viewport_size({"width": width, "height": height})
        tab.keyboard.press("Home")
        step_to(tab, 1)
        expect(tab.locator("#slide-title")).to_have_text(title)
        expect(tab.locator("#slide-summary")).to_contain_text("Åtgärder: 1 genomförd, 1 pågår och 1 planerad.")
        expect(tab.locator(".slide-numbers")).to_contain_text(re.compile(
            "2016 → 2019: (ingen säkerställd förändring|minskat, statistiskt säkerställt|ökat, statistiskt "
            "säkerställt|kan inte jämföras)"))
        assert tab.locator(".slide-figure .js-plotly-plot .ytick").count() >= 2  # the chart's bars
        SCREENS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENS / f"promise-slide-{width}x{height}.png"))
        measured = tab.evaluate(MEASURE)
        assert measured["count"] > 10 and not measured["problems"], (width, measured["problems"])
    tab.keyboard.press("ArrowRight")
    step_to(tab, 2)
    assert not tab.recorder.console_errors and not tab.recorder.page_errors, (
        tab.recorder.console_errors[:5], tab.recorder.page_errors[:5])
    staff.close()

    # The story's PowerPoint through the export route (web/app.py gives it the promises' slides). A promise without
    # indicators has no chart: no Chromium to start (tests/medborgarlofte/test_promise_slide.py: a verdict's).
    job = requests.post(url + "/export/story.pptx", json={"views": [{"promise": str(plain)}], "lang": "sv"},
                        timeout=30)
    assert job.status_code == 202, job.text
    deadline = time.monotonic() + 90
    while requests.get(url + job.json()["status"], timeout=10).json()["state"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.5)
    deck = Presentation(io.BytesIO(requests.get(url + job.json()["file"], timeout=30).content))
    texts = [shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame]
    assert deck.slides[0].shapes.title.text_frame.text == "Mer belysning"
    assert any("Inga åtgärder ännu. Inget att följa upp ännu." in text for text in texts), texts
