"""Issue 22 "Hold under abuse" (the login and session part): each test reproduces an attack and checks it fails.

- the login limiter is shared by the gunicorn workers, counts per client address (behind a trusted proxy, the
  address the proxy saw) and does not lock out another address;
- a copied session cookie is refused after logout, and password sessions end when the password hash changes;
- a state-changing staff request from a foreign origin is refused (403), same-origin and header-less are not;
- path traversal spellings under the static routes are a 404, not a 500;
- a YAML alias bomb ("billion laughs") codebook is refused at once, in bounded memory.
"""
from __future__ import annotations

import http.client
import secrets
import time
import tracemalloc
from urllib.parse import urlsplit

import pytest
import requests
from werkzeug.security import generate_password_hash

from .conftest import STAFF_PASSWORD, gunicorn, staff_env

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
FRITEXT = "/personal/api/fritext"


def login_form(url: str, headers: dict | None = None) -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(url + "/personal/logga-in", headers=headers or {}, timeout=10)
    return session, page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def attempt(session: requests.Session, url: str, token: str, password: str, headers: dict | None = None) -> int:
    """One login attempt on a new connection (Connection: close), so attempts land on different workers."""
    return session.post(url + "/personal/logga-in", data={"csrf": token, "password": password},
                        headers={"Connection": "close", **(headers or {})}, allow_redirects=False,
                        timeout=10).status_code


@pytest.fixture(scope="module")
def proxied_server(processed, fake_oidc, tmp_path_factory):
    """The app under gunicorn (two workers) as behind the shipped nginx: TRUSTED_PROXIES=1, its own state file.
    Yields (url, env) so a test can start it again with the same SECRET_KEY and store."""
    folder = tmp_path_factory.mktemp("abuse-server")
    env = {**staff_env(processed, fake_oidc), "TRUSTED_PROXIES": "1", "TRYGG_STATE_DB": str(folder / "state.sqlite3"),
           "WARM_SECONDS": "0"}
    env.pop("REDIS_URL", None)
    with gunicorn(env, folder / "gunicorn.log") as url:
        yield url, env


def test_login_limiter_holds_across_workers_and_spares_other_addresses(proxied_server):
    url, _ = proxied_server
    attacker = {"X-Forwarded-For": "203.0.113.5"}  # as nginx sends it: the client it saw
    session, token = login_form(url, attacker)
    codes = [attempt(session, url, token, f"fel-{i}", attacker) for i in range(14)]
    # per worker (before), two workers let ~20 through; shared, the 11th is refused whichever worker answers
    assert codes[:10] == [401] * 10 and codes[10:] == [429] * 4, codes
    # even the right password is refused from that address now, and a forged first entry changes nothing
    assert attempt(session, url, token, STAFF_PASSWORD, attacker) == 429
    spoofed = {"X-Forwarded-For": "198.51.100.99, 203.0.113.5"}  # a client-written entry, then nginx's
    assert attempt(session, url, token, STAFF_PASSWORD, spoofed) == 429
    refused = session.post(url + "/personal/logga-in", data={"csrf": token, "password": "x"}, headers=attacker,
                           allow_redirects=False, timeout=10)
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    # another visitor behind the same proxy (the same 127.0.0.1 connection address) still logs in
    other = {"X-Forwarded-For": "198.51.100.7"}
    session2, token2 = login_form(url, other)
    assert attempt(session2, url, token2, "fel", other) == 401
    assert attempt(session2, url, token2, STAFF_PASSWORD, other) == 302
    assert session2.get(url + FRITEXT, params={"question": "fritext"}, headers=other, timeout=10).status_code == 200


