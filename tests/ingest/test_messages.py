"""Messages that point the right way (issue 19): a near-miss header named with its question, an area whose parent
is missing or unknown named with id and name."""
from __future__ import annotations

import pytest
from corpus import area_frames, records, write_csv

from survey.build import build
from survey.config import load_config
from survey.geography import GeographyError
from survey.ingest import IngestError


def test_a_near_miss_header_is_named_with_the_question_and_the_missing_question_stops_the_build(project):
    write_csv(project.path("svar.csv"), records(),
              rename={"q1": "Hur trygg känner du dig ute ensam sent på kvällen?"})
    with pytest.raises(IngestError) as err:
        project.build(["svar.csv"])
    assert (f"{project.path('svar.csv')}: kolumnen för fråga q1 (q1) saknas; kolumnen 'Hur trygg känner du dig ute "
            "ensam sent på kvällen?' liknar frågan (nearly matches): lägg till den i frågans aliases"
            ) in err.value.warnings
    assert err.value.problems == [
        "fråga q1 finns inte i någon fil (question missing from every file): lägg till exportens kolumnnamn i frågans "
        "aliases i kodboken (varningarna ovan nämner kolumner som liknar frågan), eller, om frågan inte ställdes, "
        "[inputs.unrecognised_allowed] q1 = true (add the export's header to the question's aliases, or allow it)"]
    # Allowed (a question this survey did not ask): built, with the warning, and no q1 in the tables.
    res, manifest = project.build(["svar.csv"], inputs="[inputs.unrecognised_allowed]\nq1 = true")
    assert any("liknar frågan (nearly matches)" in w for w in manifest["warnings"])
    assert manifest["respondents"] == 16 and "q1" not in {a["question"] for a in manifest["accounting"]}


def test_an_area_whose_parent_is_missing_is_named_with_id_and_name(project):
    by, deso = area_frames()
    by.loc[by["id"] == "by2", "deso"] = None
    by.loc[by["id"] == "by3", "deso"] = "D9"
    by.to_file(project.path("by.geojson"), driver="GeoJSON")
    write_csv(project.path("svar.csv"), records())
    with pytest.raises(GeographyError) as err:
        build(load_config(project.config(["svar.csv"])))
    assert str(err.value) == (
        f"{project.path('by.geojson')}: kolumnen deso har värden som inte finns i {project.path('deso.geojson')} (id) "
        "(parent missing or unknown), för 2 områden: by2 (Idre fjäll): (tom), by3 (Särna): 'D9'")


def test_the_municipality_is_named_as_the_configuration_writes_it(project):
    write_csv(project.path("svar.csv"), records())
    config = project.config(["svar.csv"])
    config.write_text(config.read_text(encoding="utf-8").replace('namn = "Testkommun"',
                                                                 'namn = "Mora"\nfullnamn = "Moras kommun"'),
                      encoding="utf-8")
    build(load_config(config))
    import pandas as pd
    areas = pd.read_parquet(project.output / "areas.parquet")
    assert areas.loc[areas["level"] == "kommun", "name"].tolist() == ["Moras kommun"]


def test_a_whole_named_like_one_of_its_areas_is_warned_about_and_kept_as_written(project):
    """Without `fullnamn` the name is used as written (no grammar rule: "Falun" is "Falu kommun"); when it is also
    an area's name the check says so and what to set."""
    write_csv(project.path("svar.csv"), records())
    config = project.config(["svar.csv"])
    config.write_text(config.read_text(encoding="utf-8").replace('namn = "Testkommun"', 'namn = "Särna"'),
                      encoding="utf-8")
    manifest = build(load_config(config))
    import pandas as pd
    areas = pd.read_parquet(project.output / "areas.parquet")
    assert areas.loc[areas["level"] == "kommun", "name"].tolist() == ["Särna"]
    assert ("'Särna' är både hela kommunens och ett områdes namn, så kartan och tabellen visar två 'Särna'; ange hela "
            f"namnet i [kommun] fullnamn i {config.name}, t.ex. \"Falu kommun\" (the whole's name is also an area's: "
            "set [kommun] fullnamn)") in manifest["warnings"]
