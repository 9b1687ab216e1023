"""Answers as people export them (issue 19): option aliases, "code - label", "code. label", "label (code)",
dashes, quotes, non-breaking and repeated spaces, case and Unicode form, and checkbox options whose texts hold
the separator. Each case gives the hand-counted numbers of corpus.py, or names the values it cannot use."""
from __future__ import annotations

import pytest
from corpus import EXPECTED, EXPECTED_MULTI, PROB_LABELS, Q1_LABELS, assert_expected, numbers, records, write_csv

from survey.build import build
from survey.config import load_config
from survey.ingest import IngestError


def _accounting(manifest, question: str) -> tuple:
    entry = next(e for e in manifest["accounting"] if e["question"] == question)
    return entry["counted"], entry["blank"], entry["excluded"], entry["unrecognised"]


@pytest.mark.parametrize("shape", ["{c} - {l}", "{c}. {l}", "{l} ({c})", "{c}\u00a0–\u00a0{l}", "{c}) {l}",
                                   "{c} — {L}", "\u201c{l}\u201d", "{c}:  {l}"])
def test_code_and_label_together_give_the_hand_counted_numbers(project, shape):
    recs = records()
    for rec in recs:
        rec["q1"] = shape.format(c=rec["q1"], l=Q1_LABELS[rec["q1"]], L=Q1_LABELS[rec["q1"]].upper())
    write_csv(project.path("svar.csv"), recs)
    res, manifest = project.build(["svar.csv"])
    assert_expected(res, EXPECTED)
    assert _accounting(manifest, "q1") == (15, 0, 1, 0)


def test_a_code_and_a_label_that_disagree_are_not_guessed(project):
    recs = records()
    recs[0]["q1"] = "2 - Mycket trygg"  # code 2 is Ganska trygg: which one was meant?
    write_csv(project.path("svar.csv"), recs)
    res, manifest = project.build(["svar.csv"], inputs="[inputs.unrecognised_allowed]\nq1 = 0.1")
    assert _accounting(manifest, "q1") == (14, 0, 1, 1)
    assert next(e for e in manifest["accounting"] if e["question"] == "q1")["values"] == [
        {"value": "2 - Mycket trygg", "n": 1, "rows": [2]}]


def test_option_aliases_in_the_codebook(project):
    codebook = project.path("codebook.yaml")
    codebook.write_text(codebook.read_text(encoding="utf-8").replace(
        "{code: 9, sv: Vet inte, en: \"Don't know\", exclude: true}",
        "{code: 9, sv: Vet inte, en: \"Don't know\", exclude: true, aliases: [Vet ej, Ingen uppfattning]}").replace(
        "{code: 2, sv: Ganska trygg, en: Fairly safe}",
        "{code: 2, sv: Ganska trygg, en: Fairly safe, aliases: [Trygg]}"),
        encoding="utf-8")
    recs = records()
    recs[4]["q1"] = "Vet ej"          # respondent 5: vet inte, excluded from the base
    for rec in recs:
        if rec["q1"] == "2":
            rec["q1"] = "trygg"
    write_csv(project.path("svar.csv"), recs)
    res, manifest = project.build(["svar.csv"])
    assert_expected(res, EXPECTED)
    assert _accounting(manifest, "q1") == (15, 0, 1, 0)


def test_group_codes_with_another_dash_and_spacing(project):
    reference, _ = project.build([_write(project, "ref.csv", records())])
    expected = numbers(reference, "q1", 2019, "kommun", by="alder")
    recs = records()
    for i, rec in enumerate(recs):
        rec["alder"] = (["16-44", "16 - 44", "16\u201344", "16\u2014 44"][i % 4] if rec["alder"] == "1"
                        else "45\u00a0-\u00a084")
        rec["kon"] = {"1": " KVINNA ", "2": "man"}[rec["kon"]]
    res, manifest = project.build([_write(project, "svar.csv", recs)])
    assert numbers(res, "q1", 2019, "kommun", by="alder") == expected
    assert _accounting(manifest, "alder") == (16, 0, 0, 0)
    assert _accounting(manifest, "kon") == (16, 0, 0, 0)


def _write(project, name, recs, **kw) -> str:
    write_csv(project.path(name), recs, **kw)
    return name


def test_headers_and_areas_with_odd_spaces_and_dashes(project):
    recs = records()
    for rec in recs:
        rec["by"] = {"Idre fjäll": "Idre\u2013fjäll", "Älvdalen": "ÄLVDALEN\u00a0"}.get(rec["by"], rec["by"])
    write_csv(project.path("svar.csv"), recs, rename={"q1": "Fråga\u00a0\u00a01", "by": "I\u00a0vilken  BY bor du?"})
    res, manifest = project.build(["svar.csv"])
    assert_expected(res, EXPECTED)


def test_checkbox_options_whose_texts_hold_the_separator(project):
    codebook = project.path("codebook.yaml")
    codebook.write_text(codebook.read_text(encoding="utf-8").replace(
        "{code: 1, sv: Klotter, en: Graffiti", "{code: 1, sv: \"Klotter, skadegörelse\", en: Graffiti"),
        encoding="utf-8")
    labels = {**PROB_LABELS, "1": "Klotter, skadegörelse"}
    recs = records()
    for rec in recs:
        rec["prob"] = ", ".join(labels[c] for c in sorted(rec["prob"].split(";")) if c)
    write_csv(project.path("svar.csv"), recs)
    res, manifest = project.build(["svar.csv"])
    assert_expected(res, EXPECTED_MULTI)
    assert _accounting(manifest, "prob") == (13, 3, 0, 0)


def test_a_checkbox_cell_with_an_unknown_part_is_named(project):
    recs = records()
    recs[0]["prob"] = "Klotter, Tiggeri, Buskörning"
    write_csv(project.path("svar.csv"), recs)
    with pytest.raises(IngestError) as err:
        build(load_config(project.config(["svar.csv"])))
    assert err.value.problems[1] == "    'Tiggeri' rad 2 (1 rad); närmast (closest): –"
