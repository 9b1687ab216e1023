"""Respondent ids are unique per wave, and every configured file and wave is visible in the result (issue 19)."""
from __future__ import annotations

import pandas as pd
import pytest
from corpus import EXPECTED, RESP, assert_expected, csv_text, numbers, records, write_csv

from survey.build import build
from survey.config import load_config
from survey.ingest import REASON_DUPLICATE, REASON_DUPLICATE_WAVE, IngestError

ADVICE = ("Kontrollera filen och omgångens kolumn, eller ta bort filen ur [inputs] responses; en fil som får vara "
          "tom anges så: responses = [{file = \"…\", wave = 2016, may_be_empty = true}] (check the file, remove it, "
          "or allow it to be empty).")


def test_a_trend_file_whose_ids_restart_each_year_keeps_every_wave(project):
    recs = records()
    for n, rec in enumerate(recs[12:], start=1):
        rec["id"] = str(n)  # 2016's respondents are numbered 1–4 again, like 2019's first four
    write_csv(project.path("svar.csv"), recs)
    res, manifest = project.build(["svar.csv"])
    assert manifest["quarantined_rows"] == 0 and manifest["respondents"] == 16
    assert_expected(res, EXPECTED)


def test_a_duplicated_id_within_a_wave_is_quarantined(project):
    recs = records()
    recs[13]["id"] = recs[12]["id"]  # respondents 13 and 14, both 2016: Excel row 15 is the duplicate
    write_csv(project.path("svar.csv"), recs)
    res, manifest = project.build(["svar.csv"])
    quarantine = pd.read_csv(project.output / "quarantine.csv", dtype=str)
    assert quarantine.values.tolist() == [[str(project.path("svar.csv")), "15", "id", "13", REASON_DUPLICATE]]
    assert numbers(res, "q1", 2016, "kommun") == {"9999": (3, 0.3333)}


def test_the_same_id_in_two_files_of_one_wave_is_a_duplicate(project):
    write_csv(project.path("a.csv"), records(RESP[:12]))
    write_csv(project.path("b.csv"), records(RESP[:2] + RESP[12:]))  # respondents 1 and 2 again, in 2019
    res, manifest = project.build(["a.csv", "b.csv"])
    quarantine = pd.read_csv(project.output / "quarantine.csv", dtype=str)
    reason = f"{REASON_DUPLICATE_WAVE}: {project.path('a.csv')}"
    assert quarantine.values.tolist() == [[str(project.path("b.csv")), "2", "id", "1", reason],
                                          [str(project.path("b.csv")), "3", "id", "2", reason]]
    assert_expected(res, EXPECTED)


def test_a_file_with_only_its_header_stops_the_build_naming_it(project):
    write_csv(project.path("a.csv"), records(RESP[:12]))
    project.path("b.csv").write_text(csv_text(records()).splitlines()[0] + "\r\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        build(load_config(project.config(["a.csv", '{file = "%s", wave = 2016}' % project.path("b.csv")])))
    assert err.value.problems == [
        f"{project.path('b.csv')}: inga användbara rader (no usable rows): filen har bara rubrikraden (the file has a "
        "header and no responses)",
        f"omgång 2016 har inga användbara rader (wave 2016 has no usable rows) av 0 rader i {project.path('b.csv')}",
        ADVICE]
    assert not project.output.exists()


def test_a_file_that_may_be_empty_warns(project):
    write_csv(project.path("a.csv"), records(RESP[:12]))
    project.path("b.csv").write_text(csv_text(records()).splitlines()[0] + "\r\n", encoding="utf-8")
    res, manifest = project.build(["a.csv", '{file = "%s", wave = 2016, may_be_empty = true}' % project.path("b.csv")])
    assert (f"{project.path('b.csv')}: inga användbara rader (no usable rows): filen har bara rubrikraden (the file "
            "has a header and no responses) (may_be_empty = true)") in manifest["warnings"]
    assert manifest["waves"] == [2019]


def test_a_wave_whose_rows_are_all_quarantined_stops_the_build_naming_it(project):
    recs = records()
    for rec in recs[12:]:
        rec["by"] = "Atlantis"  # all of 2016 in an unknown village, quarantined because allowed
    write_csv(project.path("svar.csv"), recs)
    with pytest.raises(IngestError) as err:
        build(load_config(project.config(["svar.csv"], inputs="allow_unmatched_areas = true")))
    assert err.value.problems == [
        f"omgång 2016 har inga användbara rader (wave 2016 has no usable rows) av 4 rader i {project.path('svar.csv')}",
        ADVICE]
