"""The PowerPoint and the PDF of a story, read back from the files: every text box and the chart inside the page,
and none overlapping another (issue 20: the PDF's list of numbers ran into its foot, and the PowerPoint had the
same geometry). The story has the hard cases: a map with 16 villages ranked, a breakdown by age for a village
and the whole municipality (10 rows of numbers), a long summary (an index by housing for a DeSO area), a village
with too few answers, filters, a trend, a problem profile, English, and a medborgarlöfte's follow-up
(promises/slide.py).

The charts are plain PNGs of the chart's size (the layout only reads their size; tests/browser/test_exports.py
makes the real ones with kaleido)."""
from __future__ import annotations

import io
import itertools

import pytest
from pdf_geometry import overlaps, page_boxes
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from exports.slide_layout import measure
from exports.slides import pdf_bytes, pptx_bytes
from promises import store
from promises.db import Database
from promises.slide import promise_slide
from views.params import parse_view
from views.slides import IMAGE_SIZE, story_slides
from views.texts import t

STORY = [
    {"question": "q_otrygg_kvall", "wave": "2019", "level": "by", "by": "alder"},
    {"question": "q_otrygg_kvall", "wave": "2019", "level": "kommun", "by": "alder"},
    {"question": "q_otrygg_kvall", "wave": "2019", "level": "deso", "kon": "1"},
    {"question": "q_otrygg_kvall", "wave": "2019", "level": "distrikt", "kon": "1", "alder": "4"},
    {"question": "q_otrygg_kvall", "wave": "2019", "level": "by", "area": "by_alvdalen", "by": "alder"},
    {"question": "q_otrygg_kvall", "wave": "2019", "level": "by", "area": "by_drevdagen"},
    {"question": "idx_problem", "wave": "2019", "level": "deso", "area": "2039A0030", "by": "boende"},
    {"question": "pol_fortroende", "wave": "2016", "level": "by", "kon": "2"},
    {"question": "q_otrygg_kvall", "wave": "2019", "level": "by", "area": "by_alvdalen", "chart": "trend"},
    {"question": "idx_problem", "wave": "2019", "level": "by", "kon": "1", "chart": "profile"},
]
EMU_PER_PT = 12700


@pytest.fixture(scope="module")
def promise(tmp_path_factory):
    """A medborgarlöfte with four indicators (one with a hidden baseline; the slide shows three) and actions."""
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('slides') / 'promises.sqlite3'}")
    db.migrate()
    pid = store.create_promise(db, "anna", {"title": "Lugnare trafik och tryggare kvällar i Idre och Särna",
                                            "areas": ["distrikt:distrikt_idre", "distrikt:distrikt_sarna"]}, [
        {"question": q, "level": "distrikt", "area_id": a, "filters": f, "baseline_wave": 2016}
        for q, a, f in (("p_fortkorning", "distrikt_idre", {}), ("q_otrygg_kvall", "distrikt_idre", {"kon": "1"}),
                        ("q_otrygg_kvall", "distrikt_sarna", {}), ("p_fortkorning", "distrikt_sarna", {}))])
    for status in ("genomford", "pagar", "planerad", "installd"):
        store.add_action(db, "anna", pid, {"what": "Åtgärd", "status": status})
    yield db, pid
    db.dispose()


@pytest.fixture(scope="module", params=["sv", "en"])
def slides(request, results, promise):
    lang = request.param
    made = story_slides(results, [parse_view({**v, "lang": lang}, results) for v in STORY], lang)
    made.append(promise_slide(results, *promise, lang))
    assert len(made[-1].number_rows) == 9 and made[-1].notes[-1] == t("promise_slide_more", lang, n=1)
    image = io.BytesIO()
    Image.new("RGB", IMAGE_SIZE, "#c6dbef").save(image, "PNG")
    for slide in made:
        if slide.figure and slide.figure.get("data") and not slide.too_few:
            slide.image = image.getvalue()
    assert any(s.ranking for s in made) and any(s.too_few for s in made) and len(made[4].numbers) == 10
    return lang, made


def test_powerpoint_boxes_stay_on_the_slide_and_apart(slides):
    lang, made = slides
    deck = Presentation(io.BytesIO(pptx_bytes(made, lang)))
    width, height = deck.slide_width / EMU_PER_PT, deck.slide_height / EMU_PER_PT
    assert len(deck.slides) == len(made)
    for number, slide in enumerate(deck.slides, start=1):
        boxes = []
        for shape in slide.shapes:
            box = tuple(v / EMU_PER_PT for v in (shape.left, shape.top, shape.left + shape.width,
                                                  shape.top + shape.height))
            assert box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height, (number, shape.name, box)
            boxes.append((shape.name, box))
            if shape.has_text_frame:  # the box is as high as its text, set at its size in the box's width
                frame = shape.text_frame
                assert frame.word_wrap and frame.margin_left == frame.margin_top == 0
                needed = sum(measure([("number", p.text)], box[2] - box[0], p.runs[0].font.size.pt / 10.5)
                             for p in frame.paragraphs if p.text)
                assert needed <= (box[3] - box[1]) * 1.35, (number, shape.name, frame.text[:60])
        for (name_a, a), (name_b, b) in itertools.combinations(boxes, 2):
            assert not overlaps(a, b), (number, name_a, a, name_b, b)
        assert len(boxes) >= (5 if made[number - 1].image else 4)  # title, subtitle, side, foot (, chart)


def test_pdf_text_stays_on_the_page_off_the_chart_and_apart(slides):
    lang, made = slides
    reader = PdfReader(io.BytesIO(pdf_bytes(made, lang)))
    assert len(reader.pages) == len(made)
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        lines, images = page_boxes(page)
        assert lines and len(images) == (1 if made[number - 1].image else 0)
        for chunk, box in lines:
            assert box[0] >= 0 and box[1] >= 0 and box[2] <= width + 0.5 and box[3] <= height, (number, chunk, box)
            for image in images:
                assert not overlaps(box, image), (number, chunk, box, image)
        for (a_text, a), (b_text, b) in itertools.combinations(lines, 2):
            same_line = abs(a[3] - b[3]) < 0.5  # pieces of one line (a ▲ is drawn in a run of its own)
            assert same_line or not overlaps(a, b), (number, a_text, a, b_text, b)
        slide = made[number - 1]
        first_words = " ".join((" ".join(slide.notes) or slide.source).split()[:3])
        foot = min(box[1] for chunk, box in lines if chunk.startswith(first_words))
        above = [box[3] for chunk, box in lines if box[1] < foot - 1]
        assert max(above) <= foot, number  # nothing runs into the foot
