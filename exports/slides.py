"""A story (an ordered list of views) as slides: one per view, with its chart, numbers, summary sentence, source
and notes. The same content feeds the presentation mode (layouts/presentation.py), PowerPoint and PDF.

Charts are plotly figures from callbacks.figures, drawn to PNG by kaleido with the system Chromium (BROWSER_PATH,
or `chromium` on PATH): the map when the view shows every area of a level, the shares with their intervals when an
area is chosen or the level is the whole municipality. kaleido's sync server is started once per process and
serves every image after that (starting Chromium costs seconds; an image then takes about one).
"""
from __future__ import annotations

import atexit
import copy
import io
import json
import logging
import math
import os
import shutil
import threading
from dataclasses import dataclass, field
from datetime import date

from callbacks.state import query_params
from callbacks.view import details_view, map_view
from layouts.texts import integer, interval, t, value
from survey.results import QueryError, Results
from views.labels import group_label

log = logging.getLogger(__name__)
IMAGE_SIZE = (1400, 1050)  # px, 4:3 at scale 1: sharp enough for a projector, about 100 kB


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
        if r["group"] is None and (r["area_id"] == area if area else r["level"] == "kommun"):
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
    numbers += [_number_line(t("whole_kommun", lang), r, lang) for r in rows if r["level"] == "kommun"]
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
    if area or view["level"] == "kommun":
        figure, chart = shown["shares"], "shares"
    else:
        figure, chart = map_view(results, params, None, lang)[0], "map"
    return Slide(title=shown["title"], subtitle=f"{shown['subtitle']} · {view_label(results, view, lang)}",
                 summary=shown["summary"], numbers=numbers, notes=notes, source=source, figure=figure, chart=chart,
                 too_few=too_few)


def story_slides(results: Results, views: list[dict], lang: str, images: bool = False) -> list[Slide]:
    slides = [make_slide(results, view, lang) for view in views]
    if images:
        render_images(results, slides)
    return slides


# ---- images ---------------------------------------------------------------------------------------------------

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
        layout["legend"] = {**layout.get("legend", {}), "font": {"size": 26}}
        for trace in figure["data"]:
            if trace.get("colorbar"):
                trace["colorbar"] = {**trace["colorbar"], "thickness": 36, "tickfont": {"size": 28},
                                     "title": {**trace["colorbar"].get("title", {}), "font": {"size": 30}}}
            if trace.get("type") == "scattermap":
                trace["marker"] = {**trace.get("marker", {}), "size": 22}
    else:
        layout["font"] = {**layout.get("font", {}), "size": 26}
        layout["margin"] = {"l": 20, "r": 40, "t": 20, "b": 40}
        layout["height"] = IMAGE_SIZE[1]
        for trace in figure["data"]:
            if "error_x" in trace:
                trace["error_x"] = {**trace["error_x"], "thickness": 3, "width": 12}
    layout.pop("uirevision", None)
    return figure


_kaleido_lock = threading.Lock()
_kaleido_started = False


def _start_kaleido():
    global _kaleido_started
    import kaleido

    if not _kaleido_started:
        if not os.environ.get("BROWSER_PATH"):
            found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
            if found:
                os.environ["BROWSER_PATH"] = found
        kaleido.start_sync_server(silence_warnings=True)
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
        _kaleido_started = True
    return kaleido


def png(figure: dict, width: int = IMAGE_SIZE[0], height: int = IMAGE_SIZE[1]) -> bytes:
    """One figure as PNG with kaleido (the process's one Chromium; calls are serialised)."""
    with _kaleido_lock:
        kaleido = _start_kaleido()
        return kaleido.calc_fig_sync(figure, opts={"format": "png", "width": width, "height": height})


def render_images(results: Results, slides: list[Slide]) -> None:
    for slide in slides:
        figure = printable(results, slide)
        if figure is None:
            continue
        try:
            slide.image = png(figure)
        except Exception:  # a missing or broken Chromium: the slide keeps its numbers and text
            log.exception("kaleido could not draw the chart of %r", slide.title)
            slide.image = None


# ---- PowerPoint -------------------------------------------------------------------------------------------------

