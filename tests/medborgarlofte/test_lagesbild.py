"""The lägesbild: a Word document python-docx opens and a PDF pypdf reads, with every section, the staff's written
parts, and numbers that are the API's (on the demo build and a SQLite database of its own)."""
from __future__ import annotations

import io
import itertools
import re

import docx
import pytest
from pdf_geometry import overlaps, page_boxes
from pypdf import PdfReader

from promises import store
from promises.db import Database
from promises.followup import indicator_from_view
from promises.lagesbild import SECTIONS, lagesbild, lagesbild_docx
from promises.lagesbild_pdf import lagesbild_pdf
from views.labels import labelled_query
from views.texts import integer, percent, t


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('lagesbild') / 'promises.sqlite3'}")
    database.migrate()
    yield database
    database.dispose()


def test_the_docx_has_every_section_and_the_apis_numbers(results, db):
    pid = store.create_promise(db, "anna", {"title": "Lugnare trafik i Idre", "areas": ["distrikt:distrikt_idre"]},
                               [indicator_from_view(results, {"question": "p_fortkorning", "wave": "2016",
                                                              "level": "distrikt", "area": "distrikt_idre"})])
    store.add_action(db, "anna", pid, {"what": "Trafikkontroller", "who": "Polisen", "status": "pagar"})
    store.save_report_text(db, "anna", "analys", None, "Fortkörning är vanligast i Idre.\n\nAndra stycket.")
    with pytest.raises(store.Conflict):  # a second writer from the same empty form
        store.save_report_text(db, "bo", "analys", None, "Bos analys")

    document = docx.Document(io.BytesIO(lagesbild_docx(lagesbild(results, db, "sv"), "Lägesbild", "sv")))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [f"{i}. " + t("lagesbild_section_" + key, "sv") for i, key in enumerate(SECTIONS, 1)]
    texts = [p.text for p in document.paragraphs]
    assert "Fortkörning är vanligast i Idre." in texts and "Andra stycket." in texts
    assert "Lugnare trafik i Idre" in texts

    # The table of the headline question by district is the API's rows, cell by cell.
    headline, wave = results.codebook.single_choice[0], results.waves[-1]
    caption = f"{headline.short['sv']}, Distrikt, {wave}"
    index = [p.text for p in document.paragraphs if p.style.name == "Caption"].index(caption)
    table = document.tables[index]
    api = [r for r in labelled_query(results, results.parse({"question": headline.id, "wave": str(wave),
                                                             "level": "distrikt"}), "sv") if r["group"] is None]
    cells = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [c[0] for c in cells] == [r["area_name"] for r in api]
    for row, r in zip(cells, api):
        assert row[1] == ("för få svar" if r["suppressed"] else percent(r["share"], "sv"))
        if not r["suppressed"]:
            assert row[2] == f"{percent(r['share_low'], 'sv')}–{percent(r['share_high'], 'sv')}"
            assert row[3] == integer(r["n"], "sv")


def test_the_pdf_has_the_same_sections_and_numbers_and_its_lines_stay_on_the_page_and_apart(results, db):
    """The PDF of the same sections (made once, as the route does): every heading, the district table's cells as
    the API's rows and the Word document's, a promise's follow-up; each text line inside the page and above the
    foot, none over another; every page numbered, with the municipality and the source."""
    store.create_promise(db, "anna", {"title": "Tryggare kvällar i Särna", "areas": ["distrikt:distrikt_sarna"]},
                         [indicator_from_view(results, {"question": "q_otrygg_kvall", "wave": "2016",
                                                        "level": "distrikt", "area": "distrikt_sarna"})])
    for lang in ("sv", "en"):
        sections = lagesbild(results, db, lang)
        reader = PdfReader(io.BytesIO(lagesbild_pdf(sections, "Lägesbild för Älvdalen", "Kommunpolisens enkät",
                                                    "Lägesbild för Älvdalen · Källa: SCB, Lantmäteriet", lang)))
        document = docx.Document(io.BytesIO(lagesbild_docx(sections, "Lägesbild för Älvdalen", lang)))
        pages = [page.extract_text(extraction_mode="layout") for page in reader.pages]
        lines = [line.strip() for text in pages for line in text.splitlines()]
        rows = [re.split(r"\s{2,}", line) for line in lines]  # a table's row: its cells two spaces or more apart
        assert len(pages) >= 2 and all(text.count("Lägesbild för Älvdalen · Källa: SCB, Lantmäteriet") == 1
                                       for text in pages)
        assert [any(line.rstrip().endswith(t("lagesbild_page", lang, i=i, n=len(pages))) for line in text.splitlines())
                for i, text in enumerate(pages, 1)] == [True] * len(pages)
        for key_number, key in enumerate(SECTIONS, 1):
            assert f"{key_number}. " + t("lagesbild_section_" + key, lang) in lines
        assert "Tryggare kvällar i Särna" in lines and "Lugnare trafik i Idre" in lines

        # The district table: in the PDF a line per row, the same cells as the Word table's and the API's.
        headline, wave = results.codebook.single_choice[0], results.waves[-1]
        level = t("lagesbild_col_area", lang)  # the tables' first column
        api = [r for r in labelled_query(results, results.parse({"question": headline.id, "wave": str(wave),
                                                                 "level": "distrikt"}), lang) if r["group"] is None]
        captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
        word = document.tables[next(i for i, c in enumerate(captions) if c.startswith(headline.short[lang])
                                    and c.endswith(str(wave)) and document.tables[i].rows[0].cells[0].text == level
                                    and len(document.tables[i].rows) == len(api) + 1)]
        for r, row in zip(api, word.rows[1:]):
            cells = [c.text for c in row.cells]
            assert cells[0] == r["area_name"] and cells[1] == ("för få svar" if r["suppressed"] else
                                                               percent(r["share"], lang))
            assert [plain(c) for c in cells if c] in rows, cells

        # A follow-up's rows: the wave, its value and interval, the verdict.
        follow = [table for section in sections for table in section["tables"] if "Särna" in table["title"]
                  and table["columns"][0] == t("followup_wave", lang)][0]
        assert len(follow["rows"]) == len(results.waves)
        for row in follow["rows"]:
            assert [plain(c) for c in row if c] in rows, row

        for number, page in enumerate(reader.pages, start=1):
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            boxes, images = page_boxes(page)
            assert boxes and not images
            for chunk, box in boxes:
                assert box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height, (number, chunk, box)
            for (a_text, a), (b_text, b) in itertools.combinations(boxes, 2):
                assert not overlaps(a, b), (lang, number, a_text, a, b_text, b)
            foot = min(box[1] for chunk, box in boxes if chunk.startswith("Lägesbild för Älvdalen ·"))
            assert max(box[3] for chunk, box in boxes if box[1] < foot - 1) < foot, number


def plain(text: str) -> str:
    return text.replace("\xa0", " ")  # pypdf gives the no-break space before % as a space
