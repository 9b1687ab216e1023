"""A FICTIONAL national-scale survey for the benchmark, written as a municipality (or Brå) would hand it over.

Run: python -m bench.national [--out bench/output/national] [--respondents 1000000] [--areas 6000] [--seed 7]

Writes, under --out (gitignored):
  areas/deso.gpkg, areas/kn.gpkg, areas/lan.gpkg   GeoPackages in SWEREF 99 TM (EPSG:3006), like a GIS export
  svar_<year>.csv                                  one response export per wave (semicolon, UTF-8), 5 waves
  befolkning.csv                                   population per kommun × kön × ålder (for raking)
  codebook.yaml                                    40 questions on the demo codebook's answer scales
  config.toml                                      the build configuration (`python -m survey build --config ...`)

The areas: 6,000 "DeSO" cells, Voronoi cells of points in a Sweden-sized box (655 × 1,540 km), denser in the south
and in ~70 towns, so they range from a few km² to thousands. Their edges are made irregular (deterministic midpoint
displacement of every shared edge, so neighbours keep one common border), giving ~100 vertices per cell as real
boundaries have. 290 "kommuner" are groups of neighbouring cells and 21 "län" groups of kommuner (unions, so the
levels nest exactly). Respondents: 1,000,000 over 5 waves, placed by population, answering 40 single-choice
questions from a one-factor ordered-logit model with smooth regional and group effects, some "vet inte" and blanks.
Seeded: the same arguments give the same files.
"""
from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import yaml
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parents[1]
DEMO_CODEBOOK = ROOT / "data/demo/codebook.yaml"
BOX = (270_000.0, 6_130_000.0, 925_000.0, 7_670_000.0)  # SWEREF 99 TM, about Sweden's extent
WAVES = (2017, 2019, 2021, 2023, 2025)
N_KOMMUNER, N_LAN = 290, 21
SCALES = ("trygg_kvall", "oro_tm", "beteende_ofta", "problem_tm", "ja_nej", "instammer", "fortroende")
THEMES = ("otrygghet", "oro", "beteende", "problem", "utsatthet", "polisen", "polisen")


def _points(rng: np.random.Generator, n: int) -> np.ndarray:
    """Cell seeds: 55 % around ~70 towns (most in the south), the rest spread with a density falling to the north."""
    west, south, east, north = BOX
    towns = []
    while len(towns) < 70:
        x, y = rng.uniform(west, east), rng.uniform(south, north)
        if rng.random() < math.exp(-3.0 * (y - south) / (north - south)):
            towns.append((x, y, rng.uniform(3_000, 25_000)))
    towns = np.array(towns)
    n_town = int(n * 0.55)
    which = rng.choice(len(towns), n_town, p=towns[:, 2] / towns[:, 2].sum())
    town_points = towns[which, :2] + rng.normal(size=(n_town, 2)) * towns[which, 2:3]
    spread = []
    while sum(len(s) for s in spread) < n - n_town:
        cand = np.column_stack([rng.uniform(west, east, 4 * n), rng.uniform(south, north, 4 * n)])
        keep = rng.random(len(cand)) < np.exp(-2.2 * (cand[:, 1] - south) / (north - south))
        spread.append(cand[keep])
    points = np.vstack([town_points, np.vstack(spread)[: n - n_town]])
    points[:, 0] = points[:, 0].clip(west + 500, east - 500)
    points[:, 1] = points[:, 1].clip(south + 500, north - 500)
    # No two seeds closer than 300 m (a degenerate sliver cell otherwise): nudge duplicates apart.
    tree = cKDTree(points)
    for _, j in sorted(tree.query_pairs(300.0)):
        points[j] += rng.uniform(300, 600, 2) * rng.choice([-1, 1], 2)
    return points


