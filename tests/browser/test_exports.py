"""Downloads: every chart as PNG and SVG (drawn by plotly in the browser, offline), the view's table as CSV and Excel
(the rows the API gives for the same view), and the presentation as PowerPoint and PDF (checked with python-pptx
and pypdf: one slide per view, titles, chart images, summary, source)."""
from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import expect
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from views.details import details_view
from views.params import parse_view, query_params

from .meeting import api_rows, load, local_only, meeting_context, questions, tab, wait_settled  # noqa: F401

EXPORT_TIMEOUT_MS = 90_000  # the first export starts kaleido's Chromium


def download(page, selector: str, timeout: int = 15_000):
    with page.expect_download(timeout=timeout) as info:
        page.click(selector)
    return info.value


def saved_bytes(dl) -> bytes:
    with open(dl.path(), "rb") as f:
        return f.read()


@pytest.mark.browser
def test_charts_save_as_png_and_svg_offline(tab, server_url):
    load(tab, server_url, "/?level=deso")
    for chart in ("map", "bars", "shares", "trend"):
        tab.wait_for_selector(f"#{chart} .main-svg")
    png = download(tab, "[aria-label='Spara karta som PNG-bild']")
    assert png.suggested_filename == "trygghetskartan-map.png"
    data = saved_bytes(png)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    assert image.width >= 300 and image.height >= 300
    # the map itself is in the image: many colours, not a blank canvas
    assert len(image.convert("RGB").getcolors(maxcolors=1_000_000) or []) > 50

    svg = saved_bytes(download(tab, "[aria-label='Spara andel och osäkerhet som SVG-bild']")).decode("utf-8")
    assert svg.lstrip().startswith("<svg") and "Hela kommunen" in svg and "Andel med 95" in svg
    svg_map = saved_bytes(download(tab, "[aria-label='Spara karta som SVG-bild']")).decode("utf-8")
    assert svg_map.lstrip().startswith("<svg") and "<image" in svg_map  # the map layer, embedded

    # plotly's own camera button (the mode bar) works offline too
    tab.hover("#bars .js-plotly-plot")
    camera = tab.locator("#bars .modebar-btn[data-title^='Ladda ner diagrammet']")  # plotly in Swedish (issue 20)
    camera.wait_for(state="visible")
    with tab.expect_download() as info:
        camera.click()
    assert info.value.suggested_filename == "trygghetskartan.png"
    assert saved_bytes(info.value).startswith(b"\x89PNG")
    assert tab.locator(".modebar-btn[data-title*='Chart Studio'], .modebar-btn[data-title*='cloud']").count() == 0
    assert local_only(tab.recorder, server_url) == []


def api_table(server_url: str, params: dict) -> list[dict]:
    return api_rows(server_url, params) + api_rows(server_url, {**params, "level": "kommun"})


