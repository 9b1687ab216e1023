"""Corpus: the respondent's area matched by id, by name (case, diacritics and spacing aside), by alias; and not."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from corpus import assert_expected, records, write_csv

from survey.__main__ import main
from survey.build import prepare
from survey.config import load_config
from survey.ingest import IngestError


def test_area_by_id(project):
    write_csv(project.path("svar.csv"), records(area="id"))
    res, manifest = project.build(["svar.csv"])
    assert_expected(res)
    assert manifest["area_matching"] == {"rows": {"id": 16, "namn": 0, "normaliserat": 0, "alias": 0}, "loose": []}


def test_area_by_name_without_case_diacritics_or_spacing(project):
    recs = records()
    spelled = {"Älvdalen": "ALVDALEN", "Idre fjäll": "idrefjall", "Särna": " Sarna "}
    for i, rec in enumerate(recs):
        if i % 2:
            rec["by"] = spelled[rec["by"]]
    write_csv(project.path("svar.csv"), recs)
    res, manifest = project.build(["svar.csv"])
    assert_expected(res)
    assert manifest["area_matching"]["rows"] == {"id": 0, "namn": 8, "normaliserat": 8, "alias": 0}
    assert sorted((m["value"], m["area_id"], m["rows"]) for m in manifest["area_matching"]["loose"]) == [
        (" Sarna ", "by3", 3), ("ALVDALEN", "by1", 3), ("idrefjall", "by2", 2)]
    matches = pd.read_csv(res.folder / "area_matches.csv", dtype=str, keep_default_na=False)
    assert set(matches["how"]) == {"namn", "normaliserat"}


def test_area_by_alias_from_config_and_from_the_area_file(project):
    geo = json.loads(project.path("by.geojson").read_text())
    for feature in geo["features"]:
        feature["properties"]["aliases"] = "Fjällen; Idre by" if feature["properties"]["id"] == "by2" else ""
    project.path("by.geojson").write_text(json.dumps(geo))
    recs = records()
    recs[0]["by"] = "Älvdalens centrum"  # config alias
    recs[5]["by"] = "fjällen"            # area-file alias, other case
    recs[6]["by"] = "Idre by"
    write_csv(project.path("svar.csv"), recs)
    res, manifest = project.build(["svar.csv"], inputs='area_aliases = { "Älvdalens centrum" = "Älvdalen" }')
    assert_expected(res)
    assert sorted((m["value"], m["area_id"], m["how"]) for m in manifest["area_matching"]["loose"]) == [
        ("Idre by", "by2", "alias"), ("fjällen", "by2", "alias"), ("Älvdalens centrum", "by1", "alias")]


def test_alias_to_an_unknown_area_is_an_error(project):
    write_csv(project.path("svar.csv"), records())
    config = load_config(project.config(["svar.csv"], inputs='area_aliases = { "Centrum" = "Älvdal" }'))
    with pytest.raises(IngestError) as err:
        prepare(config)
    assert str(err.value) == ("[inputs.area_aliases]: \"Centrum\" = \"Älvdal\", men 'Älvdal' är inget område "
                              "(not an area id or name); närmast: Älvdalen")


def _unmatched(project):
    recs = records()
    for i in (2, 7):
        recs[i]["by"] = "Särnaa"   # Excel rows 4 and 9
    recs[4]["by"] = "Mora"         # row 6
    recs[10]["by"] = "Idre fjal"   # row 12
    write_csv(project.path("svar.csv"), recs)


def test_unmatched_areas_fail_the_build_listing_values_counts_and_closest_names(project, capsys):
    _unmatched(project)
    config = project.config(["svar.csv"])
    assert main(["build", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    file = project.path("svar.csv")
    assert err.splitlines()[-7:] == [
        "Fel (error):",
        f"  {file}, kolumn by: 3 värden finns inte bland områdena på nivån by (unknown areas), 4 rader:",
        "    'Särnaa': rad 4, 9 (2 rader); närmast (closest): Särna",
        "    'Idre fjal': rad 12; närmast (closest): Idre fjäll",
        "    'Mora': rad 6; närmast (closest): –",
        "  Rätta stavningen i filen, lägg till ett alias ([inputs.area_aliases] i konfigurationen eller en "
        "aliases-kolumn i områdesfilen) eller sätt [inputs] allow_unmatched_areas = true för att bygga ändå med "
        "raderna i karantän "
        "(fix the spelling, add an alias, or allow them).",
        "Inget ändrades i data/processed (nothing was changed).",
    ]
    assert not project.output.exists()


def test_unmatched_areas_allowed_are_quarantined_and_counted(project):
    _unmatched(project)
    res, manifest = project.build(["svar.csv"], inputs="allow_unmatched_areas = true")
    quarantine = pd.read_csv(res.folder / "quarantine.csv", dtype=str)
    assert quarantine[["row", "column", "value"]].values.tolist() == [
        ["4", "by", "Särnaa"], ["6", "by", "Mora"], ["9", "by", "Särnaa"], ["12", "by", "Idre fjal"]]
    assert set(quarantine["reason"]) == {"okänt område (area not in the boundaries)"}
    assert manifest["files"][0] | {"read_as": None} == {"file": str(project.path("svar.csv")), "rows_in": 16,
                                                       "rows_used": 12, "rows_quarantined": 4, "read_as": None}
    assert manifest["warnings"][0].endswith("Raderna ligger i karantän (allow_unmatched_areas = true).")
