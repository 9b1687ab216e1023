"""A story (an ordered list of views) as slides: one per view, with its chart, numbers, summary sentence, source
and notes. The same content feeds the presentation mode (layouts/presentation.py, callbacks/sharing.py), PowerPoint
and PDF (exports/slides.py, which also draws the charts to PNG).

The chart is the map when the view shows every area of a level, the shares with their intervals when an area is
chosen or the level is the whole municipality (or region, county). `printable` makes it self-contained and large for an
image, `screen_figure` large for a projector.
"""
from __future__ import annotations

import copy
import json
import math
import re
from dataclasses import dataclass, field

from survey.config import KOMMUN_LEVEL_ID
from survey.results import QueryError, Results
from views.texts import integer, interval, percent_sign, t, value

from .details import details_view
from .figures import MARK, shares_figure
from .labels import filter_phrase, labelled_query, source_credit, whole_words
from .map import fitted_zoom, map_view
from .map_labels import name_places, places
from .params import map_params, query_params
from .slide_charts import profile_chart, trend_chart

IMAGE_LABEL_SIZE = 26  # px: place names in a slide's map image (1400 px wide, shown about 900 px wide in a PPTX)
SCREEN_LABEL_SIZE = 18  # px: place names on a projected map slide (the dashboard's are 13)
# px: a projected map slide's figure width and plot height at 1366 × 768 (measured in Chromium: 465 × 274–326 with
# its ranking beside it); its colour bar takes 22 px more than the dashboard's (views/map_labels.py COLOUR_BAR).
# The names are placed for that size at the zoom assets/app.js fits it to: placed for a larger map, 13 of 21
# villages (the main town too) were hidden when the map was fitted, as they then ran into each other.
SCREEN_MAP_SIZE = (465, 290)
SCREEN_COLOUR_BAR_EXTRA = 22
IMAGE_SIZE = (1400, 1050)  # px of a slide's chart image, 4:3 at scale 1: sharp enough for a projector, about 100 kB


@dataclass
class Slide:
    title: str
    subtitle: str
    summary: str
    numbers: list[str] = field(default_factory=list)  # the number_rows as lines (PowerPoint, PDF)
    number_rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # see _number_row
    notes: list[str] = field(default_factory=list)
    source: str = ""
    figure: dict | None = None      # the chart (plotly figure dict), None when there is nothing to draw
    chart: str = "shares"           # "map", "shares", "trend" or "profile" (views/slide_charts.py)
    too_few: bool = False           # the view's area has too few answers to show a figure
    too_few_text: str = ""          # then the kind words why ("… eller hela kommunen", "… hela regionen")
    screen_zoom: float | None = None  # a map slide's zoom on a projector (views/map.py fitted_zoom)
    places: list = field(default_factory=list)  # a map slide's places to name (views/map_labels.py places)
    image: bytes | None = None      # PNG of the figure, made by render_images
    ranking: list[tuple[str, str, str]] = field(default_factory=list)  # map slides: (area, value, interval)
    ranking_heading: str = ""       # what the ranking lists ("Andel per by, högst först")
    ranking_notes: list[str] = field(default_factory=list)  # the hidden areas' count, what ▲/▼ mean
    is_index: bool = False          # the question is an index (0–100), not a share

    def ranking_lines(self) -> list[str]:
        """The ranking as lines of text (PowerPoint, PDF)."""
        if not self.ranking:
            return []
        return [self.ranking_heading, *(f"{i}. {area}: {share} ({span})" for i, (area, share, span)
                                        in enumerate(self.ranking, start=1)), *self.ranking_notes]


def _focus_row(rows: list[dict], area: str | None) -> dict | None:
    """The all-respondents row the summary speaks of: the chosen area's, else the whole municipality's."""
    for r in rows:
        if r["group"] is None and (r["area_id"] == area if area else r["level"] == KOMMUN_LEVEL_ID):
            return r
    return None


def _filter_label(results: Results, view: dict, lang: str) -> str:
    """The group the view is filtered to, in words ("Kvinnor 65–84 år"); "" for everyone."""
    return filter_phrase(results, view["filters"], lang) if view.get("filters") else ""


