"""Free-text answers for staff: filtered by question, wave, area and groups, always redacted.

The answers are in data/processed/private/freetext.parquet (written by survey/build.py, never served by the
public app), one row per answer with the respondent's wave, area and groups. Every parameter is checked
against the codebook and the areas (QueryError: a 400 in the API, a message on the page).
"""
from __future__ import annotations

import threading
from typing import Mapping

import pandas as pd

from survey.redaction import redact
from survey.results import QueryError, Results

MAX_ANSWERS = 500  # shown at once; the count says how many matched

_lock = threading.Lock()
_cache: dict[str, pd.DataFrame] = {}


def load(results: Results) -> pd.DataFrame:
    """The build's free-text answers, each already redacted (read and redacted once per build)."""
    key = str(results.folder)
    with _lock:
        frame = _cache.get(key)
        if frame is None:
            path = results.folder / "private" / "freetext.parquet"
            frame = pd.read_parquet(path) if path.exists() else pd.DataFrame(columns=["question", "text"])
            frame = frame.assign(redacted=[redact(str(t)) for t in frame["text"]]).drop(columns=["text"])
            _cache.clear()
            _cache[key] = frame
        return frame


def questions(results: Results) -> list:
    return [q for q in results.codebook.questions if q.type == "freetext"]


def area_choices(results: Results, lang: str) -> list[dict]:
    """Every area of every level but the whole municipality, as "level:area_id"."""
    out = []
    for level in results.manifest["levels"][:-1]:
        for area_id in results.area_ids(level["id"]):
            out.append({"label": f"{results.area_name(level['id'], area_id)} ({level['label'][lang].lower()})",
                        "value": f"{level['id']}:{area_id}"})
    return out


def parse(results: Results, params: Mapping) -> dict:
    """Check the filters: question (a free-text question; default the first), wave (or all), area
    ("level:area_id", or all) and one code per group. Raises QueryError naming the bad one."""
    ids = [q.id for q in questions(results)]
    question = params.get("question") or (ids[0] if ids else "")
    if question not in ids:
        raise QueryError("question", question, ids)
    wave = params.get("wave") or None
    if wave is not None:
        if str(wave) not in [str(w) for w in results.waves]:
            raise QueryError("wave", wave, results.waves)
        wave = int(str(wave))
    area = params.get("area") or None
    villages = None
    if area is not None:
        level, _, area_id = str(area).partition(":") if isinstance(area, str) else ("", "", "")
        villages = results.villages_of(level, area_id)
        if not villages:
            raise QueryError("area", area, [a["value"] for a in area_choices(results, "sv")])
    groups = dict(results.group_filters(params))
    return {"question": question, "wave": wave, "area": area, "villages": villages, "groups": groups}


def answers(results: Results, params: Mapping) -> dict:
    """The redacted answers matching the filters: {"count", "answers": [{"text", "area", "wave"}]}."""
    chosen = parse(results, params)
    frame = load(results)
    keep = frame["question"] == chosen["question"]
    if chosen["wave"] is not None and "wave" in frame:
        keep &= frame["wave"] == chosen["wave"]
    if chosen["villages"] is not None and "area_id" in frame:
        keep &= frame["area_id"].isin(chosen["villages"])
    for group, code in chosen["groups"].items():
        keep &= frame[group] == code if group in frame else False
    found = frame[keep]
    finest = results.levels[0]
    rows = [{"text": r.redacted, "area": results.area_name(finest, getattr(r, "area_id", "")) if
             isinstance(getattr(r, "area_id", None), str) else "", "wave": int(r.wave) if "wave" in frame and
             pd.notna(r.wave) else None} for r in found.head(MAX_ANSWERS).itertuples()]
    return {"count": int(len(found)), "answers": rows}
