"""Issue 19: a region-wide survey (a police region or a county, its municipalities the finest level) reads right.
Every text of every view of a small region survey (tests/unit/region_survey.py), in Swedish and English, names the
whole by what it is ("hela regionen", "the rest of the region", "Polisregion Bergslagen"), never "kommunen" or
"the municipality"; a municipality's own name ("Mora kommun") and the level's label ("Kommun") may say it."""
from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import json
import re
from types import SimpleNamespace

import plotly.utils
import pytest
from flask import Flask
from region_survey import write_region_survey

from exports.tables import table_file
from layouts.methods import methods_page
from layouts.page import page
from survey.build import build
from survey.config import KOMMUN_LEVEL_ID, WHOLE_KINDS, ConfigError, kommun_area_name, load_config
from survey.results import open_results
from translations import catalog
from views.details import details_view, unfavourable_answers
from views.labels import filter_phrase, labelled_query, people, rolled_up_name, whole_words
from views.map import map_view
from views.params import query_view
from views.slides import make_slide
from views.summary import summarise
from views.texts import t

# "kommun" alone is the finest level's label ("Andel per kommun"); any longer word (kommunen, kommunens,
# Kommunpolisens) or the whole's phrases are the municipality's words. Likewise "municipality" in English.
FORBIDDEN = {"sv": re.compile(r"\bkommun(?!\b)\w*|\b(?:hela|övriga|resten av|i) kommun\b", re.IGNORECASE),
             "en": re.compile(r"\bmunicipal(?!ity\b)\w*|\b(?:the|whole|a) municipality\b|municipality's",
                              re.IGNORECASE)}
UNFILLED = re.compile(r"\{(?:whole|whole_name|survey_name|parties|parties_example|kommun)\}")  # a word not put in
NOT_TEXT = {"href", "src", "id", "value", "className", "style", "geojson", "uirevision", "colorscale", "color",
            "featureidkey", "keys", "data-rows", "data-grow"}  # addresses, ids and styles, not words anybody reads
LANGS = ("sv", "en")


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    folder = tmp_path_factory.mktemp("region")
    build(load_config(write_region_survey(folder)))
    return open_results(folder / "processed")


def texts(obj) -> list[str]:
    """Every string in a view's answer, figure, slide or page (but ids, addresses and styles)."""
    if isinstance(obj, str):
        return [obj]
    if dataclasses.is_dataclass(obj):
        obj = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.name != "image"}
    if isinstance(obj, dict):
        return [s for k, v in obj.items() if k not in NOT_TEXT for s in texts(v)]
    if isinstance(obj, (list, tuple)):
        return [s for v in obj for s in texts(v)]
    return []


def names(results) -> list[str]:
    return sorted({results.area_name(lv, a) for lv in results.levels for a in results.area_ids(lv)}, key=len,
                  reverse=True)


def municipal_words(found: list[str], results, lang: str) -> list[str]:
    """The texts that call the whole a municipality, with the areas' own names left out."""
    bad = []
    for text in found:
        plain = text
        for name in names(results):
            plain = plain.replace(name, "Område")
        if FORBIDDEN[lang].search(plain) or UNFILLED.search(plain):
            bad.append(text)
    return bad


def every_query(results):
    groups = results.codebook.groups
    questions = [q.id for q in results.codebook.single_choice] + [i.id for i in results.codebook.indices]
    for question, wave, level in itertools.product(questions, results.waves, results.levels):
        for combo in itertools.product(*[[None] + [o.code for o in g.shown] for g in groups]):
            filters = {g.id: c for g, c in zip(groups, combo) if c}
            for by in [""] + [g.id for g in groups if g.id not in filters]:
                yield {"question": question, "wave": str(wave), "level": level, "by": by, **filters}


@pytest.mark.parametrize("lang", LANGS)
def test_every_summary_names_the_region(region, lang):
    words = whole_words(region, lang)
    seen, rest_seen, bad = 0, 0, []
    for params in every_query(region):
        query = region.parse(params)
        rows, who = labelled_query(region, query, lang), people(region, query, lang)
        answers = unfavourable_answers(region, query, lang)
        per_area: dict[str, list[dict]] = {}
        for row in rows:
            per_area.setdefault(row["area_id"], []).append(row)
        for area_rows in per_area.values():
            row = area_rows[0]
            rolled = rolled_up_name(region, row, lang) if row["rolled_up_to"] else None
            text = summarise(row, area_rows[1:], answers, who, region.min_n, lang, query.level == KOMMUN_LEVEL_ID,
                             rolled, whole=words["whole"])
            seen += 1
            rest_seen += ("övriga regionen" if lang == "sv" else "the rest of the region") in text
            bad += municipal_words([text], region, lang)
    assert seen > 1_000 and rest_seen > 500 and not bad, bad[:5]


