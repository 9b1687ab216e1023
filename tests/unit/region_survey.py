"""A tiny region-wide survey: a police region (or county) whose finest level is its municipalities, two local
police areas above them, and the whole region on top (`[kommun] typ = "region"`). Fictional answers drawn with a
fixed seed; the boundaries are generated rectangles (no real geometry), the municipalities' names real ones."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from shapely.geometry import box, mapping

CODEBOOK = """
survey: {name: {sv: Regionens enkät, en: The region's survey}, respondent_id: id, wave_column: ar}
area: {column: kommun, level: kn}
groups:
  - id: kon
    label: {sv: Kön, en: Sex}
    options:
      - {code: 1, sv: Kvinna, en: Woman, who: {sv: kvinnor, en: women, as: noun}}
      - {code: 2, sv: Man, en: Man, who: {sv: män, en: men, as: noun}}
  - id: alder
    label: {sv: Åldersgrupp, en: Age group}
    options:
      - {code: 1, sv: "16–44", en: "16–44", who: {sv: "16–44 år", en: "aged 16–44", as: after}}
      - {code: 2, sv: "45–84", en: "45–84", who: {sv: "45–84 år", en: "aged 45–84", as: after}}
themes: [{id: t, sv: Trygghet, en: Safety}, {id: p, sv: Problem, en: Problems}]
scales:
  trygg:
    - {code: 1, sv: Trygg, en: Safe}
    - {code: 2, sv: Otrygg, en: Unsafe, unfavourable: true}
    - {code: 9, sv: Vet inte, en: "Don't know", exclude: true}
  problem:
    - {code: 1, sv: Nej, en: "No"}
    - {code: 2, sv: "Ja, till viss del", en: "Yes, to some extent"}
    - {code: 3, sv: "Ja, till stor del", en: "Yes, to a large extent", unfavourable: true}
questions:
  - {id: q_otrygg, theme: t, text: {sv: "Känner du dig otrygg ute på kvällen?", en: "Do you feel unsafe out in the
     evening?"}, short: {sv: Otrygg på kvällen, en: Unsafe in the evening}, scale: trygg}
  - {id: p_fort, theme: p, text: {sv: "Är fortkörning ett problem?", en: "Is speeding a problem?"},
     short: {sv: Fortkörning, en: Speeding}, scale: problem}
  - {id: p_klotter, theme: p, text: {sv: "Är klotter ett problem?", en: "Is graffiti a problem?"},
     short: {sv: Klotter, en: Graffiti}, scale: problem}
indices:
  - id: idx_problem
    theme: p
    text: {sv: "Problemindex (0 = inga problem, 100 = stora problem)", en: "Problem index (0 = none, 100 = big)"}
    short: {sv: "Problemindex (0–100)", en: "Problem index (0–100)"}
    items: [p_fort, p_klotter]
    scores: {1: 0, 2: 1, 3: 2}
    min_items: 1
"""

# municipality id, name, local police area, respondents per wave, share unsafe (one far above the others, one
# tiny: hidden, and shown as its local police area's value)
MUNICIPALITIES = [
    ("2062", "Mora kommun", "lpo_mora", 160, 0.45), ("2034", "Orsa kommun", "lpo_mora", 120, 0.25),
    ("2039", "Älvdalens kommun", "lpo_mora", 3, 0.25), ("2029", "Leksands kommun", "lpo_leksand", 150, 0.15),
    ("2031", "Rättviks kommun", "lpo_leksand", 130, 0.22), ("2026", "Gagnefs kommun", "lpo_leksand", 110, 0.20),
]
POLICE_AREAS = [("lpo_mora", "LPO Mora"), ("lpo_leksand", "LPO Leksand")]
WAVES = (2022, 2024)


def _geojson(path: Path, features: list[tuple[dict, object]]) -> None:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": mapping(geom)} for props, geom in features]}),
        encoding="utf-8")


def _answers(folder: Path) -> None:
    rng = np.random.default_rng(19)
    lines = ["id,ar,kommun,kon,alder,q_otrygg,p_fort,p_klotter"]
    for wave in WAVES:
        for kod, name, _, n, unsafe in MUNICIPALITIES:
            for i in range(n):
                kon, alder = rng.integers(1, 3), rng.integers(1, 3)
                p = unsafe + (0.1 if kon == 1 else -0.05) + (0.05 if wave == WAVES[-1] else 0)
                q = 2 if rng.random() < p else (9 if rng.random() < 0.05 else 1)
                fort, klotter = (rng.choice([1, 2, 3], p=[0.5, 0.3, 0.2]) for _ in range(2))
                lines.append(f"{wave}-{kod}-{i},{wave},{name},{kon},{alder},{q},{fort},{klotter}")
    (folder / "responses.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_region_survey(folder: Path, kind: str = "region", full_name: str = "Polisregion Bergslagen") -> Path:
    """Write the survey's files into `folder`; return its configuration's path."""
    (folder / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    _answers(folder)
    cells = {}  # a 3 × 2 grid of rectangles: Mora's local police area in the north, Leksand's in the south
    for i, kod in enumerate(m[0] for m in MUNICIPALITIES):
        cells[kod] = box(14.0 + 0.4 * (i % 3), 61.0 - 0.4 * (i // 3), 14.4 + 0.4 * (i % 3), 61.4 - 0.4 * (i // 3))
    _geojson(folder / "kommuner.geojson", [({"kod": kod, "namn": name, "lpo": lpo}, cells[kod])
                                           for kod, name, lpo, _, _ in MUNICIPALITIES])
    _geojson(folder / "lpo.geojson", [({"id": lpo, "namn": name}, box(14.0, 61.0 - 0.4 * j, 15.2, 61.4 - 0.4 * j))
                                      for j, (lpo, name) in enumerate(POLICE_AREAS)])
    config = folder / "config.toml"
    config.write_text(f"""
[kommun]
namn = "Bergslagen"
fullnamn = "{full_name}"
typ = "{kind}"
kod = "R5"
[inputs]
codebook = "{folder}/codebook.yaml"
responses = ["{folder}/responses.csv"]
[[levels]]
id = "kn"
file = "{folder}/kommuner.geojson"
id_column = "kod"
name_column = "namn"
parent_column = "lpo"
label = {{ sv = "Kommun", en = "Municipality" }}
[[levels]]
id = "lpo"
file = "{folder}/lpo.geojson"
id_column = "id"
name_column = "namn"
label = {{ sv = "Lokalpolisområde", en = "Local police area" }}
[privacy]
min_n = 5
[output]
dir = "{folder}/processed"
""", encoding="utf-8")
    return config
