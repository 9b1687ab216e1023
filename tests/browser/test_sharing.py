"""Every view lives in the URL: a shared link opens the same view, back and forward step through views, and "Dela"
shows the link with a QR code made on the server (no network)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from views.qr import qr_data_uri

from .meeting import api_rows, choose, load, local_only, meeting_context, questions, tab, view_url, wait_settled  # noqa: F401

AREA_NAME = "Idre med fjällbyarna"
TABLE_KEYS_JS = """() => [...document.querySelectorAll('#result-table tbody tr')]
                            .map(tr => [...tr.cells].slice(0, 3).map(td => td.textContent))"""


def deso_id(server_url: str) -> str:
    rows = api_rows(server_url, {"question": "q_otrygg_kvall", "level": "deso"})
    return next(r["area_id"] for r in rows if r["area_name"] == AREA_NAME)


def expected_keys(server_url: str, params: dict, lang: str) -> list[list[str]]:
    """Area, group and n of the table the view should show: the level's rows, then the municipality's."""
    params = {"question": "q_otrygg_kvall", **params}
    rows = api_rows(server_url, {**params, "lang": lang})
    rows += api_rows(server_url, {**params, "level": "kommun", "lang": lang})
    sep = "\u00a0" if lang == "sv" else ","
    too_few = "för få svar" if lang == "sv" else "too few answers"
    return [[r["area_name"], r["group_text"],  # "Alla svarande", or under a filter its people
             too_few if r["suppressed"] else f"{r['n']:,}".replace(",", sep)]
            for r in rows]


def assert_view(page, server_url: str, params: dict, lang: str = "sv", area: str | None = None) -> None:
    """The controls, title and table show the view `params` (API parameters) with `area` chosen."""
    q = questions(server_url)[params.get("question", "q_otrygg_kvall")]
    expect(page.locator("#question-value")).to_have_text(q["short"][lang])
    expect(page.locator("#view-title")).to_have_text(q["text"][lang])
    # waiting, not reading: after back or forward the new page may still be on its way
    expect(page.locator(f"#wave input[value='{params.get('wave', 2019)}']")).to_be_checked()
    expect(page.locator(f"#level input[value='{params.get('level', 'by')}']")).to_be_checked()
    expect(page.locator("#level input:checked")).to_have_count(1)
    if area:
        expect(page.locator("#area-value")).to_have_text(area)
    page.wait_for_function(f"(expected) => JSON.stringify(({TABLE_KEYS_JS})()) === JSON.stringify(expected)",
                           arg=expected_keys(server_url, params, lang))


@pytest.mark.browser
def test_a_shared_link_opens_the_same_view(tab, server_url):
    area = deso_id(server_url)
    params = {"question": "p_fortkorning", "wave": "2016", "level": "deso", "by": "kon", "alder": "4"}
    path = view_url({**params, "area": area, "lang": "en"})
    load(tab, server_url, path)
    assert tab.url == server_url + path  # the link is already tidy: the page keeps it as it is
    assert tab.evaluate("history.length") <= 2  # opening it added no history step
    assert tab.evaluate("document.documentElement.lang") == "en"
    assert_view(tab, server_url, params, lang="en", area=AREA_NAME)
    expect(tab.locator("#by-value")).to_have_text("Sex")
    expect(tab.locator("[id='{\"group\":\"alder\",\"type\":\"filter\"}-value']")).to_have_text("65–84")
    # the summary speaks of the chosen area
    expect(tab.locator("#summary")).to_contain_text(AREA_NAME)
    # the language link keeps the view and only switches the language
    assert tab.get_attribute("#language-link", "href") == view_url({**params, "area": area})

    # an old or mistyped link still opens: unknown values fall back to the default, and the URL is tidied
    load(tab, server_url, "/?question=nonsense&level=deso&area=nowhere&wave=1999")
    tab.wait_for_url(server_url + "/?level=deso")
    assert_view(tab, server_url, {"level": "deso"})
    expect(tab.locator("#area-value.dash-dropdown-placeholder")).to_have_text("Hela kommunen")  # no area chosen


@pytest.mark.browser
def test_back_and_forward_restore_views(tab, server_url):
    load(tab, server_url, "/")
    assert tab.url == server_url + "/"
    choose(tab, "question", questions(server_url)["p_fortkorning"]["short"]["sv"])
    tab.wait_for_url(server_url + "/?question=p_fortkorning")
    tab.locator("#level").get_by_label("Distrikt", exact=True).check()
    tab.wait_for_url(server_url + "/?question=p_fortkorning&level=distrikt")
    choose(tab, "by", "Kön")
    tab.wait_for_url(server_url + "/?question=p_fortkorning&level=distrikt&by=kon")
    assert_view(tab, server_url, {"question": "p_fortkorning", "level": "distrikt", "by": "kon"})

    tab.go_back()
    tab.wait_for_url(server_url + "/?question=p_fortkorning&level=distrikt")
    assert_view(tab, server_url, {"question": "p_fortkorning", "level": "distrikt"})
    expect(tab.locator("#by-value")).to_have_text("Ingen uppdelning")
    tab.go_back()
    tab.wait_for_url(server_url + "/?question=p_fortkorning")
    assert_view(tab, server_url, {"question": "p_fortkorning"})
    tab.go_back()
    tab.wait_for_url(server_url + "/")
    assert_view(tab, server_url, {})

    tab.go_forward()
    tab.wait_for_url(server_url + "/?question=p_fortkorning")
    assert_view(tab, server_url, {"question": "p_fortkorning"})
    tab.go_forward()
    tab.wait_for_url(server_url + "/?question=p_fortkorning&level=distrikt")
    assert_view(tab, server_url, {"question": "p_fortkorning", "level": "distrikt"})
    # going back did not add steps: forward once more is the last view, and then there is nothing further
    tab.go_forward()
    tab.wait_for_url(server_url + "/?question=p_fortkorning&level=distrikt&by=kon")
    assert_view(tab, server_url, {"question": "p_fortkorning", "level": "distrikt", "by": "kon"})
    assert tab.go_forward() is None
    assert tab.url == server_url + "/?question=p_fortkorning&level=distrikt&by=kon"


@pytest.mark.browser
def test_dela_shows_the_link_and_a_qr_code_made_locally(tab, server_url):
    area = deso_id(server_url)
    path = view_url({"question": "p_fortkorning", "level": "deso", "area": area})
    load(tab, server_url, path)
    tab.click("#share-button")
    dialog = tab.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Dela den här vyn")
    link = tab.input_value("#share-url")
    assert link == server_url + path == tab.url
    qr = tab.locator("#share-qr")
    expect(qr).to_have_attribute("src", qr_data_uri(link))  # segno's SVG of exactly this link
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert link in qr.get_attribute("alt")
    box = qr.bounding_box()
    assert box["width"] >= 200 and abs(box["width"] - box["height"]) < 2  # large and square: scannable from a seat
    # a new tab with the link shows the same view
    other = tab.context.new_page()
    load(other, server_url, link.removeprefix(server_url))
    expect(other.locator("#area-value")).to_have_text(AREA_NAME)
    expect(other.locator("#question-value")).to_have_text(questions(server_url)["p_fortkorning"]["short"]["sv"])
    other.close()
    # Escape closes the dialog, and focus goes back to the button
    tab.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    tab.wait_for_function("document.activeElement && document.activeElement.id === 'share-button'")
    wait_settled(tab)
    assert local_only(tab.recorder, server_url) == []
