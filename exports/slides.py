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

from .slide_layout import font, layout

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

GREY = {"subtitle": (60, 60, 60), "foot": (60, 60, 60)}
PPTX_SIZE = (960, 540)  # pt: 13.333 × 7.5 in, 16:9


def pptx_bytes(slides: list[Slide], lang: str) -> bytes:
    """16:9 slides laid out by exports/slide_layout.py: title, the line of what is shown, the chart left, summary,
    numbers (and the areas ranked) right, source and notes at the foot; the notes also go in the speaker notes."""
    from pptx import Presentation  # loaded by the first deck (as reportlab in pdf_bytes)
    from pptx.util import Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Pt(PPTX_SIZE[0]), Pt(PPTX_SIZE[1])
    title_layout = deck.slide_layouts[5]  # "Title Only": the title is a real title placeholder
    stamp = date.today().isoformat()
    for index, s in enumerate(slides, start=1):
        slide = deck.slides.add_slide(title_layout)
        for box in layout(s, lang, *PPTX_SIZE, index, len(slides), stamp):
            if box.role == "chart":
                slide.shapes.add_picture(io.BytesIO(s.image), Pt(box.x), Pt(box.y), Pt(box.w), Pt(box.h))
                continue
            if box.role == "title":
                shape = slide.shapes.title
                shape.left, shape.top, shape.width, shape.height = Pt(box.x), Pt(box.y), Pt(box.w), Pt(box.h)
            else:
                shape = slide.shapes.add_textbox(Pt(box.x), Pt(box.y), Pt(box.w), Pt(box.h))
            _fill(shape.text_frame, box)
        slide.notes_slide.notes_text_frame.text = "\n".join([s.summary, *s.numbers, *s.ranking_lines(), *s.notes,
                                                             s.source])
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _fill(frame, box) -> None:
    """A text frame with the box's paragraphs: no inner margins and no autofit, so the text stands where the
    layout measured it (Arial: Helvetica's widths)."""
    from pptx.dml.color import RGBColor
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
    from pptx.util import Pt

    frame.clear()
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    for i, (style, text) in enumerate(box.items):
        name, size, leading, before = font(style, box.scale)
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.line_spacing = Pt(leading)
        paragraph.space_before = Pt(before)
        run = paragraph.add_run()
        run.text = text
        run.font.name = "Arial"
        run.font.size = Pt(size)
        run.font.bold = name.endswith("Bold")
        run.font.color.rgb = RGBColor(*GREY.get(style, (0, 0, 0)))


# ---- PDF ----------------------------------------------------------------------------------------------------------

def pdf_bytes(slides: list[Slide], lang: str, title: str = "Trygghetskartan") -> bytes:
    """A landscape A4 page per slide, laid out as the PowerPoint (exports/slide_layout.py; reportlab's Helvetica
    covers å, ä, ö, –)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph

    width, height = landscape(A4)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, height), pageCompression=1, lang="sv-SE" if lang == "sv" else "en-GB")
    canvas.setTitle(title)
    canvas.setAuthor("Trygghetskartan")
    canvas.setCreator("Trygghetskartan")
    stamp = date.today().isoformat()
    for index, s in enumerate(slides, start=1):
        canvas.bookmarkPage(f"s{index}")
        canvas.addOutlineEntry(s.title[:80], f"s{index}", level=0)
        for box in layout(s, lang, width, height, index, len(slides), stamp):
            if box.role == "chart":
                canvas.drawImage(ImageReader(io.BytesIO(s.image)), box.x, height - box.y - box.h, box.w, box.h)
                continue
            y = height - box.y
            for style, text in box.items:
                name, size, leading, before = font(style, box.scale)
                colour = "#%02x%02x%02x" % GREY.get(style, (0, 0, 0))
                paragraph = Paragraph(escape(text), ParagraphStyle(style, fontName=name, fontSize=size,
                                                                   leading=leading, textColor=colour))
                _, h = paragraph.wrap(box.w, height)
                y -= before
                paragraph.drawOn(canvas, box.x, y - h)
                y -= h
        canvas.showPage()
    canvas.save()
    return out.getvalue()
