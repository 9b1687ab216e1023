"""Area boundaries: read each level, check the hierarchy, simplify as a coverage, and write GeoJSON per level.

Every finest-level area gets its ancestor at each level (its lineage), so results roll up
by → deso → distrikt → kommun by summing counts.
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from .config import KOMMUN_LEVEL_ID, Config, Level

# About 50 m at these latitudes: plenty for a municipal overview map, and a tenth of the bytes.
SIMPLIFY_TOLERANCE_DEG = 0.0005


class GeographyError(ValueError):
    """A problem in an area file, naming the file, the column and the values."""


def _read_level(level: Level) -> gpd.GeoDataFrame:
    try:
        frame = gpd.read_file(level.file)
    except Exception as err:  # pyogrio raises several types; the message is what the user needs
        raise GeographyError(f"{level.file}: kunde inte läsa områdesfilen (could not read the area file): {err}") from None
    columns = [level.id_column, level.name_column] + ([level.parent_column] if level.parent_column else [])
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise GeographyError(f"{level.file}: kolumnen {', '.join(missing)} saknas; kolumner i filen: {', '.join(map(str, frame.columns))}")
    if frame.crs is None:
        frame = frame.set_crs(4326)
    frame = frame.to_crs(4326)
    duplicated = frame[level.id_column][frame[level.id_column].duplicated()].astype(str).tolist()
    if duplicated:
        raise GeographyError(f"{level.file}: kolumnen {level.id_column} har dubbla id: {', '.join(duplicated[:5])}")
    frame["geometry"] = shapely.make_valid(frame.geometry.values)
    out = pd.DataFrame({
        "area_id": frame[level.id_column].astype(str),
        "name": frame[level.name_column].astype(str),
        "parent_id": frame[level.parent_column].astype(str) if level.parent_column else None,
    })
    return gpd.GeoDataFrame(out, geometry=frame.geometry.values, crs=4326)


def load_areas(config: Config) -> tuple[pd.DataFrame, dict[str, gpd.GeoDataFrame]]:
    """Return (areas table, geometry per level). The areas table has area_id, level, name, parent_id."""
    shapes: dict[str, gpd.GeoDataFrame] = {}
    given = [lv for lv in config.levels if lv.id != KOMMUN_LEVEL_ID]
    for level in given:
        shapes[level.id] = _read_level(level)
    for lower, upper in zip(given, given[1:]):
        unknown = sorted(set(shapes[lower.id]["parent_id"]) - set(shapes[upper.id]["area_id"]))
        if unknown:
            raise GeographyError(
                f"{lower.file}: kolumnen {lower.parent_column} har värden som inte finns i {upper.file} "
                f"({upper.id_column}): {', '.join(unknown[:10])}")
    top = given[-1].id
    shapes[top]["parent_id"] = config.kommun_code
    whole = gpd.GeoDataFrame({"area_id": [config.kommun_code], "name": [config.kommun_name], "parent_id": [None]},
                             geometry=[shapes[top].union_all()], crs=4326)
    shapes[KOMMUN_LEVEL_ID] = whole
    areas = pd.concat([frame.drop(columns="geometry").assign(level=lv) for lv, frame in shapes.items()], ignore_index=True)
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


def simplified(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Simplify the areas of one level together, so that neighbours keep sharing their borders."""
    out = frame.copy()
    out["geometry"] = shapely.coverage_simplify(frame.geometry.values, SIMPLIFY_TOLERANCE_DEG)
    out["geometry"] = shapely.set_precision(out.geometry.values, 1e-5)
    return out


def to_geojson(frame: gpd.GeoDataFrame) -> str:
    return frame[["area_id", "name", "geometry"]].to_json(drop_id=True, ensure_ascii=False)
