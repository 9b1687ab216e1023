"""Issue 6 without a browser: the gettext catalogs, numbers per language, views as URLs, story files, the table
downloads and the slides (PowerPoint, PDF) made from the one query path."""
from __future__ import annotations

import base64
import csv
import io
import json
import re
import string
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader

import translations
from exports.slides import pdf_bytes, pptx_bytes
from exports.tables import table_file
from survey.results import QueryError
from views.labels import labelled_query, whole_words
from views.params import check_view, parse_view, query_params, story_item, view_search
from views.qr import qr_data_uri
from views.slides import story_slides
from views.story import read_story_file, story_file
from views.texts import decimal, half_up, integer, percent, t

ROOT = Path(__file__).resolve().parents[2]


# ---- catalogs ---------------------------------------------------------------------------------------------------

def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogs_have_every_key_with_the_same_placeholders():
    sv, en = translations.catalog("sv"), translations.catalog("en")
    assert set(sv) == set(en)
    assert len(sv) > 100
    for key in sv:
        assert placeholders(sv[key]) == placeholders(en[key]), key


def test_every_key_the_code_asks_for_is_in_the_catalogs():
    used = set()
    for folder in ("layouts", "callbacks", "exports", "views"):
        for path in (ROOT / folder).glob("*.py"):
            used |= set(re.findall(r"""\bt\(\s*f?["']([a-z_]+)["']""", path.read_text(encoding="utf-8")))
    assert used, "found no t(...) calls"
    missing = sorted(k for k in used if k not in translations.catalog("sv") and not k.endswith("_"))  # "sig_" + …
    assert missing == []


def test_catalog_text_and_fallback():
    assert t("share_button", "sv") == "Dela" and t("share_button", "en") == "Share"
    assert t("slide_of", "en", i=2, n=3) == "Slide 2 of 3"
    assert t("share_button", "xx") == "Dela"  # an unknown language falls back to Swedish
    with pytest.raises(KeyError):
        t("no_such_key", "sv")
    assert translations.compile_mo("en").startswith(b"\xde\x12\x04\x95")  # a GNU .mo file (little-endian magic)


def test_numbers_per_language():
    assert percent(0.34, "sv") == "34\u00a0%" and percent(0.34, "en") == "34%"
    assert percent(0.125, "sv") == "13\u00a0%"  # half up, as people round
    assert percent(0.3456, "sv", 1) == "34,6\u00a0%" and percent(0.3456, "en", 1) == "34.6%"
    assert decimal(12.25, "sv") == "12,3" and decimal(12.25, "en") == "12.3"
    assert integer(1234, "sv") == "1\u00a0234" and integer(1234, "en") == "1,234"
    assert percent(None, "sv") == "–"


# ---- views as URLs ------------------------------------------------------------------------------------------------

def test_the_default_view_is_the_bare_address(results):
    view = parse_view("", results)
    assert view == {"question": results.codebook.single_choice[0].id, "wave": str(results.waves[-1]),
                    "level": results.levels[0], "lang": "sv", "by": "", "filters": {}, "area": None}
    assert view_search(view, results) == ""


def test_a_view_goes_to_the_url_and_back(results):
    area = results.area_ids("deso")[0]
    search = f"?question=p_fortkorning&wave=2016&level=deso&by=kon&alder=4&area={area}&lang=en"
    view = parse_view(search, results)
    assert view["filters"] == {"alder": "4"} and view["area"] == area and view["lang"] == "en"
    assert view_search(view, results) == search
    assert parse_view(view_search(view, results), results) == view
    assert query_params(view) == {"question": "p_fortkorning", "wave": "2016", "level": "deso", "by": "kon",
                                  "alder": "4"}


def test_a_bad_link_falls_back_to_the_default(results):
    view = parse_view("?question=nope&wave=1999&level=deso&by=x&kon=9&area=nowhere&lang=fi", results)
    assert view_search(view, results) == "?level=deso"
    # an area of another level is dropped too, and the whole municipality has no area
    assert parse_view(f"?level=kommun&area={results.area_ids('by')[0]}", results)["area"] is None


def test_a_story_file_must_be_valid(results):
    area = results.area_ids("deso")[0]
    views = [story_item(parse_view("", results)), story_item(parse_view(f"?level=deso&area={area}", results))]
    text = story_file(views, "sv")
    upload = "data:application/json;base64," + base64.b64encode(text.encode()).decode()
    assert read_story_file(upload, results) == views
    for bad, message in ((json.dumps({"views": [{"question": "nope"}]}), "question"),
                         (json.dumps({"views": [{"question": "q_otrygg_kvall", "level": "by", "area": area}]}), "area"),
                         (json.dumps({"views": [{"question": "q_otrygg_kvall", "colour": "red"}]}), "colour"),
                         (json.dumps({"format": "other", "views": []}), "format"),
                         ("not json", "JSON")):
        with pytest.raises((ValueError, QueryError), match=message):
            read_story_file("data:application/json;base64," + base64.b64encode(bad.encode()).decode(), results)
    with pytest.raises(QueryError):
        check_view({"question": "q_otrygg_kvall", "wave": "1999"}, results)


