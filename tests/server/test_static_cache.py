"""What a returning browser loads again (issue 24, web/static.py): nothing for a versioned URL (a year, immutable),
a 304 for the rest when unchanged (asked with the ETag of the compressed copy it was sent, "…:br"); and the index
page with each view's own answer and language (web/first_paint.py), never another's."""
from __future__ import annotations

import json
import re

import requests

BR = {"Accept-Encoding": "gzip, deflate, br"}


def test_versioned_files_are_kept_and_the_others_revalidate(server_url):
    page = requests.get(server_url + "/", headers=BR, timeout=30).text
    urls = re.findall(r'(?:src|href)="(/(?:assets|_dash-component-suites)/[^"]+)"', page)
    assert any(u.startswith("/assets/") for u in urls) and any("_dash-component-suites" in u for u in urls)
    for url in urls:
        response = requests.get(server_url + url, headers=BR, timeout=30)
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url
    for url in ("/_dash-component-suites/dash/dcc/async-graph.js",
                "/_dash-component-suites/plotly/package_data/plotly.min.js"):
        first = requests.get(server_url + url, headers=BR, timeout=30)
        assert first.headers["Content-Encoding"] == "br" and first.headers["ETag"].endswith(':br"')
        again = requests.get(server_url + url, headers={**BR, "If-None-Match": first.headers["ETag"]}, timeout=30)
        assert again.status_code == 304 and not again.content
        other = requests.get(server_url + url, headers={**BR, "If-None-Match": '"not-it:br"'}, timeout=30)
        assert other.status_code == 200 and len(other.content) > 1000


def test_each_url_gets_its_own_first_paint(server_url):
    """Dash builds the index page per request, and the response cache keeps only callback answers."""
    def view(query):
        text = requests.get(server_url + "/" + query, timeout=30).text
        return re.search(r'<html lang="(\w+)"', text)[1], re.search(r"<h2[^>]*>([^<]+)</h2>", text)[1]

    klotter_sv, default_sv = view("?question=p_klotter"), view("")
    assert view("?question=p_klotter&lang=en")[0] == "en" and klotter_sv[0] == default_sv[0] == "sv"
    assert len({klotter_sv[1], default_sv[1], view("?question=p_klotter&lang=en")[1]}) == 3
    assert view("?question=p_klotter") == klotter_sv
    assert requests.get(server_url + "/?question=%3Cscript%3E&wave=x&by=';", timeout=30).status_code == 200


def test_the_map_image_is_the_views_map(server_url, processed):
    """/map.svg (web/first_paint.py): the view's map as an SVG image, kept a day when it names the current build,
    a minute otherwise; a view it cannot read is the default view's, as the page is."""
    build = json.loads((processed / "manifest.json").read_text(encoding="utf-8"))["build_id"]
    view = server_url + "/map.svg?question=p_klotter&level=deso&lang=en"
    response = requests.get(view, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("image/svg+xml")
    assert response.text.startswith("<svg") and "too few answers" in response.text
    assert response.text.count("<path") == 5 and response.headers["Cache-Control"] == "public, max-age=60"
    assert requests.get(view + "&v=" + build, timeout=30).headers["Cache-Control"] == "public, max-age=86400"
    odd = requests.get(server_url + "/map.svg?question=%3Cscript%3E&level=x&wave=y", timeout=30)
    assert odd.status_code == 200 and "<script" not in odd.text and odd.text.count("<path") > 5
