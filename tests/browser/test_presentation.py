"""A presentation ("story") of three views is built with "Lägg till i presentationen", kept in the browser, saved as a
JSON file, cleared, opened again from the file, and shown in presentation mode, paged with the keyboard."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from views.details import details_view
from views.params import parse_view, query_params

from .meeting import api_rows, load, meeting_context, questions, story_in_storage, tab, view_url, wait_settled  # noqa: F401

AREA_NAME = "Idre med fjällbyarna"


def story_views(server_url: str) -> list[dict]:
    """The three views, as URL parameters: the default view, a DeSO area for another question, and a village
    with too few answers to show (a kind slide)."""
    deso = api_rows(server_url, {"question": "p_fortkorning", "level": "deso"})
    small = next(r for r in api_rows(server_url, {"question": "q_otrygg_kvall", "level": "by"}) if r["suppressed"])
    return [{}, {"question": "p_fortkorning", "level": "deso",
                 "area": next(r["area_id"] for r in deso if r["area_name"] == AREA_NAME)},
            {"area": small["area_id"], "_name": small["area_name"]}]


def stored(view: dict) -> dict:
    """How the story stores a view: the API's parameters (all of them) and the area."""
    item = {"question": "q_otrygg_kvall", "wave": "2019", "level": "by"}
    item.update({k: v for k, v in view.items() if not k.startswith("_")})
    return item


