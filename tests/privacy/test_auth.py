"""Staff mode: every staff route and callback needs a staff session (checked on the server), the password and
OpenID Connect logins work (against a fake provider on 127.0.0.1), and free text never reaches the public."""
from __future__ import annotations

import importlib
import json
import re
import time

import pandas as pd
import pytest
import requests

from .conftest import ALLOWED, CHROMIUM_ARGS, MARKER, STAFF_PASSWORD, in_a_thread, password_login, readable, staff_env

STAFF_CALLBACK = {"output": "staff-answers.children",
                  "outputs": {"id": "staff-answers", "property": "children"},
                  "inputs": [{"id": "staff-question", "property": "value", "value": "fritext"},
                             {"id": "staff-wave", "property": "value", "value": None},
                             {"id": "staff-area", "property": "value", "value": None},
                             {"id": "staff-group-kon", "property": "value", "value": None},
                             {"id": "staff-group-alder", "property": "value", "value": None},
                             {"id": "staff-group-boende", "property": "value", "value": None}],
                  "changedPropIds": ["staff-question.value"],
                  "state": [{"id": "staff-url", "property": "search", "value": ""}]}


@pytest.fixture(scope="module")
def inprocess(processed, fake_oidc):
    """The app built in this process (Flask's test client), with the same settings as staff_server."""
    saved = dict(__import__("os").environ)
    __import__("os").environ.update(staff_env(processed, fake_oidc))
    try:
        module = importlib.import_module("app")
        built = module.create_app(processed)
    finally:
        __import__("os").environ.clear()
        __import__("os").environ.update(saved)
    return built


def staff_rules(built) -> list[tuple[str, str]]:
    """(method, url) for every route under /personal/ except the login and logout routes."""
    from staff.auth import OPEN_PATHS
    out = []
    for rule in built.server.url_map.iter_rules():
        if not rule.rule.startswith("/personal") or rule.rule in OPEN_PATHS:
            continue
        url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: {"package_name": "dash", "filename": "style.css"}.get(
            m.group(1), "x/y.js"), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((method, url))
    return out


def test_every_staff_route_and_callback_needs_a_session(inprocess):
    client = inprocess.server.test_client()
    rules = staff_rules(inprocess)
    assert len(rules) >= 8 and ("GET", "/personal/") in rules and ("GET", "/personal/api/fritext") in rules
    for method, url in rules:
        response = client.open(url, method=method, json=STAFF_CALLBACK if method == "POST" else None)
        assert response.status_code in (401, 403), (method, url, response.status_code)
        assert MARKER not in readable(response.get_data(as_text=True))
    staff_app = inprocess.staff_app
    assert staff_app.callback_map
    for output in staff_app.callback_map:
        body = {**STAFF_CALLBACK, "output": output}
        assert client.post("/personal/_dash-update-component", json=body).status_code == 401
        # the public app's callback route does not run staff callbacks either
        assert client.post("/_dash-update-component", json=body).status_code == 403


def test_staff_routes_and_callbacks_over_http(staff_server):
    for path in ("/personal/", "/personal/uppladdning", "/personal/api/fritext?question=fritext",
                 "/personal/_dash-layout", "/personal/_dash-dependencies"):
        response = requests.get(staff_server + path, timeout=10)
        assert response.status_code == 401, path
        assert MARKER not in readable(response.text)
    assert "Lösenord" in requests.get(staff_server + "/personal/", timeout=10).text  # the login form, for a person
    response = requests.post(staff_server + "/personal/_dash-update-component", json=STAFF_CALLBACK, timeout=10)
    assert response.status_code == 401 and MARKER not in readable(response.text)
    response = requests.post(staff_server + "/_dash-update-component", json=STAFF_CALLBACK, timeout=10)
    assert response.status_code == 403 and MARKER not in readable(response.text)


