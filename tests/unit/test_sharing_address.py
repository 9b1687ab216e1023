"""Issue 20: "Dela" reaches the audience: `[app] public_url` (or TRYGG_PUBLIC_URL) is the link's address, and a
link to this computer alone (127.0.0.1, localhost, ::1) is called out; the source line per language."""
from __future__ import annotations

import pytest

from layouts.page import page
from survey.config import ConfigError, load_config
from views.labels import source_credit
from views.qr import only_this_computer, public_url, shared_url


def with_app(tiny, lines: str):
    tiny.write_text(tiny.read_text() + "\n[app]\n" + lines + "\n")
    return load_config(tiny)


def test_public_url_and_credits_from_the_config(tiny):
    config = with_app(tiny, 'public_url = "https://trygghet.kommun.se/"\n'
                            'source_credit = { sv = "Källa: SCB", en = "Source: SCB" }')
    assert config.public_url == "https://trygghet.kommun.se"
    assert config.source_credits == {"sv": "Källa: SCB", "en": "Source: SCB"} and config.source_credit == "Källa: SCB"


@pytest.mark.parametrize("value", ['"trygghet.kommun.se"', '"https://kommun.se/trygghet"', "8050",
                                   '"http://192.168.1.10:8050/?x=1"'])
def test_a_public_url_that_is_not_an_address_is_refused(tiny, value):
    with pytest.raises(ConfigError, match="public_url"):
        with_app(tiny, f"public_url = {value}")


def test_without_public_url_the_link_is_the_address_in_use(tiny, monkeypatch):
    monkeypatch.delenv("TRYGG_PUBLIC_URL", raising=False)
    assert with_app(tiny, 'default_language = "sv"').public_url == ""
    assert public_url({}) == ""
    assert shared_url("http://127.0.0.1:8050/?level=deso", "") == "http://127.0.0.1:8050/?level=deso"


def test_the_public_address_replaces_the_own(monkeypatch):
    monkeypatch.delenv("TRYGG_PUBLIC_URL", raising=False)
    assert public_url({"public_url": "https://trygghet.kommun.se"}) == "https://trygghet.kommun.se"
    monkeypatch.setenv("TRYGG_PUBLIC_URL", "http://10.0.0.5:8050/")
    assert public_url({"public_url": "https://trygghet.kommun.se"}) == "http://10.0.0.5:8050"  # the environment wins
    assert shared_url("http://127.0.0.1:8050/?level=deso&kon=1", "https://trygghet.kommun.se") == \
        "https://trygghet.kommun.se/?level=deso&kon=1"


@pytest.mark.parametrize("url, local", [
    ("http://127.0.0.1:8050/", True), ("http://localhost:8050/?lang=en", True), ("http://[::1]:8050/", True),
    ("http://127.1.2.3/", True), ("http://0.0.0.0:8050/", True),
    ("http://192.168.1.10:8050/", False), ("https://trygghet.kommun.se/", False), ("http://10.0.0.5/", False)])
def test_only_this_computer(url, local):
    assert only_this_computer(url) is local


def test_the_page_gives_the_browser_the_public_address_and_the_credit_per_language(results, monkeypatch):
    monkeypatch.setenv("TRYGG_PUBLIC_URL", "https://trygghet.kommun.se")
    found = {}

    def walk(node):
        if getattr(node, "id", None) == "view-defaults":
            found["defaults"] = node.data
        for child in (getattr(node, "children", None) or []) if isinstance(getattr(node, "children", None), list) \
                else [getattr(node, "children", None)]:
            if child is not None and not isinstance(child, str):
                walk(child)
        return found

    assert walk(page(results, "en"))["defaults"]["public_url"] == "https://trygghet.kommun.se"
    assert source_credit(results.manifest, "en").startswith("Source:")
    assert source_credit(results.manifest, "sv").startswith("Källa:")
    assert source_credit({"source_credit": "Källa: X"}, "en") == "Källa: X"  # a build made before: the one text
