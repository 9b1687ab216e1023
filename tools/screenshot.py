"""Screenshots of the running dashboard at desktop, projector and phone sizes (headless Debian Chromium).

    python tools/screenshot.py [URL] [OUT_DIR]     # default http://127.0.0.1:8050/ → tests/output/screens
"""
from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

SIZES = {"desktop": (1920, 1080), "projector": (1280, 720), "phone": (360, 740)}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def main(url: str = "http://127.0.0.1:8050/", out: str = "tests/output/screens") -> None:
    Path(out).mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for name, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url)
            page.wait_for_selector("#result-table tbody tr", timeout=30_000)
            page.wait_for_selector("#map .maplibregl-canvas", timeout=30_000)
            page.wait_for_timeout(1500)
            page.screenshot(path=f"{out}/{name}.png", full_page=name != "desktop")
            page.close()
        browser.close()
    print(f"wrote {', '.join(SIZES)} to {out}")


if __name__ == "__main__":
    main(*sys.argv[1:])