def test_with_a_session_staff_see_the_answers_redacted(staff_session, staff_server, processed):
    private = pd.read_parquet(processed / "private" / "freetext.parquet")
    marked = private[private["text"].str.contains(MARKER)]
    assert len(marked) == 10
    page = staff_session.get(staff_server + "/personal/", timeout=10)
    assert page.status_code == 200 and "_dash-config" in page.text
    assert staff_session.get(staff_server + "/personal/uppladdning", timeout=10).status_code == 200
    assert staff_session.get(staff_server + "/personal/_dash-layout", timeout=10).status_code == 200

    body = staff_session.get(staff_server + "/personal/api/fritext", params={"question": "fritext"}, timeout=10).json()
    assert body["count"] == len(private)
    texts = [a["text"] for a in body["answers"]]
    shown = [t for t in texts if MARKER in t]
    assert len(shown) == 10  # present ...
    addressed = [t for t in marked["text"] if re.search(r"Byvägen \d", t)]
    assert len(addressed) >= 5
    for original in addressed:
        assert original not in texts  # ... but redacted: the street address is gone
        assert original.split("Byvägen", 1)[0] + "[adress]" in " ".join(texts)
    assert not any(re.search(r"Byvägen \d", t) for t in texts)

    callback = staff_session.post(staff_server + "/personal/_dash-update-component", json=STAFF_CALLBACK, timeout=20)
    assert callback.status_code == 200
    assert readable(callback.text).count(MARKER) == 10 and "Byvägen 1" not in readable(callback.text)


def test_staff_filters_by_area_question_and_group(staff_session, staff_server, processed):
    private = pd.read_parquet(processed / "private" / "freetext.parquet")
    api = staff_server + "/personal/api/fritext"

    def count(**params):
        return staff_session.get(api, params={"question": "fritext", **params}, timeout=10).json()["count"]

    idre = {"by_" + v for v in ("idre", "idrefjall", "bjornliden", "drevdagen", "fjatervalen", "foskros", "grovelsjon",
                                "ollarsliden", "storfjaten", "storsatern", "sagbacken")}
    assert count(area="deso:2039A0030") == private["area_id"].isin(idre).sum() > 0
    assert count(area="by:by_idre", kon="1") == ((private["area_id"] == "by_idre") & (private["kon"] == "1")).sum()
    assert count(wave="2016", alder="4") == ((private["wave"] == 2016) & (private["alder"] == "4")).sum()
    for bad in ({"area": "by:atlantis"}, {"kon": "9"}, {"question": "q_otrygg_kvall"}, {"wave": "1999"}):
        response = staff_session.get(api, params={"question": "fritext", **bad}, timeout=10)
        assert response.status_code == 400 and "Traceback" not in response.text


def test_password_login_rejects_wrong_password_and_missing_csrf(staff_server):
    _, response = password_login(staff_server, "fel-lösenord")
    assert response.status_code == 401
    response = requests.post(staff_server + "/personal/logga-in", data={"password": STAFF_PASSWORD},
                             allow_redirects=False, timeout=10)
    assert response.status_code == 400  # no CSRF token from the form


def test_failed_logins_are_limited(inprocess):
    client = inprocess.server.test_client()
    page = client.get("/personal/logga-in").get_data(as_text=True)
    token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    codes = [client.post("/personal/logga-in", data={"csrf": token, "password": f"fel{i}"},
                         environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code for i in range(12)]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]


def test_a_session_runs_out(inprocess):
    from staff.auth import STATE, _password_fingerprint

    client = inprocess.server.test_client()
    with inprocess.server.app_context():  # what a login writes: an id and the password hash's fingerprint
        fingerprint = _password_fingerprint(inprocess.server.extensions[STATE]["settings"].password_hash)
    login = {"user": "personal", "how": "lösenord", "sid": "a" * 24, "pw": fingerprint}
    with client.session_transaction() as session:
        session["staff"] = {**login, "until": time.time() + 60}
    assert client.get("/personal/api/fritext").status_code == 200
    with client.session_transaction() as session:  # without the id, or with another hash's fingerprint: refused
        session["staff"] = {**login, "until": time.time() + 60, "sid": None}
    assert client.get("/personal/api/fritext").status_code == 401
    with client.session_transaction() as session:
        session["staff"] = {**login, "until": time.time() + 60, "pw": "0" * 32}
    assert client.get("/personal/api/fritext").status_code == 401
    with client.session_transaction() as session:
        session["staff"] = {**login, "until": time.time() + 60}
    with client.session_transaction() as session:
        session["staff"] = {**session["staff"], "until": time.time() - 1}
    assert client.get("/personal/api/fritext").status_code == 401
    with client.session_transaction() as session:
        session["staff"] = "personal"  # not what a login writes
    assert client.get("/personal/api/fritext").status_code == 401


def oidc_login(staff_server: str) -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    start = session.get(staff_server + "/personal/oidc/login", allow_redirects=False, timeout=10)
    assert start.status_code == 302 and "/authorize?" in start.headers["Location"]
    assert "nonce=" in start.headers["Location"] and "state=" in start.headers["Location"]
    back = session.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302 and "/personal/oidc/callback?" in back.headers["Location"]
    return session, session.get(back.headers["Location"], allow_redirects=False, timeout=10)


