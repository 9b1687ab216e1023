"""Issue 20's done-when for the presentation: in Chromium at 1920×1080, 1366×768, 1280×720 and 1024×768, a story
of views (a map at every level, a breakdown by age, a filtered group, a long summary beside many bars, a village
with too few answers, a trend, a problem profile) is stepped through with no console error, no element outside the
screen and no text over other text (measured from the boxes of the page's text elements and of the charts' SVG
text), and with each place name a map slide shows drawn within its map. Also: Home/End go
to the first and last slide, a reload keeps the slide, and axe finds nothing on a map slide.

One tab; the window is resized between sizes."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .meeting import axe_violations, meeting_context, place_names, set_story, tab, wait_settled  # noqa: F401

SIZES = [(1920, 1080), (1366, 768), (1280, 720), (1024, 768)]
STORY = [
    {"question": "q_otrygg_kvall", "wave": "2019", "level": "by"},                       # map: villages, ranked
    {"question": "q_otrygg_kvall", "wave": "2019", "level": "kommun", "by": "alder"},    # breakdown by age
    {"question": "q_otrygg_kvall", "wave": "2019", "level": "deso", "kon": "1"},          # map, a filtered group
    {"question": "q_otrygg_kvall", "wave": "2019", "level": "distrikt", "kon": "1", "alder": "4"},
    {"question": "q_otrygg_kvall", "wave": "2019", "level": "by", "area": "by_alvdalen", "by": "alder"},
    {"question": "idx_problem", "wave": "2019", "level": "deso", "area": "2039A0030", "by": "boende"},  # long
    {"question": "q_otrygg_kvall", "wave": "2019", "level": "by", "area": "by_drevdagen"},  # too few answers
    {"question": "q_otrygg_kvall", "wave": "2019", "level": "by", "area": "by_alvdalen", "chart": "trend"},
    {"question": "idx_problem", "wave": "2019", "level": "deso", "area": "2039A0030", "chart": "profile"},
]

# Every text on the slide: the page's elements with text of their own, and the charts' SVG text. For each, its box;
# then the pairs of texts whose boxes overlap (more than 2 px × 2 px), and the elements outside the screen.
MEASURE = """() => {
  const slide = document.getElementById('presentation');
  const out = [], texts = [];
  const visible = (r) => r.width > 1 && r.height > 1;
  for (const el of slide.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const svg = el.namespaceURI === 'http://www.w3.org/2000/svg';
    if (!own || (svg && el.tagName !== 'text' && el.tagName !== 'tspan')) continue;
    if (el.closest('.presentation-help') && getComputedStyle(el).position === 'absolute') continue;  // sr only
    const r = el.getBoundingClientRect();
    if (!visible(r) || getComputedStyle(el).visibility === 'hidden') continue;
    texts.push({el, r, text: el.textContent.trim().slice(0, 40)});
    if (r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1)
      out.push(['outside', el.textContent.trim().slice(0, 40), [r.left, r.top, r.right, r.bottom].map(Math.round)]);
  }
  for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
    const a = texts[i], b = texts[j];
    if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
    const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
    const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
    if (w > 2 && h > 2) out.push(['overlap', a.text, b.text, Math.round(w), Math.round(h)]);
  }
  const fig = document.querySelector('#slide .slide-figure');
  const chart = fig && fig.getBoundingClientRect().height;
  if (fig && chart < 150) out.push(['chart too small', chart]);
  return {problems: out, count: texts.length};
}"""

# The slide is drawn: no callback in flight, its chart plotted (a map with MapLibre's style and data loaded).
DRAWN = """(n) => {
  if (document.title !== 'Trygghetskartan') return false;
  const counter = document.getElementById('slide-counter');  // null while Dash draws the page
  if (!counter || !counter.textContent.includes(' ' + n + ' ')) return false;
  const fig = document.querySelector('#slide .slide-figure');
  if (!fig) return true;
  const gd = fig.querySelector('.js-plotly-plot');
  if (!gd || !gd._fullLayout) return false;
  const map = gd._fullLayout.map && gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map;
  return !gd._fullLayout.map || (map && map.loaded());
}"""


def name_problems(page, villages: bool) -> list:
    """Each name the map slide shows is drawn, within the map; none when the slide has no map. A map of the
    villages names some at every size (a DeSO area's long name may find no room on a 1024 px screen's map)."""
    found = place_names(page, "#slide .slide-map .js-plotly-plot")
    if found is None:
        return []
    drawn = [d["text"] for d in found["drawn"]]
    named = sorted(found["shown"]) == sorted(drawn) and (found["shown"] or not villages)
    out = [] if named else [("names", found["shown"], drawn)]
    left, top, right, bottom = found["map"]
    return out + [("name outside the map", d["text"], [round(v) for v in d["box"]]) for d in found["drawn"]
                  if d["box"][0] < left - 1 or d["box"][1] < top - 1 or d["box"][2] > right + 1
                  or d["box"][3] > bottom + 1]


def step_to(page, number: int) -> None:
    page.wait_for_function(DRAWN, arg=number, timeout=30_000)
    page.wait_for_timeout(250)  # the fit (assets/app.js) runs on the DOM's changes and a relayout of the map
    wait_settled(page)


@pytest.mark.browser
def test_every_slide_fits_every_projector(tab, server_url):  # noqa: F811
    set_story(tab, server_url, STORY)
    problems, maps = [], 0
    for number, (width, height) in enumerate(SIZES):
        tab.set_viewport_size({"width": width, "height": height})
        if number == 0:
            tab.goto(server_url + "/presentation")
        else:
            tab.keyboard.press("Home")
        for slide in range(1, len(STORY) + 1):
            step_to(tab, slide)
            measured = tab.evaluate(MEASURE)
            assert measured["count"] > 10
            problems += [(width, height, slide, *p) for p in measured["problems"]
                         + name_problems(tab, STORY[slide - 1]["level"] == "by")]
            maps += tab.locator("#slide .slide-map").count()
            if slide < len(STORY):
                tab.keyboard.press("ArrowRight")
    assert not problems, problems[:20]
    assert maps == 3 * len(SIZES)  # the names of three map slides were checked at each size
    assert not tab.recorder.console_errors and not tab.recorder.page_errors, (
        tab.recorder.console_errors[:5], tab.recorder.page_errors[:5])

    # Home/End, and a reload keeps the slide (its number is in the address)
    tab.keyboard.press("End")
    expect(tab.locator("#slide-counter")).to_have_text(f"Bild {len(STORY)} av {len(STORY)}")
    tab.keyboard.press("Home")
    expect(tab.locator("#slide-counter")).to_have_text(f"Bild 1 av {len(STORY)}")
    tab.keyboard.press("ArrowRight")
    tab.keyboard.press("ArrowRight")
    expect(tab.locator("#slide-counter")).to_have_text(f"Bild 3 av {len(STORY)}")
    assert tab.evaluate("location.hash") == "#3"
    tab.reload()
    expect(tab.locator("#slide-counter")).to_have_text(f"Bild 3 av {len(STORY)}")
    step_to(tab, 3)
    assert tab.locator(".slide-ranking th").count() == 5  # the five DeSO areas ranked beside the map
    assert axe_violations(tab) == []
