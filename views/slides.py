"""A story (an ordered list of views) as slides: one per view, with its chart, numbers, summary sentence, source
and notes. The same content feeds the presentation mode (layouts/presentation.py, callbacks/sharing.py), PowerPoint
and PDF (exports/slides.py, which also draws the charts to PNG).

The chart is the map when the view shows every area of a level, the shares with their intervals when an area is
chosen or the level is the whole municipality. `printable` makes it self-contained and large for an image,
`screen_figure` large for a projector.
"""
from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass, field

from survey.config import KOMMUN_LEVEL_ID
from survey.results import QueryError, Results
from views.texts import integer, interval, t, value

from .details import details_view
from .labels import group_label
from .map import map_view
from .map_labels import name_places
from .params import query_params

IMAGE_LABEL_SIZE = 26  # px: place names in a slide's map image (1400 px wide, shown about 900 px wide in a PPTX)
SCREEN_LABEL_SIZE = 18  # px: place names on a projected map slide (the dashboard's are 13)
SCREEN_MAP_SIZE = (700, 520)  # px: a projected slide's map at 1366 × 768 (tests/browser/test_presentation.py)
IMAGE_SIZE = (1400, 1050)  # px of a slide's chart image, 4:3 at scale 1: sharp enough for a projector, about 100 kB


@dataclass
class Slide:
    title: str
    subtitle: str
    summary: str
    numbers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source: str = ""
    figure: dict | None = None      # the chart (plotly figure dict), None when there is nothing to draw
    chart: str = "shares"           # "map" or "shares"
    too_few: bool = False           # the view's area has too few answers to show a figure
    image: bytes | None = None      # PNG of the figure, made by render_images


def _focus_row(rows: list[dict], area: str | None) -> dict | None:
    """The all-respondents row the summary speaks of: the chosen area's, else the whole municipality's."""
    for r in rows:
        if r["group"] is None and (r["area_id"] == area if area else r["level"] == KOMMUN_LEVEL_ID):
            return r
    return None


def _number_line(name: str, r: dict, lang: str) -> str:
    group = f" ({r['group_label']})" if r["group_label"] else ""
    if r["suppressed"]:
        return f"{name}{group}: {t('too_few', lang)}"
    return (f"{name}{group}: {value(r, 'share', lang)} ({t('interval', lang)} {interval(r, lang)}), "
            f"{t('n_of', lang, n=integer(r['n'], lang))}")


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
    filters = [group_label(results, g, c, lang) for g, c in (view.get("filters") or {}).items()]
    if filters:
        parts.append(t("view_filters", lang, filters=", ".join(filters)))
    return " · ".join(parts)


def make_slide(results: Results, view: dict, lang: str) -> Slide:
    """One view → one slide, every number from details_view (the dashboard's path)."""
    params = query_params(view)
    try:
        results.parse(params)
    except QueryError as err:
        return Slide(title=t("unknown_view", lang, error=err), subtitle="", summary="")
    area = view.get("area")
    shown = details_view(results, params, area, lang)
    rows = shown["rows"]
    focus = _focus_row(rows, area)
    kommun = results.manifest["kommun"]["name"]
    numbers = []
    if area:
        numbers += [_number_line(r["area_name"], r, lang) for r in rows if r["area_id"] == area]
    numbers += [_number_line(t("whole_kommun", lang), r, lang) for r in rows if r["level"] == KOMMUN_LEVEL_ID]
    source = " ".join(filter(None, [
        t("source_survey", lang, wave=view["wave"], kommun=kommun),
        t("demo_note", lang) if results.manifest.get("demo") else "",
        results.manifest.get("source_credit", ""),
        t("made_with", lang, built=results.manifest["built_at"][:10]),
    ]))
    notes = [n for n in [shown["note"]] if n]
    too_few = bool(focus and focus["suppressed"])
    if too_few:
        notes.insert(0, t("too_few_note", lang, k=results.min_n))
    if area or view["level"] == KOMMUN_LEVEL_ID:
        figure, chart = shown["shares"], "shares"
    else:
        figure, chart = map_view(results, params, None, lang)[0], "map"
    return Slide(title=shown["title"], subtitle=f"{shown['subtitle']} · {view_label(results, view, lang)}",
                 summary=shown["summary"], numbers=numbers, notes=notes, source=source, figure=figure, chart=chart,
                 too_few=too_few)


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
        name_places(layout, *IMAGE_SIZE, IMAGE_LABEL_SIZE)  # the names placed anew for the image's size and zoom
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
        for trace in figure["data"]:
            if "error_x" in trace:
                trace["error_x"] = {**trace["error_x"], "thickness": 3, "width": 12}
    layout.pop("uirevision", None)
    return figure


def screen_figure(slide) -> dict:
    """A slide's chart for the projector: large type, the figure fills its box (CSS gives the height)."""
    figure = copy.deepcopy(slide.figure)
    layout = figure.setdefault("layout", {})
    layout.pop("height", None)
    layout["autosize"] = True
    layout["font"] = {**layout.get("font", {}), "size": 20, "color": "#000000"}
    if slide.chart == "map":
        layout["legend"] = {**layout.get("legend", {}), "font": {"size": 18}}
        layout["uirevision"] = f"slide:{slide.title}:{slide.subtitle}"  # each slide's map is fitted anew
        # names for a projector, placed for a slide's chart at 1366 × 768 (assets/app.js moves them as it fits)
        name_places(layout, *SCREEN_MAP_SIZE, SCREEN_LABEL_SIZE)
        for trace in figure["data"]:
            if trace.get("colorbar"):
                trace["colorbar"] = {**trace["colorbar"], "thickness": 24, "tickfont": {"size": 18}}
    else:
        layout["margin"] = {"l": 10, "r": 30, "t": 10, "b": 10}
        for trace in figure["data"]:
            if "error_x" in trace:
                trace["error_x"] = {**trace["error_x"], "thickness": 3, "width": 10}
    return figure
