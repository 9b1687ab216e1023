"""Hardening of the web server (issue "Respondents stay anonymous"): secret key, request size, security
headers, callback requests checked before Dash sees them, and errors that never show a traceback.

- SECRET_KEY (signs the session cookie) comes from the environment. Without it a random key is made at start
  with a warning: sessions then end at a restart (and with several gunicorn workers the app must be preloaded,
  as gunicorn.conf.py does, so that they share it). No key is ever in the repository.
- MAX_CONTENT_LENGTH (TRYGG_MAX_CONTENT_LENGTH, default 2 MiB): a larger request gets 413.
- Headers on every response: a Content-Security-Policy that allows scripts only from the app itself plus the
  hashes of Dash's own inline scripts (no 'unsafe-inline' for scripts), frame-ancestors 'none', and
  X-Content-Type-Options, Referrer-Policy, X-Frame-Options, Permissions-Policy, Cross-Origin-Opener-Policy.
  HSTS when TRYGG_HTTPS=1 (also makes the session cookie Secure).
- A POST to a Dash app's /_dash-update-component must be JSON naming a callback of that app, with inputs and
  state of the shapes the callback declares: otherwise 400 (403 when it names a staff callback on the public
  app). Staff callbacks live in their own Dash app under /personal/, whose every request needs a staff
  session (staff/auth.py). A list (or object) value of over MAX_LIST elements is a 400 at once (a 300,000-view
  story took 43 s and 2 GB in the callback); the callbacks check the story's own limit (views/story.py).
  Whatever a callback raises on a strange value becomes a 400, never a 500, and no
  response ever carries a traceback or a file path: errors are logged on the server.
- Debug mode is off (Flask and Dash), whatever the environment says, under gunicorn.
- Behind a proxy, TRUSTED_PROXIES (default 0: none) says how many proxies in front of the app to trust: werkzeug's
  ProxyFix then takes the client address from that many X-Forwarded-For entries from the right (and the scheme
  from X-Forwarded-Proto), so the login limiter counts per visitor, not per proxy. deploy/cluster.py sets 1 for
  the shipped nginx. Never set it higher than the number of proxies that really rewrite those headers: a client
  could then choose its own address.
- A path with a `..` segment (also %2e%2e), a backslash or a NUL byte is a 404 before any route sees it.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import time

from flask import Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger("trygghetskartan.security")


class Throttle(logging.Filter):
    """At most `limit` records per `seconds` through a logger (a flood of bad requests must not flood the log,
    nor block a worker whose output nobody reads); then one line saying how many were left out."""

    def __init__(self, limit: int = 20, seconds: float = 60.0):
        super().__init__()
        self.limit, self.seconds = limit, seconds
        self.start, self.count, self.dropped = 0.0, 0, 0
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        with self.lock:
            if now - self.start > self.seconds:
                if self.dropped:
                    record.msg = f"({self.dropped} meddelanden utelämnade) " + str(record.msg)
                self.start, self.count, self.dropped = now, 0, 0
            self.count += 1
            if self.count > self.limit:
                self.dropped += 1
                return False
            return True


THROTTLE = Throttle()
log.addFilter(THROTTLE)

DEFAULT_MAX_CONTENT_LENGTH = 2 * 1024 * 1024
MAX_PATTERN_ITEMS = 500  # items of one wildcard (ALL) input: the page has a handful
MAX_LIST = 500  # elements of a list value (a story has at most 50 views: views/story.py checks that, with a message)


def secret_key() -> str:
    """SECRET_KEY from the environment, or a new random one (with a warning)."""
    key = os.environ.get("SECRET_KEY") or os.environ.get("TRYGG_SECRET_KEY")
    if key:
        return key
    log.warning("SECRET_KEY saknas i miljön: en slumpad nyckel används, så inloggningar upphör vid omstart "
                "(set SECRET_KEY, e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    return secrets.token_urlsafe(32)


def harden(server, apps: list, staff_apps: list = ()) -> None:
    """Configure `server` (Flask) and guard the callback routes of `apps` (the public Dash apps) and
    `staff_apps` (Dash apps whose callbacks are staff-only; their prefix is guarded by staff.auth)."""
    https = os.environ.get("TRYGG_HTTPS", "") in ("1", "true", "yes")
    server.config.update(
        SECRET_KEY=server.config.get("SECRET_KEY") or secret_key(),
        MAX_CONTENT_LENGTH=int(os.environ.get("TRYGG_MAX_CONTENT_LENGTH", DEFAULT_MAX_CONTENT_LENGTH)),
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=https,
        SESSION_COOKIE_NAME="trygg_session", DEBUG=False, PROPAGATE_EXCEPTIONS=False, TESTING=False,
    )
    server.debug = False
    proxies = trusted_proxies()
    if proxies:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=proxies, x_proto=proxies)
    all_apps = list(apps) + list(staff_apps)
    routes = {app.config.routes_pathname_prefix + "_dash-update-component": app for app in all_apps}
    staff_outputs = {output for app in staff_apps for output in app.callback_map}
    hashes: list[str] = []

    def script_hashes() -> list[str]:
        if not hashes:  # after every callback (and clientside callback) is registered: at the first request
            hashes.extend(sorted({h for app in all_apps for h in app.csp_hashes()}))
        return hashes

    @server.before_request
    def no_traversal():
        if traversal(request.path):
            return _error(404, "Hittades inte (not found)")
        return None

    @server.before_request
    def check_callback_request():
        app = routes.get(request.path)
        if app is None or request.method != "POST":
            return None
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("output"), str):
            return _error(400, "Ogiltig begäran (invalid callback request)")
        if body["output"] not in app.callback_map:
            if body["output"] in staff_outputs and app not in staff_apps:
                return _error(403, "Kräver inloggning som personal (staff only)")
            return _error(400, "Okänd callback (unknown callback)")
        problem = _shape_problem(app.callback_map[body["output"]], body)
        if problem:
            return _error(400, f"Ogiltig begäran (invalid callback request): {problem}")
        return None

    # Whatever a callback raises on a strange input (a value the page never sends) is a bad request, not a
    # server error: logged here, a short message there.
    for rule in list(server.url_map.iter_rules()):
        if rule.rule in routes:
            server.view_functions[rule.endpoint] = _bad_request_on_error(server.view_functions[rule.endpoint])

    @server.after_request
    def security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = content_security_policy(script_hashes())
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if https:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    @server.errorhandler(Exception)
    def no_traceback(err: Exception):
        if isinstance(err, HTTPException):
            if (err.code or 500) < 400:  # e.g. a routing redirect: Werkzeug's own response
                return err
            return _error(err.code, err.name)
        log.warning("fel vid %s %s: %s: %s", request.method, request.path[:200], type(err).__name__, str(err)[:200],
                    exc_info=not THROTTLE.dropped)
        if request.path in routes:
            return _error(400, "Ogiltig begäran (invalid callback request)")
        return _error(500, "Internt fel (internal error)")


def trusted_proxies() -> int:
    """TRUSTED_PROXIES: how many proxies in front of the app set X-Forwarded-For (0 when unset or not a number)."""
    try:
        return max(0, int(os.environ.get("TRUSTED_PROXIES", "0")))
    except ValueError:
        log.warning("TRUSTED_PROXIES=%r är inte ett heltal: 0 används (not an integer)", os.environ["TRUSTED_PROXIES"])
        return 0


def traversal(path: str) -> bool:
    """A request path no route serves and a file lookup must never see: a `.` or `..` segment, a backslash (a
    separator on some systems) or a NUL. `path` is decoded (Werkzeug turns %2e%2e into ..)."""
    if "\\" in path or "\x00" in path:
        return True
    return any(part in ("..", ".") for part in path.split("/"))


def content_security_policy(script_hashes: list[str]) -> str:
    """Scripts only from the app itself and Dash's own inline scripts (`script_hashes`); nothing framing the page."""
    policy = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],  # plotly and the Dash components set inline styles
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],  # the map (MapLibre) draws in a web worker made from a blob
        "child-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{k} {' '.join(v)}" for k, v in policy.items())


