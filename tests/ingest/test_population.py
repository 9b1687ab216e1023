"""Corpus: population margins (area × kön × åldersgrupp), validated against the areas and the codebook, stored."""
from __future__ import annotations

import pandas as pd
import pytest
from corpus import records, write_csv

from survey.build import prepare
from survey.config import load_config
from survey.ingest import IngestError


@pytest.fixture
def responses(project):
    write_csv(project.path("svar.csv"), records())
    return ["svar.csv"]


def test_valid_margins_by_name_and_label_are_stored_as_codes(project, responses):
    lines = ["Område;Kön;Åldersgrupp;Antal"]
    for area in ("Södra", "D2"):
        for kon in ("Kvinna", "2"):
            for alder in ("16–44", "2"):
                lines.append(f"{area};{kon};{alder};{'1 204' if area == 'Södra' and kon == 'Kvinna' else 300}")
    project.path("befolkning.csv").write_text("\n".join(lines) + "\n", encoding="cp1252")
    res, manifest = project.build(responses, inputs=f'population = "{project.path("befolkning.csv")}"')
    stored = pd.read_parquet(res.folder / "population.parquet")
    assert stored.to_dict("records") == [
        {"level": "deso", "area_id": "D1", "kon": "1", "alder": "1", "population": 1204},
        {"level": "deso", "area_id": "D1", "kon": "1", "alder": "2", "population": 1204},
        {"level": "deso", "area_id": "D1", "kon": "2", "alder": "1", "population": 300},
        {"level": "deso", "area_id": "D1", "kon": "2", "alder": "2", "population": 300},
        {"level": "deso", "area_id": "D2", "kon": "1", "alder": "1", "population": 300},
        {"level": "deso", "area_id": "D2", "kon": "1", "alder": "2", "population": 300},
        {"level": "deso", "area_id": "D2", "kon": "2", "alder": "1", "population": 300},
        {"level": "deso", "area_id": "D2", "kon": "2", "alder": "2", "population": 300},
    ]
    assert str(project.path("befolkning.csv")) in {i["path"] for i in manifest["inputs"]}


def test_invalid_margins_name_file_row_column_value_and_expectation(project, responses):
    path = project.path("befolkning.csv")
    path.write_text("area_id,kon,alder,population\n"
                    "D1,1,1,100\n"      # row 2: fine
                    "D9,1,2,100\n"      # row 3: no such DeSO
                    "D1,3,1,100\n"      # row 4: kön 3 is not in the codebook
                    "D2,1,1,-5\n"       # row 5: negative
                    "D2,1,1,många\n"    # row 6: not a number, and the same cell as row 5
                    "D1,1,2,12.5\n",    # row 7: not whole
                    encoding="utf-8")
    config = load_config(project.config(responses, inputs=f'population = "{path}"'))
    with pytest.raises(IngestError) as err:
        prepare(config)
    assert err.value.problems == [
        f"{path}, kolumn area_id: område som inte finns på nivån deso (unknown area): 'D9' rad 3; väntade id eller "
        "namn på nivån deso (närmast: D9 → –)",
        f"{path}, kolumn kon: kod som inte finns i kodbokens grupp kon (unknown group code): '3' rad 4; väntade "
        "1 (Kvinna), 2 (Man)",
        f"{path}, kolumn population: inte ett heltal ≥ 0 (not a whole number ≥ 0): '-5' rad 5; 'många' rad 6; "
        "'12.5' rad 7; väntade antal personer, t.ex. 1204",
        f"{path}: samma cell flera gånger (duplicate area × group): 'D2 × 1 × 1' rad 5, 6 (2 rader); väntade en rad "
        "per kombination",
    ]
    assert not project.output.exists()


def test_margins_with_an_unknown_column_are_refused(project, responses):
    path = project.path("befolkning.csv")
    path.write_text("area_id;sex;population\nD1;1;100\n", encoding="utf-8")
    config = load_config(project.config(responses, inputs=f'population = "{path}"'))
    with pytest.raises(IngestError) as err:
        prepare(config)
    assert str(err.value) == (f"{path}: okända kolumner (unknown columns) sex; väntade kolumnerna area_id (eller area, "
                              "område, omrade), population (eller antal) och grupperna kon, alder")
