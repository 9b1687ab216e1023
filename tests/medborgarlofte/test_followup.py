"""An indicator's follow-up and the återkoppling's numbers are the API's (the one query path), a hidden cell stays
hidden, the verdict is the two-proportion test of survey/estimates.py, and the flyer is one A4 page with the page's
words inside its margins. On the demo build (the session's `results`)."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from pypdf import PdfReader

from promises.feedback import area_feedback, main_results
from promises.flyer import flyer_pdf
from promises.followup import check_indicator, follow_up, indicator_from_view
from survey.estimates import ALPHA, Estimates, difference_p_values
from survey.results import QueryError
from views.labels import labelled_query

MM = 72 / 25.4


def api_row(results, indicator: dict, wave: int) -> dict:
    query = results.parse({"question": indicator["question"], "wave": str(wave), "level": indicator["level"],
                           **indicator["filters"]})
    return next(r for r in labelled_query(results, query, "sv")
                if r["area_id"] == indicator["area_id"] and r["group"] is None)


def one(row: dict) -> Estimates:
    return Estimates(p=np.array([row["share"]]), low=np.array([row["share_low"]]),
                     high=np.array([row["share_high"]]), n=np.array([row["n"]]), n_eff=np.array([row["n_eff"]]))


@pytest.mark.parametrize("view", [
    {"question": "p_fortkorning", "wave": "2016", "level": "distrikt", "area": "distrikt_idre"},
    {"question": "q_otrygg_kvall", "wave": "2016", "kon": "1"},
    {"question": "p_nedskrapning", "wave": "2016", "level": "deso", "area": "2039A0030", "alder": "2"},
    {"question": "idx_problem", "wave": "2016", "level": "distrikt", "area": "distrikt_alvdalen"},
])
def test_the_follow_up_is_the_apis_numbers_with_the_two_proportion_test(results, view):
    indicator = indicator_from_view(results, view)
    found = follow_up(results, SimpleNamespace(**indicator), "sv")
    assert [p["wave"] for p in found["points"]] == [w for w in results.waves if w >= indicator["baseline_wave"]]
    for point in found["points"]:
        row = api_row(results, indicator, point["wave"])
        assert point["suppressed"] == row["suppressed"]
        for key in ("n", "share", "share_low", "share_high"):
            assert point[key] == pytest.approx(row[key], rel=1e-12), key
    base, last = found["points"][0], found["points"][-1]
    if not (base["suppressed"] or last["suppressed"]) and view["question"] != "idx_problem":
        p = difference_p_values(one(api_row(results, indicator, last["wave"])),
                                one(api_row(results, indicator, base["wave"])))[0]
        assert last["p_vs_baseline"] == pytest.approx(p)  # one later wave: Holm changes nothing
        expected = None if p >= ALPHA else ("lower" if last["share"] < base["share"] else "higher")
        assert last["change"] == expected
        assert last["verdict"] == {None: "ingen säkerställd förändring", "lower": "minskat, statistiskt säkerställt",
                                   "higher": "ökat, statistiskt säkerställt"}[expected]


def test_a_hidden_cell_stays_hidden_in_the_follow_up(results):
    hidden = next(r for r in results.query(results.parse({"question": "q_otrygg_kvall", "wave": "2016",
                                                          "level": "by", "alder": "4"}))
                  if r["suppressed"] and r["group"] is None)
    indicator = indicator_from_view(results, {"question": "q_otrygg_kvall", "wave": "2016", "level": "by",
                                              "area": hidden["area_id"], "alder": "4"})
    base = follow_up(results, SimpleNamespace(**indicator), "sv")["points"][0]
    assert base["suppressed"] and base["share"] is None and base["n"] is None
    assert base["value"] == "för få svar" and base["interval"] == "" and base["answers"] == ""
    later = follow_up(results, SimpleNamespace(**indicator), "sv")["points"][1:]
    assert all(p["verdict"] in ("", ) or not p["suppressed"] for p in later)
    assert all(p["p_vs_baseline"] is None for p in later)  # nothing to compare with a hidden baseline


def test_an_indicator_must_exist_in_the_build(results):
    good = indicator_from_view(results, {"question": "p_fortkorning"})
    assert good["level"] == "kommun" and good["baseline_wave"] == results.waves[-1]
    for bad, parameter in (({"question": "nej"}, "question"), ({"baseline_wave": 1999}, "wave"),
                           ({"area_id": "ingenstans"}, "area"), ({"filters": {"kon": "7"}}, "kon")):
        with pytest.raises(QueryError) as err:
            check_indicator(results, {**good, **bad})
        assert err.value.parameter == parameter


def test_the_main_results_are_the_apis_rows(results):
    for answer in main_results(results, "distrikt", "distrikt_idre", "sv"):
        question = next(q for q in results.codebook.single_choice if q.short["sv"] == answer["question"])
        row = api_row(results, {"question": question.id, "level": "distrikt", "area_id": "distrikt_idre",
                                "filters": {}}, results.waves[-1])
        assert answer["share"] == row["share"] and answer["n"] == row["n"]



def test_the_flyer_is_one_a4_page_with_the_words_inside_its_margins(results, monkeypatch):
    promise = SimpleNamespace(
        title="Lugnare trafik i Idre", text="Vi gör fler kontroller. " * 30, parties=["Kommunen", "Polisen"],
        period_start="2027-01-01", period_end="2027-12-31", areas=["distrikt:distrikt_idre"],
        actions=[SimpleNamespace(what=f"Åtgärd nummer {i} med en lång beskrivning av vad som görs", who="Polisen",
                                 when="maj", status="pagar") for i in range(12)],
        indicators=[SimpleNamespace(**indicator_from_view(results, {"question": q, "wave": "2016",
                                                                    "level": "distrikt", "area": "distrikt_idre"}))
                    for q in ("p_fortkorning", "q_otrygg_kvall")])
    monkeypatch.setattr("promises.store.list_promises", lambda db: [promise] * 3)  # a long one: must still fit
    feedback = area_feedback(results, None, "distrikt", "distrikt_idre", "sv")
    pdf = flyer_pdf(feedback, "sv", demo=True, url="https://example.se/aterkoppling/distrikt/distrikt_idre")
    reader = PdfReader(__import__("io").BytesIO(pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((595.28, 841.89), abs=0.1)
    text = page.extract_text()
    for words in ("Återkoppling: Idre", "1. Det här svarade ni", "2. Det här gör vi", "3. Så har det gått",
                  "Lugnare trafik i Idre", "Fiktiva demodata", "och 7 åtgärder till på webbsidan",
                  "Fortkörning i Idre (alla): 26 % 2016, 22 % 2019: ingen säkerställd förändring."):
        assert words in text
    positions = []

    def where(s, cm, tm, *_):  # the text matrix's origin through the current transformation matrix: page points
        if s.strip():
            positions.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5], s))
    page.extract_text(visitor_text=where)
    assert positions
    for x, y, s in positions:  # every line inside the margins (18 mm at the sides and top, 8 mm at the foot)
        assert 17 * MM <= x <= 595.28 - 18 * MM and 8 * MM <= y <= 841.89 - 17 * MM, (x, y, s)