@pytest.mark.browser
def test_story_is_built_saved_opened_and_presented_with_the_keyboard(tab, server_url, results, tmp_path):
    views = story_views(server_url)
    # ---- build: three views, each added from its own link --------------------------------------------------
    for number, view in enumerate(views, start=1):
        load(tab, server_url, view_url({k: v for k, v in view.items() if not k.startswith("_")}))
        tab.click("#story-add")
        expect(tab.locator("#story-status")).to_have_text(f"Tillagd som bild {number} i presentationen.")
        expect(tab.locator("#story-list li.story-item")).to_have_count(number)
    tab.click("#story-add")  # the same view again: not added, and the status says where it is
    expect(tab.locator("#story-status")).to_have_text("Den här vyn finns redan i presentationen (bild 3).")
    expect(tab.locator("#story-list li.story-item")).to_have_count(3)
    # ↑ then ↓: the view goes up and back, and the focus follows it (its ↑; on the last row there is no ↓)
    tab.click("[id='{\"index\":2,\"type\":\"story-up\"}']")
    expect(tab.locator("#story-list li.story-item").nth(1)).to_contain_text(views[2]["_name"])
    expect(tab.locator("[id='{\"index\":1,\"type\":\"story-up\"}']")).to_be_focused()
    tab.keyboard.press("Tab")  # to its ↓
    tab.keyboard.press("Enter")
    expect(tab.locator("#story-list li.story-item").nth(2)).to_contain_text(views[2]["_name"])
    expect(tab.locator("[id='{\"index\":2,\"type\":\"story-up\"}']")).to_be_focused()
    expected = [stored(v) for v in views]
    assert story_in_storage(tab) == expected
    items = tab.locator("#story-list li.story-item").all_text_contents()
    assert items[0].startswith("Otrygg ute sent på kvällen · By · 2019")
    assert items[1].startswith(f"Fortkörning · {AREA_NAME} · 2019")
    assert items[2].startswith(f"Otrygg ute sent på kvällen · {views[2]['_name']} · 2019")

    # the story outlives the page (localStorage)
    load(tab, server_url, "/")
    expect(tab.locator("#story-list li.story-item")).to_have_count(3)

    # ---- save as a file, clear, open the file again ---------------------------------------------------------
    with tab.expect_download() as download:
        tab.click("#story-export")
    saved = tmp_path / "story.json"
    download.value.save_as(saved)
    assert download.value.suggested_filename.endswith(".json")
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["format"] == "trygghetskartan-story" and data["version"] == 1
    assert data["views"] == expected

    tab.click("#story-clear")  # it asks first; "Avbryt" keeps the story
    expect(tab.locator("#story-clear-modal")).to_be_visible()
    tab.click("#story-clear-cancel")
    expect(tab.locator("#story-clear-modal")).to_have_count(0)
    expect(tab.locator("#story-list li.story-item")).to_have_count(3)
    tab.click("#story-clear")
    tab.click("#story-clear-confirm")
    expect(tab.locator("#story-list li.story-item")).to_have_count(0)
    expect(tab.locator("#story-list")).to_contain_text("Inga vyer ännu")
    assert story_in_storage(tab) == []

    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"format": "trygghetskartan-story", "views": [{"question": "finns_inte"}]}))
    tab.set_input_files("#story-upload input[type=file]", str(broken))
    expect(tab.locator("#story-import-status")).to_contain_text("Filen kunde inte läsas")
    expect(tab.locator("#story-import-status")).to_contain_text("finns_inte")
    assert story_in_storage(tab) == []

    tab.set_input_files("#story-upload input[type=file]", str(saved))
    expect(tab.locator("#story-import-status")).to_have_text("3 vyer lästes in från story.json.")
    expect(tab.locator("#story-list li.story-item")).to_have_count(3)
    assert story_in_storage(tab) == expected

    # ---- present -------------------------------------------------------------------------------------------
    tab.click("#story-start")
    tab.wait_for_url(server_url + "/presentation")
    counter, title, summary = tab.locator("#slide-counter"), tab.locator("#slide-title"), tab.locator("#slide-summary")
    texts = questions(server_url)

    def expect_slide(number: int) -> None:
        view = parse_view(stored(views[number - 1]), results)
        shown = details_view(results, query_params(view), view["area"], "sv")
        expect(counter).to_have_text(f"Bild {number} av 3")
        expect(title).to_have_text(texts[view["question"]]["text"]["sv"])
        expect(summary).to_have_text(shown["summary"])  # the view's own summary sentence (#summary)
        expect(tab.locator(".slide-too-few")).to_have_count(1 if number == 3 else 0)
        expect(tab.locator("#slide-prev")).to_be_disabled() if number == 1 else expect(
            tab.locator("#slide-prev")).to_be_enabled()
        expect(tab.locator("#slide-next")).to_be_disabled() if number == 3 else expect(
            tab.locator("#slide-next")).to_be_enabled()

    expect_slide(1)
    expect(tab.locator("#slide .js-plotly-plot")).to_have_count(1)  # the map of every village
    tab.keyboard.press("ArrowRight")
    expect_slide(2)
    expect(tab.locator(".slide-numbers")).to_contain_text(AREA_NAME)
    tab.keyboard.press("PageDown")  # a presentation clicker
    expect_slide(3)
    kind = tab.locator(".slide-too-few")
    expect(kind).to_contain_text("för få personer")
    expect(kind).to_contain_text("skyddar dem som svarade")
    expect(summary).to_contain_text("för få svar")
    tab.keyboard.press("ArrowRight")  # the last slide stays
    wait_settled(tab)
    expect_slide(3)
    tab.keyboard.press("PageUp")
    expect_slide(2)
    tab.keyboard.press("ArrowLeft")
    expect_slide(1)
    tab.click("#slide-next")
    expect_slide(2)
    tab.click("#slide-prev")
    expect_slide(1)

    # very large type, black on white
    size = tab.evaluate("parseFloat(getComputedStyle(document.getElementById('slide-summary')).fontSize)")
    assert size >= 28
    assert tab.evaluate("getComputedStyle(document.getElementById('slide-summary')).color") == "rgb(0, 0, 0)"
    assert (tab.evaluate("getComputedStyle(document.getElementById('presentation')).backgroundColor")
            == "rgb(255, 255, 255)")


@pytest.mark.browser
def test_presentation_in_english_and_when_empty(tab, server_url, results):
    tab.goto(server_url + "/presentation?lang=en")
    tab.evaluate("localStorage.setItem('story', "
                 "JSON.stringify([{question: 'p_fortkorning', wave: '2019', level: 'distrikt'}]))")
    tab.reload()
    expect(tab.locator("#slide-counter")).to_have_text("Slide 1 of 1")
    expect(tab.locator("#slide-title")).to_have_text(questions(server_url)["p_fortkorning"]["text"]["en"])
    view = parse_view({"question": "p_fortkorning", "level": "distrikt", "lang": "en"}, results)
    expect(tab.locator("#slide-summary")).to_have_text(details_view(results, query_params(view), None, "en")["summary"])
    assert tab.evaluate("document.documentElement.lang") == "en"

    tab.evaluate("localStorage.setItem('story', '[]')")
    tab.reload()
    expect(tab.locator("#slide-summary")).to_contain_text("The presentation is empty")
    expect(tab.locator("#slide-next")).to_be_disabled()