def _wiggle(p: tuple, q: tuple, depth: int = 4, amplitude: float = 0.06) -> list[tuple]:
    """Interior points of an irregular line from p to q (midpoint displacement), the same for the same segment."""
    a, b = (p, q) if p <= q else (q, p)
    rng = np.random.default_rng(abs(hash((round(a[0], 1), round(a[1], 1), round(b[0], 1), round(b[1], 1)))))
    line = [a, b]
    scale = amplitude * math.dist(a, b)
    for _ in range(depth):
        out = [line[0]]
        for s, e in zip(line, line[1:]):
            mx, my = (s[0] + e[0]) / 2, (s[1] + e[1]) / 2
            dx, dy = e[0] - s[0], e[1] - s[1]
            length = math.hypot(dx, dy) or 1.0
            off = rng.uniform(-1, 1) * scale
            out += [(mx - dy / length * off, my + dx / length * off), e]
        line = out
        scale /= 2
    inner = line[1:-1]
    return inner if p <= q else inner[::-1]


def _irregular(cells: list, straight: set) -> list:
    """Every cell with each edge replaced by its irregular line (edges in `straight` stay straight)."""
    out = []
    for cell in cells:
        ring = list(cell.exterior.coords)[:-1]
        coords = []
        for p, q in zip(ring, ring[1:] + ring[:1]):
            coords.append(p)
            key = (p, q) if p <= q else (q, p)
            if key not in straight:
                coords += _wiggle(p, q)
        out.append(shapely.Polygon(coords))
    return out


def _edges(cell) -> set:
    ring = list(cell.exterior.coords)[:-1]
    return {(p, q) if p <= q else (q, p) for p, q in zip(ring, ring[1:] + ring[:1])}


def make_areas(rng: np.random.Generator, n_areas: int) -> gpd.GeoDataFrame:
    points = _points(rng, n_areas)
    box = shapely.box(*BOX)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=box, ordered=True)
    cells = [shapely.set_precision(shapely.intersection(c, box), 0.1) for c in shapely.get_parts(cells)]
    # Irregular edges; an edge whose wiggle makes a cell invalid (sharp corners) is drawn straight, on both sides.
    straight: set = set()
    edges = [_edges(c) for c in cells]
    shapes = _irregular(cells, straight)
    for _ in range(10):
        bad = [i for i, s in enumerate(shapes) if not s.is_valid]
        if not bad:
            break
        for i in bad:
            straight |= edges[i]
        affected = [i for i, e in enumerate(edges) if e & straight]
        redone = _irregular([cells[i] for i in affected], straight)
        for i, s in zip(affected, redone):
            shapes[i] = s
    shapes = [s if s.is_valid else cells[i] for i, s in enumerate(shapes)]
    centres = np.array([(c.centroid.x, c.centroid.y) for c in cells])
    # Kommuner: nearest of 290 seeds; län: nearest of 21 kommun seeds.
    kn_seeds = centres[rng.choice(len(centres), N_KOMMUNER, replace=False)]
    kn = cKDTree(kn_seeds).query(centres)[1]
    lan_of_kn = cKDTree(kn_seeds[rng.choice(N_KOMMUNER, N_LAN, replace=False)]).query(kn_seeds)[1]
    frame = gpd.GeoDataFrame({
        "deso_id": [f"D{i + 1:05d}" for i in range(len(cells))],
        "namn": [f"Område {i + 1}" for i in range(len(cells))],
        "kn_id": [f"K{k + 1:03d}" for k in kn],
        "lan_id": [f"L{lan_of_kn[k] + 1:02d}" for k in kn],
    }, geometry=shapes, crs=3006)
    return frame


def make_population(rng: np.random.Generator, deso: pd.DataFrame) -> pd.DataFrame:
    """People 16–84 per DeSO × kön × åldersgrupp: DeSO of 700–2,700 people, ages skewed by region."""
    total = rng.integers(700, 2700, len(deso))
    rows = []
    age_share = np.array([0.14, 0.33, 0.31, 0.22])
    for area, people in zip(deso["deso_id"], total):
        ages = rng.dirichlet(age_share * 60)
        for kon, sex_share in (("1", 0.5), ("2", 0.5)):
            for alder, share in zip(("1", "2", "3", "4"), ages):
                rows.append((area, kon, alder, int(round(people * sex_share * share))))
    return pd.DataFrame(rows, columns=["area_id", "kon", "alder", "population"])


