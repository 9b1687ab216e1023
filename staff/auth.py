"""Staff login, checked on the server for every staff route and callback.

Two ways in, both ending in the same signed session cookie (Flask's session, SECRET_KEY; HttpOnly,
SameSite=Lax, Secure behind HTTPS) that holds who logged in and until when (8 hours):

- A password, for a small installation: only its hash is configured (werkzeug's generate_password_hash; make
  one with `python -m staff hash`), in the environment (TRYGG_STAFF_PASSWORD_HASH) or in the configuration
  ([staff] password_hash). The form has a CSRF token; failed attempts are limited per form and client address
  in a store all workers share (staff/state.py; the limiter in staff/limiter.py): MAX_FAILURES in FAILURE_WINDOW,
  then that address is refused for LOCK_SECONDS, doubling with each further lock (at most MAX_LOCK); other
  addresses are not affected. The
  client address is the connection's, or behind a proxy the one it adds to X-Forwarded-For when TRUSTED_PROXIES
  says how many proxies to trust (web/security.py, ProxyFix).
- OpenID Connect for municipal single sign-on (e.g. Microsoft Entra ID), with Authlib: authorization code flow
  with state and nonce, the ID token's signature checked against the provider's published keys, and its
  issuer, audience and expiry. Configured by TRYGG_OIDC_METADATA_URL (the provider's
  .well-known/openid-configuration), TRYGG_OIDC_CLIENT_ID, TRYGG_OIDC_CLIENT_SECRET and TRYGG_OIDC_ALLOWED
  (who may in: e-mail addresses and/or @domains, comma-separated), or [staff.oidc] in the configuration
  (the client secret only from the environment). Nobody is let in when the allow list is empty.

A session carries a random id; logout marks it ended in the shared store, so a copy of the cookie is refused
from then on, on every worker and instance. A password session also carries a fingerprint (HMAC with
SECRET_KEY) of the password hash it was made with: a new TRYGG_STAFF_PASSWORD_HASH ends every password session.

A state-changing request (POST, PUT, PATCH, DELETE) under /personal/ with a foreign Origin (or, without one, a
foreign Referer) gets 403: a page elsewhere cannot make a logged-in browser act. Requests without either header
(non-browser clients) follow the other rules (the login form's CSRF token, the session). The allowed origin is the
request's own (scheme and Host); TRYGG_ALLOWED_ORIGINS adds others (comma-separated) for a proxy that changes them.

Everything under /personal/ except the login and logout routes needs that session: without it a page gets
401 with the login form, an API or callback request 401 with JSON. The staff Dash app's callbacks check again.

Why not dash-auth: it guards a whole Dash app and lets public routes and callbacks through as exceptions (a
public callback is found by comparing source code). Here the app is public and only /personal/ is not, so the
staff pages are a Dash app of their own under that prefix, and one guard on the prefix covers all of their
routes and callbacks; Authlib (which dash-auth's OIDC uses too) does the OpenID Connect.
"""
from __future__ import annotations

import hmac
import logging
import os
import secrets
import time
import tomllib
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from flask import Response, current_app, g, has_request_context, jsonify, redirect, request, session
from werkzeug.security import check_password_hash

from translations import LANGUAGES
from translations import text as catalog_text
from web.security import Throttle

from .limiter import LoginLimiter
from .state import StateError, open_state

log = logging.getLogger("trygghetskartan.staff")
log.addFilter(Throttle())

PREFIX = "/personal/"
LOGIN, LOGOUT = "/personal/logga-in", "/personal/logga-ut"
OIDC_LOGIN, OIDC_CALLBACK = "/personal/oidc/login", "/personal/oidc/callback"
OPEN_PATHS = {LOGIN, LOGOUT, OIDC_LOGIN, OIDC_CALLBACK}
SESSION_SECONDS = 8 * 3600
LANG = "sv"  # the staff pages' default language; ?lang=en shows them in English (staff_lang)
STATE = "trygghetskartan.staff"  # server.extensions[STATE]: the shared store and the settings
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class StaffSettings:
    password_hash: str | None = None
    oidc_name: str | None = None  # how the login button names the provider; None: "staff_oidc_name"
    oidc_metadata_url: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_allowed: list[str] = field(default_factory=list)
    oidc_redirect_uri: str | None = None  # when the app is behind a proxy that changes the host or scheme

    @property
    def oidc(self) -> bool:
        return bool(self.oidc_metadata_url and self.oidc_client_id)


