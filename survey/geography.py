"""Area boundaries: read each level, check the hierarchy, simplify as a coverage, and write GeoJSON per level.

A level's file may be GeoJSON, GeoPackage (a named `layer`), a zipped Shapefile or GeoParquet, in any CRS: it is
reprojected to WGS84 (a file without a CRS is taken as WGS84 only when its coordinates look like lon/lat).
Invalid geometries (e.g. a self-intersecting "bow-tie") are repaired with shapely.make_valid and reported.
A level's parent is named by its parent column, or, without one, found by spatial containment: the parent is the
area of the next level that holds the area's representative point.

Every finest-level area gets its ancestor at each level (its lineage), so results roll up
by → deso → distrikt → kommun by summing counts.
"""
from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .config import KOMMUN_LEVEL_ID, Config, Level

# About 50 m at these latitudes: plenty for a municipal overview map, and a tenth of the bytes.
SIMPLIFY_TOLERANCE_DEG = 0.0005
# At most this many corners per level in the served boundaries (a coarser tolerance is used when needed).
MAX_VERTICES = 60_000
# A gap or overlap between simplified neighbours larger than this share of the level's area is reported.
COVERAGE_TOLERANCE = 1e-7


class GeographyError(ValueError):
    """A problem in an area file, naming the file, the column and the values."""


def _text(values: pd.Series) -> pd.Series:
    """Ids and names as text: 12.0 (a Shapefile's number) → "12", missing → ""."""
    def one(v):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip()
    return values.map(one)


def _open(level: Level) -> gpd.GeoDataFrame:
    path = level.file
    if not path.exists():
        raise GeographyError(f"{path}: filen finns inte (file not found)")
    try:
        if path.suffix.lower() in (".parquet", ".geoparquet"):
            return gpd.read_parquet(path)
        import pyogrio

        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        if level.layer is not None and level.layer not in layers:
            raise GeographyError(f"{path}: lagret (layer) '{level.layer}' finns inte; "
                                 f"lagren i filen: {', '.join(layers)}")
        if level.layer is None and len(layers) > 1:
            raise GeographyError(f"{path}: filen har flera lager (several layers): {', '.join(layers)}; "
                                 f"ange vilket med layer = \"...\" under nivån '{level.id}' i konfigurationen")
        return gpd.read_file(path, layer=level.layer)
    except GeographyError:
        raise
    except Exception as err:  # pyogrio/pyarrow raise several types; the message is what the user needs
        raise GeographyError(f"{path}: kunde inte läsa områdesfilen (could not read the area file): {err}") from None


def _read_level(level: Level, warnings: list[str]) -> gpd.GeoDataFrame:
    frame = _open(level)
    aliases_column = level.aliases_column or ("aliases" if "aliases" in frame.columns else None)
    columns = [level.id_column, level.name_column] + [c for c in (level.parent_column, aliases_column) if c]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise GeographyError(f"{level.file}: kolumnen {', '.join(missing)} saknas; kolumner i filen: "
                             f"{', '.join(str(c) for c in frame.columns if c != 'geometry')}")
    if frame.crs is None:
        west, south, east, north = frame.total_bounds
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise GeographyError(f"{level.file}: filen saknar koordinatsystem (no CRS) och koordinaterna "
                                 f"({west:.0f}, {south:.0f}, {east:.0f}, {north:.0f}) är inte längd/bredd i grader: "
                                 "spara den med sitt koordinatsystem (t.ex. EPSG:3006, SWEREF 99 TM)")
        warnings.append(f"{level.file}: inget koordinatsystem (no CRS); koordinaterna ser ut som WGS84 och tolkas så")
        frame = frame.set_crs(4326)
    frame = frame.to_crs(4326)
    ids, names = _text(frame[level.id_column]), _text(frame[level.name_column])
    duplicated = ids[ids.duplicated()].tolist()
    if duplicated:
        raise GeographyError(f"{level.file}: kolumnen {level.id_column} har dubbla id: {', '.join(duplicated[:5])}")
    label = [f"{n} ({i})" for i, n in zip(ids, names)]
    geometry = frame.geometry.values
    empty = [label[k] for k in range(len(frame)) if geometry[k] is None or geometry[k].is_empty]
    if empty:
        raise GeographyError(f"{level.file}: områden utan geometri (areas without geometry): {', '.join(empty[:10])}")
    invalid = ~shapely.is_valid(geometry)
    if invalid.any():
        reasons = shapely.is_valid_reason(geometry[invalid])
        shown = [f"{label[k]}: {r}" for k, r in zip(np.flatnonzero(invalid), reasons)]
        warnings.append(f"{level.file}: {int(invalid.sum())} ogiltiga geometrier lagades med make_valid "
                        f"(invalid geometries repaired): {'; '.join(shown[:10])}")
        geometry = geometry.copy()
        geometry[invalid] = [_polygonal(g) for g in shapely.make_valid(geometry[invalid])]
    not_polygons = [label[k] for k, g in enumerate(geometry) if g.geom_type not in ("Polygon", "MultiPolygon")]
    if not_polygons:
        raise GeographyError(f"{level.file}: områden som inte är ytor (not polygons): {', '.join(not_polygons[:10])}")
    out = pd.DataFrame({
        "area_id": ids,
        "name": names,
        "parent_id": _text(frame[level.parent_column]) if level.parent_column else None,
    })
    if aliases_column:
        out["aliases"] = _text(frame[aliases_column]).map(
            lambda v: [a.strip() for a in re.split(r"[;|]", v) if a.strip()])
    return gpd.GeoDataFrame(out, geometry=list(geometry), crs=4326)


