"""Accessibility: axe-core (WCAG 2.1 A and AA) finds nothing on the main view in several states, the share dialog,
presentation mode, the methods page and the English interface; the dashboard works with the keyboard alone; every
chart has a text alternative; the page's language is set. (The staff pages, /personal/, logged in and in both
languages: tests/privacy/test_auth.py, test_axe_finds_nothing_on_the_staff_pages_in_both_languages.)"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .meeting import api_rows, axe_violations, load, meeting_context, questions, tab, view_url, wait_settled  # noqa: F401

AREA_NAME = "Idre med fjällbyarna"


def deso_id(server_url: str) -> str:
    return next(r["area_id"] for r in api_rows(server_url, {"question": "q_otrygg_kvall", "level": "deso"})
                if r["area_name"] == AREA_NAME)


@pytest.mark.browser
def test_axe_finds_no_violations_on_any_page(tab, server_url):
    found = {}

    def check(name: str) -> None:
        wait_settled(tab)
        tab.mouse.move(0, 0)  # no hover state, and let colour transitions (Bootstrap: .15 s) end
        tab.wait_for_timeout(400)
        found[name] = axe_violations(tab)

    load(tab, server_url, "/")
    check("main view")
    assert tab.evaluate("document.documentElement.lang") == "sv"
    tab.click("#story-add")
    expect(tab.locator("#story-list li.story-item")).to_have_count(1)
    check("main view with a story")

    load(tab, server_url, view_url({"question": "p_fortkorning", "level": "deso", "by": "kon", "alder": "4",
                                    "area": deso_id(server_url)}))
    check("area, breakdown and filter")
    tab.click("#story-add")
    tab.click("#share-button")
    expect(tab.get_by_role("dialog")).to_be_visible()
    tab.wait_for_selector("#share-qr[src^='data:image/svg']")
    check("share dialog")
    tab.keyboard.press("Escape")
    expect(tab.get_by_role("dialog")).to_have_count(0)
    tab.locator("#question").click()
    tab.locator(".dash-dropdown-content").wait_for(state="visible")
    # Dash 4 draws each option as <label role=option> around a focusable radio (axe: nested-interactive);
    # assets/dropdowns.js moves the option role onto the radio, which is what takes the focus. No exclusion.
    expect(tab.locator(".dash-dropdown-content label[role=option]")).to_have_count(0)
    expect(tab.get_by_role("listbox", name="Fråga").get_by_role("option", name="Fortkörning")).to_have_count(1)
    check("question menu open")
    tab.keyboard.press("Escape")

    small = next(r for r in api_rows(server_url, {"question": "q_otrygg_kvall", "level": "by"}) if r["suppressed"])
    load(tab, server_url, view_url({"area": small["area_id"]}))
    tab.click("#story-add")
    expect(tab.locator("#story-list li.story-item")).to_have_count(3)

    # an index: its panel is the profile of its questions, the table's value column its value, and the profile
    # goes to the presentation as a slide of its own
    load(tab, server_url, view_url({"question": "idx_problem", "level": "deso"}))
    expect(tab.locator("#bars-heading")).to_have_text("Indexets frågor, sida vid sida")
    expect(tab.locator("#result-table thead th").nth(3)).to_contain_text("Indexvärde")
    check("problem index")
    tab.click("[id='{\"chart\":\"profile\",\"type\":\"story-add-chart\"}']")
    expect(tab.locator("#story-list li.story-item")).to_have_count(4)
    expect(tab.locator("#story-list li.story-item").nth(3)).to_contain_text("problemprofil")

    tab.goto(server_url + "/presentation")
    expect(tab.locator("#slide-counter")).to_have_text("Bild 1 av 4")
    tab.wait_for_selector("#slide .js-plotly-plot")
    check("presentation, map slide")
    tab.keyboard.press("ArrowRight")
    expect(tab.locator("#slide-counter")).to_have_text("Bild 2 av 4")
    check("presentation, area slide")
    tab.keyboard.press("ArrowRight")
    expect(tab.locator(".slide-too-few")).to_be_visible()
    check("presentation, too few answers")
    tab.keyboard.press("ArrowRight")
    expect(tab.locator("#slide .slide-profile")).to_be_visible()
    check("presentation, problem profile")

    tab.goto(server_url + "/metod")
    tab.wait_for_selector("#main h2")
    check("methods page")

    load(tab, server_url, "/?lang=en")
    assert tab.evaluate("document.documentElement.lang") == "en"
    expect(tab.locator("#story-add")).to_have_text("Add to the presentation")
    check("English main view")
    tab.goto(server_url + "/presentation?lang=en")
    expect(tab.locator("#slide-counter")).to_have_text("Slide 1 of 4")
    assert tab.evaluate("document.documentElement.lang") == "en"
    check("English presentation")
    tab.goto(server_url + "/metod?lang=en")
    tab.wait_for_selector("#main h2")
    check("English methods page")

    assert {name: v for name, v in found.items() if v} == {}


def tab_to(page, element_id: str, limit: int = 150) -> None:
    """Press Tab until the element with `element_id` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} was not reached with Tab")


