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

from .conftest import ALLOWED, MARKER, STAFF_PASSWORD, password_login, readable, staff_env

STAFF_CALLBACK = {"output": "staff-answers.children",
                  "outputs": {"id": "staff-answers", "property": "children"},
                  "inputs": [{"id": "staff-question", "property": "value", "value": "fritext"},
                             {"id": "staff-wave", "property": "value", "value": None},
                             {"id": "staff-area", "property": "value", "value": None},
                             {"id": "staff-group-kon", "property": "value", "value": None},
                             {"id": "staff-group-alder", "property": "value", "value": None},
                             {"id": "staff-group-boende", "property": "value", "value": None}],
                  "changedPropIds": ["staff-question.value"], "state": []}


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
    client = inprocess.server.test_client()
    with client.session_transaction() as session:
        session["staff"] = {"user": "personal", "how": "lösenord", "until": time.time() + 60}
    assert client.get("/personal/api/fritext").status_code == 200
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
    forged = requests.get(staff_server + "/personal/oidc/callback?code=abc&state=xyz", allow_redirects=False, timeout=10)
    assert forged.status_code == 401


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
