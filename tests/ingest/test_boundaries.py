"""Corpus: boundaries as GeoPackage layers, zipped Shapefile, GeoParquet, in SWEREF 99 TM, broken, without parents."""
from __future__ import annotations

import json
import zipfile

import geopandas as gpd
import numpy as np
import pytest
import shapely
from corpus import area_frames, assert_expected, geo_coordinates, level_toml, records, write_csv
from shapely.geometry import Polygon, box

from survey import geography
from survey.__main__ import main


@pytest.fixture
def responses(project):
    write_csv(project.path("svar.csv"), records())
    return ["svar.csv"]


def test_geopackage_layers_by_name(project, responses):
    by, deso = area_frames()
    gpkg = project.path("omraden.gpkg")
    deso.to_file(gpkg, layer="deso", driver="GPKG")
    by.to_file(gpkg, layer="byar", driver="GPKG")
    project.levels = level_toml(gpkg, gpkg, by_extra='layer = "byar"', deso_extra='layer = "deso"')
    res, _ = project.build(responses)
    assert_expected(res)


def test_geopackage_with_several_layers_needs_a_layer_name(project, responses, capsys):
    by, deso = area_frames()
    gpkg = project.path("omraden.gpkg")
    deso.to_file(gpkg, layer="deso", driver="GPKG")
    by.to_file(gpkg, layer="byar", driver="GPKG")
    project.levels = level_toml(gpkg, gpkg, by_extra='layer = "byn"', deso_extra='layer = "deso"')
    assert main(["check", "--config", str(project.config(responses))]) == 1
    assert f"Fel (error): {gpkg}: lagret (layer) 'byn' finns inte; lagren i filen: deso, byar" \
        in capsys.readouterr().err


def _zip_shapefile(frame, folder, name):
    folder.mkdir()
    frame.to_file(folder / f"{name}.shp")
    archive = folder.parent / f"{name}.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in folder.iterdir():
            z.write(part, part.name)
    return archive


def test_zipped_shapefile(project, responses):
    by, deso = area_frames(3006)
    archive = _zip_shapefile(by, project.path("shp"), "byar")
    deso.to_parquet(project.path("deso.parquet"))
    project.levels = level_toml(archive, project.path("deso.parquet"))
    res, _ = project.build(responses)
    assert_expected(res)
    assert res.area_name("by", "by2") == "Idre fjäll"


def test_geoparquet(project, responses):
    by, deso = area_frames()
    by.to_parquet(project.path("by.parquet"))
    deso.to_parquet(project.path("deso.parquet"))
    project.levels = level_toml(project.path("by.parquet"), project.path("deso.parquet"))
    res, _ = project.build(responses)
    assert_expected(res)


def _flat(geometry):
    return np.array(json.dumps(geometry["coordinates"]).replace("[", "").replace("]", "").split(","), dtype=float)


def test_sweref99tm_gives_the_same_map_and_numbers_as_wgs84(project, responses, tmp_path_factory):
    res, _ = project.build(responses)
    wgs84 = {lv: geo_coordinates(project.output, lv) for lv in ("by", "deso", "kommun")}
    first = {q: res.query(res.parse({"question": "q1", "wave": "2019", "level": q})) for q in ("by", "deso", "kommun")}

    by, deso = area_frames(3006)
    assert by.crs.to_epsg() == 3006 and by.total_bounds[0] > 100_000  # metres, not degrees
    by.to_file(project.path("by3006.gpkg"), driver="GPKG")
    deso.to_file(project.path("deso3006.gpkg"), driver="GPKG")
    project.levels = level_toml(project.path("by3006.gpkg"), project.path("deso3006.gpkg"))
    res, _ = project.build(responses)
    for level, features in wgs84.items():
        projected = geo_coordinates(project.output, level)
        assert projected.keys() == features.keys()
        for area_id, geometry in features.items():
            a, b = _flat(geometry), _flat(projected[area_id])
            assert a.shape == b.shape and np.abs(a - b).max() <= 1e-6, (level, area_id)
    for level, rows in first.items():
        assert res.query(res.parse({"question": "q1", "wave": "2019", "level": level})) == rows


def test_file_without_crs_in_metres_is_an_error_naming_it(project, responses, capsys):
    by, deso = area_frames(3006)
    archive = _zip_shapefile(by, project.path("shp"), "byar")
    with zipfile.ZipFile(archive) as z:
        parts = {n: z.read(n) for n in z.namelist() if not n.endswith(".prj")}
    with zipfile.ZipFile(archive, "w") as z:  # the same Shapefile without its .prj: no CRS
        for name, data in parts.items():
            z.writestr(name, data)
    project.levels = level_toml(archive, project.path("deso.geojson"))
    assert main(["check", "--config", str(project.config(responses))]) == 1
    err = next(line for line in capsys.readouterr().err.splitlines() if line.startswith("Fel"))
    assert err.startswith(f"Fel (error): {archive}: filen saknar koordinatsystem (no CRS) och koordinaterna (")
    assert "är inte längd/bredd i grader: spara den med sitt koordinatsystem (t.ex. EPSG:3006, SWEREF 99 TM)" in err


def test_bow_tie_polygon_is_repaired_and_named_in_a_warning(project, responses):
    geo = json.loads(project.path("by.geojson").read_text())
    for feature in geo["features"]:
        if feature["properties"]["id"] == "by2":  # a self-intersecting "bow-tie" over the village's box
            feature["geometry"] = {"type": "Polygon", "coordinates": [
                [[14.1, 61.0], [14.2, 61.1], [14.2, 61.0], [14.1, 61.1], [14.1, 61.0]]]}
    project.path("by.geojson").write_text(json.dumps(geo))
    res, manifest = project.build(responses)
    assert_expected(res)
    assert manifest["warnings"] == [f"{project.path('by.geojson')}: 1 ogiltiga geometrier lagades med make_valid "
                                    "(invalid geometries repaired): Idre fjäll (by2): Self-intersection[14.15 61.05]"]
    repaired = shapely.geometry.shape(geo_coordinates(project.output, "by")["by2"])
    assert repaired.geom_type == "MultiPolygon" and repaired.is_valid


