"""A medborgarlöfte's follow-up as a slide of the presentation (issue 23), beside the views' slides: the promise's
title, where and when it holds, its actions counted by status, and for each indicator its baseline and newest
wave (value, interval, answers) with the verdict of the change in words and as a small chart.

The numbers are promises/followup.py's (survey.results.change: the API's estimates and disclosure control, a hidden
value is "för få svar" and has no bar), and the words the återkoppling page's (promises/feedback.py): what a public
page shows of every promise, nothing more. The slide is a views.slides.Slide, so the presentation
(layouts/presentation.py) and the files (exports/slides.py) draw it as any other; the files are made in another
process without the database, so `with_promise_slides` sends each promise's slide with its story item.
"""
from __future__ import annotations

from dataclasses import asdict

from survey.results import Results
from views.figures import FONT, plain
from views.slides import Slide, _source
from views.story import promise_id
from views.texts import percent_sign, t

from . import store
from .feedback import change_sentence
from .followup import area_name, follow_up
from .models import STATUSES
from .render import database

SLIDE_INDICATORS = 3  # two bars each: more would not stand readable on a 768 px projector (the rest are counted)
COLOURS = {"baseline": "#636363", "latest": "#e6550d", "hidden": "#bdbdbd"}  # 3:1 against white, or hidden


def actions_sentence(actions: list, lang: str) -> str:
    """"Åtgärder: 1 genomförd, 2 pågår och 1 planerad." (in the order done, in progress, planned, cancelled)."""
    if not actions:
        return t("promise_slide_no_actions", lang)
    counts = {status: sum(a.status == status for a in actions) for status in STATUSES}
    parts = [t(f"promise_count_{status}" + ("_one" if counts[status] == 1 else ""), lang, n=counts[status])
             for status in ("genomford", "pagar", "planerad", "installd") if counts[status]]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + t("promise_and", lang) + parts[-1]
    return t("promise_slide_actions", lang, parts=listed)


def indicator_label(f: dict, lang: str) -> str:
    label = f"{f['question']} · {f['area']}"
    return label if f["group"] == t("followup_everyone", lang) else f"{label} ({f['group']})"


def shown_points(f: dict) -> list[dict]:
    """The baseline and the newest wave (one point when there is no later wave yet)."""
    points = f["points"]
    return points[:1] + points[-1:] if len(points) > 1 else points


def follow_up_rows(f: dict, lang: str) -> list[tuple[str, str, str, str, str]]:
    """The indicator's rows for the slide's table: baseline, newest (hidden: "för få svar"), then the verdict."""
    label = indicator_label(f, lang)
    if f.get("missing") or not f["points"]:
        return [(label, t("promise_slide_missing", lang), "", "", "")]
    rows = []
    for point in shown_points(f):
        wave = f"{point['wave']} ({t('followup_baseline', lang)})" if point["baseline"] else str(point["wave"])
        rows.append((label, wave, point["value"], point["interval"],
                     t("n_of", lang, n=point["answers"]) if point["answers"] else ""))
    first, last = f["points"][0], f["points"][-1]
    verdict = (t("feedback_no_later_wave", lang) if last is first else
               last["verdict"] or t("feedback_not_comparable", lang))
    rows.append((label, f"{first['wave']} → {last['wave']}: {verdict}" if last is not first else verdict, "", "", ""))
    return rows


def number_line(row: tuple, lang: str) -> str:
    """A row as a line of the files' list of numbers: "Fortkörning · Idre, 2016: 26 % (intervall 19–35 %), 85 svar"."""
    label, who, value, span, answers = row
    if not value:
        return f"{label}: {who}"
    return f"{label}, {who}: {value}" + (f" ({t('interval', lang)} {span}), {answers}" if span else "")


def chart_label(f: dict, others: list[dict], lang: str) -> str:
    """The indicator's row in the chart: its question (and group), with the area when another has the same."""
    label = f["question"] if f["group"] == t("followup_everyone", lang) else f"{f['question']} ({f['group']})"
    same = [g for g in others if g is not f and g["question"] == f["question"] and g["group"] == f["group"]]
    return plain(f"{label}, {f['area']}" if same else label)


