"""A small survey with hand-countable answers, written in whatever messy shape a test needs.

Three villages in two DeSO (like tests/unit/conftest.py, with Swedish names): Älvdalen (by1) and Idre fjäll
(by2) in D1 "Södra", Särna (by3) in D2 "Norra". 16 respondents: 12 in 2019, 4 in 2016. `EXPECTED` holds the
numbers counted by hand; every format of the same answers must give exactly these.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import geopandas as gpd
from shapely.geometry import box

from survey.build import build
from survey.config import load_config
from survey.results import open_results

CODEBOOK = """
survey:
  name: {sv: Testenkät, en: Test survey}
  respondent_id: id
  respondent_id_aliases: [Löpnummer, RespondentID]
  wave_column: ar
  wave_aliases: [År, Enkätår]
area: {column: by, level: by, aliases: [Bostadsort, "I vilken by bor du?"]}
groups:
  - id: kon
    aliases: [Kön]
    label: {sv: Kön, en: Sex}
    options: [{code: 1, sv: Kvinna, en: Woman}, {code: 2, sv: Man, en: Man}]
  - id: alder
    aliases: [Åldersgrupp]
    label: {sv: Ålder, en: Age}
    options: [{code: 1, sv: "16–44", en: "16–44"}, {code: 2, sv: "45–84", en: "45–84"}]
themes: [{id: t, sv: Tema, en: Theme}]
scales:
  trygg:
    - {code: 1, sv: Mycket trygg, en: Very safe}
    - {code: 2, sv: Ganska trygg, en: Fairly safe}
    - {code: 3, sv: Ganska otrygg, en: Fairly unsafe, unfavourable: true}
    - {code: 4, sv: Mycket otrygg, en: Very unsafe, unfavourable: true}
    - {code: 9, sv: Vet inte, en: "Don't know", exclude: true}
questions:
  - id: q1
    theme: t
    aliases: [F1, "Fråga 1"]
    text: {sv: "Hur trygg känner du dig ute ensam sent en kväll?", en: "How safe do you feel out alone late at night?"}
    scale: trygg
  - id: prob
    theme: t
    type: multi
    aliases: [F2]
    text: {sv: "Vilka problem finns i din by?", en: "Which problems are there in your village?"}
    options:
      - {code: 1, sv: Klotter, en: Graffiti, aliases: ["F2: Klotter"]}
      - {code: 2, sv: Nedskräpning, en: Litter, aliases: ["F2: Nedskräpning"]}
      - {code: 3, sv: Buskörning, en: Reckless driving, aliases: ["F2: Buskörning"]}
  - {id: fri, theme: t, type: freetext, aliases: [Övrigt], text: {sv: "Något annat?", en: "Anything else?"}}
