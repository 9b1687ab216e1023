"""A story: an ordered list of views for a meeting, kept in the browser, saved and opened as a JSON file, listed
in a line per view. Its slides are views/slides.py's."""
from __future__ import annotations

import base64
import json
from datetime import date

from survey.results import Results

from .labels import group_label
from .params import check_view, parse_view, story_item

STORY_FORMAT = "trygghetskartan-story"
MAX_STORY = 50  # views in one story (a file with more is refused: it is not one made here)


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
    if len(views) > MAX_STORY:
        raise ValueError(f"{len(views)} vyer, högst {MAX_STORY} (too many views)")
    return [story_item(check_view(view, results)) for view in views]


def story_entry_label(results: Results, item: dict, lang: str) -> str:
    """A story view in a line: question (short), where, year."""
    view = parse_view(item, results)
    question = results.codebook.question(view["question"]) or results.codebook.index(view["question"])
    where = (results.area_name(view["level"], view["area"]) if view.get("area")
             else next(lv["label"][lang] for lv in results.manifest["levels"] if lv["id"] == view["level"]))
    extra = [results.codebook.group(view["by"]).label[lang].lower()] if view.get("by") else []
    extra += [group_label(results, g, c, lang) for g, c in view["filters"].items()]
    return f"{question.short[lang]} · {where} · {view['wave']}" + (f" ({', '.join(extra)})" if extra else "")