def test_oidc_login_against_a_fake_provider(staff_server, fake_oidc):
    fake_oidc.user = "anna@alvdalen.example"
    session, done = oidc_login(staff_server)
    assert done.status_code == 302 and done.headers["Location"].endswith("/personal/")
    body = session.get(staff_server + "/personal/api/fritext", params={"question": "fritext"}, timeout=10)
    assert body.status_code == 200 and body.json()["count"] > 0
    assert "Logga in med Testkommunens inloggning" in requests.get(staff_server + "/personal/logga-in", timeout=10).text
    # logged out, the session is gone
    session.post(staff_server + "/personal/logga-ut", timeout=10)
    assert session.get(staff_server + "/personal/api/fritext", timeout=10).status_code == 401


@pytest.mark.parametrize("user", ["chef@polisen.example"])
def test_oidc_allows_listed_addresses(staff_server, fake_oidc, user):
    fake_oidc.user = user
    session, done = oidc_login(staff_server)
    assert done.status_code == 302
    assert session.get(staff_server + "/personal/api/fritext", timeout=10).status_code == 200


def test_oidc_refuses_users_not_allowed_and_bad_tokens(staff_server, fake_oidc):
    assert "@alvdalen.example" in ALLOWED
    fake_oidc.user = "mallory@example.org"
    session, done = oidc_login(staff_server)
    assert done.status_code == 403
    assert session.get(staff_server + "/personal/api/fritext", timeout=10).status_code == 401
    fake_oidc.user = "anna@alvdalen.example"
    for flaw in ("forge", "bad_nonce"):
        setattr(fake_oidc, flaw, True)
        try:
            session, done = oidc_login(staff_server)
        finally:
            setattr(fake_oidc, flaw, False)
        assert done.status_code == 401, flaw
        assert session.get(staff_server + "/personal/api/fritext", timeout=10).status_code == 401
    # a callback with a made-up code and state is refused too
    forged = requests.get(staff_server + "/personal/oidc/callback?code=abc&state=xyz", allow_redirects=False,
                          timeout=10)
    assert forged.status_code == 401



# ---- the staff pages in English (?lang=en, as on the public pages) ------------------------------------------

def staff_page_callback(session: requests.Session, url: str, search: str) -> str:
    """The staff page's header and content as the browser gets them (show_page) for `search`."""
    body = {"output": "staff-shell.children", "outputs": {"id": "staff-shell", "property": "children"},
            "inputs": [{"id": "staff-url", "property": "pathname", "value": "/personal/"},
                       {"id": "staff-url", "property": "search", "value": search}],
            "changedPropIds": ["staff-url.pathname"], "state": []}
    response = session.post(url + "/personal/_dash-update-component", json=body, timeout=20)
    assert response.status_code == 200, response.text[:300]
    return readable(response.text)


