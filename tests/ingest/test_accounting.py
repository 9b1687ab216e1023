"""Every answer accounted for: each file × question's cells are counted, blank, excluded or unrecognised, the four
add up to the rows used, and a question that lost its answers stops the build with the values and the closest
options (issue 19)."""
from __future__ import annotations

import json

import pytest
from corpus import records, write_csv

from survey.__main__ import main
from survey.build import build
from survey.config import load_config
from survey.ingest import IngestError

ADVICE = ("Lägg till stavningen som alias till alternativet i kodboken (options: [{code: 3, sv: …, aliases: "
          "[\"…\"]}]), rätta filen, eller tillåt andelen för frågan: [inputs.unrecognised_allowed] FRÅGA = 0.2 "
          "(1 = allt) (add an alias, fix the file, or allow the share for the question).")


def _numbers(manifest) -> dict:
    return {e["question"]: (e["rows"], e["counted"], e["blank"], e["excluded"], e["unrecognised"])
            for e in manifest["accounting"]}


def test_every_cell_is_counted_once_and_the_counts_add_up(project):
    recs = records()
    recs[1]["q1"] = ""          # respondent 2: blank
    recs[4]["kon"] = "3"        # respondent 5: a sex outside the codebook
    write_csv(project.path("svar.csv"), recs)
    res, manifest = project.build(["svar.csv"], inputs="max_unrecognised = 0.1")
    # rows, counted, blank, excluded (respondent 5's "vet inte"), unrecognised
    assert _numbers(manifest) == {"kon": (16, 15, 0, 0, 1), "alder": (16, 16, 0, 0, 0), "q1": (16, 14, 1, 1, 0),
                                  "prob": (16, 13, 3, 0, 0)}
    for entry in manifest["accounting"]:
        assert entry["rows"] == sum(entry[k] for k in ("counted", "blank", "excluded", "unrecognised"))
    kon = next(e for e in manifest["accounting"] if e["question"] == "kon")
    assert kon["values"] == [{"value": "3", "n": 1, "rows": [6]}]
    stored = json.loads((project.output / "manifest.json").read_text(encoding="utf-8"))
    assert stored["accounting"] == manifest["accounting"]


def test_the_check_report_shows_the_accounting_table(project, capsys):
    write_csv(project.path("svar.csv"), records())
    assert main(["check", "--config", str(project.config(["svar.csv"]))]) == 0
    out = capsys.readouterr().out.splitlines()
    start = out.index("Svaren per fil och fråga (every answer accounted for):")
    assert out[start + 1:start + 6] == [
        "Fil | fråga | rader | räknade | tomma | uteslutna | okända",
        "svar.csv | kon (grupp) | 16 | 16 | 0 | 0 | 0",
        "svar.csv | alder (grupp) | 16 | 16 | 0 | 0 | 0",
        "svar.csv | q1 | 16 | 15 | 0 | 1 | 0",
        "svar.csv | prob | 16 | 13 | 3 | 0 | 0"]


def _error(project, recs, inputs: str = "") -> list[str]:
    write_csv(project.path("svar.csv"), recs)
    with pytest.raises(IngestError) as err:
        build(load_config(project.config(["svar.csv"], inputs=inputs)))
    assert not project.output.exists()
    return err.value.problems


def test_more_than_the_allowed_share_unrecognised_stops_with_the_values_and_closest_options(project):
    recs = records()
    for i in (2, 5):
        recs[i]["q1"] = "Ganska otryg"  # respondents 3 and 6 (Excel rows 4 and 7): a typo, 2 of 16 = 12,5 %
    path = project.path("svar.csv")
    assert _error(project, recs) == [
        f"{path}: fråga q1 (kolumn q1): 2 av 16 svar känns inte igen (answers not recognised), 12,5 %, fler än de "
        "tillåtna 5 %; värdena (the values):",
        "    'Ganska otryg' rad 4, 7 (2 rader); närmast (closest): 3 (Ganska otrygg), 2 (Ganska trygg)",
        ADVICE]


def test_a_per_question_allowance_lets_the_build_go_on_and_the_values_stay_in_the_accounting(project):
    recs = records()
    for i in (2, 5):
        recs[i]["q1"] = "Ganska otryg"
    write_csv(project.path("svar.csv"), recs)
    res, manifest = project.build(["svar.csv"], inputs="[inputs.unrecognised_allowed]\nq1 = 0.2")
    assert _numbers(manifest)["q1"] == (16, 13, 0, 1, 2)
    assert next(e for e in manifest["accounting"] if e["question"] == "q1")["values"] == [
        {"value": "Ganska otryg", "n": 2, "rows": [4, 7]}]


def test_a_question_with_no_recognised_answer_stops(project):
    recs = records()
    for rec in recs:
        rec["q1"] = {"1": "A", "2": "B", "3": "C", "4": "D", "9": "E"}[rec["q1"]]  # another survey's coding
    problems = _error(project, recs)
    assert problems[0] == (f"{project.path('svar.csv')}: fråga q1 (kolumn q1): inget av 16 svar känns igen "
                           "(no answer recognised); värdena (the values):")
    assert problems[1] == "    'A' rad 2, 9, 12 … (4 rader); närmast (closest): –"


def test_a_question_whose_column_is_all_blank_stops(project):
    recs = records()
    for rec in recs:
        rec["q1"] = ""
    assert _error(project, recs) == [
        f"{project.path('svar.csv')}: fråga q1 (kolumn q1): alla 16 svar är tomma (every answer is blank): fel kolumn?",
        ADVICE]


def test_a_checkbox_question_losing_a_third_of_its_answers_stops(project):
    recs = records()
    for rec in recs[:5]:
        if rec["prob"]:
            rec["prob"] = rec["prob"] + ";7"  # an option the codebook does not have
    problems = _error(project, recs)
    assert problems[0] == (f"{project.path('svar.csv')}: fråga prob (kolumn prob): 4 av 13 svar känns inte igen "
                           "(answers not recognised), 30,8 %, fler än de tillåtna 5 %; värdena (the values):")
    assert problems[1] == "    '7' rad 2, 3, 5 … (4 rader); närmast (closest): –"


def test_a_group_with_unrecognised_codes_stops(project):
    recs = records()
    for rec in recs:
        rec["alder"] = {"1": "16-44 år", "2": "45-84 år"}[rec["alder"]]
    problems = _error(project, recs)
    assert problems[0] == (f"{project.path('svar.csv')}: grupp alder (kolumn alder): 16 av 16 svar känns inte igen "
                           "(answers not recognised), 100,0 %, fler än de tillåtna 5 %; värdena (the values):")


def test_max_unrecognised_must_be_a_share(project):
    write_csv(project.path("svar.csv"), records())
    assert main(["check", "--config", str(project.config(["svar.csv"], inputs="max_unrecognised = 5"))]) == 1