def view_texts(results, params: dict, area: str | None, lang: str) -> list[str]:
    """The page's details (summary, headings, table with its caption, bars, trend, ranking), the map, the slide."""
    shown = details_view(results, params, area, lang)
    found = texts({k: v for k, v in shown.items() if k not in ("rows", "csv")})
    if not area and params["level"] != KOMMUN_LEVEL_ID:
        found += texts(map_view(results, params, None, lang))
    return found + texts(make_slide(results, {**params, "filters": {}, "area": area or ""}, lang))


@pytest.mark.parametrize("lang", LANGS)
def test_every_view_and_slide_names_the_region(region, lang):
    questions = [q.id for q in region.codebook.single_choice] + [i.id for i in region.codebook.indices]
    bad, views = [], 0
    for question, level, by in itertools.product(questions, region.levels, ["", "kon"]):
        params = {"question": question, "wave": str(region.waves[-1]), "level": level, "by": by}
        for area in [None] + (region.area_ids(level) if level != KOMMUN_LEVEL_ID else []):
            bad += municipal_words(view_texts(region, params, area, lang), region, lang)
            views += 1
    assert views == 4 * 2 * (1 + 7 + 3) and not bad, sorted(set(bad))[:10]


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_the_methods_the_files_and_the_api_labels_name_the_region(region, lang):
    found = texts(json.loads(json.dumps([page(region, lang), methods_page(region, lang)],
                                        cls=plotly.utils.PlotlyJSONEncoder)))
    assert any(("Hela regionen" if lang == "sv" else "Whole region") in s for s in found)
    for params in ({"question": "q_otrygg", "wave": "2024", "level": "kn", "by": "kon"},
                   {"question": "idx_problem", "wave": "2024", "level": "lpo", "kon": "2"}):
        query = region.parse(params)
        rows = list(labelled_query(region, query, lang))
        found += [r[k] or "" for r in rows for k in ("area_name", "group_label", "rolled_up_label", "group_text")]
        found.append(filter_phrase(region, query.filters, lang))
        body = table_file(region, query_view(query, lang), "csv")[0].decode("utf-8-sig")
        table = list(csv.reader(io.StringIO(body), delimiter=";" if lang == "sv" else ","))
        level_column = table[0].index(t("level", lang))  # the level's id ("kommun" for the whole), not a text
        found += [cell for line in table for i, cell in enumerate(line) if i != level_column]
    bad = municipal_words(found, region, lang)
    assert not bad, bad[:10]


@pytest.mark.parametrize("lang", LANGS)
def test_the_feedback_pages_name_the_region(region, lang, tmp_path, monkeypatch):
    """The public återkoppling pages (the region's and a municipality's) and the flyer's words."""
    from promises.routes import install

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("TRYGG_PROMISES_DB", str(tmp_path / "promises.sqlite3"))
    server = Flask(__name__)
    install(server, lambda: region, tmp_path)
    client = server.test_client()
    found = []
    for path in ("/aterkoppling/", "/aterkoppling/kn/2062", "/aterkoppling/lpo/lpo_mora"):
        answer = client.get(path + ("?lang=en" if lang == "en" else ""))
        assert answer.status_code == 200, path
        found.append(re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True)))
    assert ("det här gör polisen och dess samarbetspartner" if lang == "sv" else
            "what the police and its partners are doing") in found[1]
    assert ("Hela Polisregion Bergslagen och alla områden" if lang == "sv" else
            "All of Polisregion Bergslagen and every area") in found[1]
    assert not municipal_words(found, region, lang)


def test_every_text_with_the_wholes_words_reads_right_for_a_region_and_a_county(region):
    """Each catalog text that names the whole ({whole}, {survey_name}, …) does so in the region's and the
    county's words, and no other text says "kommunen" or "the municipality" (but the name of the law that asks
    municipalities for a lägesbild)."""
    placeholders = {"whole", "whole_name", "survey_name", "parties", "parties_example"}
    county = {**region.manifest, "kommun": {**region.manifest["kommun"], "kind": "län"}}
    law = {"sv": "lagen om kommuners ansvar", "en": "Act on municipalities' responsibility"}
    for lang in LANGS:
        entries = {k: text.replace(law[lang], "lagen") for k, text in catalog(lang).items()
                   if not k.startswith("whole_")}
        for manifest in (region.manifest, county):
            words = whole_words(SimpleNamespace(manifest=manifest, area_name=region.area_name), lang)
            for key, text in entries.items():
                if any("{" + p + "}" in text for p in placeholders):
                    filled = re.sub(r"\{(\w+)\}", lambda m, w=words: w.get(m[1], "x"), text)
                    assert not municipal_words([filled], region, lang), (lang, key, filled)
        assert not [k for k, text in entries.items() if FORBIDDEN[lang].search(text)]