def load_settings(config_path: str | Path | None = None) -> StaffSettings:
    """The environment first, then [staff] of the configuration file (TRYGG_CONFIG, or `config_path`)."""
    raw: dict = {}
    path = os.environ.get("TRYGG_CONFIG") or config_path
    if path and Path(path).is_file():
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("staff", {})
        except (tomllib.TOMLDecodeError, OSError) as err:
            log.warning("kunde inte läsa [staff] i %s: %s", path, err)
    oidc = raw.get("oidc", {}) if isinstance(raw.get("oidc"), dict) else {}
    env = os.environ.get
    allowed = env("TRYGG_OIDC_ALLOWED")
    return StaffSettings(
        password_hash=env("TRYGG_STAFF_PASSWORD_HASH") or raw.get("password_hash") or None,
        oidc_name=env("TRYGG_OIDC_NAME") or oidc.get("name") or None,
        oidc_metadata_url=env("TRYGG_OIDC_METADATA_URL") or oidc.get("metadata_url") or None,
        oidc_client_id=env("TRYGG_OIDC_CLIENT_ID") or oidc.get("client_id") or None,
        oidc_client_secret=env("TRYGG_OIDC_CLIENT_SECRET") or None,
        oidc_allowed=[a.strip().lower() for a in (allowed.split(",") if allowed else oidc.get("allowed", []))
                      if a.strip()],
        oidc_redirect_uri=env("TRYGG_OIDC_REDIRECT_URI") or oidc.get("redirect_uri") or None,
    )


def staff_user() -> str | None:
    """Who is logged in as staff in this request's session (None: nobody, the session has run out, was logged
    out, or was made with another password hash)."""
    staff = session.get("staff")
    if not isinstance(staff, dict) or not isinstance(staff.get("until"), (int, float)):
        return None
    if staff["until"] < time.time():
        session.pop("staff", None)
        return None
    if not _still_valid(staff):
        return None
    return str(staff.get("user") or "")


def _password_fingerprint(password_hash: str | None) -> str:
    key = str(current_app.secret_key or "").encode()
    return hmac.new(key, str(password_hash or "").encode(), "sha256").hexdigest()[:32]


def _still_valid(staff: dict) -> bool:
    """The server-side checks of a session (once per request): not logged out, same password hash."""
    shared = current_app.extensions.get(STATE)
    if shared is None:  # init_auth not run (a bare app in a test): nothing server-side to check
        return True
    sid = staff.get("sid")
    cached = g.get("_staff_valid")
    if cached is not None and cached[0] == sid:
        return cached[1]
    valid = isinstance(sid, str) and len(sid) >= 16
    if valid and staff.get("how") == "lösenord":
        valid = hmac.compare_digest(str(staff.get("pw", "")), _password_fingerprint(shared["settings"].password_hash))
    if valid:
        try:
            valid = shared["state"].get("ended:" + sid) is None
        except StateError as err:  # the store cannot say: refuse (a login that cannot be checked is no login)
            log.error("sessionskontroll misslyckades (session check failed): %s", err)
            valid = False
    g._staff_valid = (sid, valid)
    return valid


def is_staff() -> bool:
    return staff_user() is not None


def staff_user_label(lang: str) -> str:
    """Who is logged in, as the header says it: the e-mail of an OIDC login; the shared password's user
    ("personal") in `lang`."""
    user = staff_user() or ""
    staff = session.get("staff")
    return (catalog_text("staff_password_user", lang) if isinstance(staff, dict) and staff.get("how") == "lösenord"
            else user)


