"""A story's slides (views/slides.py) as files: their charts as PNG, the deck as PowerPoint and as PDF.

Charts are drawn to PNG by kaleido with the system Chromium (BROWSER_PATH, or `chromium` on PATH). kaleido's sync
server is started once per process and serves every image after that (starting Chromium costs seconds; an image
then takes about one). kaleido, python-pptx and reportlab are imported where they are used: a worker that never
makes a file does not load them.
"""
from __future__ import annotations

import atexit
import io
import logging
import os
import shutil
import threading
from datetime import date
from xml.sax.saxutils import escape

from survey.results import Results
from views.slides import IMAGE_SIZE, Slide, printable
from views.texts import t

log = logging.getLogger(__name__)

_kaleido_lock = threading.Lock()
_kaleido_started = False


def _start_kaleido():
    global _kaleido_started
    import kaleido  # a heavy optional dependency, loaded by the first image

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
    from pptx import Presentation  # loaded by the first deck (as reportlab in pdf_bytes)
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
