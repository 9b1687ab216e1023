"""The plain-language summary never claims a difference the test did not find, and always names suppression."""
from __future__ import annotations

import re

import pytest

from views.details import details_view
from views.labels import labelled_query, people
from views.summary import summarise

SIGNIFICANT = {"sv": re.compile(r"och (skillnaden|förändringen) är statistiskt säkerställd"),
               "en": re.compile(r"and the (difference|change) is statistically significant")}


WORD = {"sv": {"higher": "högre", "lower": "lägre"}, "en": {"higher": "higher", "lower": "lower"}}


def claims(text: str, lang: str) -> int:
    return len(SIGNIFICANT[lang].findall(text))


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_view_every_area(results, lang):
    checked = suppressed_seen = significant_seen = 0
    for question in results.codebook.single_choice + results.codebook.indices:
        for wave in results.waves:
            for level in results.levels:
                for by in ["", "kon", "alder", "boende"]:
                    params = {"question": question.id, "wave": str(wave), "level": level, "by": by}
                    query = results.parse(params)
                    rows, who = labelled_query(results, query, lang), people(results, query, lang)
                    answers = [o.label[lang].lower() for o in getattr(question, "options", ()) if o.unfavourable]
                    for area_id in results.area_ids(level):
                        area_rows = [r for r in rows if r["area_id"] == area_id]
                        row, groups = area_rows[0], area_rows[1:]
                        text = summarise(row, groups, answers, who, results.min_n, lang, level == "kommun")
                        checked += 1
                        expected = int(bool(row["vs_rest"]) and level != "kommun") + int(bool(row["change"]))
                        assert claims(text, lang) == expected, text
                        if row["suppressed"]:
                            suppressed_seen += 1
                            assert ("för få svar" if lang == "sv" else "too few answers") in text
                            assert "%" not in text
                            continue  # the area's own statement covers its groups
                        sentences = text.split(". ")
                        for g in groups:
                            name = rf"\b{re.escape(who[g['group']])}\b"
                            if g["suppressed"]:
                                assert re.search(name + r"[^.]*(för få svar|too few answers)", text)
                            said = {d: [s for s in sentences if re.search(rf"\b{WORD[lang][d]}\b[^.]*{name}", s)]
                                    for d in ("higher", "lower")}
                            if g["vs_rest"]:
                                significant_seen += 1
                                assert said[g["vs_rest"]] and not said[{"higher": "lower", "lower": "higher"}[
                                    g["vs_rest"]]], text
                            else:
                                assert not said["higher"] and not said["lower"], text
    assert checked > 8_000 and suppressed_seen > 100 and significant_seen > 10


def test_summary_changes_with_the_selection(results):
    base = {"question": "q_otrygg_kvall", "wave": "2019", "level": "deso", "by": ""}
    whole = details_view(results, base, None, "sv")["summary"]
    idre = details_view(results, base, "2039A0030", "sv")["summary"]
    women = details_view(results, {**base, "kon": "1"}, None, "sv")["summary"]
    assert whole.startswith("I hela kommunen svarar") and idre.startswith("I Idre med fjällbyarna svarar")
    assert women.startswith("I hela kommunen, bland kvinnor, svarar")
    assert len({whole, idre, women}) == 3
