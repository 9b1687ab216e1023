"""A promise's follow-up as a slide of the presentation (issue 23): its numbers are the follow-up's (a hidden value
stays hidden), it travels to the file export made in the request (the export's process has no database), and the
PowerPoint holds its title and verdict; a story file keeps it; an unknown promise says so. The slides' geometry
in both files is checked by tests/unit/test_slide_files.py, whose story holds a promise slide too."""
from __future__ import annotations

import base64
import io
import json

import pytest
from dash import no_update
from flask import Flask
from pptx import Presentation

from callbacks.promise_story import add_promise_to_story
from exports.slides import pptx_bytes
from promises import store
from promises.db import Database
from promises.followup import follow_up
from promises.render import DB
from promises.slide import promise_slide, with_promise_slides
from views.story import MAX_STORY, item_slide, promise_id, promise_item, read_story_file, story_views
from views.texts import t

# Idre, 2016 on: everyone's speeding, and women's feeling unsafe out late, whose 2016 value is hidden (too few).
INDICATORS = [{"question": "p_fortkorning", "level": "distrikt", "area_id": "distrikt_idre", "filters": {},
               "baseline_wave": 2016},
              {"question": "q_otrygg_kvall", "level": "distrikt", "area_id": "distrikt_idre", "filters": {"kon": "1"},
               "baseline_wave": 2016}]


@pytest.fixture(scope="module")
def promise(results, tmp_path_factory):
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('slide') / 'promises.sqlite3'}")
    db.migrate()
    pid = store.create_promise(db, "anna", {"title": "Lugnare trafik i Idre", "areas": ["distrikt:distrikt_idre"],
                                            "period_start": "2026-01-01", "period_end": "2027-12-31"}, INDICATORS)
    for what, status in (("Trafikkontroller", "genomford"), ("Hastighetsskyltar", "planerad"),
                         ("Ny belysning", "planerad")):
        store.add_action(db, "anna", pid, {"what": what, "status": status})
    app = Flask(__name__)
    app.extensions[DB] = {"db": db, "get_results": lambda: results}
    with app.app_context():
        yield db, pid
    db.dispose()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_slide_shows_the_follow_up_and_the_actions(results, promise, lang):
    db, pid = promise
    slide = promise_slide(results, db, pid, lang)
    follow = [follow_up(results, i, lang) for i in store.get_promise(db, pid).indicators]
    assert slide.title == "Lugnare trafik i Idre" and "2026-01-01 – 2027-12-31" in slide.subtitle
    assert slide.summary.startswith({"sv": "Åtgärder: 1 genomförd och 2 planerade.",
                                     "en": "Actions: 1 done and 2 planned."}[lang])
    for f in follow:  # baseline and newest: the follow-up's value, interval and answers, and the verdict in words
        first, last = f["points"][0], f["points"][-1]
        rows = [r for r in slide.number_rows if r[0].startswith(f["question"])]
        assert rows[0][2:4] == (first["value"], first["interval"]) and rows[1][2:4] == (last["value"], last["interval"])
        assert rows[2][1] == f"{first['wave']} → {last['wave']}: " + (last["verdict"] or
                                                                      t("feedback_not_comparable", lang))
    hidden = follow[1]["points"][0]
    assert hidden["suppressed"] and follow[1]["points"][0]["value"] == t("followup_hidden", lang)
    bars = {trace["name"]: trace["x"] for trace in slide.figure["data"]}
    assert bars[t("promise_slide_baseline", lang)][1] is None  # a hidden value has no bar
    assert bars[t("promise_slide_latest", lang)][0] == round(follow[0]["points"][-1]["share"] * 100, 1)
    assert promise_slide(results, db, 10**8, lang).title == t("promise_slide_gone", lang)


def test_the_story_export_carries_the_slide_and_the_powerpoint_holds_title_and_verdict(results, promise):
    db, pid = promise
    view = {"question": "q_otrygg_kvall", "wave": "2019", "level": "distrikt", "area": "distrikt_idre"}
    story = story_views([view, promise_item(pid), {"promise": "12", "slide": "forged"}])
    assert story[2] == {"promise": "12", "slide": "forged"}  # text from a client: never a made slide
    prepared = with_promise_slides(results, story, "sv")
    json.dumps(prepared)  # plain data: it goes to the export's process (pickled, or through Redis)
    slides = [item_slide(results, item, "sv") for item in prepared]
    assert slides[0].title != slides[1].title == "Lugnare trafik i Idre"
    assert slides[2].title == t("promise_slide_gone", "sv")  # promise 12 does not exist
    assert item_slide(results, {"promise": "12", "slide": "forged"}, "sv").title.startswith("Vyn kunde inte visas")
    deck = Presentation(io.BytesIO(pptx_bytes(slides[1:2], "sv")))
    texts = [shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame]
    assert deck.slides[0].shapes.title.text_frame.text == "Lugnare trafik i Idre"
    verdict = follow_up(results, store.get_promise(db, pid).indicators[0], "sv")["points"][-1]["verdict"]
    assert verdict and any(f"2016 → 2019: {verdict}" in text for text in texts), texts


def test_a_story_file_keeps_a_promise_and_checks_its_number(results):
    def upload(views):
        return "data:application/json;base64," + base64.b64encode(json.dumps({"views": views}).encode()).decode()
    view = {"question": "q_otrygg_kvall", "wave": "2019", "level": "distrikt"}
    assert read_story_file(upload([{"promise": "7"}, view]), results)[0] == {"promise": "7"}
    assert [promise_id(item) for item in ({"promise": "0"}, {"promise": "1" * 10}, {"promise": "٣"},
                                          {"promise": "3", "question": "x"}, {"promise": "3"})] == [None] * 4 + [3]


def test_the_dashboard_adds_a_promise_only_with_a_good_number(promise):
    """?promise= on the dashboard (callbacks/promise_story.py): the story gains the promise once; a value that is
    not 1–9 digits, an unknown promise, a story that is not one, or a full story are refused with a message."""
    _, pid = promise
    story, message = add_promise_to_story(str(pid), [{"question": "q_otrygg_kvall"}], "sv")
    assert story == [{"question": "q_otrygg_kvall"}, {"promise": str(pid)}]
    assert message == "Tillagd som bild 2 i presentationen."
    assert add_promise_to_story(f"00{pid}", story, "sv") == (no_update,
                                                             "Den här vyn finns redan i presentationen (bild 2).")
    for value, says in (("abc", "”abc” är inget nummer"), ("0", "”0” är inget nummer"), ("1" * 10, "inget nummer"),
                        (["1"], "inget nummer"), ("99999999", "inget medborgarlöfte nummer 99999999")):
        assert add_promise_to_story(value, [], "sv")[0] is no_update
        assert says in add_promise_to_story(value, [], "sv")[1], value
    assert add_promise_to_story(str(pid), "not a story", "sv")[0] is no_update
    assert add_promise_to_story(str(pid), [{"question": str(i)} for i in range(MAX_STORY)], "sv")[0] is no_update
