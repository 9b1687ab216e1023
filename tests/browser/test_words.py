"""Issue 20, the words, in one walk per screen: true labels under a filter on the page, Swedish toolbar and search,
a menu that opens below its control, "Dela" on 127.0.0.1 saying phones cannot reach it; on a phone the answer
before the folded controls, with axe finding nothing either way; the English page's credit in English."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .meeting import axe_violations, load, meeting_context, tab, wait_settled  # noqa: F401

FILTERED = "/?level=distrikt&by=boende&kon=1&alder=4"
ALDER_MENU = '[id=\'{"group":"alder","type":"filter"}\']'
KON = '[id=\'{"group":"kon","type":"filter"}\']'


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.mark.browser
def test_desktop_names_the_filter_in_swedish_and_warns_about_a_local_link(tab, server_url):
    tab.set_viewport_size({"width": 1366, "height": 768})
    load(tab, server_url, FILTERED)
    expect(tab.locator("#table-caption")).to_have_text("Kvinnor 65–84 år, uppdelat efter boendeform")
    expect(tab.locator("#view-subtitle")).to_contain_text("· Kvinnor 65–84 år, uppdelat efter boendeform")
    expect(tab.locator("#summary")).to_contain_text("I hela kommunen, bland kvinnor 65–84 år, svarar")
    groups = tab.locator("#result-table tbody td:nth-child(2)").all_inner_texts()
    assert "Alla svarande" not in groups and "Kvinnor 65–84 år som bor i lägenhet" in groups
    assert "Kvinnor 65–84 år" in " ".join(tab.evaluate(
        "() => [...document.querySelectorAll('#bars .ytick text')].map(t => t.textContent)"))
    # plotly's toolbar in Swedish, the menus' search too
    titles = tab.evaluate("() => [...document.querySelectorAll('#map .modebar-btn')].map(b => b.dataset.title)")
    assert "Zooma in" in titles and "Zoom in" not in titles
    toolbar = tab.locator("#controls-toggle")
    expect(toolbar).to_be_hidden()  # the controls do not fold on a desktop
    tab.locator("#question").click()
    expect(tab.locator(".dash-dropdown-content input.dash-dropdown-search")).to_have_attribute("placeholder", "Sök")
    tab.keyboard.press("Escape")

    # the Åldersgrupp menu, low on a 768 px screen, opens below its control, not over Kön
    tab.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
    tab.locator(ALDER_MENU).click()
    menu = tab.locator(".dash-dropdown-content")
    expect(menu).to_have_attribute("data-side", "bottom")
    menu_box, kon_box = box(tab, ".dash-dropdown-content"), box(tab, KON)
    assert menu_box["y"] >= kon_box["y"] + kon_box["height"], (menu_box, kon_box)
    tab.keyboard.press("Escape")

    # "Dela" on 127.0.0.1 without [app] public_url: the dialog says phones cannot reach it, and how to fix it
    tab.click("#share-button")
    expect(tab.locator("#share-local-warning")).to_contain_text("public_url")
    expect(tab.locator("#share-local-warning")).to_contain_text("HOST=0.0.0.0")
    tab.keyboard.press("Escape")

    load(tab, server_url, "/?lang=en")
    expect(tab.locator("#page footer")).to_contain_text("Source: SCB")
    titles = tab.evaluate("() => [...document.querySelectorAll('#map .modebar-btn')].map(b => b.dataset.title)")
    assert "Zoom in" in titles
    tab.goto(server_url + "/metod?lang=en")
    expect(tab.locator("#methods-language")).to_have_attribute("href", "/metod?lang=sv")
    expect(tab.locator("#main")).to_contain_text("For those who want to know more")
    assert tab.recorder.console_errors == [] and tab.recorder.page_errors == []


@pytest.mark.browser
def test_phone_shows_the_answer_before_the_folded_controls(tab, server_url):
    page = tab
    page.set_viewport_size({"width": 360, "height": 740})  # the module's context: plotly's bundle is cached
    load(page, server_url, "/?kon=1&alder=4")
    toggle = page.locator("#controls-toggle")
    expect(toggle).to_have_text("Välj fråga och grupp")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#controls")).to_be_hidden()
    summary, map_box = box(page, "#summary"), box(page, "#map")
    assert summary["y"] + summary["height"] < 740  # the answer on the first screen
    assert box(page, "#controls-toggle")["y"] < summary["y"] < map_box["y"]
    expect(page.locator("#summary")).to_contain_text("bland kvinnor 65–84 år")
    wait_settled(page)
    assert axe_violations(page) == []
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#controls")).to_be_visible()
    expect(page.locator(KON)).to_be_visible()
    assert box(page, "#controls")["y"] < box(page, "#summary")["y"]  # opened where the button is
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    assert axe_violations(page) == []
