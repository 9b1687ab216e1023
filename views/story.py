"""A story: an ordered list of views for a meeting, kept in the browser, saved and opened as a JSON file, listed
in a line per view. Its slides are views/slides.py's.

An item may also be a medborgarlöfte's follow-up, {"promise": "12"} (issue 23): its slide is made by
promises/slide.py, a layer above this one (the database is its), and sent with the item to the file export."""
from __future__ import annotations

import base64
import json
from datetime import date
from urllib.parse import parse_qs

from survey.results import Results
from views.texts import t

from .labels import filter_phrase
from .params import check_view, parse_view, story_item
from .slides import Slide, make_slide

STORY_FORMAT = "trygghetskartan-story"
MAX_STORY = 50  # views in one story: a file with more is refused (it is not one made here), and so is a longer
# story sent by a page to any callback or to /export/story.* (the page cannot make one)
MAX_VIEW_KEYS = 20  # parameters of one view (a view has about ten)
PROMISE = "promise"  # the key of a promise's item, and the dashboard's parameter that adds one (/?promise=12)
PROMISE_DIGITS = 9   # a promise's id: 1 to 9 digits (the database's ids are far below)


def promise_id(item) -> int | None:
    """The promise a story item shows ({"promise": "12"}; "slide" is its made slide, see item_slide), else None
    (a view). Strict: that key and no view parameter, an id of 1–9 ASCII digits above 0."""
    if not isinstance(item, dict) or PROMISE not in item or set(item) - {PROMISE, "slide"}:
        return None
    text = str(item[PROMISE])
    return int(text) if 0 < len(text) <= PROMISE_DIGITS and text.isascii() and text.isdigit() and int(text) else None


def promise_item(pid: int) -> dict:
    return {PROMISE: str(pid)}


def promise_to_add(search: str | None) -> str | None:
    """The dashboard's ?promise= (a promise page's "Lägg till i presentationen"), as given, at most 20 characters:
    the story's callback checks it and says what is wrong (callbacks/promise_story.py)."""
    value = parse_qs((search or "").lstrip("?")).get(PROMISE, [None])[0]
    return None if value is None else value[:20]


def item_slide(results: Results, item: dict, lang: str) -> Slide:
    """A story item's slide: a view's (views/slides.py), or the one a higher layer made from the database and
    sent with the item (a promise's follow-up, promises/slide.py); a promise's item without one says so."""
    if promise_id(item) is None:
        return make_slide(results, parse_view({**item, "lang": lang}, results), lang)
    made = item.get("slide")
    if isinstance(made, dict):
        return Slide(**made)
    return Slide(title=t("unknown_view", lang, error=f"{PROMISE}={item[PROMISE]}"), subtitle="", summary="")


class StoryTooLong(ValueError):
    """A story of more than MAX_STORY views, or not a list of views."""


def story_views(story) -> list[dict]:
    """The story's views as plain parameters (text), refused before any work (StoryTooLong) when it is not a list
    of at most MAX_STORY views of at most MAX_VIEW_KEYS parameters; None is the empty story. A value that is not
    text or a number is dropped (parse_view then falls back to the default)."""
    story = [] if story is None else story
    if not isinstance(story, list) or not all(isinstance(v, dict) and len(v) <= MAX_VIEW_KEYS for v in story):
        raise StoryTooLong("ingen lista med vyer (not a list of views)")
    if len(story) > MAX_STORY:
        raise StoryTooLong(f"{len(story)} vyer, högst {MAX_STORY} (too many views)")
    return [{str(k)[:40]: str(v)[:200] for k, v in view.items() if isinstance(v, (str, int))} for view in story]


def story_file(story: list[dict], lang: str) -> str:
    return json.dumps({"format": STORY_FORMAT, "version": 1, "language": lang, "saved": date.today().isoformat(),
                       "views": story}, ensure_ascii=False, indent=2)


def read_story_file(contents: str, results: Results) -> list[dict]:
    """An uploaded story file (dcc.Upload's data URL) → its views, each checked against this build; ValueError
    (QueryError is one) with a readable message when the file is not a story of this dashboard."""
    try:
        _, encoded = contents.split(",", 1)
        data = json.loads(base64.b64decode(encoded).decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as err:
        raise ValueError(f"inte JSON (not JSON): {err}") from None
    views = data.get("views") if isinstance(data, dict) else data
    if not isinstance(views, list) or (isinstance(data, dict) and data.get("format", STORY_FORMAT) != STORY_FORMAT):
        raise ValueError(f"ingen lista 'views' (no list of views); format {STORY_FORMAT!r} väntades")
    story_views(views)
    return [promise_item(promise_id(view)) if promise_id(view) else story_item(check_view(view, results))
            for view in views]


def story_entry_label(results: Results, item: dict, lang: str) -> str:
    """A story view in a line: question (short), where, year."""
    view = parse_view(item, results)
    question = results.codebook.question(view["question"]) or results.codebook.index(view["question"])
    where = (results.area_name(view["level"], view["area"]) if view.get("area")
             else next(lv["label"][lang] for lv in results.manifest["levels"] if lv["id"] == view["level"]))
    extra = [results.codebook.group(view["by"]).label[lang].lower()] if view.get("by") else []
    extra += [filter_phrase(results, view["filters"], lang)] if view["filters"] else []
    extra += [t(f"slide_chart_{view['chart']}", lang)] if view.get("chart") else []  # "över tid", "problemprofil"
    return f"{question.short[lang]} · {where} · {view['wave']}" + (f" ({', '.join(extra)})" if extra else "")
