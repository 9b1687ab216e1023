"""Make the demo's area files from the copied public sources in data/demo/source/.

Run: python -m survey.demo_areas   (writes data/demo/areas/{by,deso,distrikt}.geojson)

- deso: SCB DeSO 2025 polygons, with readable names and their distrikt as parent.
- distrikt: the union of the DeSO areas that lie in each district of Region Dalarna's district layer.
  The DeSO nest in the districts (measured: 99.99 % of each DeSO's area lies in one district), so the
  union follows the DeSO edges exactly and the levels nest without slivers.
- by (village, APPROXIMATE): Voronoi cells of the village points, computed in SWEREF 99 TM
  (EPSG:3006, metres) and clipped to the DeSO each point lies in. The cells are a convenience for
  showing village answers on a map, not official boundaries.
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

SOURCE = Path("data/demo/source")
OUT = Path("data/demo/areas")
METRIC_CRS = 3006

DESO_NAMES = {
    "2039C1010": "Älvdalens tätort med Västermyckeläng",
    "2039C1020": "Rot",
    "2039A0010": "Åsen, Brunnsberg och Evertsberg",
    "2039A0020": "Särna med omnejd",
    "2039A0030": "Idre med fjällbyarna",
}


def slug(text: str) -> str:
    """ASCII id from a place name: 'Särna' -> 'sarna'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def make_deso() -> gpd.GeoDataFrame:
    deso = gpd.read_file(SOURCE / "alvdalen_deso2025.geojson").to_crs(METRIC_CRS)
    districts = gpd.read_file(SOURCE / "alvdalen_distrikt_regiondalarna.geojson").to_crs(METRIC_CRS)
    points = deso.assign(geometry=deso.geometry.representative_point())
    joined = gpd.sjoin(points, districts[["distriktsnamn", "geometry"]], predicate="within")
    deso["distrikt_id"] = deso["desokod"].map(
        dict(zip(joined["desokod"], "distrikt_" + joined["distriktsnamn"].map(slug)))
    )
    deso["namn"] = deso["desokod"].map(DESO_NAMES)
    return deso[["desokod", "namn", "distrikt_id", "geometry"]]


def make_distrikt(deso: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    districts = gpd.read_file(SOURCE / "alvdalen_distrikt_regiondalarna.geojson")
    names = {"distrikt_" + slug(n): n for n in districts["distriktsnamn"]}
    merged = deso.dissolve(by="distrikt_id", as_index=False)[["distrikt_id", "geometry"]]
    merged["namn"] = merged["distrikt_id"].map(names)
    return merged[["distrikt_id", "namn", "geometry"]]


def make_villages(deso: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    places = pd.read_csv(SOURCE / "alvdalen_orter_koordinater.csv")
    # The source lists some places twice (SCB tätort point and Lantmäteriet point): keep the SCB one.
    places["scb"] = places["kalla"].str.contains("SCB", na=False)
    places = places.sort_values("scb", ascending=False).drop_duplicates("namn")
    points = gpd.GeoDataFrame(
        places, geometry=gpd.points_from_xy(places["lon"], places["lat"]), crs=4326
    ).to_crs(METRIC_CRS)
    cells = []
    for _, area in deso.iterrows():
        inside = points[points["desokod"] == area["desokod"]]
        if len(inside) == 1:
            pieces = [area.geometry]
        else:
            voronoi = shapely.voronoi_polygons(shapely.MultiPoint(list(inside.geometry)), extend_to=area.geometry)
            pieces = [cell.intersection(area.geometry) for cell in voronoi.geoms]
        for _, place in inside.iterrows():
            cell = next(p for p in pieces if p.covers(place.geometry))
            cells.append({"by_id": "by_" + slug(place["namn"]), "namn": place["namn"],
                          "desokod": area["desokod"], "geometry": cell})
    villages = gpd.GeoDataFrame(cells, crs=METRIC_CRS)
    return villages.sort_values("namn").reset_index(drop=True)


def write(frame: gpd.GeoDataFrame, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    frame = frame.to_crs(4326)
    frame["geometry"] = shapely.set_precision(frame.geometry.values, 1e-5)
    (OUT / f"{name}.geojson").write_text(frame.to_json(drop_id=True, ensure_ascii=False), encoding="utf-8")


def main() -> None:
    deso = make_deso()
    write(deso, "deso")
    write(make_distrikt(deso), "distrikt")
    write(make_villages(deso), "by")
    print(json.dumps({p.name: p.stat().st_size for p in sorted(OUT.glob("*.geojson"))}))


if __name__ == "__main__":
    main()