def test_staff_pages_in_english(staff_server, fake_oidc):
    login = requests.get(staff_server + "/personal/?lang=en", timeout=10)
    assert login.status_code == 401
    assert '<html lang="en">' in login.text and "Password" in login.text and "Lösenord" not in login.text
    assert 'action="/personal/logga-in?lang=en"' in login.text  # the form keeps the language
    assert 'href="?lang=sv" lang="sv">På svenska</a>' in login.text
    assert 'href="/personal/oidc/login?lang=en">Log in with Testkommunens inloggning' in login.text
    swedish = requests.get(staff_server + "/personal/", timeout=10).text
    assert '<html lang="sv">' in swedish and 'href="?lang=en" lang="en">In English</a>' in swedish

    session = requests.Session()
    form = session.get(staff_server + "/personal/logga-in?lang=en", timeout=10).text
    token = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    wrong = session.post(staff_server + "/personal/logga-in?lang=en", data={"csrf": token, "password": "fel"},
                         allow_redirects=False, timeout=10)
    assert wrong.status_code == 401 and "Wrong password." in wrong.text and '<html lang="en">' in wrong.text
    done = session.post(staff_server + "/personal/logga-in?lang=en", data={"csrf": token, "password": STAFF_PASSWORD},
                        allow_redirects=False, timeout=10)
    assert done.status_code == 302 and done.headers["Location"].endswith("/personal/?lang=en")
    page = session.get(staff_server + "/personal/?lang=en", timeout=10).text
    assert '<html lang="en">' in page and "<title>Trygghetskartan – staff</title>" in page
    assert '<html lang="sv">' in session.get(staff_server + "/personal/", timeout=10).text

    english = staff_page_callback(session, staff_server, "?lang=en")
    for text in ("Logged in: staff (shared password)", "Free-text answers", "Upload answers", "På svenska",
                 "Log out", "/personal/uppladdning?lang=en", "/personal/logga-ut?lang=en", "Age group"):
        assert text in english, text
    assert "Fritextsvar" not in english and "Inloggad" not in english
    swedish = staff_page_callback(session, staff_server, "")
    assert "Inloggad: personal" in swedish and "In English" in swedish and "Free-text" not in swedish
    answers = session.post(staff_server + "/personal/_dash-update-component", timeout=20, json={
        **STAFF_CALLBACK, "state": [{"id": "staff-url", "property": "search", "value": "?lang=en"}]})
    assert answers.status_code == 200 and re.search(r'"\d+ answers"', readable(answers.text))
    assert session.post(staff_server + "/personal/logga-ut?lang=en", allow_redirects=False,
                        timeout=10).headers["Location"].endswith("/?lang=en")

    # OpenID Connect: the language survives the round trip through the provider
    fake_oidc.user = "anna@alvdalen.example"
    oidc = requests.Session()
    start = oidc.get(staff_server + "/personal/oidc/login?lang=en", allow_redirects=False, timeout=10)
    back = oidc.get(start.headers["Location"], allow_redirects=False, timeout=10)
    done = oidc.get(back.headers["Location"], allow_redirects=False, timeout=10)
    assert done.status_code == 302 and done.headers["Location"].endswith("/personal/?lang=en")
    assert "Logged in: anna@alvdalen.example" in staff_page_callback(oidc, staff_server, "?lang=en")
    fake_oidc.user = "mallory@example.org"
    refused = requests.Session()
    start = refused.get(staff_server + "/personal/oidc/login?lang=en", allow_redirects=False, timeout=10)
    back = refused.get(start.headers["Location"], allow_redirects=False, timeout=10)
    done = refused.get(back.headers["Location"], allow_redirects=False, timeout=10)
    fake_oidc.user = "anna@alvdalen.example"
    assert done.status_code == 403 and "You are not allowed on the staff pages." in done.text
    assert 'href="/personal/logga-in?lang=sv" lang="sv">På svenska' in done.text  # not the callback again


# ---- axe-core on the staff pages, logged in ------------------------------------------------------------------

@pytest.mark.browser
def test_axe_finds_nothing_on_the_staff_pages_in_both_languages(staff_server):
    """axe-core (WCAG 2.0/2.1 A and AA, the run of tests/browser/test_accessibility.py) on the login page (not
    logged in, with the password form and the OIDC button), the free-text page with answers shown, a filter's
    menu open, the upload page, and the same pages in English; the page's language is set in each."""
    found: dict[str, list] = {}
    in_a_thread(staff_pages_with_axe, staff_server, found)
    assert len(found) == 9 and {k: v for k, v in found.items() if v} == {}