def _polygonal(geometry):
    """The polygons of a repaired geometry (make_valid may add lines or points where it cut)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [g for g in getattr(geometry, "geoms", [geometry]) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else geometry


def _contained_parents(lower: Level, upper: Level, shapes: dict[str, gpd.GeoDataFrame]) -> pd.Series:
    """For a level without parent_column: the upper area holding each area's representative point."""
    points = gpd.GeoDataFrame({"area_id": shapes[lower.id]["area_id"]},
                              geometry=shapes[lower.id].geometry.representative_point(), crs=4326)
    parents = shapes[upper.id][["area_id", "geometry"]].rename(columns={"area_id": "parent"})
    joined = gpd.sjoin(points, parents, how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    outside = joined[joined["parent"].isna()]
    if len(outside):
        names = dict(zip(shapes[lower.id]["area_id"], shapes[lower.id]["name"]))
        raise GeographyError(f"{lower.file}: nivån '{lower.id}' har ingen parent_column, och dessa områden ligger inte "
                             f"inom något område i {upper.file} (not inside any area of level '{upper.id}'): "
                             f"{', '.join(f'{names[a]} ({a})' for a in outside['area_id'][:10])}")
    return joined["parent"].astype(str).reset_index(drop=True)


def load_areas(config: Config, warnings: list[str] | None = None) -> tuple[pd.DataFrame, dict[str, gpd.GeoDataFrame]]:
    """Return (areas table, geometry per level). The areas table has area_id, level, name, parent_id.
    The geometry frames also have `aliases` (a list per area) when the file has an aliases column.
    Repaired geometries and assumptions are appended to `warnings`."""
    warnings = warnings if warnings is not None else []
    shapes: dict[str, gpd.GeoDataFrame] = {}
    given = [lv for lv in config.levels if lv.id != KOMMUN_LEVEL_ID]
    for level in given:
        shapes[level.id] = _read_level(level, warnings)
    for lower, upper in zip(given, given[1:]):
        if not lower.parent_column:
            shapes[lower.id]["parent_id"] = _contained_parents(lower, upper, shapes).to_numpy()
            continue
        frame = shapes[lower.id]
        orphans = frame[~frame["parent_id"].isin(set(shapes[upper.id]["area_id"]))]
        if len(orphans):
            named = [f"{a} ({n}): '{p}'" if p else f"{a} ({n}): (tom)"
                     for a, n, p in zip(orphans["area_id"], orphans["name"], orphans["parent_id"])]
            raise GeographyError(
                f"{lower.file}: kolumnen {lower.parent_column} har värden som inte finns i {upper.file} "
                f"({upper.id_column}) (parent missing or unknown), för {len(named)} områden: {', '.join(named[:10])}"
                + (" …" if len(named) > 10 else ""))
    top = given[-1].id
    shapes[top]["parent_id"] = config.kommun_code
    whole = gpd.GeoDataFrame({"area_id": [config.kommun_code],
                              "name": [config.whole_name],
                              "parent_id": [None]},
                             geometry=[shapes[top].union_all()], crs=4326)
    shapes[KOMMUN_LEVEL_ID] = whole
    areas = pd.concat([frame.drop(columns="geometry").assign(level=lv) for lv, frame in shapes.items()],
                      ignore_index=True)
    return areas[["area_id", "level", "name", "parent_id"]], shapes


def lineage(areas: pd.DataFrame, level_ids: list[str]) -> pd.DataFrame:
    """One row per finest-level area with its ancestor's id at every level (a column per level)."""
    parent = dict(zip(zip(areas["level"], areas["area_id"]), areas["parent_id"]))
    finest = areas.loc[areas["level"] == level_ids[0], "area_id"].tolist()
    rows = []
    for area_id in finest:
        row, current = {level_ids[0]: area_id}, area_id
        for lower, upper in zip(level_ids, level_ids[1:]):
            current = parent[(lower, current)]
            row[upper] = current
        rows.append(row)
    return pd.DataFrame(rows, columns=level_ids)


def simplified(frame: gpd.GeoDataFrame, max_vertices: int | None = None) -> gpd.GeoDataFrame:
    """Simplify the areas of one level together, so that neighbours keep sharing their borders. The tolerance is
    SIMPLIFY_TOLERANCE_DEG, doubled until the level has at most `max_vertices` (default MAX_VERTICES) corners: a
    municipality's levels never reach it, a national level of 6,000 areas would otherwise send the browser
    megabytes it cannot draw smoothly (bench/README.md)."""
    limit = MAX_VERTICES if max_vertices is None else max_vertices
    tolerance = SIMPLIFY_TOLERANCE_DEG
    out = frame.copy()
    while True:
        geometry = shapely.set_precision(shapely.coverage_simplify(frame.geometry.values, tolerance), 1e-5)
        if shapely.get_num_coordinates(geometry).sum() <= limit or tolerance >= 0.1:
            break
        tolerance *= 2
    out["geometry"] = geometry
    return out


def coverage_problems(level_id: str, original: gpd.GeoDataFrame, simple: gpd.GeoDataFrame,
                      tolerance: float = COVERAGE_TOLERANCE) -> list[str]:
    """Warnings for overlaps between simplified neighbours and gaps between them (holes in the simplified
    layer that the original does not have), each larger than `tolerance` × the level's area."""
    geoms = list(simple.geometry.values)
    names = [f"{n} ({a})" for a, n in zip(simple["area_id"], simple["name"])]
    total = shapely.union_all(list(original.geometry.values)).area
    limit = tolerance * total
    problems = []
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    for i, j in zip(left, right):
        if i < j:
            overlap = geoms[i].intersection(geoms[j]).area
            if overlap > limit:
                problems.append(f"nivån {level_id}: {names[i]} och {names[j]} överlappar (overlap) med "
                                f"{overlap / total:.2e} av nivåns yta")

    def holes(frame_geoms):
        # Grown by about a centimetre first, so that a gap pinched off at one point counts as a hole too.
        union = shapely.union_all(frame_geoms).buffer(1e-7, join_style="mitre")
        polygons = getattr(union, "geoms", [union])
        return shapely.union_all([shapely.Polygon(r) for p in polygons if p.geom_type == "Polygon"
                                  for r in p.interiors])

    gaps = holes(geoms).difference(holes(list(original.geometry.values)))
    for gap in getattr(gaps, "geoms", [gaps]):
        if not gap.is_empty and gap.area > limit:
            around = [names[k] for k in tree.query(gap.buffer(1e-6), predicate="intersects")] or ["?"]
            problems.append(f"nivån {level_id}: glapp (gap) mellan {', '.join(sorted(around)[:6])} med "
                            f"{gap.area / total:.2e} av nivåns yta")
    return problems


def to_geojson(frame: gpd.GeoDataFrame) -> str:
    return frame[["area_id", "name", "geometry"]].to_json(drop_id=True, ensure_ascii=False)
