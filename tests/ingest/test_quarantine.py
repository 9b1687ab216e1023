"""The quarantine of one export: a row is quarantined once, with the first reason found, in the file's order."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from survey.ingest import REASON_AREA, REASON_DUPLICATE, REASON_FIELDS, Quarantine, area_matching_summary


def test_first_reason_wins_and_records_follow_the_file():
    rows = pd.Series([2, 3, 5, 6])  # Excel row numbers (row 4 was empty)
    values = pd.Series(["a", "b", "c", "d"])
    quarantine = Quarantine(Path("svar.csv"), rows)
    quarantine.add(pd.Series([False, False, True, False]), "", "", REASON_FIELDS)
    quarantine.add(pd.Series([False, True, True, False]), "by", values, REASON_AREA)
    quarantine.add(pd.Series([True, True, False, False]), "id", values, REASON_DUPLICATE)
    assert quarantine.usable.tolist() == [False, False, False, True]
    assert quarantine.records() == [("svar.csv", 2, "id", "a", REASON_DUPLICATE),
                                    ("svar.csv", 3, "by", "b", REASON_AREA),
                                    ("svar.csv", 5, "", "", REASON_FIELDS)]


def test_area_matching_summary_counts_rows_per_way_and_lists_loose_matches():
    matches = pd.DataFrame([("a.csv", "Särna", "by3", "Särna", "namn", 4), ("a.csv", "sarna", "by3", "Särna",
                            "normaliserat", 2), ("b.csv", "Elfdalen", "by1", "Älvdalen", "alias", 1)],
                           columns=["file", "value", "area_id", "name", "how", "rows"])
    summary = area_matching_summary(matches)
    assert summary["rows"] == {"id": 0, "namn": 4, "normaliserat": 2, "alias": 1}
    assert [(m["value"], m["how"], m["rows"]) for m in summary["loose"]] == [("sarna", "normaliserat", 2),
                                                                             ("Elfdalen", "alias", 1)]
