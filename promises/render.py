"""What the promise pages share: the database and the build of this app, the language, and a page drawn from a
template (promises/templates/) with the texts of that language."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, render_template, request

from survey.results import Results
from translations import LANGUAGES
from views.labels import whole_words
from views.texts import t

DB = "trygghetskartan.promises"  # server.extensions[DB]: {"db": Database, "get_results": ...}
STATUS_KEYS = {"planerad": "promise_status_planned", "pagar": "promise_status_ongoing",
               "genomford": "promise_status_done", "installd": "promise_status_cancelled"}


def database():
    return current_app.extensions[DB]["db"]


def results() -> Results:
    return current_app.extensions[DB]["get_results"]()


def language() -> str:
    lang = request.args.get("lang")
    return lang if lang in LANGUAGES else "sv"


def keep(lang: str, **params) -> str:
    """The query string of a link that keeps the language (and `params`)."""
    if lang != "sv":
        params["lang"] = lang
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return "?" + urlencode(params) if params else ""


def other_language_href(lang: str) -> str:
    other = "en" if lang == "sv" else "sv"
    params = {k: v for k, v in request.args.items() if k != "lang"}
    if other != "sv":
        params["lang"] = other
    return request.path + ("?" + urlencode(params) if params else "")


def page(template: str, title: str, lang: str, nav: list, status: int = 200, **context):
    """A page of `template` in `lang`, with its <title>, the header's links (`nav`: (label, href, current)) and
    the language switch. The texts get the whole's words too ({whole}, {parties}: views.labels.whole_words)."""
    words = whole_words(results(), lang)

    def text(key: str, **values) -> str:
        return t(key, lang, **{**words, **values})
    body = render_template(template, t=text, lang=lang, title=title, nav=nav, keep=keep(lang),
                           other="en" if lang == "sv" else "sv", other_href=other_language_href(lang),
                           demo=results().manifest.get("demo", False), status_text=status_text(lang),
                           messages=context.pop("messages", []), **context)
    response = current_app.response_class(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store" if context.get("staff") else "public, max-age=60"
    return response


def status_text(lang: str) -> dict[str, str]:
    return {status: t(key, lang) for status, key in STATUS_KEYS.items()}