def test_limiter_store_semantics_sqlite_and_redis(tmp_path):
    """The store the limiter and the logout use: a fixed-window counter, markers with an expiry; both backends."""
    from staff.limiter import MAX_FAILURES, LoginLimiter
    from staff.state import RedisState, SQLiteState

    stores = [SQLiteState(tmp_path / "state.sqlite3")]
    redis_proc = None
    from deploy.cluster import _wait_port, free_port, redis_binary
    if redis_binary():
        import subprocess
        port = free_port()
        redis_proc = subprocess.Popen([redis_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                       "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
        _wait_port(port, redis_proc, "redis-server")
        stores.append(RedisState(f"redis://127.0.0.1:{port}/0", prefix=f"test-{secrets.token_hex(4)}:"))
    try:
        for store in stores:
            assert [store.incr("k", 1.5) for _ in range(3)] == [1, 2, 3]
            store.put("m", 1, 60)
            assert store.get("m") == 1 and 0 < store.ttl("m") <= 60
            store.delete("m")
            assert store.get("m") is None
            time.sleep(1.6)
            assert store.get("k") is None and store.incr("k", 5) == 1
            limiter = LoginLimiter(store)
            for _ in range(MAX_FAILURES):
                assert limiter.retry_after("a") == 0 and limiter.attempt("a") == 0
                limiter.failed("a")
            assert 590 <= limiter.retry_after("a") <= 600 and limiter.retry_after("b") == 0
            store.delete("lock:a")  # as if the lock had run out: the next lock is twice as long (backoff)
            for _ in range(MAX_FAILURES):
                assert limiter.attempt("a") == 0
                limiter.failed("a")
            assert 1190 <= limiter.retry_after("a") <= 1200
            for _ in range(MAX_FAILURES):  # parallel attempts that all passed the lock check: counted first
                limiter.attempt("a")
            assert limiter.attempt("a") >= 2400
            limiter.succeeded("a")
            assert limiter.retry_after("a") == 0
    finally:
        if redis_proc:
            redis_proc.terminate()
            redis_proc.wait(timeout=10)


def test_a_copied_cookie_fails_after_logout(proxied_server):
    url, _ = proxied_server
    session, token = login_form(url)
    assert attempt(session, url, token, STAFF_PASSWORD) == 302
    copy = requests.Session()
    copy.cookies.update(session.cookies)  # the attacker's copy of the cookie
    assert copy.get(url + FRITEXT, params={"question": "fritext"}, timeout=10).status_code == 200
    assert session.post(url + "/personal/logga-ut", allow_redirects=False, timeout=10).status_code == 302
    for _ in range(4):  # every worker knows
        response = copy.get(url + FRITEXT, params={"question": "fritext"}, headers={"Connection": "close"},
                            timeout=10)
        assert response.status_code == 401
        assert copy.post(url + "/personal/_dash-update-component", json=STAFF_CALLBACK, timeout=10,
                         headers={"Connection": "close"}).status_code == 401


def test_a_new_password_hash_ends_password_sessions(proxied_server, tmp_path):
    url, env = proxied_server
    session, token = login_form(url)
    assert attempt(session, url, token, STAFF_PASSWORD) == 302
    new_env = {**env, "TRYGG_STAFF_PASSWORD_HASH": generate_password_hash("ett-helt-nytt-lösenord")}
    with gunicorn(new_env, tmp_path / "gunicorn.log") as new_url:  # same SECRET_KEY, new password hash
        copy = requests.Session()
        for cookie in session.cookies:
            copy.cookies.set(cookie.name, cookie.value)
        assert copy.get(new_url + FRITEXT, params={"question": "fritext"}, timeout=10).status_code == 401
    with gunicorn(env, tmp_path / "gunicorn2.log") as same_url:  # the same hash: the session still holds
        copy = requests.Session()
        for cookie in session.cookies:
            copy.cookies.set(cookie.name, cookie.value)
        assert copy.get(same_url + FRITEXT, params={"question": "fritext"}, timeout=10).status_code == 200


@pytest.mark.parametrize("headers", [{"Origin": "https://angripare.example"}, {"Origin": "null"},
                                     {"Referer": "https://angripare.example/sida"},
                                     {"Origin": "http://127.0.0.1:1"}])
def test_a_foreign_origin_is_refused_on_staff_requests(staff_server, staff_session, headers):
    for method, path, kwargs in (("POST", "/personal/_dash-update-component", {"json": STAFF_CALLBACK}),
                                 ("POST", "/personal/api/uppladdning", {"files": {"x": ("a.csv", b"a")}}),
                                 ("POST", "/personal/logga-ut", {}), ("POST", "/personal/logga-in", {}),
                                 ("DELETE", FRITEXT, {}), ("PUT", FRITEXT, {}), ("PATCH", FRITEXT, {})):
        response = staff_session.request(method, staff_server + path, headers=headers, allow_redirects=False,
                                         timeout=10, **kwargs)
        assert response.status_code == 403, (method, path, response.status_code)
        assert response.headers["Content-Type"].startswith("application/json") and response.json()["error"]
    # the session was not logged out by the refused logout
    assert staff_session.get(staff_server + FRITEXT, params={"question": "fritext"}, timeout=10).status_code == 200


def test_same_origin_and_headerless_staff_requests_pass(staff_server, staff_session):
    own = {"Origin": staff_server, "Referer": staff_server + "/personal/"}
    for headers in (own, {"Referer": staff_server + "/personal/"}, {}):
        response = staff_session.post(staff_server + "/personal/_dash-update-component", json=STAFF_CALLBACK,
                                      headers=headers, timeout=10)
        assert response.status_code == 200, (headers, response.text[:200])
    # without a session it is still a 401 (the origin check adds to the rules, it does not replace them)
    assert requests.post(staff_server + "/personal/_dash-update-component", json=STAFF_CALLBACK,
                         headers={"Origin": staff_server}, timeout=10).status_code == 401
    # a login form posted from the page itself (same origin) still needs its CSRF token
    assert requests.post(staff_server + "/personal/logga-in", data={"password": STAFF_PASSWORD},
                         headers={"Origin": staff_server}, allow_redirects=False, timeout=10).status_code == 400


TRAVERSALS = ["/_dash-component-suites/dash/../../x", "/_dash-component-suites/dash/../../../../etc/passwd",
              "/_dash-component-suites/dash/%2e%2e/%2e%2e/x", "/_dash-component-suites/dash/%2E%2E%2F%2E%2E%2Fapp.py",
              "/_dash-component-suites/dash/..%2f..%2fapp.py", "/_dash-component-suites/dash/..\\..\\app.py",
              "/_dash-component-suites/dash/%2e%2e%5c%2e%2e%5capp.py", "/_dash-component-suites/dash/./deps/x.js",
              "/_dash-component-suites/dash/deps%00.js", "/assets/../app.py", "/assets/%2e%2e/app.py",
              "/assets/..%5capp.py", "/../../etc/passwd"]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_paths_are_a_404(staff_server, path):
    host = urlsplit(staff_server)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    connection.request("GET", path)  # as written: http.client does not normalise the path (requests would)
    response = connection.getresponse()
    body = response.read().decode(errors="replace")
    connection.close()
    assert response.status == 404, (path, response.status, body[:200])
    assert "Traceback" not in body and "/work" not in body and "site-packages" not in body


BOMB = """survey: {title: {sv: a, en: a}}
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.parametrize("text", [BOMB, "survey: &s {title: x}\nother: 1\n", "a: 1\nb: *a\n"])
def test_a_yaml_alias_bomb_codebook_is_refused_quickly_in_bounded_memory(tmp_path, text):
    from survey.codebook import CodebookError, load_codebook

    path = tmp_path / "kodbok-bomb.yaml"
    path.write_text(text, encoding="utf-8")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(CodebookError) as refused:
            load_codebook(path)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(refused.value)
    assert str(path) in message and message.index("inte tillåtna") < message.index("not allowed")
    assert seconds < 1 and peak < 5 * 2**20, (seconds, peak)  # 9⁹ = 387 million strings if expanded


class SourceAddress(requests.adapters.HTTPAdapter):
    """Connections from another loopback address (127.0.0.2): another visitor as nginx sees it."""

    def __init__(self, source: str, **kwargs):
        self.source = source
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def test_behind_the_shipped_nginx_the_limiter_counts_per_visitor(processed, fake_oidc, tmp_path):
    """deploy/cluster.py as shipped (nginx, two instances, Redis, TRUSTED_PROXIES=1): one visitor's wrong guesses
    lock that visitor out on both instances, not the visitor next to them; staff uploads get nginx's larger body
    limit; the browser's same-origin Origin (with the port) passes the Origin check."""
    from deploy.cluster import cluster, nginx_binary, redis_binary

    if not (nginx_binary() and redis_binary()):
        pytest.skip("nginx or redis-server not installed")
    env = {k: v for k, v in staff_env(processed, fake_oidc).items() if k != "DATA_DIR"}
    with cluster(processed, instances=2, workers=1, redis=True, folder=tmp_path, env={**env, "WARM_SECONDS": "0"}) \
            as running:
        url = running["url"]
        session, token = login_form(url)
        forged = {"X-Forwarded-For": "198.51.100.1"}  # written by the client: nginx appends the real address
        codes = [attempt(session, url, token, f"fel-{i}", forged if i % 2 else {}) for i in range(12)]
        assert codes == [401] * 10 + [429] * 2, codes
        assert attempt(session, url, token, STAFF_PASSWORD) == 429
        neighbour = requests.Session()
        neighbour.mount("http://", SourceAddress("127.0.0.2"))
        form = neighbour.get(url + "/personal/logga-in", timeout=10).text
        token2 = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        assert attempt(neighbour, url, token2, STAFF_PASSWORD, {"Origin": url}) == 302
        for _ in range(2):  # both instances: the same-origin callback passes, a foreign one does not
            assert neighbour.post(url + "/personal/_dash-update-component", json=STAFF_CALLBACK, timeout=10,
                                  headers={"Origin": url}).status_code == 200
            assert neighbour.post(url + "/personal/_dash-update-component", json=STAFF_CALLBACK, timeout=10,
                                  headers={"Origin": "http://127.0.0.1:9"}).status_code == 403
        big = b"x" * (3 * 2**20)  # over the 2 MB of every other route, under the upload limit
        assert requests.post(url + "/api/v1/questions", data=big, timeout=30).status_code == 413  # nginx's 2 MB
        response = neighbour.post(url + "/personal/api/uppladdning", files={"filer": ("svar.csv", big)}, timeout=60)
        assert response.status_code != 413, response.text[:200]  # reaches the app, which judges the file


def test_an_unwritable_state_file_stops_the_start_with_a_clear_message(tmp_path):
    from staff.state import SQLiteState, StateError

    blocker = tmp_path / "fil"
    blocker.write_text("x")
    with pytest.raises(StateError, match="TRYGG_STATE_DB"):
        SQLiteState(blocker / "state.sqlite3")  # its folder is a file
