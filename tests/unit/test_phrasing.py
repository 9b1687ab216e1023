"""Issue 20: the summary reads as written by a person, in Swedish and English, for every combination of the demo's
area (at every level), group filter and breakdown: golden sentences for a selection, forbidden patterns for all."""
from __future__ import annotations

import itertools
import re

import pytest

from views.details import details_view, unfavourable_answers
from views.labels import labelled_query, people, rolled_up_name
from views.summary import summarise

QUESTION, WAVE = "q_otrygg_kvall", "2019"
FORBIDDEN = {
    "both": [r"\b(\w+) \1\b",                       # a doubled word
             r"\bNone\b(?! of)", r"\bnan\b", r"[{}]",     # a value or placeholder that was not filled in
             r",,|,\.|\s[,.]|  |\.\.|,$"],         # broken punctuation
    "sv": [r"\b(kvinn\w*|män|man|svara|annat) och \d",  # "och" joining a noun and an age ("kvinna och 65–84")
           r"\bkvinna\b|\bman\b(?! \d)",              # a codebook's singular option inside the sentence
           r"\b(the|among|and|respondents|women|men|aged|who|share|answer)\b"],  # English in Swedish
    "en": [r"\b(women|men|woman|man|say|respondents) and \d",
           r"\bwoman\b",
           r"\b(och|bland|svarande|kvinnor|män|år|som|visas|andelen|i hela)\b"],  # Swedish in English
}


def without_names(text: str, names: list[str]) -> str:
    """The text with the areas' names left out (Swedish place names are allowed in English: "Åsen, Brunnsberg och
    Evertsberg")."""
    for name in names:
        text = text.replace(name, "Område")
    return text


def every_summary(results, lang: str):
    """(filters, by, level, row, summary) for every area × filter × breakdown of one question and wave."""
    groups = results.codebook.groups
    for combo in itertools.product(*[[None] + [o.code for o in g.shown] for g in groups]):
        filters = {g.id: c for g, c in zip(groups, combo) if c}
        for by in [""] + [g.id for g in groups if g.id not in filters]:
            for level in results.levels:
                query = results.parse({"question": QUESTION, "wave": WAVE, "level": level, "by": by, **filters})
                rows, who = labelled_query(results, query, lang), people(results, query, lang)
                answers = unfavourable_answers(results, query, lang)
                per_area: dict[str, list[dict]] = {}
                for row in rows:
                    per_area.setdefault(row["area_id"], []).append(row)
                for area_rows in per_area.values():
                    row = area_rows[0]
                    rolled = rolled_up_name(results, row, lang) if row["rolled_up_to"] else None
                    yield filters, by, level, row, summarise(row, area_rows[1:], answers, who, results.min_n, lang,
                                                             level == "kommun", rolled)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_combination_reads_as_a_person_writes(results, lang):
    names = sorted({results.area_name(lv, a) for lv in results.levels for a in results.area_ids(lv)}, key=len,
                   reverse=True)
    patterns = [re.compile(p, re.IGNORECASE if "\\b(" in p and "kvinna" not in p else 0)
                for p in FORBIDDEN["both"] + FORBIDDEN[lang]]
    seen = own_name_seen = filtered_seen = 0
    for filters, by, level, row, text in every_summary(results, lang):
        seen += 1
        filtered_seen += bool(filters)
        plain = without_names(text, names)
        for pattern in patterns:
            assert not pattern.search(plain), (pattern.pattern, filters, by, level, text)
        if row["rolled_up_to"] and row["rolled_up_to"] == row["area_name"]:  # the village Älvdalen, distrikt Älvdalen
            own_name_seen += 1
            assert f"{row['area_name']}." not in text and f"{row['area_name']} is shown" not in text, text
            assert f"{row['area_name']} (" in text
    # kön 3 is never a cell of its own (shown_alone: false): 3,317 views remain, 3,000 or more of them filtered
    assert seen > 3_000 and filtered_seen > 2_500 and own_name_seen > 0


GOLDEN = [
    ({"level": "kommun", "kon": "1", "alder": "4"}, None, {
        "sv": "I hela kommunen, bland kvinnor 65–84 år, svarar 27 % (20 %–37 %) ganska otrygg, mycket otrygg eller "
              "går inte ut på kvällen av oro för att utsättas för brott.",
        "en": "In the whole municipality, among women aged 65–84, 27% (20%–37%) answer fairly unsafe, very unsafe "
              "or do not go out in the evening for fear of crime."}),
    ({"level": "kommun", "boende": "3", "alder": "3"}, None, {
        "sv": "I hela kommunen, bland svarande 45–64 år som bor på annat sätt, svarar 17 % (5 %–44 %)",
        "en": "In the whole municipality, among respondents aged 45–64 who live in other housing, 17% (5%–44%)"}),
    ({"level": "kommun", "by": "alder", "kon": "1"}, None, {
        "sv": "För kvinnor 16–24 år och kvinnor 25–44 år visas ingen siffra: för få svar.",
        "en": "For women aged 16–24 and women aged 25–44, no figure is shown: too few answers."}),
    ({"level": "kommun", "by": "kon"}, None, {
        "sv": "Andelen är högre bland kvinnor än bland övriga (statistiskt säkerställt). Andelen är lägre bland män "
              "än bland övriga (statistiskt säkerställt).",
        "en": "The share is higher among women than among the others (statistically significant). The share is "
              "lower among men than among the others (statistically significant)."}),
    ({"level": "deso", "boende": "2"}, "2039C1010", {
        "sv": "I Älvdalens tätort med Västermyckeläng, bland svarande som bor i lägenhet, svarar",
        "en": "In Älvdalens tätort med Västermyckeläng, among respondents who live in a flat,"}),
    ({"level": "by", "kon": "1", "alder": "4"}, "by_alvdalen", {
        "sv": "I stället visas siffran för Älvdalen (distrikt).",
        "en": "The figure for Älvdalen (district) is shown instead."}),
]


@pytest.mark.parametrize("params, area, expected", GOLDEN)
def test_golden_sentences(results, params, area, expected):
    for lang in ("sv", "en"):
        summary = details_view(results, {"question": QUESTION, "wave": WAVE, **params}, area, lang)["summary"]
        assert expected[lang] in summary.replace("\u00a0", " "), summary