def staff_lang(search: str | None = None) -> str:
    """The staff pages' language, as on the public pages: `?lang=en` in the URL, else Swedish. `search` is the
    page's query string as a Dash callback gets it from dcc.Location (the callback's own request has none);
    without it, this request's URL."""
    if search is not None:
        lang = parse_qs(search.lstrip("?")).get("lang", [None])[0]
    else:
        lang = request.args.get("lang") if has_request_context() else None
    return lang if lang in LANGUAGES else LANG


def lang_query(lang: str) -> str:
    """The query string that keeps `lang` on a staff link ("" for the default language)."""
    return "" if lang == LANG else f"?lang={lang}"


def _log_in(user: str, how: str) -> None:
    session.clear()  # a new session at login (no fixation)
    session["staff"] = {"user": user, "how": how, "until": time.time() + SESSION_SECONDS,
                        "sid": secrets.token_urlsafe(18)}
    if how == "lösenord":
        session["staff"]["pw"] = _password_fingerprint(current_app.extensions[STATE]["settings"].password_hash)
    log.info("personal inloggad: %s (%s)", user, how)


def allowed_user(settings: StaffSettings, claims: dict) -> str | None:
    """The user's e-mail (or username) if the allow list lets them in, else None."""
    email = str(claims.get("email") or claims.get("preferred_username") or claims.get("upn") or "").lower()
    if not email or not settings.oidc_allowed:
        return None
    domain = "@" + email.rsplit("@", 1)[-1] if "@" in email else None
    return email if email in settings.oidc_allowed or (domain and domain in settings.oidc_allowed) else None


def foreign_origin() -> bool:
    """Whether this request comes from a page of another origin: its Origin header, or without one its Referer,
    names another scheme, host or port than the request's own (or one in TRYGG_ALLOWED_ORIGINS). No header at
    all (a non-browser client) is not foreign."""
    origin = request.headers.get("Origin")
    if origin is None:
        referer = request.headers.get("Referer")
        if not referer:
            return False
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "null"
    origin = origin.strip().rstrip("/").lower()
    own = request.host_url.rstrip("/").lower()
    allowed = {own} | {o.strip().rstrip("/").lower() for o in os.environ.get("TRYGG_ALLOWED_ORIGINS", "").split(",")
                       if o.strip()}
    if os.environ.get("TRYGG_HTTPS", "") in ("1", "true", "yes"):  # TLS ended by a proxy that is not trusted
        allowed.add("https://" + request.host.lower())
    return origin not in allowed


def init_auth(server, settings: StaffSettings, data_dir: str | Path | None = None) -> None:
    """The login and logout routes, OIDC when configured, and the guard on /personal/. The shared store
    (staff/state.py) is Redis with REDIS_URL, else SQLite next to `data_dir` (or TRYGG_STATE_DB)."""
    state = open_state(data_dir)
    server.extensions[STATE] = {"state": state, "settings": settings}
    _add_guard(server, settings)
    _add_staff_hint(server)
    _add_password_routes(server, settings, state)
    _add_oidc_routes(server, settings)


STAFF_HINT = "tk_staff"  # a hint for the public page's script, not a credential: the staff links it shows need login


def _add_staff_hint(server) -> None:
    """The dashboard shows its staff-only links (e.g. "Följ upp som indikator") when the browser holds the hint;
    set and cleared on staff pages only, so public answers never carry a cookie (they stay cacheable)."""
    @server.after_request
    def staff_hint(response):
        path = request.path
        if not (path.startswith(PREFIX) or path == PREFIX.rstrip("/")):
            return response
        staff, hinted = is_staff(), request.cookies.get(STAFF_HINT) == "1"
        if staff and not hinted:
            response.set_cookie(STAFF_HINT, "1", max_age=SESSION_SECONDS, samesite="Lax", secure=request.is_secure)
        elif not staff and hinted:
            response.delete_cookie(STAFF_HINT, samesite="Lax", secure=request.is_secure)
        return response