def _error(status: int, message: str):
    if request.path.startswith(("/api/", "/personal/api/")) or request.path.endswith("_dash-update-component"):
        response = jsonify({"error": message})
    else:
        response = Response(f"<!DOCTYPE html><html lang=\"sv\"><title>{status}</title><p>{message}</p></html>",
                            mimetype="text/html")
    response.status_code = status
    return response


def _bad_request_on_error(view):
    def guarded(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except HTTPException:
            raise
        except Exception as err:  # noqa: BLE001 - any failure on a strange input is a bad request
            if type(err).__name__ == "PreventUpdate":
                raise
            log.warning("callback %s misslyckades: %s: %s", (request.get_json(silent=True) or {}).get("output"),
                        type(err).__name__, str(err)[:200])
            return _error(400, "Ogiltig begäran (invalid callback request)")
    guarded.__name__ = getattr(view, "__name__", "dispatch")
    return guarded


def _shape_problem(callback: dict, body: dict) -> str | None:
    """Why the inputs and state of `body` do not have the shapes the callback declares (None if they do)."""
    for key, declared in (("inputs", callback["inputs"]), ("state", callback.get("state", []))):
        given = body.get(key, [])
        if not isinstance(given, list) or len(given) != len(declared):
            return f"{key}: {len(declared)} väntades"
        for spec, item in zip(declared, given):
            if not _matches(spec, item):
                return f"{key}: {spec['id']}.{spec['property']}"
            value = item.get("value") if isinstance(item, dict) else None
            if isinstance(value, (list, dict)) and len(value) > MAX_LIST:
                return f"{spec['id']}.{spec['property']}: {len(value)} element, högst {MAX_LIST} (too long)"
    outputs = body.get("outputs")
    if outputs is not None and not isinstance(outputs, (list, dict)):
        return "outputs"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds"
    return None


def _matches(spec: dict, item) -> bool:
    """An input or state item of the request against its declaration ({"id", "property"}); a pattern-matching id
    (a JSON object) matches a list of items (ALL) or one item, each with the same keys and fixed values."""
    spec_id = spec["id"]
    if not spec_id.startswith("{"):
        return isinstance(item, dict) and item.get("id") == spec_id and item.get("property") == spec["property"]
    pattern = json.loads(spec_id)
    items = item if isinstance(item, list) else [item]
    if len(items) > MAX_PATTERN_ITEMS:
        return False
    for one in items:
        if not (isinstance(one, dict) and one.get("property") == spec["property"] and isinstance(one.get("id"), dict)):
            return False
        if set(one["id"]) != set(pattern):
            return False
        for key, value in pattern.items():
            given = one["id"][key]
            if isinstance(value, list):  # a wildcard: any plain value
                if not isinstance(given, (str, int, float, bool)):
                    return False
            elif given != value:
                return False
    return True
