"""The API over HTTP, against the app under gunicorn: shapes, CSV, suppression, and 400 for bad parameters."""
from __future__ import annotations

import csv
import io

import pytest
import requests


def get(server_url, path, **params):
    return requests.get(server_url + path, params=params, timeout=10)


def test_questions(server_url):
    questions = get(server_url, "/api/v1/questions").json()["questions"]
    first = questions[0]
    assert first["id"] == "q_otrygg_kvall" and first["text"]["sv"].startswith("Hur trygg")
    assert first["text"]["en"] and first["theme"] == "otrygghet"
    assert [o["code"] for o in first["options"] if o["unfavourable"]] == ["3", "4", "5"]
    assert "fritext" not in {q["id"] for q in questions}  # free text is never public


def test_results_rows(server_url):
    body = get(server_url, "/api/v1/results", question="q_otrygg_kvall", wave=2019, level="deso", by="kon").json()
    rows = body["rows"]
    assert body["min_n"] == 5 and body["demo"] is True
    assert {r["area_id"] for r in rows} == {"2039A0010", "2039A0020", "2039A0030", "2039C1010", "2039C1020"}
    totals = [r for r in rows if r["group"] is None]
    assert len(totals) == 5 and all(r["group_label"] is None for r in totals)
    for r in rows:
        assert set(r) >= {"area_id", "area_name", "group", "n", "share", "suppressed"}
        if r["suppressed"]:
            assert r["n"] is None and r["share"] is None and r["distribution"] is None
        else:
            assert r["n"] >= 5 and 0 <= r["share"] <= 1
    assert {r["group_label"] for r in rows if r["group"]} >= {"Kvinna", "Man"}
    ntu = {r["geography"]: r for r in body["reference"]}
    assert ntu["Älvdalen"]["value"] == 14.0 and ntu["Älvdalen"]["low"] == 9.0  # Brå NTU 2019


def test_groups_add_up_to_the_total(server_url):
    rows = get(server_url, "/api/v1/results", question="p_fortkorning", wave=2016, level="kommun",
               by="alder").json()["rows"]
    total = next(r for r in rows if r["group"] is None)
    groups = [r for r in rows if r["group"] is not None]
    assert all(not r["suppressed"] for r in groups)
    assert sum(r["n"] for r in groups) == total["n"]
    # Weighted: the total is a weighted mean of the groups, so it lies between them.
    assert min(r["share"] for r in groups) <= total["share"] <= max(r["share"] for r in groups)
    assert total["share_low"] < total["share"] < total["share_high"]


def test_village_level_suppresses_small_villages(server_url):
    rows = get(server_url, "/api/v1/results", question="q_otrygg_kvall", wave=2019, level="by").json()["rows"]
    assert len(rows) == 22
    assert any(r["suppressed"] for r in rows) and any(not r["suppressed"] for r in rows)


def test_csv_has_the_same_rows(server_url):
    """The API's CSV is the view's table (/export/table.csv): the JSON's rows, then the whole municipality's."""
    params = dict(question="pol_fortroende", wave=2019, level="distrikt", by="boende", lang="en")
    json_rows = get(server_url, "/api/v1/results", **params).json()["rows"]
    kommun_rows = get(server_url, "/api/v1/results", **{**params, "level": "kommun"}).json()["rows"]
    response = get(server_url, "/api/v1/results", format="csv", **params)
    assert response.headers["Content-Type"].startswith("text/csv")
    csv_rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(csv_rows) == len(json_rows) + len(kommun_rows)
    for c, j in zip(csv_rows, json_rows + kommun_rows):
        assert c["Area"] == j["area_name"] and c["Area id"] == j["area_id"] and c["Group code"] == (j["group"] or "")
        assert c["Answers"] == ("" if j["n"] is None else str(j["n"]))
        assert c["Hidden (too few answers)"] == ("yes" if j["suppressed"] else "no")
        assert (c["Share (%)"] == "") if j["share"] is None else \
            float(c["Share (%)"]) == pytest.approx(j["share"] * 100, abs=0.051)
    export = get(server_url, "/export/table.csv", **{k: v for k, v in params.items()})
    assert export.content == response.content  # one view, one file


@pytest.mark.parametrize("params, parameter", [
    ({}, "question"),
    ({"question": "nope"}, "question"),
    ({"question": "fritext"}, "question"),
    ({"question": "q_otrygg_kvall", "wave": "2017"}, "wave"),
    ({"question": "q_otrygg_kvall", "level": "lan"}, "level"),
    ({"question": "q_otrygg_kvall", "by": "inkomst"}, "by"),
    ({"question": "q_otrygg_kvall", "kon": "9"}, "kon"),
    ({"question": "q_otrygg_kvall", "format": "xml"}, "format"),
    ({"question": "q_otrygg_kvall", "lang": "de"}, "lang"),
    ({"question": "<script>alert(1)</script>"}, "question"),
])
def test_bad_parameters_give_400_naming_the_parameter(server_url, params, parameter):
    response = get(server_url, "/api/v1/results", **params)
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == parameter and body["allowed"] and f"'{parameter}'" in body["error"]
    assert "Traceback" not in response.text


def test_geojson_is_served_locally_and_cached(server_url):
    response = get(server_url, "/geo/by.geojson")
    assert response.status_code == 200 and "max-age" in response.headers["Cache-Control"]
    assert len(response.json()["features"]) == 22
    assert get(server_url, "/geo/nope.geojson").status_code == 404