def staff_pages_with_axe(url: str, found: dict) -> None:
    from browser.meeting import axe_violations
    from playwright.sync_api import expect, sync_playwright

    def check(page, name: str, lang: str) -> None:
        assert page.evaluate("document.documentElement.lang") == lang, name
        page.mouse.move(0, 0)
        page.wait_for_timeout(300)  # Bootstrap's colour transitions end
        found[name] = axe_violations(page)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url + "/personal/")
            page.wait_for_selector("#password")
            check(page, "login", "sv")
            page.click("a[lang=en]")
            expect(page.locator("label[for=password]")).to_have_text("Password")
            check(page, "login, English", "en")
            page.fill("#password", STAFF_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/personal/?lang=en")
            page.wait_for_selector("#staff-answer-list li", timeout=30_000)
            expect(page.locator("#staff-count")).to_contain_text("answers")
            check(page, "free text, English", "en")
            page.click("#staff-language-link")
            page.wait_for_url("**/personal/?lang=sv")
            page.wait_for_selector("#staff-answer-list li", timeout=30_000)
            expect(page.locator("#staff-count")).to_contain_text("svar")
            check(page, "free text", "sv")
            # the filters with the keyboard alone: each dropdown is a tab stop (assets/dropdowns.js), its menu opens
            # with Enter and an area is chosen by typing and the arrow keys
            page.locator("body").focus()
            for _ in range(20):
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.id") == "staff-area":
                    break
            expect(page.locator("#staff-area")).to_be_focused()
            before = page.locator("#staff-count").text_content()
            page.keyboard.press("Enter")
            page.locator(".dash-dropdown-content").wait_for(state="visible")
            expect(page.get_by_role("listbox", name="Område")).to_be_visible()
            check(page, "free text, area menu open", "sv")
            page.keyboard.type("Idre")
            expect(page.locator(".dash-dropdown-content .dash-options-list-option").first).to_contain_text("Idre")
            page.keyboard.press("ArrowDown")
            page.keyboard.press("Enter")
            expect(page.locator("#staff-area-value")).to_contain_text("Idre")
            expect(page.locator("#staff-count")).not_to_have_text(before)
            page.click("a[href^='/personal/uppladdning']")
            page.wait_for_selector("#staff-upload", timeout=30_000)
            check(page, "upload", "sv")
            page.goto(url + "/personal/uppladdning?lang=en")
            page.wait_for_selector("#staff-upload", timeout=30_000)
            expect(page.locator("a[aria-current=page]")).to_have_text("Upload answers")
            check(page, "upload, English", "en")
            page.goto(url + "/personal/logga-in")
            check(page, "login, logged in", "sv")
            page.goto(url + "/personal/")
            page.click("form[action^='/personal/logga-ut'] button")
            page.wait_for_url(url + "/")
            page.goto(url + "/personal/uppladdning")
            page.wait_for_selector("#password")
            check(page, "login, after logging out", "sv")
        finally:
            browser.close()


# ---- the public side never shows free text ---------------------------------------------------------------

def public_texts(url: str, session: requests.Session | None = None) -> dict[str, str]:
    """Everything the public app serves: the page, its scripts and styles, the layout, the callbacks' answers
    for the page's own first requests, the API (JSON and CSV, every question) and the exports."""
    http = session or requests.Session()
    out = {}
    page = http.get(url + "/", timeout=10).text
    out["/"] = page
    for src in re.findall(r'(?:src|href)="(/[^"]+\.(?:js|css)[^"]*)"', page):
        out[src] = http.get(url + src, timeout=20).text
    for path in ("/_dash-layout", "/_dash-dependencies", "/metod", "/api/v1/questions"):
        out[path] = readable(http.get(url + path, timeout=10).text)
    questions = [q["id"] for q in http.get(url + "/api/v1/questions", timeout=10).json()["questions"]]
    for question in questions:
        for fmt in ("json", "csv"):
            path = f"/api/v1/results?question={question}&level=by&by=kon&format={fmt}"
            out[path] = readable(http.get(url + path, timeout=10).text)
    out["/export/table.csv"] = http.get(url + "/export/table.csv", params={"question": questions[0]}, timeout=30).text
    for dep in json.loads(out["/_dash-dependencies"]):
        if dep.get("clientside_function"):
            continue
        body = {"output": dep["output"], "outputs": outputs_of(dep["output"]), "changedPropIds": [],
                "inputs": [_default_item(i) for i in dep["inputs"]], "state": [_default_item(s) for s in dep["state"]]}
        response = http.post(url + "/_dash-update-component", json=body, timeout=60)
        assert response.status_code in (200, 204), (dep["output"], response.status_code, response.text[:200])
        out["callback " + dep["output"]] = readable(response.text)
    return out


def outputs_of(output: str):
    """The `outputs` of a callback request, from the callback's output string ("a.b" or "..a.b...c.d..")."""
    multi = output.startswith("..") and output.endswith("..")
    specs = []
    for part in (output[2:-2].split("...") if multi else [output]):
        ident, _, prop = part.rpartition(".")
        specs.append({"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop})
    return specs if multi else specs[0]


def _default_item(spec: dict):
    if spec["id"].startswith("{"):
        return []
    defaults = {"pathname": "/", "search": "", "value": None, "data": None}
    values = {"question": "q_otrygg_kvall", "wave": 2019, "level": "by", "by": "kon", "lang": "sv"}
    value = values.get(spec["id"], defaults.get(spec["property"]))
    return {"id": spec["id"], "property": spec["property"], "value": value}


def test_the_public_side_never_shows_free_text(staff_server, staff_session, processed):
    private = pd.read_parquet(processed / "private" / "freetext.parquet")
    distinctive = [t for t in set(private["text"]) if len(t) > 25]
    assert len(distinctive) > 20
    for who, session in (("anonymous", None), ("staff", staff_session)):
        served = public_texts(staff_server, session)
        assert len(served) > 40
        for where, text in served.items():
            assert MARKER not in text, (who, where)
            found = [t for t in distinctive if t in text]
            assert not found, (who, where, found[:3])