"""

AREA_NAMES = {"by1": "Älvdalen", "by2": "Idre fjäll", "by3": "Särna"}
Q1_LABELS = {"1": "Mycket trygg", "2": "Ganska trygg", "3": "Ganska otrygg", "4": "Mycket otrygg", "9": "Vet inte"}
PROB_LABELS = {"1": "Klotter", "2": "Nedskräpning", "3": "Buskörning"}
KOMMUN = "9999"

# id, wave, area, kon, alder, q1, ticked problems (None: not answered), free text
RESP = [
    ("1", 2019, "by1", "1", "1", "1", {"1"}, ""),
    ("2", 2019, "by1", "2", "2", "2", {"1", "2"}, ""),
    ("3", 2019, "by1", "1", "2", "3", None, "Mörkt vid skolan"),
    ("4", 2019, "by1", "2", "1", "4", {"3"}, ""),
    ("5", 2019, "by1", "1", "1", "9", {"1"}, ""),
    ("6", 2019, "by2", "1", "2", "3", {"2"}, ""),
    ("7", 2019, "by2", "2", "1", "3", {"1", "3"}, ""),
    ("8", 2019, "by2", "2", "2", "1", None, ""),
    ("9", 2019, "by3", "1", "1", "2", {"1"}, ""),
    ("10", 2019, "by3", "2", "2", "2", {"2"}, ""),
    ("11", 2019, "by3", "1", "1", "1", {"1", "2", "3"}, ""),
    ("12", 2019, "by3", "2", "2", "4", {"3"}, ""),
    ("13", 2016, "by1", "1", "1", "1", {"1"}, ""),
    ("14", 2016, "by1", "2", "2", "3", None, ""),
    ("15", 2016, "by2", "1", "1", "2", {"2"}, ""),
    ("16", 2016, "by3", "2", "2", "4", {"1"}, ""),
]

# Counted by hand (n, share rounded to 4 places; None where n < min_n = 3):
#  q1 2019: Älvdalen 1,2,3,4,(9: vet inte) → 2/4; Idre fjäll 3,3,1 → 2/3; Särna 2,2,1,4 → 1/4.
#  prob 2019: answered by 10 (rows 3 and 8 did not); Klotter ticked by 1,2,5,7,9,11 → 6/10.
EXPECTED = {
    ("q1", 2019, "by"): {"by1": (4, 0.5), "by2": (3, 0.6667), "by3": (4, 0.25)},
    ("q1", 2019, "deso"): {"D1": (7, 0.5714), "D2": (4, 0.25)},
    ("q1", 2019, "kommun"): {KOMMUN: (11, 0.4545)},
    ("q1", 2016, "kommun"): {KOMMUN: (4, 0.5)},
    ("q1", 2016, "by"): {"by1": (None, None), "by2": (None, None), "by3": (None, None)},
}
EXPECTED_MULTI = {
    # Älvdalen (4) is hidden too (complementary suppression): Södra (6) minus it would give Idre fjäll's 2.
    ("prob__1", 2019, "by"): {"by1": (None, None), "by2": (None, None), "by3": (4, 0.5)},
    ("prob__1", 2019, "kommun"): {KOMMUN: (10, 0.6)},
    ("prob__2", 2019, "kommun"): {KOMMUN: (10, 0.4)},
    ("prob__3", 2019, "kommun"): {KOMMUN: (10, 0.4)},
    ("prob__2", 2019, "deso"): {"D1": (6, 0.3333), "D2": (4, 0.5)},
}

BY_BOXES = {"by1": box(14.0, 61.0, 14.1, 61.1), "by2": box(14.1, 61.0, 14.2, 61.1), "by3": box(14.0, 61.1, 14.2, 61.2)}
DESO = {"D1": ("Södra", box(14.0, 61.0, 14.2, 61.1)), "D2": ("Norra", box(14.0, 61.1, 14.2, 61.2))}
BY_PARENT = {"by1": "D1", "by2": "D1", "by3": "D2"}


def records(rows=RESP, *, area="name", answer="code", multi="delimited", wave=True) -> list[dict]:
    """The respondents as export rows (column → text). area: name|id; answer: code|label;
    multi: delimited (one column "1;2") | binary (prob_1 … with 1/0) | ja (prob_1 … with Ja/empty) | none."""
    out = []
    for rid, w, a, kon, alder, q1, prob, fri in rows:
        rec = {"id": rid}
        if wave:
            rec["ar"] = str(w)
        rec["by"] = AREA_NAMES[a] if area == "name" else a
        rec["kon"], rec["alder"] = kon, alder
        rec["q1"] = q1 if answer == "code" else Q1_LABELS[q1]
        if multi == "delimited":
            rec["prob"] = ";".join(sorted(prob)) if prob else ""
        elif multi in ("binary", "ja"):
            for code in PROB_LABELS:
                if multi == "binary":
                    rec[f"prob_{code}"] = "" if prob is None else ("1" if code in prob else "0")
                else:
                    rec[f"prob_{code}"] = "Ja" if prob and code in prob else ""
        rec["fri"] = fri
        out.append(rec)
    return out


def csv_text(recs: list[dict], sep: str = ",", rename: dict | None = None, columns: list[str] | None = None) -> str:
    columns = columns or list(recs[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow([(rename or {}).get(c, c) for c in columns])
    for rec in recs:
        writer.writerow([rec.get(c, "") for c in columns])
    return buffer.getvalue()


def write_csv(path: Path, recs: list[dict], sep: str = ",", encoding: str = "utf-8", **kw) -> Path:
    path.write_bytes(csv_text(recs, sep, **kw).encode(encoding))
    return path


def area_frames(crs: int = 4326):
    by = gpd.GeoDataFrame({"id": list(BY_BOXES), "namn": [AREA_NAMES[a] for a in BY_BOXES],
                           "deso": [BY_PARENT[a] for a in BY_BOXES]}, geometry=list(BY_BOXES.values()), crs=4326)
    deso = gpd.GeoDataFrame({"id": list(DESO), "namn": [n for n, _ in DESO.values()]},
                            geometry=[g for _, g in DESO.values()], crs=4326)
    return by.to_crs(crs), deso.to_crs(crs)


def level_toml(by_file: Path, deso_file: Path, by_extra: str = "", parent: bool = True, deso_extra: str = "") -> str:
    parent_line = 'parent_column = "deso"\n' if parent else ""
    return f"""