def _add_guard(server, settings: StaffSettings) -> None:
    @server.before_request
    def guard():
        path = request.path
        if not (path.startswith(PREFIX) or path == PREFIX.rstrip("/")):
            return None
        if request.method in UNSAFE_METHODS and foreign_origin():
            log.warning("främmande Origin/Referer avvisad (foreign origin refused): %s %s",
                        request.headers.get("Origin") or request.headers.get("Referer", "")[:100], path[:100])
            response = jsonify({"error": catalog_text("staff_foreign_origin", staff_lang())})
            response.status_code = 403
            return response
        if path in OPEN_PATHS:
            return None
        if is_staff():
            return None
        if request.method == "GET" and not path.startswith((PREFIX + "api/", PREFIX + "_dash")):
            return _login_page(settings, status=401)
        response = jsonify({"error": catalog_text("staff_login_required", staff_lang()), "login": LOGIN})
        response.status_code = 401
        return response


def _add_password_routes(server, settings: StaffSettings, state) -> None:
    limiter = LoginLimiter(state)

    @server.route(LOGIN, methods=["GET", "POST"])
    def staff_login():
        if request.method == "GET":
            return _login_page(settings)
        lang = staff_lang()  # the form's action keeps the page's ?lang=
        key = "lösenord|" + (request.remote_addr or "?")  # the form (one shared account) and the client address
        try:
            wait = limiter.retry_after(key)
            if not wait:
                token = session.get("csrf")
                if not token or not hmac.compare_digest(str(request.form.get("csrf", "")), token):
                    return _login_page(settings, catalog_text("staff_form_expired", lang), 400)
                wait = limiter.attempt(key)
            if wait:
                response = _login_page(settings, catalog_text("staff_too_many", lang), 429)
                response.headers["Retry-After"] = str(wait)
                return response
            password = request.form.get("password", "")
            if settings.password_hash and isinstance(password, str) \
                    and check_password_hash(settings.password_hash, password):
                limiter.succeeded(key)
                _log_in("personal", "lösenord")
                return redirect(PREFIX + lang_query(lang))
            limiter.failed(key)
        except StateError as err:
            log.error("inloggningsgränsen kunde inte läsas (login limiter store failed): %s", err)
            return _login_page(settings, catalog_text("staff_login_failed", lang), 503)
        return _login_page(settings, catalog_text("staff_wrong_password", lang), 401)

    @server.route(LOGOUT, methods=["GET", "POST"])
    def staff_logout():
        staff = session.get("staff")
        if isinstance(staff, dict) and isinstance(staff.get("sid"), str) \
                and isinstance(staff.get("until"), (int, float)):
            remaining = staff["until"] - time.time()
            if remaining > 0:
                try:  # ended on the server: a copy of this cookie is refused from now on
                    state.put("ended:" + staff["sid"], 1, remaining + 60)
                except StateError as err:
                    log.error("utloggningen kunde inte sparas (logout not stored): %s", err)
                    session.clear()
                    return _login_page(settings, catalog_text("staff_login_failed", staff_lang()), 503)
        session.clear()
        return redirect("/" + lang_query(staff_lang()))


