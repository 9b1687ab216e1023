"""Where a filter change's time goes in the browser (issue 24): headless Chromium on a running server, the year
toggled `--changes` times on the dashboard.

  python -m bench.profile --url http://127.0.0.1:8050 cpu    # the main thread's CPU by function (DevTools profiler)
  python -m bench.profile --url http://127.0.0.1:8050 map    # per change: the map's answer, Plotly.react, MapLibre's
                                                             # renders and plotly_afterplot, in ms after the change

Not a benchmark (it prints no target); the figures in bench/README.md that name it came from it.
"""
from __future__ import annotations

import argparse
import collections

from playwright.sync_api import sync_playwright

from .browser import ARGS, CHROMIUM, ELAPSED, INSTALL, MAP_READY, REPAINTED, VIEWPORT, _quiet

TIMELINE = """() => { window.__e = []; const P = window.Plotly, react = P.react;
  P.react = function (gd) { const map = gd && gd.closest && gd.closest('#map'), t0 = performance.now();
    const out = react.apply(this, arguments);
    if (map) { window.__e.push(['react', t0, performance.now()]);
               Promise.resolve(out).then(() => window.__e.push(['react done', t0, performance.now()])); }
    return out; };
  const fetch = window.fetch;
  window.fetch = function (url, options) { const map = ((options && options.body) || '').includes('map.figure');
    return fetch.apply(this, arguments).then(r => { if (map) window.__e.push(['answer', 0, performance.now()]);
                                                    return r; }); };
  const gd = document.querySelector('#map .js-plotly-plot');
  gd._fullLayout.map._subplot.map.on('render', () => window.__e.push(['render', 0, performance.now()]));
  gd.on('plotly_afterplot', () => window.__e.push(['afterplot', 0, performance.now()]));
  document.addEventListener('change', () => { window.__c = performance.now(); window.__e = []; }, true); }"""


def _walk(page, changes: int, each=None) -> list[int]:
    waves = [page.locator("#wave input").nth(i).get_attribute("value") for i in range(2)]
    repaints = []
    for i in range(changes):
        page.locator("#wave").get_by_label(str(waves[i % 2]), exact=True).check()
        page.wait_for_function(REPAINTED, polling="raf")
        repaints.append(round(page.evaluate(ELAPSED)))
        _quiet(page, 60_000)
        page.wait_for_timeout(300)
        if each:
            each(page)
    return repaints


def _label(node: dict) -> str:
    frame = node["callFrame"]
    return f'{frame["functionName"] or "(anonymous)"} {frame["url"].split("/")[-1].split("?")[0][:32]}'


def cpu_profile(profile: dict, top: int = 30) -> list[tuple[float, str]]:
    """(ms, function) by self time, from a DevTools CPU profile."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    spent = collections.Counter()
    for sample, delta in zip(profile["samples"], profile["timeDeltas"]):
        spent[_label(nodes[sample])] += delta / 1000
    return [(ms, name) for name, ms in spent.most_common(top)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("what", choices=("cpu", "map"))
    args = parser.parse_args(argv)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport=VIEWPORT, locale="sv-SE")
        page.goto(args.url + "/")
        page.wait_for_function(MAP_READY, timeout=60_000)
        page.evaluate(INSTALL)
        page.wait_for_timeout(1500)
        if args.what == "cpu":
            cdp = page.context.new_cdp_session(page)
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 200})
            cdp.send("Profiler.start")
            repaints = _walk(page, args.changes)
            for ms, name in cpu_profile(cdp.send("Profiler.stop")["profile"]):
                print(f"{ms:8.0f} ms  {name}")
        else:
            page.evaluate(TIMELINE)

            def show(page):
                changed, events = page.evaluate("() => [window.__c, window.__e]")
                print("  ".join(f"{kind} {t1 - changed:.0f}" + (f" (+{t1 - t0:.0f})" if t0 else "")
                                for kind, t0, t1 in events))
            repaints = _walk(page, args.changes, show)
        browser.close()
    print("repainted map after (ms):", sorted(repaints))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