[[levels]]
id = "by"
file = "{by_file}"
id_column = "id"
name_column = "namn"
{parent_line}label = {{ sv = "By", en = "Village" }}
{by_extra}
[[levels]]
id = "deso"
file = "{deso_file}"
id_column = "id"
name_column = "namn"
label = {{ sv = "Område", en = "Area" }}
{deso_extra}
"""


class Project:
    """A project folder: codebook, areas (GeoJSON unless replaced), responses and a config pointing at them."""

    def __init__(self, root: Path):
        self.root = root
        (root / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
        by, deso = area_frames()
        by.to_file(root / "by.geojson", driver="GeoJSON")
        deso.to_file(root / "deso.geojson", driver="GeoJSON")
        self.levels = level_toml(root / "by.geojson", root / "deso.geojson")
        self.output = root / "data" / "processed"

    def path(self, name: str) -> Path:
        return self.root / name

    def config(self, responses: list, inputs: str = "", extra: str = "") -> Path:
        """Write config.toml; `responses` are file names (in root) or TOML inline tables as text."""
        listed = ", ".join(r if r.startswith("{") else f'"{self.root / r}"' for r in responses)
        path = self.root / "config.toml"
        path.write_text(f"""
[kommun]
namn = "Testkommun"
kod = "{KOMMUN}"
[inputs]
codebook = "{self.root / 'codebook.yaml'}"
responses = [{listed}]
{inputs}
{self.levels}
[privacy]
min_n = 3
[output]
dir = "{self.output}"
{extra}
""", encoding="utf-8")
        return path

    def build(self, responses: list, inputs: str = "", extra: str = ""):
        """Build and return (Results, manifest)."""
        manifest = build(load_config(self.config(responses, inputs, extra)))
        return open_results(self.output), manifest


def numbers(res, question: str, wave: int, level: str, by: str | None = None, **filters) -> dict:
    """{area_id (or (area_id, group) with `by`): (n, share rounded to 4 places)} from the one query path."""
    params = {"question": question, "wave": str(wave), "level": level, **filters}
    if by:
        params["by"] = by
    out = {}
    for row in res.query(res.parse(params)):
        key = row["area_id"] if by is None else (row["area_id"], row["group"])
        out[key] = (row["n"], None if row["share"] is None else round(row["share"], 4))
    return out


def assert_expected(res, expected=EXPECTED) -> None:
    for (question, wave, level), want in expected.items():
        got = numbers(res, question, wave, level)
        assert got == want, (question, wave, level, got)


def geo_coordinates(output: Path, level: str) -> dict:
    features = json.loads((output / "geo" / f"{level}.geojson").read_text())["features"]
    return {f["properties"]["area_id"]: f["geometry"] for f in features}