def _number_row(name: str, r: dict, lang: str, filtered: str = "") -> tuple[str, str, str, str, str]:
    """(area, whom, share, interval, answers) of a row: whom is the filter and group ("" for everyone); a hidden
    row says "för få svar" and nothing else."""
    who = r["group_text"] if filtered or r["group_label"] else ""  # "Kvinnor 16–24 år": filter and group in one
    if r["suppressed"]:
        return name, who, t("too_few", lang), "", ""
    return name, who, value(r, "share", lang), interval(r, lang), t("n_of", lang, n=integer(r["n"], lang))


def _number_line(row: tuple[str, str, str, str, str], lang: str) -> str:
    name, who, share, span, answers = row
    name = f"{name} ({who})" if who else name
    return f"{name}: {share} ({t('interval', lang)} {span}), {answers}" if span else f"{name}: {share}"


SLIDE_SUMMARY_CHARS = 280  # about four lines at 20 px on a 1024 px screen: more leaves the chart no room


def slide_summary(summary: str) -> str:
    """The summary's first sentences up to SLIDE_SUMMARY_CHARS (at least one): on a projector the answer comes
    first, and what is cut (which groups show no figure, and why) stands in the slide's list of numbers."""
    sentences = re.split(r"(?<=[.!?])\s+", summary.strip())
    kept = sentences[:1]
    for sentence in sentences[1:]:
        if len(" ".join(kept + [sentence])) > SLIDE_SUMMARY_CHARS:
            break
        kept.append(sentence)
    return " ".join(kept)


def view_label(results: Results, view: dict, lang: str) -> str:
    """Where and whom the view shows, in a line: level or area, breakdown, filters, year."""
    parts = []
    if view.get("area"):
        parts.append(t("view_area", lang, area=results.area_name(view["level"], view["area"])))
    else:
        level = next(lv for lv in results.manifest["levels"] if lv["id"] == view["level"])
        parts.append(t("view_level", lang, level=level["label"][lang]))
    if view.get("by"):
        parts.append(t("view_by", lang, by=results.codebook.group(view["by"]).label[lang].lower()))
    if view.get("filters"):
        parts.append(t("view_filters", lang, filters=filter_phrase(results, view["filters"], lang)))
    return " · ".join(parts)


def _compact_interval(r: dict, lang: str) -> str:
    """The interval as "6–56 %": the unit once (a ranking's column is narrow)."""
    low, high = value(r, "share_low", lang), value(r, "share_high", lang)
    return f"{low.removesuffix(percent_sign(lang)) if r['kind'] != 'index' else low}–{high}"


