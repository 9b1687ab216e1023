"""The page draws with plotly.js's partial bundle (assets/plotly/, tools/plotly_bundle; issue 24): the same plotly.js
version as the Python package's (the figures are made for it), every trace type a chart of the page uses is
registered in it (an unknown type would draw nothing, silently), and the full 4.8 MB bundle is never fetched, on
the dashboard (map, answer bars, shares, trend, ranking) and on the slides."""
from __future__ import annotations

import re
from pathlib import Path

import plotly

from .conftest import LOAD_TIMEOUT_MS
from .meeting import load, meeting_context, set_story, tab  # noqa: F401 (fixtures)

FULL = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
TYPES = """() => [Plotly.version, Object.keys(Plotly.PlotSchema.get().traces),
                  [...document.querySelectorAll('.js-plotly-plot')].flatMap(gd => (gd.data || []).map(t => t.type))]"""


def check(page) -> set[str]:
    version, registered, used = page.evaluate(TYPES)
    assert version == re.search(r"plotly\.js v([\d.]+)", FULL.read_text(encoding="utf-8")[:200])[1]
    assert used and set(used) <= set(registered), (used, registered)
    requested = page.recorder.requests
    assert any("/assets/plotly/plotly-trygghetskartan.min.js" in u for u in requested)
    assert not any("package_data/plotly" in u for u in requested), requested
    return set(used)


def test_every_chart_draws_with_the_partial_bundle(tab, server_url):  # noqa: F811
    load(tab, server_url, "/?by=kon&level=by")
    tab.wait_for_selector("#trend .js-plotly-plot .scatterlayer .trace", timeout=LOAD_TIMEOUT_MS)
    used = check(tab)
    assert {"choroplethmap", "bar", "scatter"} <= used, used

    set_story(tab, server_url, [{"question": "q_otrygg_kvall", "wave": "2019", "level": "by"},
                                {"question": "q_otrygg_kvall", "wave": "2019", "level": "by", "area": "by_alvdalen",
                                 "chart": "trend"}])
    tab.goto(server_url + "/presentation")
    tab.wait_for_selector(".slide-graph .maplibregl-canvas", timeout=LOAD_TIMEOUT_MS)
    check(tab)
    tab.click("#slide-next")
    tab.wait_for_selector(".slide-graph .scatterlayer .trace", timeout=LOAD_TIMEOUT_MS)
    check(tab)