def test_geometry_repairs_reach_the_check_report_when_it_passes_and_when_it_fails(project, capsys):
    geo = json.loads(project.path("by.geojson").read_text())
    for feature in geo["features"]:
        if feature["properties"]["id"] == "by2":
            feature["geometry"] = {"type": "Polygon", "coordinates": [
                [[14.1, 61.0], [14.2, 61.1], [14.2, 61.0], [14.1, 61.1], [14.1, 61.0]]]}
    project.path("by.geojson").write_text(json.dumps(geo))
    repaired = (f"Varning: {project.path('by.geojson')}: 1 ogiltiga geometrier lagades med make_valid (invalid "
                "geometries repaired): Idre fjäll (by2): Self-intersection[14.15 61.05]")
    recs = records()
    write_csv(project.path("svar.csv"), recs)
    assert main(["check", "--config", str(project.config(["svar.csv"]))]) == 0
    assert repaired in capsys.readouterr().out.splitlines()
    recs[0]["by"] = "Atlantis"
    write_csv(project.path("svar.csv"), recs)
    assert main(["check", "--config", str(project.config(["svar.csv"]))]) == 1
    assert repaired in capsys.readouterr().err.splitlines()


def test_hierarchy_by_spatial_containment(project, responses):
    project.levels = level_toml(project.path("by.geojson"), project.path("deso.geojson"), parent=False)
    res, _ = project.build(responses)
    assert_expected(res)
    parents = res.areas[res.areas["level"] == "by"].set_index("area_id")["parent_id"].to_dict()
    assert parents == {"by1": "D1", "by2": "D1", "by3": "D2"}


def _wiggly_cells(seed: int = 7):
    """A wiggly outline cut by wiggly lines into cells (a true coverage: neighbours share every vertex), with
    thousands of vertices for the simplification to remove."""
    rng = np.random.default_rng(seed)
    angles = np.linspace(0, 2 * np.pi, 2000, endpoint=False)
    radius = 0.3 + 0.03 * np.sin(angles * 17) + 0.0001 * rng.standard_normal(2000)
    outline = Polygon(np.c_[14.5 + 2 * radius * np.cos(angles), 61.5 + radius * np.sin(angles)])
    t = np.linspace(0, 1, 500)
    lines = [shapely.LineString(np.c_[13.8 + 1.4 * t,
                                      y + 0.01 * np.sin(40 * t + y) + 0.0001 * rng.standard_normal(500)])
             for y in (61.35, 61.5, 61.62)]
    lines += [shapely.LineString(np.c_[x + 0.02 * np.sin(30 * t + x) + 0.0001 * rng.standard_normal(500),
                                       61.1 + 0.8 * t])
              for x in (14.1, 14.35, 14.6, 14.85)]
    noded = shapely.union_all([outline.exterior, *lines])
    cells = [c for c in shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
             if outline.contains(c.representative_point())]
    return gpd.GeoDataFrame({"area_id": [f"c{i}" for i in range(len(cells))],
                             "name": [f"Cell {i}" for i in range(len(cells))]}, geometry=cells, crs=4326)


def test_simplified_generated_layer_has_no_gaps_or_overlaps():
    layer = _wiggly_cells()
    simple = geography.simplified(layer)
    assert sum(len(shapely.get_coordinates(g)) for g in simple.geometry) < 0.6 * sum(
        len(shapely.get_coordinates(g)) for g in layer.geometry)  # it did simplify
    shapes = list(simple.geometry)
    whole = shapely.union_all(list(layer.geometry))
    union = shapely.union_all(shapes)
    assert (sum(s.area for s in shapes) - union.area) / whole.area < 1e-6           # no overlaps
    assert len(shapely.get_parts(union)) == 1 and not list(union.interiors)         # no gaps between neighbours
    assert whole.symmetric_difference(union).area / whole.area < 1e-2               # same outline, roughly
    assert geography.coverage_problems("cells", layer, simple) == []


def test_gap_between_simplified_neighbours_is_reported():
    layer = gpd.GeoDataFrame({"area_id": ["a", "b", "c"], "name": ["Alby", "Bby", "Cby"]},
                             geometry=[box(14.0, 61.0, 14.1, 61.1), box(14.1, 61.0, 14.2, 61.1),
                                       box(14.0, 61.1, 14.2, 61.2)], crs=4326)
    broken = layer.copy()
    broken.loc[1, "geometry"] = box(14.1, 61.0, 14.2, 61.1).difference(box(14.15, 61.09, 14.16, 61.1))  # a notch
    assert geography.coverage_problems("by", layer, broken) == [
        "nivån by: glapp (gap) mellan Bby (b), Cby (c) med 2.50e-03 av nivåns yta"]


def test_overlapping_neighbours_are_reported():
    layer = gpd.GeoDataFrame({"area_id": ["a", "b"], "name": ["Alby", "Bby"]},
                             geometry=[box(14.0, 61.0, 14.11, 61.1), box(14.1, 61.0, 14.2, 61.1)], crs=4326)
    problems = geography.coverage_problems("by", layer, geography.simplified(layer))
    assert len(problems) == 1 and problems[0].startswith("nivån by: Alby (a) och Bby (b) överlappar (overlap) med 5.")
