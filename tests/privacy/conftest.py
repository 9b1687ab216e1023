"""Fixtures for the privacy and security tests: a tiny fake OpenID Connect provider on 127.0.0.1, the app under
gunicorn with a staff password and that provider configured, and sessions logged in to it."""
from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
STAFF_PASSWORD = "ett-långt-test-lösenord-" + secrets.token_hex(4)
CLIENT_ID, CLIENT_SECRET = "trygghetskartan-test", secrets.token_urlsafe(16)
ALLOWED = "@alvdalen.example,chef@polisen.example"
MARKER = "PRIVAT-FRITEXT-MARKÖR"


# Headless Chromium as root without network (the browser tests' flags)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def in_a_thread(browse, *args) -> None:
    """Run `browse` in a thread of its own: Playwright's sync API refuses to start in a thread where another test
    (the browser tests' session) has an asyncio loop running. Its exception, if any, is raised here."""
    failure: list[BaseException] = []

    def run():
        try:
            browse(*args)
        except BaseException as err:  # noqa: BLE001 - raised again in the test
            failure.append(err)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=300)
    assert not worker.is_alive(), "the browser did not finish within 300 s"
    if failure:
        raise failure[0]


def readable(text: str) -> str:
    """`text` with JSON's \\uXXXX escapes decoded. Dash's answers escape every non-ASCII character ("MARKÖR" goes
    out as "MARK\\u00d6R"), so a search for leaked text must look at the decoded text, or it never finds it."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), text)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeOIDC:
    """An OpenID Connect provider that logs in whoever `user` is: discovery, authorize (no page, redirects
    straight back with a code), token (checks the code and the client secret, returns an RS256 ID token) and
    the signing keys. `forge` makes it sign with a key it does not publish; `bad_nonce` changes the nonce."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.user = "anna@alvdalen.example"
        self.forge = self.bad_nonce = False
        self.codes: dict[str, dict] = {}
        self.token_requests = 0
        app = Flask("fake_oidc")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify({"issuer": self.url, "authorization_endpoint": self.url + "/authorize",
                            "token_endpoint": self.url + "/token", "jwks_uri": self.url + "/jwks",
                            "response_types_supported": ["code"], "subject_types_supported": ["public"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]})

        @app.get("/authorize")
        def authorize():
            args = request.args
            if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code":
                return "bad request", 400
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"nonce": args.get("nonce"), "user": self.user, "redirect_uri": args["redirect_uri"]}
            return redirect(args["redirect_uri"] + "?" + urlencode({"code": code, "state": args.get("state", "")}))

        @app.post("/token")
        def token():
            self.token_requests += 1
            auth = request.authorization
            client = (auth.username, auth.password) if auth else (request.form.get("client_id"),
                                                                  request.form.get("client_secret"))
            grant = self.codes.pop(request.form.get("code", ""), None)
            if client != (CLIENT_ID, CLIENT_SECRET) or grant is None:
                return jsonify({"error": "invalid_grant"}), 400
            now = int(time.time())
            claims = {"iss": self.url, "aud": CLIENT_ID, "sub": grant["user"], "email": grant["user"],
                      "nonce": "fel" if self.bad_nonce else grant["nonce"], "iat": now, "exp": now + 300}
            id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.other_key if self.forge else self.key)
            return jsonify({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                            "id_token": id_token})

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": [self.key.as_dict(private=False)]})

        self.server = make_server("127.0.0.1", self.port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()


@pytest.fixture(scope="session")
def fake_oidc():
    with FakeOIDC() as provider:
        yield provider


def staff_env(processed, provider: FakeOIDC) -> dict:
    return {**os.environ, "DATA_DIR": str(processed), "SECRET_KEY": secrets.token_urlsafe(32),
            "TRYGG_STAFF_PASSWORD_HASH": generate_password_hash(STAFF_PASSWORD),
            "TRYGG_OIDC_METADATA_URL": provider.url + "/.well-known/openid-configuration",
            "TRYGG_OIDC_CLIENT_ID": CLIENT_ID, "TRYGG_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "TRYGG_OIDC_ALLOWED": ALLOWED, "TRYGG_OIDC_NAME": "Testkommunens inloggning"}


@contextmanager
def gunicorn(env: dict, log: Path):
    """The app under gunicorn (two workers) on a free loopback port, with `env`; yields its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--access-logfile", "/dev/null", "app:server"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/api/v1/questions", timeout=2).ok:
                break
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("gunicorn did not start: " + log.read_text(errors="replace")[-2000:])
    try:
        yield url
    finally:
        proc.terminate()  # graceful: in-flight requests get gunicorn's graceful_timeout (a test's slow client too)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def staff_server(processed, fake_oidc, tmp_path_factory):
    """The app under gunicorn with a staff password and the fake provider configured."""
    with gunicorn(staff_env(processed, fake_oidc), tmp_path_factory.mktemp("staff-server") / "gunicorn.log") as url:
        yield url


def password_login(url: str, password: str = STAFF_PASSWORD) -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    form = session.get(url + "/personal/logga-in", timeout=10)
    token = form.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    response = session.post(url + "/personal/logga-in", data={"csrf": token, "password": password},
                            allow_redirects=False, timeout=10)
    return session, response


@pytest.fixture
def staff_session(staff_server) -> requests.Session:
    session, response = password_login(staff_server)
    assert response.status_code == 302, response.text[:300]
    return session
