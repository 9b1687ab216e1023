"""The plain-language summary never claims a difference the test did not find, and always names suppression."""
from __future__ import annotations

import re

import pytest

from views.details import details_view
from views.labels import labelled_query
from views.summary import summarise

SIGNIFICANT = {"sv": re.compile(r"och (skillnaden|förändringen) är statistiskt säkerställd"),
               "en": re.compile(r"and the (difference|change) is statistically significant")}


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
                    rows = labelled_query(results, results.parse(params), lang)
                    answers = [o.label[lang].lower() for o in getattr(question, "options", ()) if o.unfavourable]
                    for area_id in results.area_ids(level):
                        area_rows = [r for r in rows if r["area_id"] == area_id]
                        row, groups = area_rows[0], area_rows[1:]
                        text = summarise(row, groups, answers, [], results.min_n, lang, level == "kommun")
                        checked += 1
                        expected = int(bool(row["vs_rest"]) and level != "kommun") + int(bool(row["change"]))
                        assert claims(text, lang) == expected, text
                        if row["suppressed"]:
                            suppressed_seen += 1
                            assert ("för få svar" if lang == "sv" else "too few answers") in text
                            assert "%" not in text
                            continue  # the area's own statement covers its groups
                        for g in groups:
                            if g["suppressed"]:
                                assert re.search(rf"{re.escape(g['group_label'])}[^.]*(för få svar|too few answers)",
                                                 text)
                            word = {"higher": "högre" if lang == "sv" else "higher",
                                    "lower": "lägre" if lang == "sv" else "lower"}.get(g["vs_rest"])
                            if word:
                                significant_seen += 1
                                assert f"{g['group_label']} {word}" in text
                            elif not g["suppressed"]:
                                assert (f"{g['group_label']} högre" not in text
                                        and f"{g['group_label']} lägre" not in text)
    assert checked > 8_000 and suppressed_seen > 100 and significant_seen > 10


def test_summary_changes_with_the_selection(results):
    base = {"question": "q_otrygg_kvall", "wave": "2019", "level": "deso", "by": ""}
    whole = details_view(results, base, None, "sv")["summary"]
    idre = details_view(results, base, "2039A0030", "sv")["summary"]
    women = details_view(results, {**base, "kon": "1"}, None, "sv")["summary"]
    assert whole.startswith("I hela kommunen svarar") and idre.startswith("I Idre med fjällbyarna svarar")
    assert women.startswith("I hela kommunen bland kvinna svarar")
    assert len({whole, idre, women}) == 3