def _add_oidc_routes(server, settings: StaffSettings) -> None:
    oauth = None
    if settings.oidc:
        from authlib.integrations.flask_client import OAuth  # only where OIDC is configured
        oauth = OAuth(server)
        oauth.register("oidc", client_id=settings.oidc_client_id, client_secret=settings.oidc_client_secret,
                       server_metadata_url=settings.oidc_metadata_url,
                       client_kwargs={"scope": "openid email profile"})

    @server.get(OIDC_LOGIN)
    def staff_oidc_login():
        if oauth is None:
            return _login_page(settings, catalog_text("staff_oidc_not_set_up", staff_lang()), 404)
        session["login_lang"] = staff_lang()  # for the way back from the provider, which has no ?lang=
        redirect_uri = settings.oidc_redirect_uri or request.url_root.rstrip("/") + OIDC_CALLBACK
        return oauth.oidc.authorize_redirect(redirect_uri)

    @server.get(OIDC_CALLBACK)
    def staff_oidc_callback():
        lang = session.pop("login_lang", None) or LANG
        if oauth is None:
            return _login_page(settings, catalog_text("staff_oidc_not_set_up", lang), 404, lang)
        try:
            token = oauth.oidc.authorize_access_token()
        except Exception as err:  # noqa: BLE001 - any failure of the exchange or the token is a failed login
            log.warning("OIDC-inloggning misslyckades: %s", err)
            return _login_page(settings, catalog_text("staff_login_failed", lang), 401, lang)
        claims = token.get("userinfo")  # from the verified ID token (signature, iss, aud, exp, nonce)
        user = allowed_user(settings, claims) if claims else None
        if user is None:
            log.warning("OIDC: %s har inte behörighet", (claims or {}).get("email"))
            return _login_page(settings, catalog_text("staff_not_allowed", lang), 403, lang)
        _log_in(user, "oidc")
        return redirect(PREFIX + lang_query(lang))


def _login_page(settings: StaffSettings, message: str = "", status: int = 200, lang: str | None = None) -> Response:
    """The login page (also the answer of a staff page to someone not logged in), in `lang` (default: this
    request's ?lang=), with a link to the other language; the form keeps the language."""
    lang = lang or staff_lang()
    other = "en" if lang == "sv" else "sv"
    # the same page in the other language; from the OIDC routes (no page of their own to show again) the login
    switch = (LOGIN if request.path in (OIDC_LOGIN, OIDC_CALLBACK) else "") + f"?lang={other}"
    token = session.get("csrf") or secrets.token_urlsafe(24)
    session["csrf"] = token
    parts = [f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">",
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
             f"<title>{escape(catalog_text('staff_login_title', lang))}</title>",
             "<link rel=\"stylesheet\" href=\"/assets/vendor/bootstrap.min.css\"></head>",
             "<body><header class=\"container pt-3 text-end\" style=\"max-width: 32rem\">",
             f"<a class=\"btn btn-outline-primary btn-sm\" href=\"{switch}\" lang=\"{other}\">"
             f"{escape(catalog_text('language_link', lang))}</a></header>",
             "<main class=\"container py-4\" style=\"max-width: 32rem\">",
             f"<h1 class=\"h3\">{escape(catalog_text('staff_login_heading', lang))}</h1>",
             f"<p>{escape(catalog_text('staff_login_intro', lang))}</p>"]
    if message:
        parts.append(f"<div class=\"alert alert-warning\" role=\"alert\">{escape(message)}</div>")
    if settings.oidc:
        name = settings.oidc_name or catalog_text("staff_oidc_name", lang)
        parts.append(f"<p><a class=\"btn btn-primary\" href=\"{OIDC_LOGIN}{lang_query(lang)}\">"
                     f"{escape(catalog_text('staff_login_with', lang).format(name=name))}</a></p>")
    if settings.password_hash:
        parts.append(f"<form method=\"post\" action=\"{LOGIN}{lang_query(lang)}\"><input type=\"hidden\" "
                     f"name=\"csrf\" value=\"{escape(token)}\"><label class=\"form-label\" for=\"password\">"
                     f"{escape(catalog_text('staff_password', lang))}</label>"
                     "<input class=\"form-control mb-2\" type=\"password\" id=\"password\" name=\"password\" "
                     "autocomplete=\"current-password\" required><button class=\"btn btn-primary\" "
                     f"type=\"submit\">{escape(catalog_text('staff_login_button', lang))}</button></form>")
    if not settings.oidc and not settings.password_hash:
        parts.append(f"<p>{escape(catalog_text('staff_login_not_set_up', lang))}</p>")
    parts.append(f"<p class=\"mt-3\"><a href=\"/{lang_query(lang)}\">"
                 f"{escape(catalog_text('staff_to_map', lang))}</a></p></main></body></html>")
    response = Response("".join(parts), status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response
