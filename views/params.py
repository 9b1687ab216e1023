"""A view of the dashboard as URL parameters, and back.

A view is the API's parameters (question, wave, level, by, one key per filtered group) plus the selected area and
the language: `?question=p_fortkorning&level=deso&kon=1&area=2039A0030&lang=en`. Only values that differ from the
default view are written, so the default view is `/` and a shared link stays short (and its QR code small).
Reading is forgiving: a value that is not (or no longer) valid falls back to the default, so an old link opens.
The browser writes the URL (assets/app.js, `view_search` there mirrors `search` here; a unit test checks both).
Also the dashboard's controls as a view (view_params, control_view, area_choice) and the view's language.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from dash import no_update

from survey.config import KOMMUN_LEVEL_ID
from survey.results import QueryError, Results
from translations import DEFAULT as DEFAULT_LANGUAGE
from translations import LANGUAGES

SLIDE_CHARTS = ("trend", "profile")  # what a story's view may show instead of its map or shares (`chart`)


def known_language(lang, default: str = DEFAULT_LANGUAGE) -> str:
    """`lang` if the interface speaks it, else `default`."""
    return lang if lang in LANGUAGES else default


def language(search: str | None, default: str) -> str:
    """The language a URL's query string asks for (`lang`), else `default`."""
    return known_language(parse_qs((search or "").lstrip("?")).get("lang", [default])[0], default)


def defaults(results: Results) -> dict:
    """The default view: the first question, the latest wave, the finest level, the build's language."""
    return {"question": results.codebook.single_choice[0].id, "wave": str(results.waves[-1]),
            "level": results.levels[0], "lang": results.manifest.get("default_language", "sv")}


def parse_view(params, results: Results) -> dict:
    """URL parameters (a query string or a mapping) → a complete, valid view:
    {question, wave (str), level, by ("" for none), filters {group: code}, area (or None), lang}."""
    if isinstance(params, str):
        params = {k: v[0] for k, v in parse_qs(params.lstrip("?")).items()}
    base = defaults(results)
    view = dict(base, by="", filters={}, area=None)
    if params.get("question") in results.codebook.question_ids:
        view["question"] = params["question"]
    if str(params.get("wave")) in {str(w) for w in results.waves}:
        view["wave"] = str(params["wave"])
    if params.get("level") in results.levels:
        view["level"] = params["level"]
    groups = {g.id: g for g in results.codebook.groups}
    if params.get("by") in groups:
        view["by"] = params["by"]
    for group_id, group in groups.items():
        code = params.get(group_id)
        if code not in (None, "") and str(code) in {str(o.code) for o in group.shown}:
            view["filters"][group_id] = str(code)
    if view["level"] != KOMMUN_LEVEL_ID and params.get("area") in results.area_ids(view["level"]):
        view["area"] = params["area"]
    if params.get("lang") in LANGUAGES:
        view["lang"] = params["lang"]
    chart = params.get("chart")
    if chart == "trend" or (chart == "profile" and results.codebook.index(view["question"])):
        view["chart"] = chart  # a story's view shown as its trend or its index's profile (views/slides.py)
    return view


def query_params(view: dict) -> dict:
    """The view's parameters for results.parse / the API (strings; no area, no language)."""
    params = {"question": view["question"], "wave": str(view["wave"]), "level": view["level"]}
    if view.get("by"):
        params["by"] = view["by"]
    params.update({g: str(c) for g, c in (view.get("filters") or {}).items() if c not in (None, "")})
    return params


def map_params(params: dict) -> dict:
    """A view's parameters as its map takes them: the map shows everyone, never a breakdown."""
    return {k: v for k, v in params.items() if k != "by"}


def view_search(view: dict, results: Results, with_lang: bool = True) -> str:
    """The view as a query string ("" for the default view), parameters in a fixed order."""
    base = defaults(results)
    params = {}
    for key in ("question", "wave", "level"):
        if str(view.get(key)) != base[key]:
            params[key] = str(view[key])
    if view.get("by"):
        params["by"] = view["by"]
    for group in results.codebook.groups:
        code = (view.get("filters") or {}).get(group.id)
        if code not in (None, ""):
            params[group.id] = str(code)
    if view.get("area"):
        params["area"] = view["area"]
    if with_lang and view.get("lang", base["lang"]) != base["lang"]:
        params["lang"] = view["lang"]
    return "?" + urlencode(params) if params else ""


def check_view(params: dict, results: Results) -> dict:
    """A view from an imported story file: every parameter must be valid (QueryError otherwise), unlike a link."""
    if not isinstance(params, dict):
        raise QueryError("view", params, ["{question, wave, level, ...}"])
    known = {"question", "wave", "level", "by", "area", "lang", "chart"} | {g.id for g in results.codebook.groups}
    for key in params:
        if key not in known:
            raise QueryError(key, params[key], sorted(known))
    results.parse({k: str(v) for k, v in params.items() if k not in ("area", "lang", "chart") and v not in (None, "")})
    view = parse_view({k: str(v) for k, v in params.items() if v not in (None, "")}, results)
    if params.get("area") not in (None, "") and view["area"] != params["area"]:
        raise QueryError("area", params["area"], results.area_ids(view["level"]))
    if params.get("chart") not in (None, "") and view.get("chart") != params["chart"]:
        raise QueryError("chart", params["chart"],
                         list(SLIDE_CHARTS) if results.codebook.index(view["question"]) else ["trend"])
    return view


def story_item(view: dict) -> dict:
    """A view as it is stored in a story (the URL parameters, without the language: a story is shown in any)."""
    item = query_params(view)
    if view.get("area"):
        item["area"] = view["area"]
    if view.get("chart"):
        item["chart"] = view["chart"]
    return item


def view_params(question, wave, level, by, filter_values, filter_ids) -> dict:
    """The dashboard's controls as the same parameters the API takes."""
    params = {"question": question, "wave": str(wave), "level": level}
    if by:
        params["by"] = by
    for value, control in zip(filter_values or [], filter_ids or []):
        if value not in (None, "") and isinstance(control, dict) and isinstance(control.get("group"), str):
            params.setdefault(control["group"], str(value))  # parse() checks the group and the code
    return params


def control_view(results: Results, question, wave, level, by, filter_values, filter_ids, area, lang) -> dict:
    """The controls' values → a complete, valid view (what the URL says)."""
    params = view_params(question, wave, level, by, filter_values, filter_ids)
    if area:
        params["area"] = area
    params["lang"] = lang
    return parse_view(params, results)


def area_choice(results: Results, level: str, clicked: str | None, current: str | None, from_map: bool):
    """Options of the area chooser for the level, and its value: the clicked area, else the current one if valid.
    dash's `no_update` where a click on the map leaves the options (and an invalid click the value) as they are."""
    options = [{"label": results.area_name(level, a), "value": a} for a in results.area_ids(level)]
    valid = {o["value"] for o in options}
    if from_map:
        return no_update, clicked if clicked in valid else no_update
    return options, current if current in valid else None


def query_view(query, lang: str) -> dict:
    """A parsed query (survey.results.Query) as a view of the whole level (no area)."""
    return {"question": query.question, "wave": str(query.wave), "level": query.level, "by": query.by or "",
            "filters": dict(query.filters), "area": None, "lang": lang}