def test_qr_code_is_an_svg_made_here():
    uri = qr_data_uri("http://127.0.0.1:8050/?level=deso")
    assert uri.startswith("data:image/svg+xml")
    assert uri == qr_data_uri("http://127.0.0.1:8050/?level=deso") != qr_data_uri("http://127.0.0.1:8050/")


# ---- downloads ----------------------------------------------------------------------------------------------------

def test_table_downloads_are_the_rows_of_the_query(results):
    view = parse_view("?question=p_fortkorning&level=distrikt&by=kon", results)
    query = results.parse(query_params(view))
    expected = list(labelled_query(results, query, "sv")) + list(labelled_query(
        results, results.parse({**query_params(view), "level": "kommun"}), "sv"))
    rows = list(csv.reader(io.StringIO(table_file(results, view, "csv")[0].decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == len(expected) + 1
    for cells, r in zip(rows[1:], expected):
        assert cells[0] == r["area_name"]
        assert cells[2] == ("" if r["suppressed"] else str(r["n"]))
    sheet = load_workbook(io.BytesIO(table_file(results, view, "xlsx")[0])).active
    values = list(sheet.iter_rows(values_only=True))
    shares = [v[3] for v in values[1:len(expected) + 1]]
    assert shares == [None if r["suppressed"] else pytest.approx(half_up(r["share"] * 100, 1) / 100) for r in expected]


def test_slides_without_images_have_one_page_per_view(results):
    small = next(r["area_id"] for r in results.query(results.parse({"question": "q_otrygg_kvall", "level": "by"}))
                 if r["suppressed"])
    views = [parse_view("", results), parse_view(f"?area={small}", results)]
    slides = story_slides(results, views, "sv")
    assert [s.chart for s in slides] == ["map", "shares"]
    assert [s.too_few for s in slides] == [False, True]
    deck = Presentation(io.BytesIO(pptx_bytes(slides, "sv")))
    assert [s.shapes.title.text for s in deck.slides] == [s.title for s in slides]
    pdf = PdfReader(io.BytesIO(pdf_bytes(slides, "sv")))
    assert len(pdf.pages) == 2
    assert "för få personer" in pdf.pages[1].extract_text().replace("\n", " ")


def test_a_story_view_can_be_its_trend_or_its_index_profile(results):
    """`chart`: a view's slide shows its trend, or (an index only) its items' profile, as the dashboard does; a
    story file with a chart a view cannot have is refused, a link's is dropped."""
    trend = check_view({"question": "q_otrygg_kvall", "level": "by", "area": "by_alvdalen", "chart": "trend"}, results)
    profile = check_view({"question": "idx_problem", "level": "deso", "chart": "profile"}, results)
    assert story_item(trend)["chart"] == "trend" and story_item(profile)["chart"] == "profile"
    with pytest.raises(QueryError, match="chart"):
        check_view({"question": "q_otrygg_kvall", "chart": "profile"}, results)
    assert "chart" not in parse_view("?question=q_otrygg_kvall&chart=pie", results)
    for lang in ("sv", "en"):
        made = story_slides(results, [{**trend, "lang": lang}, {**profile, "lang": lang}], lang)
        assert [s.chart for s in made] == ["trend", "profile"]
        waves = [str(w) for w in results.waves]
        trend_slide, profile_slide = made
        assert [trace["x"] for trace in trend_slide.figure["data"]][0] == waves  # the village, left to right
        assert [row[1] for row in trend_slide.number_rows] == waves * 2  # the village's and the municipality's
        assert f"({waves[0]}–{waves[-1]})" in trend_slide.subtitle
        assert "NTU" not in " ".join(trend_slide.notes)  # the trend shows no reference values
        items = profile_slide.figure["layout"]["yaxis"]["categoryarray"]
        assert len(items) == 8 and profile_slide.notes[0] == t("profile_slide_note", lang, shown=8, n=20)
        whole = t("whole_kommun", lang, **whole_words(results, lang))
        assert profile_slide.number_rows[0][0] == whole and profile_slide.is_index


def test_a_slide_cites_the_source_in_its_own_language(results, monkeypatch):
    monkeypatch.setitem(results.manifest, "source_credits", {"sv": "Källa: SCB (gränser)", "en": "Source: SCB"})
    view = check_view({"question": results.codebook.single_choice[0].id}, results)
    for lang, credit in (("sv", "Källa: SCB (gränser)"), ("en", "Source: SCB")):
        slide = story_slides(results, [{**view, "lang": lang}], lang)[0]
        assert credit in slide.source and ("Källa" in slide.source) == (lang == "sv")