GOLDEN = [
    ({"level": "kommun"}, None, {
        "sv": "I hela regionen svarar 37 % (33 %–41 %) otrygg. Andelen har ökat sedan 2022 (30 %), och förändringen "
              "är statistiskt säkerställd.",
        "en": "In the whole region, 37% (33%–41%) answer unsafe. The share has risen since 2022 (30%), and the change "
              "is statistically significant."}),
    ({"level": "kn"}, "2062", {
        "sv": "I Mora kommun svarar 61 % (53 %–69 %) otrygg. Det är fler än i övriga regionen (29 %), och skillnaden "
              "är statistiskt säkerställd.",
        "en": "In Mora kommun, 61% (53%–69%) answer unsafe. That is more than in the rest of the region (29%), and the "
              "difference is statistically significant."}),
    ({"level": "kommun", "kon": "1"}, None, {"sv": "I hela regionen, bland kvinnor, svarar",
                                             "en": "In the whole region, among women,"}),
    ({"level": "kn", "question": "idx_problem"}, "2062", {
        "sv": "I övriga regionen är värdet 34; skillnaden är inte statistiskt säkerställd.",
        "en": "In the rest of the region the value is 34; the difference is not statistically significant."}),
]


@pytest.mark.parametrize("params, area, expected", GOLDEN)
def test_golden_sentences(region, params, area, expected):
    for lang in LANGS:
        view = details_view(region, {"question": "q_otrygg", "wave": "2024", **params}, area, lang)
        assert expected[lang] in view["summary"].replace("\u00a0", " "), view["summary"]


def test_the_names_of_the_whole_in_headings_and_slides(region):
    words = {lang: whole_words(region, lang) for lang in LANGS}
    assert t("subtitle", "sv", **words["sv"]) == "Polisens trygghetsenkät i Polisregion Bergslagen"
    assert t("subtitle", "en", **words["en"]) == "Police safety survey in Polisregion Bergslagen"
    assert [lv["label"] for lv in region.manifest["levels"]][-1] == {"sv": "Hela regionen", "en": "Whole region"}
    assert region.area_name(KOMMUN_LEVEL_ID, "R5") == "Polisregion Bergslagen"
    slide = make_slide(region, {"question": "q_otrygg", "wave": "2024", "level": "kn", "by": "", "filters": {},
                                "area": "2039"}, "sv")
    assert slide.too_few and slide.too_few_text.endswith("Titta gärna på en större områdesnivå eller hela regionen.")
    assert slide.source.startswith("Polisens trygghetsenkät 2024, Polisregion Bergslagen.")
    assert slide.numbers[-1].startswith("Hela regionen")
    ranking = make_slide(region, {"question": "q_otrygg", "wave": "2024", "level": "kn", "by": "", "filters": {},
                                  "area": ""}, "en").ranking_notes
    assert "▲ higher and ▼ lower than the rest of the region (statistically significant)" in ranking


def test_a_county_reads_as_a_county(tmp_path):
    build(load_config(write_region_survey(tmp_path, kind="län", full_name="Dalarnas län")))
    county = open_results(tmp_path / "processed")
    summary = {lang: details_view(county, {"question": "q_otrygg", "wave": "2024", "level": "kn"}, "2062",
                                  lang)["summary"] for lang in LANGS}
    assert "Det är fler än i övriga länet (29 %)" in summary["sv"].replace("\u00a0", " ")
    assert "That is more than in the rest of the county (29%)" in summary["en"]
    assert [lv["label"] for lv in county.manifest["levels"]][-1] == {"sv": "Hela länet", "en": "Whole county"}
    assert t("source_survey", "sv", wave=2024, **whole_words(county, "sv")) == \
        "Polisens trygghetsenkät 2024, Dalarnas län."


def test_an_unknown_kind_of_whole_is_refused_naming_the_key(tmp_path):
    config = write_region_survey(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace('typ = "region"', 'typ = "stad"'), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[kommun\] typ = 'stad', väntade en av 'kommun', 'region', 'län'"):
        load_config(config)


def test_the_levels_label_of_the_whole_is_the_interfaces_words(region):
    """The whole's level label comes from the build (survey.config.WHOLE_KINDS), the texts' words from the
    catalogs: the two say the same for every kind. Without `fullnamn` a region or county keeps its `namn`."""
    for kind, label in WHOLE_KINDS.items():
        manifest = {**region.manifest, "kommun": {**region.manifest["kommun"], "kind": kind}}
        for lang in LANGS:
            words = whole_words(SimpleNamespace(manifest=manifest, area_name=region.area_name), lang)
            assert t("whole_kommun", lang, **words) == label[lang]
    assert kommun_area_name("Bergslagen", "", "region") == "Bergslagen"
    assert kommun_area_name("Älvdalen") == "Älvdalen"  # no grammar rule: "Falun" is "Falu kommun"
    assert kommun_area_name("Falun", "Falu kommun") == "Falu kommun"