def follow_up_figure(follow_ups: list[dict], lang: str) -> dict | None:
    """A row per indicator: its baseline (grey) and newest value (orange) as bars with their 95 % intervals; a
    hidden value has no bar (the table says "för få svar"). One line per label: the slide's chart has no room for
    a second."""
    shown = [f for f in follow_ups if not f.get("missing") and f["points"]]
    labels = [chart_label(f, shown, lang) for f in shown]
    traces, top = [], 10.0
    for name, colour, pick in ((t("promise_slide_baseline", lang), COLOURS["baseline"], 0),
                               (t("promise_slide_latest", lang), COLOURS["latest"], -1)):
        points = [f["points"][pick] if pick == 0 or len(f["points"]) > 1 else None for f in shown]
        seen = [p if p and not p["suppressed"] else None for p in points]
        top = max([top] + [p["share_high"] * 100 for p in seen if p])
        traces.append({"type": "bar", "orientation": "h", "name": name, "y": labels, "marker": {"color": colour},
                       "x": [round(p["share"] * 100, 1) if p else None for p in seen],
                       "error_x": {"type": "data", "symmetric": False, "color": "#222222", "thickness": 1.5, "width": 6,
                                   "array": [round((p["share_high"] - p["share"]) * 100, 1) if p else 0 for p in seen],
                                   "arrayminus": [round((p["share"] - p["share_low"]) * 100, 1) if p else 0
                                                  for p in seen]},
                       "hovertemplate": "%{x}<extra>%{y}</extra>"})
    if not any(x is not None for trace in traces for x in trace["x"]):
        return None
    is_index = all(f.get("kind") == "index" for f in shown)
    return {"data": traces, "layout": {
        "barmode": "group", "height": 150 + 70 * len(labels), "plot_bgcolor": "#ffffff",
        "font": {"family": FONT, "size": 13},
        # over the bars (it wraps on a narrow chart); what the bars are (share or index, 95 % interval) is the
        # caption of the slide's table: an axis or legend title here met the legend or ran off a 1024 px chart
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "bottom", "traceorder": "normal"},
        "xaxis": {"range": [0, min(100, (int(top) // 10 + 1) * 10 + 5)], "fixedrange": True,
                  "ticksuffix": "" if is_index else percent_sign(lang), "automargin": True},
        "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True},
        "margin": {"l": 10, "r": 10, "t": 10, "b": 20}}}


def promise_slide(results: Results, db, pid: int, lang: str) -> Slide:
    """The slide of promise `pid`; a promise that is gone (deleted) gives a slide that says so."""
    try:
        promise = store.get_promise(db, pid)
    except store.NotFound:
        return Slide(title=t("promise_slide_gone", lang), subtitle="", summary=t("promise_slide_gone_text", lang))
    shown = [follow_up(results, i, lang) for i in promise.indicators[:SLIDE_INDICATORS]]  # the work is bounded
    areas = ", ".join(area_name(results, *item.partition(":")[::2]) for item in promise.areas)
    period = " – ".join(x for x in (promise.period_start, promise.period_end) if x)
    subtitle = " · ".join(filter(None, [t("promise_slide_kind", lang), areas,
                                        t("feedback_period", lang, period=period) if period else ""]))
    summary = " ".join([actions_sentence(promise.actions, lang)] +
                       ([change_sentence(shown[0], lang)] if shown else [t("feedback_no_indicators", lang)]))
    rows = [row for f in shown for row in follow_up_rows(f, lang)]
    notes = [t("feedback_method_note", lang)]
    if len(promise.indicators) > len(shown):
        notes.append(t("promise_slide_more", lang, n=len(promise.indicators) - len(shown)))
    slide = Slide(title=promise.title, subtitle=subtitle, summary=summary,
                  numbers=[number_line(row, lang) for row in rows], number_rows=rows, notes=notes,
                  source=_source(results, {"wave": results.waves[-1]}, lang))
    slide.figure, slide.chart = follow_up_figure(shown, lang), "shares"
    slide.is_index = bool(shown) and all(f.get("kind") == "index" for f in shown)
    return slide


def story_slide(results: Results, item: dict, lang: str) -> Slide:
    """A promise item's slide, from this app's database (in a request: promises/render.py)."""
    return promise_slide(results, database(), promise_id(item), lang)


def story_label(item: dict, lang: str) -> str:
    """The promise's item in the story's list: "Medborgarlöfte: <title>"."""
    try:
        return t("promise_story_label", lang, title=store.get_promise(database(), promise_id(item)).title)
    except store.NotFound:
        return t("promise_slide_gone", lang)


def with_promise_slides(results: Results, views: list[dict], lang: str) -> list[dict]:
    """The story for a file export: each promise's item with its slide made here (views.story.item_slide draws
    it), the views as they are."""
    made: dict[int, dict] = {}  # each promise once, however often a (crafted) story names it
    out = []
    for item in views:
        pid = promise_id(item)
        if pid is None:
            out.append(item)
            continue
        if pid not in made:
            made[pid] = asdict(promise_slide(results, database(), pid, lang))
        out.append({"promise": str(pid), "slide": made[pid]})
    return out
