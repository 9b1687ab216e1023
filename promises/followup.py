"""What an indicator shows: its values from the baseline wave on, from the current build, with their intervals and
the verdict of each change against the baseline (survey.results.change: the view's own estimates and disclosure
control, and the two-proportion test of survey/estimates.py). Nothing is stored: a new build shows its new wave.

Also the indicator a dashboard view makes ("Följ upp som indikator"), checked against the build, and which areas
a promise covers.
"""
from __future__ import annotations

from survey.config import KOMMUN_LEVEL_ID
from survey.results import Query, QueryError, Results
from views.labels import group_label
from views.params import parse_view
from views.texts import integer, t, value

VERDICTS = {"lower": "followup_lower", "higher": "followup_higher", None: "followup_no_change"}


def kommun_area(results: Results) -> tuple[str, str]:
    return KOMMUN_LEVEL_ID, results.area_ids(KOMMUN_LEVEL_ID)[0]


def indicator_from_view(results: Results, params) -> dict:
    """A dashboard view (its URL parameters) → an indicator: question, level and area (the whole municipality
    when no area is chosen), group filter, baseline wave (the view's). QueryError names a bad parameter."""
    if params.get("question") and params["question"] not in results.codebook.question_ids:
        raise QueryError("question", params["question"], results.codebook.question_ids)
    view = parse_view(dict(params), results)
    level, area = (view["level"], view["area"]) if view.get("area") else kommun_area(results)
    return {"question": view["question"], "level": level, "area_id": area, "filters": dict(view["filters"]),
            "baseline_wave": int(view["wave"])}


def check_indicator(results: Results, indicator: dict) -> dict:
    """An indicator from a form: every part must exist in this build (QueryError otherwise)."""
    query = results.parse({"question": indicator.get("question"), "wave": str(indicator.get("baseline_wave")),
                           "level": indicator.get("level"), **(indicator.get("filters") or {})})
    if indicator.get("area_id") not in results.area_ids(query.level):
        raise QueryError("area", indicator.get("area_id"), results.area_ids(query.level))
    return {"question": query.question, "level": query.level, "area_id": indicator["area_id"],
            "filters": dict(query.filters), "baseline_wave": query.wave}


def describe(results: Results, indicator, lang: str) -> dict:
    """The indicator's labels: question (short and full), area, group filter."""
    question = results.codebook.question(indicator.question) or results.codebook.index(indicator.question)
    filters = [group_label(results, g, c, lang) for g, c in sorted((indicator.filters or {}).items())]
    return {"question": question.short[lang] if question else indicator.question,
            "question_text": question.text[lang] if question else indicator.question,
            "area": area_name(results, indicator.level, indicator.area_id),
            "group": ", ".join(filters) if filters else t("followup_everyone", lang)}


def area_name(results: Results, level: str, area_id: str) -> str:
    try:
        return results.area_name(level, area_id)
    except (KeyError, ValueError, IndexError):
        return area_id


def follow_up(results: Results, indicator, lang: str) -> dict:
    """The indicator's labels and, from its baseline wave on, each wave's value, interval, number of answers and
    (for later waves) the verdict of the change; `missing` when the build no longer has its question, area or
    baseline wave (a new build may drop them)."""
    out = describe(results, indicator, lang)
    try:
        checked = check_indicator(results, {"question": indicator.question, "level": indicator.level,
                                            "area_id": indicator.area_id, "filters": indicator.filters,
                                            "baseline_wave": indicator.baseline_wave})
    except QueryError as err:
        return {**out, "missing": str(err), "points": []}
    query = Query(question=checked["question"], wave=checked["baseline_wave"], level=checked["level"],
                  filters=tuple(sorted(checked["filters"].items())))
    points = []
    for point in results.indicator_change(query, checked["area_id"], checked["baseline_wave"]):
        shown = not point["suppressed"]
        points.append({**point, "baseline": point["wave"] == checked["baseline_wave"],
                       "value": value(point, "share", lang) if shown else t("followup_hidden", lang),
                       "interval": (f"{value(point, 'share_low', lang)}–{value(point, 'share_high', lang)}"
                                    if shown else ""),
                       "answers": integer(point["n"], lang) if shown else "",
                       "verdict": verdict(point, lang)})
    return {**out, "missing": None, "points": points, "kind": points[0]["kind"] if points else "share"}


def verdict(point: dict, lang: str) -> str:
    """The change against the baseline in words ("" for the baseline itself and where either value is hidden)."""
    if point["wave"] is None or point.get("p_vs_baseline") is None:
        return ""
    return t(VERDICTS[point["change"]], lang)


def covers(results: Results, promise_areas: list[str], level: str, area_id: str) -> bool:
    """Whether a promise's areas ("level:id") overlap the area: one lies inside the other, or they share villages
    (the whole municipality covers every area)."""
    villages = results.villages_of(level, area_id)
    for item in promise_areas:
        their_level, _, their_id = item.partition(":")
        if their_level == KOMMUN_LEVEL_ID or villages & results.villages_of(their_level, their_id):
            return True
    return False


def area_choices(results: Results, lang: str) -> list[tuple[str, str]]:
    """Every area a promise can name, "level:id" with its label (the municipality first, then by level)."""
    levels = {lv["id"]: lv["label"][lang] for lv in results.manifest["levels"]}
    out = []
    for level in reversed(results.levels):
        out += [(f"{level}:{a}", f"{levels.get(level, level)}: {area_name(results, level, a)}")
                for a in results.area_ids(level)]
    return out
