"""Issue 'honest numbers' in the browser: error bars and NTU values, the summary follows the selection,
uncertain areas are faded on the map."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .test_dashboard import MAP_JS, api_rows, choose, choose_level, click_area

SHARES_JS = "() => document.getElementById('shares').querySelector('.js-plotly-plot').data"


@pytest.mark.browser
def test_shares_chart_has_error_bars_and_ntu_reference(page, server_url):
    rows = api_rows(server_url, "q_otrygg_kvall", "kommun")
    page.wait_for_function(f"() => ({SHARES_JS})().length > 0")
    trace = page.evaluate(SHARES_JS)[0]
    labels = trace["y"]
    assert any(label.startswith("NTU 2019<br>Älvdalen") for label in labels)
    kommun = rows[0]
    i = next(i for i, label in enumerate(labels) if "Hela kommunen" in label)
    assert trace["x"][i] == pytest.approx(round(kommun["share"] * 100, 1))
    assert trace["error_x"]["arrayminus"][i] == pytest.approx(round((kommun["share"] - kommun["share_low"]) * 100, 1))
    assert trace["error_x"]["array"][i] == pytest.approx(round((kommun["share_high"] - kommun["share"]) * 100, 1))
    ntu = labels.index("NTU 2019<br>Älvdalen")
    assert (trace["x"][ntu], trace["error_x"]["arrayminus"][ntu], trace["error_x"]["array"][ntu]) == (14, 5, 5)
    expect(page.locator("#shares .errorbar").first).to_be_attached()


@pytest.mark.browser
def test_summary_follows_the_selection(page, server_url):
    summary = page.locator("#summary")
    expect(summary).to_contain_text("I hela kommunen svarar")
    choose_level(page, "Område (DeSO)")
    click_area(page, server_url, "deso", "Idre med fjällbyarna")
    expect(summary).to_contain_text("I Idre med fjällbyarna svarar")
    row = next(r for r in api_rows(server_url, "q_otrygg_kvall", "deso") if r["area_name"] == "Idre med fjällbyarna")
    expect(summary).to_contain_text(f"{round(row['share'] * 100)}\u00a0%")
    choose(page, "by", "Kön")
    expect(summary).to_contain_text("grupperna")


@pytest.mark.browser
def test_uncertain_areas_are_faded_on_the_map(page, server_url):
    rows = api_rows(server_url, "q_otrygg_kvall", "by")
    uncertain = sorted(r["area_id"] for r in rows if r["unreliable"])
    assert uncertain
    page.wait_for_function(f"() => ({MAP_JS})().some(t => t.name === 'uncertain' && t.locations.length > 0)")
    traces = {t["name"]: t for t in page.evaluate(
        "() => document.querySelector('#map .js-plotly-plot').data.filter(t => t.type === 'choroplethmap')")}
    assert sorted(traces["uncertain"]["locations"]) == uncertain
    assert traces["uncertain"]["marker"]["opacity"] < traces["share"]["marker"]["opacity"] == 1
    uncertain_name = next(r["area_name"] for r in rows if r["unreliable"])
    expect(page.locator("#result-table tr.uncertain", has_text=uncertain_name)).to_contain_text("osäker siffra")