def choose_by_keyboard(page, dropdown_id: str, text: str) -> None:
    """Open a focused Dash dropdown with Enter, type in its search box, take the first match with Enter."""
    page.keyboard.press("Enter")
    page.locator(".dash-dropdown-content").wait_for(state="visible")
    search = page.locator(".dash-dropdown-content input.dash-dropdown-search")
    for _ in range(10):  # Home: from the options to the search box (on a loaded machine the menu may take a moment)
        page.keyboard.press("Home")
        if search.evaluate("el => el === document.activeElement"):
            break
        page.wait_for_timeout(300)
    expect(search).to_be_focused()
    page.keyboard.type(text)
    expect(search).to_have_value(text)
    # Under load the list filters a moment after the typing: wait until the match is first, then take it.
    expect(page.locator(".dash-dropdown-content .dash-options-list-option").first).to_contain_text(text)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator(".dash-dropdown-content")).to_have_count(0)
    page.wait_for_function("(id) => document.activeElement && document.activeElement.id === id", arg=dropdown_id)


@pytest.mark.browser
def test_keyboard_alone_changes_the_question_and_chooses_an_area(tab, server_url):
    load(tab, server_url, "/")
    tab.locator("body").focus()
    speeding = questions(server_url)["p_fortkorning"]

    # the skip link comes first and leads to the content
    tab.keyboard.press("Tab")
    expect(tab.locator(":focus")).to_have_text("Hoppa till innehållet")

    tab_to(tab, "question")
    choose_by_keyboard(tab, "question", "Fortkörning")
    expect(tab.locator("#question-value")).to_have_text(speeding["short"]["sv"])
    expect(tab.locator("#view-title")).to_have_text(speeding["text"]["sv"])

    # the level with the arrow keys (a radio group), then an area without the map
    tab_to(tab, "_dbcprivate_radioitems_level_input_by")
    tab.keyboard.press("ArrowDown")
    expect(tab.locator("#level").get_by_label("Område (DeSO)", exact=True)).to_be_checked()
    tab_to(tab, "area")
    choose_by_keyboard(tab, "area", AREA_NAME)
    expect(tab.locator("#area-value")).to_have_text(AREA_NAME)
    expect(tab.locator("#summary")).to_contain_text(AREA_NAME)
    tab.wait_for_url(server_url + view_url({"question": "p_fortkorning", "level": "deso", "area": deso_id(server_url)}))
    tab.wait_for_function("(id) => { const gd = document.querySelector('#map .js-plotly-plot');"
                          " const t = gd && gd.data.find(t => t.name === 'selected');"
                          " return t && t.locations.length === 1 && t.locations[0] === id; }", arg=deso_id(server_url))

    # the meeting controls are reachable and work with Enter
    tab_to(tab, "story-add")
    tab.keyboard.press("Enter")
    expect(tab.locator("#story-status")).to_have_text(re.compile(r"Tillagd som bild \d+ i presentationen\."))
    tab.locator("body").focus()
    tab_to(tab, "share-button")
    tab.keyboard.press("Enter")
    expect(tab.get_by_role("dialog")).to_be_visible()
    tab.keyboard.press("Escape")
    expect(tab.get_by_role("dialog")).to_have_count(0)
    # the table scrolls with the keyboard: it is focusable and named by its heading
    tab_to(tab, "table")
    assert tab.get_attribute("#table", "aria-labelledby") == "table-heading"
    # no hidden element takes the focus on the way (the dropdowns' own hidden inputs are out of the tab order)
    assert tab.evaluate("[...document.querySelectorAll('[aria-hidden=true]')].filter(e => e.tabIndex >= 0"
                        " && e.offsetParent !== null).length") == 0


@pytest.mark.browser
def test_every_chart_has_a_text_alternative(tab, server_url):
    load(tab, server_url, "/?level=distrikt")
    for chart in ("map", "bars", "shares", "trend"):
        tab.wait_for_selector(f"#{chart} .main-svg")
        caption = tab.locator(f"figure:has(#{chart}) figcaption")
        expect(caption).to_have_count(1)
        expect(caption).to_contain_text("sammanfattningen")
        expect(caption).to_contain_text("Siffrorna bakom diagrammen")
    expect(tab.locator("#summary")).not_to_be_empty()
    assert tab.locator("#result-table thead th[scope=col]").count() >= 4
    assert tab.locator("#result-table tbody tr").count() == 4  # three districts and the municipality
    # colour is never alone: suppressed rows say so in words, significant areas are marked and named in the legend
    load(tab, server_url, "/")
    expect(tab.locator("#result-table tbody tr.suppressed").first).to_contain_text("för få svar")
    assert ("för få svar" in tab.locator("#map-note").text_content()
            or "färre än" in tab.locator("#map-note").text_content())