def ranking(results: Results, map_params: dict, lang: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    """The map's areas ranked by their share, highest first, from the map's own query (views/map.py): the
    published ones as (area, value, interval); the hidden ones only counted (a hidden cell stays hidden, and a
    rolled-up area shows another area's value, which the ranking would repeat). ▲/▼ mark a significant
    difference from the rest, * an uncertain figure."""
    rows = [r for r in labelled_query(results, results.parse(map_params), lang) if r["group"] is None]
    shown = sorted((r for r in rows if not r["suppressed"]), key=lambda r: (-r["share"], r["area_name"]))
    listed = [(r["area_name"] + ("*" if r["unreliable"] else "") + (f" {MARK[r['vs_rest']]}" if r["vs_rest"] else ""),
               value(r, "share", lang), _compact_interval(r, lang)) for r in shown]
    notes = [t("ranking_hidden", lang, n=len(rows) - len(shown))] if len(rows) > len(shown) else []
    if any(r["unreliable"] for r in shown):
        notes.append(f"* {t('uncertain', lang)}")
    if any(r["vs_rest"] for r in shown):
        notes.append(t("ranking_marks", lang, **whole_words(results, lang)))
    return listed, notes


def make_slide(results: Results, view: dict, lang: str) -> Slide:
    """One view → one slide, every number from details_view and map_view (the dashboard's paths)."""
    params = query_params(view)
    try:
        results.parse(params)
    except QueryError as err:
        return Slide(title=t("unknown_view", lang, error=err), subtitle="", summary="")
    area = view.get("area")
    is_map = not area and view["level"] != KOMMUN_LEVEL_ID and not view.get("chart")
    shown = details_view(results, params, area, lang)
    rows = shown["rows"]
    focus = _focus_row(rows, area)
    words = whole_words(results, lang)
    filtered = _filter_label(results, view, lang)
    # A map and its ranking are of everyone (as on the dashboard), and so is the municipality's line beside them:
    # a breakdown's bars are a chart slide's (the whole municipality split by age), as 17 villages and 5 groups
    # cannot both stand beside a map on a 768 px screen in type that reads from the back of a hall.
    number_rows = [_number_row(r["area_name"], r, lang, filtered) for r in rows if area and r["area_id"] == area]
    number_rows += [_number_row(t("whole_kommun", lang, **words), r, lang, filtered) for r in rows
                    if r["level"] == KOMMUN_LEVEL_ID and not (is_map and r["group"] is not None)]
    notes = [n for n in [shown["note"]] if n]
    too_few = bool(focus and focus["suppressed"])
    if too_few:
        notes.insert(0, t("too_few_note", lang, k=results.min_n))
    label = view_label(results, {**view, "by": "" if is_map or view.get("chart") else view.get("by")}
                       | ({"level": KOMMUN_LEVEL_ID} if view.get("chart") and not area else {}), lang)
    slide = Slide(title=shown["title"], subtitle=f"{shown['subtitle']} · {label}",
                  summary=slide_summary(shown["summary"]), numbers=[_number_line(row, lang) for row in number_rows],
                  number_rows=number_rows, notes=notes, source=_source(results, view, lang), too_few=too_few,
                  too_few_text=t("too_few_slide", lang, **words) if too_few else "")
    slide.is_index = results.codebook.index(view["question"]) is not None
    if view.get("chart"):
        return _chart_slide(results, view, params, slide, filtered, lang)
    if not is_map:
        slide.figure, slide.chart = shown["shares"], "shares"
        if view.get("by"):  # each group's bar: the reference values' rows (NTU) would leave too little room for them
            row_sets = [(results.area_name(view["level"], area), [r for r in rows if r["area_id"] == area])] \
                if area else []
            row_sets.append((t("whole_kommun", lang, **words), [r for r in rows if r["level"] == KOMMUN_LEVEL_ID]))
            slide.figure = shares_figure(row_sets, [], lang, words)
        return slide
    slide.figure, slide.chart = map_view(results, map_params(params), None, lang)[0], "map"
    slide.screen_zoom = fitted_zoom(results, *SCREEN_MAP_SIZE)
    slide.places = places(results, view["level"])  # named anew for the slide's size (printable, screen_figure)
    slide.ranking, slide.ranking_notes = ranking(results, map_params(params), lang)
    level = next(lv for lv in results.manifest["levels"] if lv["id"] == view["level"])
    slide.ranking_heading = t("ranking_heading_index" if slide.is_index else "ranking_heading", lang,
                              level=level["label"][lang], who=f" ({filtered})" if filtered else "")
    return slide


def _chart_slide(results: Results, view: dict, params: dict, slide: Slide, filtered: str, lang: str) -> Slide:
    """The view's trend (its value in every wave, listed beside it) or its index's profile (the items' shares;
    beside it the index's value, as on a shares slide: a second list of the items left the chart no width)."""
    area = view.get("area")
    slide.chart = view["chart"]
    if view["chart"] == "profile":
        slide.figure, note = profile_chart(results, params, area, lang)
        slide.notes = [n for n in [note] if n] + slide.notes
        return slide
    slide.figure, rows, span = trend_chart(results, params, area, lang)
    slide.number_rows = [_number_row(name, r, lang, filtered) for name, r in rows]
    slide.numbers = [_number_line(row, lang) for row in slide.number_rows]
    slide.too_few = all(r["suppressed"] for _, r in rows)
    slide.subtitle = slide.subtitle.replace(f"({view['wave']})", f"({span})", 1)  # the waves, not the one chosen
    slide.notes = [n.replace(" " + t("reference_note", lang), "") for n in slide.notes]  # a trend has no NTU rows
    return slide


def _source(results: Results, view: dict, lang: str) -> str:
    return " ".join(filter(None, [
        t("source_survey", lang, wave=view["wave"], **whole_words(results, lang)),
        t("demo_note", lang) if results.manifest.get("demo") else "",
        source_credit(results.manifest, lang),
        t("made_with", lang, built=results.manifest["built_at"][:10]),
    ]))


def story_slides(results: Results, views: list[dict], lang: str) -> list[Slide]:
    """The slides of a story's views (without images: exports.slides.render_images draws them)."""
    return [make_slide(results, view, lang) for view in views]


# ---- the chart for an image or a projector ------------------------------------------------------------------------

def printable(results: Results, slide: Slide) -> dict | None:
    """The slide's figure made self-contained and large: boundaries inline (kaleido cannot fetch /geo/...),
    bigger type, no interactivity."""
    if slide.figure is None or not slide.figure.get("data"):
        return None
    figure = copy.deepcopy(slide.figure)
    layout = figure.setdefault("layout", {})
    if slide.chart == "map":
        geo_cache: dict[str, dict] = {}
        for trace in figure["data"]:
            url = trace.get("geojson")
            if isinstance(url, str):
                level = url.split("/geo/")[1].split(".geojson")[0]
                if level not in geo_cache:
                    geo_cache[level] = json.loads((results.folder / "geo" / f"{level}.geojson").read_text("utf-8"))
                trace["geojson"] = geo_cache[level]
        # the dashboard's view is for a 520 px high map: one zoom step doubles the scale
        web_height = slide.figure.get("layout", {}).get("height", 520)
        layout["map"] = {**layout.get("map", {}),
                         "zoom": layout.get("map", {}).get("zoom", 7) + math.log2(IMAGE_SIZE[1] / web_height) - 0.15}
        layout["height"] = IMAGE_SIZE[1]
        name_places(layout, slide.places, *IMAGE_SIZE, IMAGE_LABEL_SIZE)  # placed anew for the image's size and zoom
        layout["legend"] = {**layout.get("legend", {}), "font": {"size": 26}}
        for trace in figure["data"]:
            if trace.get("colorbar"):
                trace["colorbar"] = {**trace["colorbar"], "thickness": 36, "tickfont": {"size": 28},
                                     "title": {**trace["colorbar"].get("title", {}), "font": {"size": 30}}}
            if trace.get("type") == "scattermap":
                trace["marker"] = {**trace.get("marker", {}), "size": 2 * trace.get("marker", {}).get("size", 11)}
    else:
        layout["font"] = {**layout.get("font", {}), "size": 26}
        layout["margin"] = {"l": 20, "r": 40, "t": 20, "b": 40}
        layout["height"] = IMAGE_SIZE[1]
        layout["xaxis"] = {**layout.get("xaxis", {}), "automargin": True}  # a trend's years under its axis
        for trace in figure["data"]:
            for bars in ("error_x", "error_y"):  # error_y: a trend's
                if bars in trace:
                    trace[bars] = {**trace[bars], "thickness": 3, "width": 12}
            if trace.get("type") == "scatter" and "marker" in trace:  # a trend's or a profile's dots and lines
                trace["marker"] = {**trace["marker"], "size": 2 * trace["marker"].get("size", 8)}
                trace["line"] = {**trace.get("line", {}), "width": 4}
    layout.pop("uirevision", None)
    return figure


SCREEN_FONT = 20  # px of a slide chart's labels on the projector; the legend and colour scale get SCREEN_FONT_MIN
SCREEN_FONT_MIN = 18  # the smallest type on a slide's chart (see assets/style.css for the slide's text)


def chart_rows(figure: dict | None) -> int:
    """How many bars (rows of labels) a shares chart has: the slide needs room for each (assets/app.js)."""
    if not figure:
        return 0
    categories = (figure.get("layout", {}).get("yaxis") or {}).get("categoryarray")
    if categories:  # a profile: a row of dots per item
        return len(categories)
    return max((len(_bar_labels(trace)) for trace in figure.get("data", []) if trace.get("type") == "bar"), default=0)


def _bar_labels(trace: dict) -> list:
    y = trace.get("y") or []
    return y[-1] if y and isinstance(y[0], list) else y  # a two-level axis: [[areas], [groups]]


def _two_level(labels: list) -> list | None:
    """A chart's "area<br>group" labels as a two-level axis: the area once beside its groups, broken into short
    lines when it has several rows to stand beside (a label on one line each was too wide for a narrow chart)."""
    if not all("<br>" in str(label) for label in labels):
        return labels
    outer, inner = zip(*(str(label).split("<br>", 1) for label in labels))
    wrapped = {area: _wrap(area) for area in outer}  # as many lines as the area has rows, at most
    return [[wrapped[a] if wrapped[a].count("<br>") < outer.count(a) else a for a in outer], list(inner)]


def _wrap(text: str, width: int = 14) -> str:
    lines = [""]
    for word in text.split():
        lines[-1:] = [f"{lines[-1]} {word}".strip()] if len(lines[-1]) + len(word) < width else [lines[-1], word]
    return "<br>".join(line for line in lines if line)


def screen_figure(slide) -> dict:
    """A slide's chart for the projector: large type, the figure fills its box (CSS gives the height). A bar's
    label goes on one line (two lines per bar cannot fit a 768 px screen with type readable from the back), and
    the map's legend goes under the map instead of over it."""
    figure = copy.deepcopy(slide.figure)
    layout = figure.setdefault("layout", {})
    layout.pop("height", None)
    layout["autosize"] = True
    font = SCREEN_FONT if chart_rows(figure) <= 6 else SCREEN_FONT_MIN  # many bars: each at least 22 px high
    layout["font"] = {**layout.get("font", {}), "size": font, "color": "#000000"}
    if slide.chart == "map":
        rows = sum(1 for trace in figure["data"] if trace.get("showlegend") and trace.get("visible") is True)
        for trace in figure["data"]:
            if trace.get("showlegend") and trace.get("name"):  # two short lines: the map may be narrow
                trace["name"] = trace["name"].replace(" (", "<br>(", 1)
        layout["legend"] = {**layout.get("legend", {}), "font": {"size": SCREEN_FONT_MIN}, "yref": "container",
                            "y": 0, "yanchor": "bottom", "x": 0, "orientation": "v", "bgcolor": "rgba(0,0,0,0)"}
        layout["margin"] = {"l": 0, "r": 0, "t": 0, "b": 8 + 48 * rows}
        layout["uirevision"] = f"slide:{slide.title}:{slide.subtitle}"  # each slide's map is fitted anew
        # names for a projector, placed for a slide's chart at 1366 × 768 (assets/app.js moves them as it fits)
        if slide.screen_zoom is not None:
            layout["map"] = {**layout.get("map", {}), "zoom": slide.screen_zoom}
        name_places(layout, slide.places, SCREEN_MAP_SIZE[0] - SCREEN_COLOUR_BAR_EXTRA, SCREEN_MAP_SIZE[1],
                    SCREEN_LABEL_SIZE)
        for trace in figure["data"]:
            if trace.get("colorbar"):
                trace["colorbar"] = {**trace["colorbar"], "thickness": 24, "tickfont": {"size": SCREEN_FONT_MIN},
                                     # each label under its tick mark: the top one stood in the scale's title
                                     "ticks": "outside", "ticklabelposition": "outside bottom",
                                     "title": {**trace["colorbar"].get("title", {}), "font": {"size": SCREEN_FONT_MIN}}}
            if trace.get("type") == "scattermap" and trace.get("visible") is not True:
                trace["showlegend"] = False  # an empty "legendonly" entry would only take room
    else:
        layout["margin"] = {"l": 10, "r": 30, "t": 10, "b": 10}
        for axis in ("xaxis", "yaxis"):
            if axis in layout:
                layout[axis] = {**layout[axis], "tickfont": {"size": font}}
        layout["xaxis"] = {**layout.get("xaxis", {}), "nticks": 4, "tickangle": 0, "automargin": True}
        if slide.chart != "trend":  # every bar's (or item's) label: plotly skips some if tight
            layout["yaxis"] = {**layout.get("yaxis", {}), "dtick": 1}
        title = (layout.get("xaxis", {}).get("title") or {}).get("text")
        if title:  # over the chart, from its left edge: under a narrow chart the axis title was cut at both ends
            layout["xaxis"] = {**layout["xaxis"], "title": {"text": ""}}
            layout["title"] = {"text": title, "x": 0, "xref": "container", "xanchor": "left", "y": 0.99,
                               "yref": "container", "yanchor": "top", "font": {"size": SCREEN_FONT_MIN}}
            layout["margin"]["t"] = 44
        for trace in figure["data"]:
            if trace.get("type") == "bar" and trace.get("y"):
                trace["y"] = _two_level(trace["y"])
            if "error_x" in trace:
                trace["error_x"] = {**trace["error_x"], "thickness": 3, "width": 10}
    return figure