@pytest.mark.browser
def test_table_downloads_hold_the_rows_of_the_view(tab, server_url):
    params = {"question": "p_fortkorning", "level": "distrikt", "by": "kon"}
    load(tab, server_url, "/?question=p_fortkorning&level=distrikt&by=kon")
    expect(tab.locator("#table-csv")).to_have_attribute("href",
                                                        "/export/table.csv?question=p_fortkorning&level=distrikt&by=kon")
    expected = api_table(server_url, {**params, "lang": "sv"})

    dl = download(tab, "#table-csv")
    assert dl.suggested_filename == "trygghetskartan_p_fortkorning_2019_distrikt_kon.csv"
    text = saved_bytes(dl).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads å, ä, ö
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Område", "Grupp", "Antal svar", "Andel (%)"]
    assert rows[0][7:11] == ["Områdes-id", "Områdesnivå", "Gruppkod", "Dold (för få svar)"]
    assert all(h.endswith(" (%)") for h in rows[0][11:-2]) and rows[0][11:-2]  # the answers' distribution
    assert rows[0][-2:] == ["Urval", "Uppdelning"]  # who the rows are about (views/labels.py)
    assert len(rows) - 1 == len(expected)
    for cells, r in zip(rows[1:], expected):
        assert cells[0] == r["area_name"] and cells[7] == r["area_id"]
        if r["suppressed"]:
            assert cells[2:6] == ["", "", "", ""] and cells[6] == "för få svar"
        else:
            assert int(cells[2]) == r["n"]
            assert float(cells[3].replace(",", ".")) == pytest.approx(r["share"] * 100, abs=0.051)
            assert re.fullmatch(r"\d+,\d", cells[3])  # decimal comma in Swedish

    dl = download(tab, "#table-xlsx")
    assert dl.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(saved_bytes(dl))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:4] == ("Område", "Grupp", "Antal svar", "Andel (%)")
    for cells, r in zip(values[1:len(expected) + 1], expected):
        assert cells[0] == r["area_name"]
        if r["suppressed"]:
            assert cells[2] is None and cells[3] is None
        else:
            assert cells[2] == r["n"] and cells[3] == pytest.approx(r["share"], abs=0.00051)
    assert sheet.cell(2, 4).number_format == "0.0%"
    assert any(row[0] and "Källa" in str(row[0]) for row in values)  # the source under the table

    # in English: comma-separated, decimal point
    load(tab, server_url, "/?question=p_fortkorning&level=distrikt&lang=en")
    english = saved_bytes(download(tab, "#table-csv")).decode("utf-8-sig")
    header, first = list(csv.reader(io.StringIO(english)))[:2]
    assert header[:4] == ["Area", "Group", "Answers", "Share (%)"]
    assert re.fullmatch(r"\d+\.\d", first[3])


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@pytest.mark.browser
def test_presentation_downloads_as_powerpoint_and_pdf(tab, server_url, results, tmp_path):
    small = next(r for r in api_rows(server_url, {"question": "q_otrygg_kvall", "level": "by"}) if r["suppressed"])
    story = [{"question": "q_otrygg_kvall", "wave": "2019", "level": "by"},
             {"question": "p_fortkorning", "wave": "2019", "level": "distrikt", "by": "kon"},
             {"question": "q_otrygg_kvall", "wave": "2019", "level": "by", "area": small["area_id"]}]
    tab.goto(server_url + "/metod")
    tab.evaluate("(story) => localStorage.setItem('story', JSON.stringify(story))", story)
    load(tab, server_url, "/")
    expect(tab.locator("#story-list li.story-item")).to_have_count(3)
    texts = questions(server_url)
    titles = [texts[v["question"]]["text"]["sv"] for v in story]
    summaries = [details_view(results, query_params(parse_view(v, results)), v.get("area"), "sv")["summary"]
                 for v in story]

    with tab.expect_download(timeout=EXPORT_TIMEOUT_MS) as info:
        tab.click("#story-pptx")
        # a job (exports/jobs.py): queued, then its progress, while the page polls
        expect(tab.locator("#story-file-status")).to_contain_text(re.compile("står i kö|Skapar"))
    assert info.value.suggested_filename.endswith(".pptx")
    expect(tab.locator("#story-file-status")).to_have_text("PowerPoint med 3 bilder är klar.")
    deck = Presentation(io.BytesIO(saved_bytes(info.value)))
    assert len(deck.slides) == 3
    for slide, title, summary in zip(deck.slides, titles, summaries):
        assert slide.shapes.title.text == title
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1 and pictures[0].image.content_type == "image/png"
        assert Image.open(io.BytesIO(pictures[0].image.blob)).width >= 1000
        text = normal(" ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame))
        assert normal(summary) in text
        assert "Källa:" in text and "Kommunpolisens trygghetsenkät 2019" in text
        assert normal(summary) in normal(slide.notes_slide.notes_text_frame.text)
    last = normal(" ".join(s.text_frame.text for s in deck.slides[2].shapes if s.has_text_frame))
    assert "för få personer" in last and "för få svar" in last

    wait_settled(tab)
    with tab.expect_download(timeout=EXPORT_TIMEOUT_MS) as info:
        tab.click("#story-pdf")
    assert info.value.suggested_filename.endswith(".pdf")
    expect(tab.locator("#story-file-status")).to_have_text("PDF med 3 bilder är klar.")
    pdf = PdfReader(io.BytesIO(saved_bytes(info.value)))
    assert len(pdf.pages) == 3
    assert [o.title for o in pdf.outline] == [t[:80] for t in titles]
    for page, title, summary in zip(pdf.pages, titles, summaries):
        text = normal(page.extract_text())
        assert normal(title) in text
        assert normal(summary) in text
        assert "Källa:" in text
        assert len(page.images) == 1 and page.images[0].image.width >= 1000
    assert page.mediabox.width > page.mediabox.height  # landscape