def pptx_bytes(slides: list[Slide], lang: str) -> bytes:
    """16:9 slides: title, the line of what is shown, the chart left, summary and numbers right, source and notes
    at the foot; the notes also go in the speaker notes."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(12192000), Emu(6858000)  # 13.333 × 7.5 in
    title_layout = deck.slide_layouts[5]  # "Title Only": the title is a real title placeholder
    inch = 914400

    def box(slide, x, y, w, h, lines, size, bold=False, colour=(0, 0, 0)):
        frame = slide.shapes.add_textbox(Emu(int(x * inch)), Emu(int(y * inch)), Emu(int(w * inch)),
                                         Emu(int(h * inch))).text_frame
        frame.word_wrap = True
        for i, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = line
            paragraph.font.size = Pt(size)
            paragraph.font.bold = bold
            paragraph.font.color.rgb = RGBColor(*colour)
        return frame

    for s in slides:
        slide = deck.slides.add_slide(title_layout)
        title = slide.shapes.title
        title.left, title.top, title.width, title.height = Emu(int(0.4 * inch)), Emu(int(0.25 * inch)), \
            Emu(int(12.5 * inch)), Emu(int(1.0 * inch))
        title.text = s.title
        for paragraph in title.text_frame.paragraphs:
            paragraph.font.size = Pt(28)
            paragraph.font.bold = True
        box(slide, 0.4, 1.2, 12.5, 0.5, [s.subtitle], 14, colour=(60, 60, 60))
        if s.image:
            slide.shapes.add_picture(io.BytesIO(s.image), Emu(int(0.4 * inch)), Emu(int(1.75 * inch)),
                                     height=Emu(int(4.4 * inch)))
        right = box(slide, 6.6, 1.75, 6.3, 2.5, [s.summary], 20, bold=True)
        if s.too_few:
            paragraph = right.add_paragraph()
            paragraph.text = t("too_few_slide", lang)
            paragraph.font.size = Pt(16)
        box(slide, 6.6, 4.3, 6.3, 1.8, [t("numbers_heading", lang)] + s.numbers, 13)
        box(slide, 0.4, 6.25, 12.5, 1.0, [" ".join(s.notes), s.source], 10, colour=(60, 60, 60))
        slide.notes_slide.notes_text_frame.text = "\n".join([s.summary, *s.numbers, *s.notes, s.source])
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


# ---- PDF ----------------------------------------------------------------------------------------------------------

def pdf_bytes(slides: list[Slide], lang: str, title: str = "Trygghetskartan") -> bytes:
    """A landscape A4 page per slide, laid out as the PowerPoint (reportlab; its Helvetica covers å, ä, ö, –)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph
    from xml.sax.saxutils import escape

    width, height = landscape(A4)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, height), pageCompression=1, lang="sv-SE" if lang == "sv" else "en-GB")
    canvas.setTitle(title)
    canvas.setAuthor("Trygghetskartan")
    canvas.setCreator("Trygghetskartan")
    styles = {
        "title": ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=22, leading=26),
        "subtitle": ParagraphStyle("subtitle", fontName="Helvetica", fontSize=11, leading=14, textColor="#3c3c3c"),
        "summary": ParagraphStyle("summary", fontName="Helvetica-Bold", fontSize=16, leading=21),
        "kind": ParagraphStyle("kind", fontName="Helvetica", fontSize=13, leading=17, spaceBefore=6),
        "heading": ParagraphStyle("heading", fontName="Helvetica-Bold", fontSize=11, leading=14, spaceBefore=8),
        "number": ParagraphStyle("number", fontName="Helvetica", fontSize=10.5, leading=13.5),
        "foot": ParagraphStyle("foot", fontName="Helvetica", fontSize=8.5, leading=10.5, textColor="#3c3c3c"),
    }
    margin = 14 * mm
    inner = width - 2 * margin

    def flow(items, x, y, w) -> float:
        """Draw paragraphs top-down from y in a column of width w; return the y below the last."""
        for style, text in items:
            paragraph = Paragraph(escape(text), styles[style])
            _, h = paragraph.wrap(w, height)
            y -= styles[style].spaceBefore
            paragraph.drawOn(canvas, x, y - h)
            y -= h + 3
        return y

    def measure(items, w) -> float:
        return sum(Paragraph(escape(text), styles[style]).wrap(w, height)[1] + 3 + styles[style].spaceBefore
                   for style, text in items)

    for index, s in enumerate(slides, start=1):
        canvas.bookmarkPage(f"s{index}")
        canvas.addOutlineEntry(s.title[:80], f"s{index}", level=0)
        top = flow([("title", s.title), ("subtitle", s.subtitle)], margin, height - margin, inner) - 6
        foot = [("foot", " ".join(s.notes)), ("foot", s.source),
                ("foot", t("slide_of", lang, i=index, n=len(slides)) + f" · {date.today().isoformat()}")]
        flow(foot, margin, margin + measure(foot, inner), inner)
        room = top - (margin + measure(foot, inner)) - 8
        chart_w = min(inner * 0.58, room * IMAGE_SIZE[0] / IMAGE_SIZE[1])
        chart_h = chart_w * IMAGE_SIZE[1] / IMAGE_SIZE[0]
        if s.image:
            canvas.drawImage(ImageReader(io.BytesIO(s.image)), margin, top - chart_h, chart_w, chart_h)
        right = margin + chart_w + 8 * mm
        side = [("summary", s.summary)] + ([("kind", t("too_few_slide", lang))] if s.too_few else []) \
            + [("heading", t("numbers_heading", lang))] + [("number", line) for line in s.numbers]
        flow(side, right, top, width - right - margin)
        canvas.showPage()
    canvas.save()
    return out.getvalue()
