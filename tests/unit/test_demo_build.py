"""The demo build: areas nest, the simplified layers still tile the municipality, and the callbacks' output."""
from __future__ import annotations

import json
import re

import pytest
import shapely
from shapely.geometry import shape

from views.details import details_view
from views.labels import labelled_query, whole_words
from views.map import map_view
from views.params import area_choice
from views.texts import half_up


def layer(processed, level):
    features = json.loads((processed / "geo" / f"{level}.geojson").read_text())["features"]
    return {f["properties"]["area_id"]: shape(f["geometry"]) for f in features}


def test_hierarchy_and_names(results):
    areas = results.areas
    assert sorted(areas.groupby("level").size().to_dict().items()) == [
        ("by", 22), ("deso", 5), ("distrikt", 3), ("kommun", 1)]
    assert results.area_name("deso", "2039A0030") == "Idre med fjällbyarna"
    assert results.area_name("distrikt", "distrikt_sarna") == "Särna"


@pytest.mark.parametrize("level", ["by", "deso", "distrikt"])
def test_simplified_layers_have_no_gaps_or_overlaps(processed, level):
    shapes = list(layer(processed, level).values())
    whole = layer(processed, "kommun")["2039"]
    union = shapely.union_all(shapes)
    overlap = sum(s.area for s in shapes) - union.area
    gap = whole.symmetric_difference(union).area
    assert overlap / whole.area < 1e-6 and gap / whole.area < 1e-4


def test_map_view_shows_query_shares_and_greys_small_areas(results):
    params = {"question": "q_otrygg_kvall", "wave": "2019", "level": "by"}
    figure, note = map_view(results, params, None, "sv")
    rows = {r["area_id"]: r for r in labelled_query(results, results.parse(params), "sv")}
    traces = {trace["name"]: trace for trace in figure["data"]}
    coloured = {**dict(zip(traces["share"]["locations"], traces["share"]["z"])),
                **dict(zip(traces["uncertain"]["locations"], traces["uncertain"]["z"]))}
    assert coloured == {a: int(half_up(r["share"] * 100)) for a, r in rows.items() if not r["suppressed"]}
    assert set(traces["uncertain"]["locations"]) == {a for a, r in rows.items() if r["unreliable"]} != set()
    assert traces["uncertain"]["marker"]["opacity"] < traces["share"]["marker"]["opacity"]
    assert set(traces["suppressed"]["locations"]) == {a for a, r in rows.items() if r["suppressed"]} != set()
    assert figure["data"][0]["geojson"].startswith("/geo/by.geojson")
    assert "5 svar" in note and figure["layout"]["map"]["style"] == "white-bg"


def test_details_view_table_matches_query(results):
    params = {"question": "p_fortkorning", "wave": "2016", "level": "deso", "by": "kon"}
    view = details_view(results, params, "2039A0030", "en")
    expected = list(labelled_query(results, results.parse(params), "en")) + list(
        labelled_query(results, results.parse({**params, "level": "kommun"}), "en"))
    assert view["rows"] == expected
    bars = view["bars"]
    assert any(label.startswith("Idre med fjällbyarna<br>Woman") for label in bars["data"][0]["y"])
    assert view["title"] == results.codebook.question("p_fortkorning").text["en"]
    assert "format=csv" in view["csv"] and "by=kon" in view["csv"]


def test_invalid_input_gives_a_message_not_an_exception(results):
    figure, note = map_view(results, {"question": "x", "wave": "2019", "level": "by"}, None, "sv")
    assert figure == {"data": [], "layout": {}} and "'question'" in note
    view = details_view(results, {"question": "q_otrygg_kvall", "wave": "1999", "level": "by"}, None, "sv")
    assert "'wave'" in view["title"]


def test_area_choice(results):
    options, value = area_choice(results, "deso", None, "by_idre", from_map=False)
    assert len(options) == 5 and value is None  # a village is not a DeSO: reset to the whole municipality
    _, value = area_choice(results, "deso", "2039A0020", None, from_map=True)
    assert value == "2039A0020"


def test_methods_page_states_the_rules_in_both_languages(results):
    from layouts.methods import methods_page

    more = {"sv": "## För den som vill veta mer", "en": "## For those who want to know more"}
    for lang, words in (("sv", ["Så räknar vi", "färre än 5 svar", "Wilsons metod", "Holms korrektion",
                                "By**: gränserna", "närmaste större område", "dra ifrån"]),
                        ("en", ["How we count", "fewer than 5 answers", "Wilson's method", "Holm's correction",
                                "nearest larger area", "by subtraction"])):
        page = methods_page(results, lang)
        text = page.children[-1].children[1].children.children
        assert all(w in text for w in words), (lang, text)
        # issue 20: plain words first (hidden areas show the larger area, not grey), the terms in their own part
        plain, technical = text.split(more[lang])
        assert not re.search(r"Wilson|Holm|z-test|raking|effektiv|effective|Kish|konfidens|confidence", plain)
        assert re.search(r"Wilson.*Kish.*z-test.*Holm", technical, re.S)
        assert page.children[-1].children[0].children[1].href == f"/metod?lang={'en' if lang == 'sv' else 'sv'}"


def test_map_hover_says_what_the_table_says(results):
    """Each coloured area's hover, the template filled with its customdata as plotly does, ends in its remarks
    (differs from the rest, uncertain), though "uncertain" is in the faded trace's template, not sent per area."""
    import re

    from views.texts import t

    seen = set()
    for question in [q.id for q in results.codebook.single_choice][:8]:
        for wave in results.waves:
            for lang in ("sv", "en"):
                params = {"question": question, "wave": str(wave), "level": "by"}
                figure, _ = map_view(results, params, None, lang)
                rows = {r["area_id"]: r for r in labelled_query(results, results.parse(params), lang)}
                for trace in [tr for tr in figure["data"] if tr["name"] in ("share", "uncertain")]:
                    for area, data in zip(trace["locations"], trace["customdata"]):
                        hover = re.sub(r"%\{customdata\[(\d)\]\}", lambda m, data=data: str(data[int(m[1])]),
                                       trace["hovertemplate"])
                        assert "%{z}" in hover
                        last = hover.removesuffix("<extra></extra>").rsplit("<br>", 1)[1]
                        r = rows[area]
                        flag = [t(f"sig_{r['vs_rest']}", lang, **whole_words(results, lang))] if r["vs_rest"] else []
                        expected = " · ".join(flag
                                              + ([t("uncertain", lang)] if r["unreliable"] else []))
                        assert last == expected, (params, area, hover)
                        seen.add((bool(r["vs_rest"]), bool(r["unreliable"])))
    assert len(seen) >= 3  # differs, uncertain, neither (and both, where the demo has it)
