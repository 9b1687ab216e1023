"""A tiny survey with hand-countable answers: 3 villages in 2 DeSO in 1 district."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import box, mapping

CODEBOOK = """
survey: {name: {sv: Testenkät, en: Test survey}, respondent_id: id, wave_column: ar}
area: {column: by, level: by}
groups:
  - id: kon
    label: {sv: Kön, en: Sex}
    options: [{code: 1, sv: Kvinna, en: Woman}, {code: 2, sv: Man, en: Man}]
themes: [{id: t, sv: Tema, en: Theme}]
scales:
  trygg:
    - {code: 1, sv: Trygg, en: Safe}
    - {code: 2, sv: Otrygg, en: Unsafe, unfavourable: true}
    - {code: 9, sv: Vet inte, en: "Don't know", exclude: true}
questions:
  - {id: q1, theme: t, text: {sv: "Känner du dig trygg?", en: "Do you feel safe?"}, scale: trygg}
  - {id: fri, theme: t, type: freetext, text: {sv: "Annat?", en: "Other?"}}
"""

# id, ar, by, kon, q1, fri  — see the expected shares in test_results.py
ROWS = [
    ("1", "2019", "Alby", "1", "1", ""), ("2", "2019", "Alby", "1", "1", ""), ("3", "2019", "alby ", "1", "2", "Mörkt"),
    ("4", "2019", "Alby", "2", "2", ""), ("5", "2019", "ALBY", "2", "Otrygg", ""), ("6", "2019", "Alby", "2", "9", ""),
    ("7", "2019", "Aby", "1", "2", ""), ("8", "2019", "Aby", "2", "1", ""), ("9", "2019", "Aby", "1", "", ""),
    ("10", "2019", "Bby", "1", "1", ""), ("11", "2019", "Bby", "1", "1", ""), ("12", "2019", "Bby", "2", "1", ""),
    ("13", "2019", "Bby", "2", "1", ""), ("14", "2019", "Bby", "2", "2", ""),
    ("15", "2019", "Atlantis", "1", "1", ""),
    ("16", "2016", "Alby", "1", "1", ""), ("17", "2016", "Alby", "1", "1", ""), ("18", "2016", "Alby", "2", "1", ""),
    ("19", "2016", "Alby", "2", "1", ""), ("20", "2016", "Alby", "", "1", ""),
]


def _geojson(path: Path, features: list[tuple[dict, object]]) -> None:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": mapping(geom)} for props, geom in features]}))


@pytest.fixture
def tiny(tmp_path) -> Path:
    """Write the tiny project; return its config path (absolute paths inside, output in tmp_path/processed)."""
    return write_tiny(tmp_path)


@pytest.fixture(scope="session")
def tiny_writer():
    """write_tiny, for a module's fixture that builds a variant of the tiny project once."""
    return write_tiny


def write_tiny(tmp_path: Path) -> Path:
    """The tiny project in a folder (tiny's; a module's fixture writes its own variant over it)."""
    (tmp_path / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    lines = ["id,ar,by,kon,q1,fri"] + [",".join(r) for r in ROWS]
    (tmp_path / "responses.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _geojson(tmp_path / "by.geojson", [({"id": "a1", "namn": "Alby", "deso": "D1"}, box(14.0, 61.0, 14.1, 61.1)),
                                       ({"id": "a2", "namn": "Aby", "deso": "D1"}, box(14.1, 61.0, 14.2, 61.1)),
                                       ({"id": "b1", "namn": "Bby", "deso": "D2"}, box(14.0, 61.1, 14.2, 61.2))])
    _geojson(tmp_path / "deso.geojson", [({"id": "D1", "namn": "Södra", "distrikt": "X"}, box(14.0, 61.0, 14.2, 61.1)),
                                         ({"id": "D2", "namn": "Norra", "distrikt": "X"}, box(14.0, 61.1, 14.2, 61.2))])
    _geojson(tmp_path / "distrikt.geojson", [({"id": "X", "namn": "Distriktet"}, box(14.0, 61.0, 14.2, 61.2))])
    config = tmp_path / "config.toml"
    config.write_text(f"""
[kommun]
namn = "Testkommun"
kod = "9999"
[inputs]
codebook = "{tmp_path}/codebook.yaml"
responses = ["{tmp_path}/responses.csv"]
allow_unmatched_areas = true  # "Atlantis" stays in the quarantine (test_results.py) instead of failing the build
[[levels]]
id = "by"
file = "{tmp_path}/by.geojson"
id_column = "id"
name_column = "namn"
parent_column = "deso"
label = {{ sv = "By", en = "Village" }}
[[levels]]
id = "deso"
file = "{tmp_path}/deso.geojson"
id_column = "id"
name_column = "namn"
parent_column = "distrikt"
label = {{ sv = "Område", en = "Area" }}
[[levels]]
id = "distrikt"
file = "{tmp_path}/distrikt.geojson"
id_column = "id"
name_column = "namn"
label = {{ sv = "Distrikt", en = "District" }}
[privacy]
min_n = 5
[output]
dir = "{tmp_path}/data/processed"
""", encoding="utf-8")
    return config