def make_codebook(n_questions: int) -> dict:
    demo = yaml.safe_load(DEMO_CODEBOOK.read_text(encoding="utf-8"))
    questions = []
    for i in range(n_questions):
        scale = SCALES[i % len(SCALES)]
        questions.append({
            "id": f"q{i + 1:02d}", "theme": THEMES[i % len(SCALES)], "type": "single",
            "text": {"sv": f"Fråga {i + 1} (fiktiv nationell benchmark, skala {scale})?",
                     "en": f"Question {i + 1} (fictional national benchmark, scale {scale})?"},
            "short": {"sv": f"Fråga {i + 1}", "en": f"Question {i + 1}"}, "scale": scale,
        })
    return {
        "survey": {"name": {"sv": "Fiktiv nationell trygghetsenkät (benchmark)", "en": "Fictional national survey"},
                   "respondent_id": "respondent_id", "wave_column": "ar"},
        "area": {"column": "deso", "level": "deso"},
        "groups": demo["groups"],
        "themes": [t for t in demo["themes"] if t["id"] in set(THEMES)],
        "scales": {s: demo["scales"][s] for s in SCALES},
        "questions": questions,
    }


def make_wave(rng: np.random.Generator, wave: int, n: int, deso: pd.DataFrame, population: pd.DataFrame,
              codebook: dict, regional: np.ndarray) -> pd.DataFrame:
    people = population.groupby("area_id", sort=False)["population"].sum().reindex(deso["deso_id"]).to_numpy()
    area = rng.choice(len(deso), n, p=people / people.sum())
    # Women and older people answer more often, so raking to the population has work to do.
    kon = np.where(rng.random(n) < 0.55, "1", "2")
    kon[rng.random(n) < 0.01] = "3"
    kon[rng.random(n) < 0.01] = ""
    alder = rng.choice(["1", "2", "3", "4"], n, p=[0.09, 0.26, 0.35, 0.30])
    boende = rng.choice(["1", "2", "3", ""], n, p=[0.55, 0.38, 0.05, 0.02])
    z = rng.normal(size=n)
    out = {"respondent_id": [f"{wave}-{i + 1:06d}" for i in range(n)], "ar": wave,
           "deso": deso["namn"].to_numpy()[area] if wave % 4 == 1 else deso["deso_id"].to_numpy()[area],
           "kon": kon, "alder": alder, "boende": boende}
    woman, young, old, flat = kon == "1", alder == "1", alder == "4", boende == "2"
    trend = (wave - WAVES[0]) / 8
    for i, q in enumerate(codebook["questions"]):
        options = codebook["scales"][q["scale"]]
        substantive = [o for o in options if not o.get("exclude")]
        order = sorted(substantive, key=lambda o: bool(o.get("unfavourable")))  # favourable first
        eta = (1.1 * z + 0.8 * regional[area, i % regional.shape[1]] + 0.5 * woman - 0.3 * young + 0.2 * old
               + 0.3 * flat + 0.15 * trend * (1 if i % 2 else -1))
        y = eta + rng.logistic(size=n)
        cuts = np.linspace(-1.0, 2.5, len(order) - 1) + (i % 5) * 0.2
        codes = np.array([str(o["code"]) for o in order])[np.searchsorted(cuts, y)]
        excluded = [str(o["code"]) for o in options if o.get("exclude")]
        if excluded:
            codes[rng.random(n) < 0.03] = excluded[-1]
        codes[rng.random(n) < 0.02] = ""
        out[q["id"]] = codes
    return pd.DataFrame(out)


def generate(out: Path, respondents: int, n_areas: int, n_questions: int, seed: int) -> None:
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    (out / "areas").mkdir(parents=True, exist_ok=True)
    deso = make_areas(rng, n_areas)
    deso[["deso_id", "namn", "kn_id", "geometry"]].to_file(out / "areas/deso.gpkg", layer="deso", driver="GPKG")
    kn = deso.dissolve("kn_id", method="coverage" if _has_coverage_dissolve() else "unary", as_index=False)
    kn = kn.assign(namn=[f"Kommun {k[1:]}" for k in kn["kn_id"]])
    kn[["kn_id", "namn", "lan_id", "geometry"]].to_file(out / "areas/kn.gpkg", layer="kn", driver="GPKG")
    lan = deso.dissolve("lan_id", method="coverage" if _has_coverage_dissolve() else "unary", as_index=False)
    lan = lan.assign(namn=[f"Län {k[1:]}" for k in lan["lan_id"]])
    lan[["lan_id", "namn", "geometry"]].to_file(out / "areas/lan.gpkg", layer="lan", driver="GPKG")
    vertices = int(shapely.get_num_coordinates(deso.geometry.values).sum())
    print(f"areas: {len(deso)} deso ({vertices} vertices), {len(kn)} kommuner, {len(lan)} län "
          f"({time.perf_counter() - started:.0f} s)", flush=True)

    population = make_population(rng, deso)
    # The margins a statistics office gives: per kommun × kön × åldersgrupp (raking within each kommun).
    kn_of = dict(zip(deso["deso_id"], deso["kn_id"]))
    margins = (population.assign(area_id=population["area_id"].map(kn_of))
               .groupby(["area_id", "kon", "alder"], as_index=False)["population"].sum())
    margins.to_csv(out / "befolkning.csv", index=False)
    codebook = make_codebook(n_questions)
    (out / "codebook.yaml").write_text(yaml.safe_dump(codebook, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # Smooth regional effects: a few sine waves over the box, one pattern per question family.
    c = np.array([(g.centroid.x, g.centroid.y) for g in deso.geometry])
    u, v = (c[:, 0] - BOX[0]) / (BOX[2] - BOX[0]), (c[:, 1] - BOX[1]) / (BOX[3] - BOX[1])
    regional = np.column_stack([np.sin(2 * math.pi * (k + 1) * u + k) * np.cos(math.pi * (k + 2) * v)
                                for k in range(7)])
    per_wave = [respondents // len(WAVES) + (1 if i < respondents % len(WAVES) else 0) for i in range(len(WAVES))]
    files = []
    for wave, n in zip(WAVES, per_wave):
        frame = make_wave(rng, wave, n, deso, population, codebook, regional)
        name = f"svar_{wave}.csv"
        frame.to_csv(out / name, index=False, sep=";", encoding="utf-8", lineterminator="\n")
        files.append(name)
        print(f"{name}: {n} respondents ({time.perf_counter() - started:.0f} s)", flush=True)
    rel = out.resolve().relative_to(ROOT) if out.resolve().is_relative_to(ROOT) else out.resolve()
    (out / "config.toml").write_text(CONFIG.format(
        out=rel, responses=", ".join(f'"{rel}/{f}"' for f in files)), encoding="utf-8")
    print(f"done in {time.perf_counter() - started:.0f} s: {out}", flush=True)


def _has_coverage_dissolve() -> bool:
    import inspect
    return "method" in inspect.signature(gpd.GeoDataFrame.dissolve).parameters


CONFIG = """# FICTIONAL national-scale benchmark data (bench/national.py). Paths are relative to the repository root.
[kommun]
namn = "Sverige (fiktiv benchmark)"
kod = "SE"
demo = true

[inputs]
codebook = "{out}/codebook.yaml"
responses = [{responses}]

[[levels]]
id = "deso"
file = "{out}/areas/deso.gpkg"
id_column = "deso_id"
name_column = "namn"
parent_column = "kn_id"
label = {{ sv = "DeSO", en = "DeSO" }}

[[levels]]
id = "kn"
file = "{out}/areas/kn.gpkg"
id_column = "kn_id"
name_column = "namn"
parent_column = "lan_id"
label = {{ sv = "Kommun", en = "Municipality" }}

[[levels]]
id = "lan"
file = "{out}/areas/lan.gpkg"
id_column = "lan_id"
name_column = "namn"
label = {{ sv = "Län", en = "County" }}

[privacy]
min_n = 5

[weighting]
population = "{out}/befolkning.csv"
dimensions = ["kon", "alder"]
cap = 5

[output]
dir = "{out}/processed"
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.national", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "bench/output/national"))
    parser.add_argument("--respondents", type=int, default=1_000_000)
    parser.add_argument("--areas", type=int, default=6000)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    generate(Path(args.out), args.respondents, args.areas, args.questions, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
