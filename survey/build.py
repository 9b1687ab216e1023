"""`python -m survey build`: inputs → data/processed/, written to a new folder and swapped in one step.

data/processed is a symbolic link to data/builds/<build id>/. A failed build never touches it; a
successful one replaces the link atomically (os.replace), so a running app sees either the old or
the new build, never half of one; data/processed.previous keeps the build it replaced (survey/publishing.py:
restore, pruning). `stage` builds without publishing (the staff upload page compares first).
"""
from __future__ import annotations

import hashlib
import json
import math
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

import brotli
import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from . import geography
from .association import write_association
from .codebook import load_codebook
from .config import KOMMUN_LEVEL_ID, Config, all_area_aliases
from .cube import write_cube
from .ingest import IngestError, area_matching_summary, counted, ingest, load_population, thousands
from .ingest.accounting import KINDS as ACCOUNTING_KINDS
from .ingest.accounting import accounting_table
from .publishing import swap_in
from .reference import load_reference
from .results import write_tables
from .spreadsheet import text_safe
from .weighting import rake


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _map_view(bounds) -> dict:
    """Centre and zoom that fit the bounds into a map of about 560 × 480 px (MapLibre does not fit by itself;
    its world is 512 px wide at zoom 0)."""
    west, south, east, north = bounds
    lat = math.radians((south + north) / 2)
    span_lon = (east - west) * 1.1
    span_lat = (north - south) / math.cos(lat) * 1.1
    zoom = math.log2(min(560 / (512 * span_lon / 360), 480 / (512 * span_lat / 360)))
    return {"center": {"lon": (west + east) / 2, "lat": (south + north) / 2}, "zoom": round(zoom, 2)}


def index_answers(codebook, answers: pd.DataFrame) -> pd.DataFrame:
    """Each respondent's index value (mean item score / top score, in 0–1) as an 'answer' to the index, so the
    cube and the query treat it like a question. The value is kept exactly (repr of the float)."""
    parts = []
    for index in codebook.indices:
        items = answers[answers["question"].isin(index.items)]
        scores = items.assign(score=_scores(items["answer"], index.scores)).dropna(subset=["score"])
        per_person = scores.groupby("respondent_id")["score"].agg(["mean", "count"])
        per_person = per_person[per_person["count"] >= index.min_items]
        parts.append(pd.DataFrame({"respondent_id": per_person.index, "question": index.id,
                                   "answer": [repr(float(v)) for v in per_person["mean"] / index.top]}))
    return pd.concat(parts, ignore_index=True) if parts else answers.iloc[:0]


def _scores(answers: pd.Series, scores: dict) -> np.ndarray:
    """Each answer's score (NaN when the answer has none), looked up once per category, not once per answer."""
    lookup = np.array([scores.get(c, np.nan) for c in answers.cat.categories] + [np.nan], dtype=float)
    return lookup[answers.cat.codes.to_numpy()]  # code -1 (no answer) takes the NaN at the end


def compact_answers(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The answers of all frames in one, each column a category: the text of a national survey's 40 million
    answers (2 GB as strings) takes a tenth of the memory, and the build's peak memory is that much lower."""
    frames = [f for f in frames if len(f)] or frames[:1]
    return pd.DataFrame({c: union_categoricals([pd.Categorical(f[c]) for f in frames]) for c in frames[0].columns})


def answer_cube(answers: pd.DataFrame, respondents: pd.DataFrame, group_ids: list[str]) -> pd.DataFrame:
    """n, Σw and Σw² per wave × question × area × groups × answer. Weights depend only on area and groups, so every
    respondent in a cell has the same weight and the cell's sums are exact: n, Σw and Σw² are all the estimates need.

    The same rows as `answers.merge(respondents).groupby(keys).agg(...)`, in the same order and with the same sums
    (each cell's rows are added in the answers' order), but each answer finds its respondent by position, the keys
    are categories and the grouping goes a wave at a time: a national survey's 40 million answers need no string
    join, and the cube (29 million rows) is a quarter of the memory. The text keys are categories (survey.cube's
    write_cube stores them as plain text, as before)."""
    keys = ["wave", "question", "area_id", *group_ids, "answer"]
    ids = answers["respondent_id"].array  # a category (compact_answers): its codes number the respondents
    at = pd.Index(respondents["respondent_id"]).get_indexer(ids.categories)[ids.codes]
    del ids
    if (at < 0).any():  # an inner join: answers without a respondent are left out (none are expected)
        answers, at = answers[at >= 0], at[at >= 0]

    def category(values: pd.Series, take: np.ndarray | None = None) -> pd.Categorical:
        if isinstance(values.dtype, pd.CategoricalDtype):  # categories sorted: the groups come out in the merge's order
            values = values.array.remove_unused_categories()
            values = values.reorder_categories(sorted(values.categories))
            codes, categories = values.codes, values.categories
        else:
            codes, categories = pd.factorize(values, sort=True)
        return pd.Categorical.from_codes(codes if take is None else codes[take], categories=categories)

    wave = respondents["wave"].to_numpy()[at]
    columns = {"question": category(answers["question"]), "answer": category(answers["answer"]),
               **{column: category(respondents[column], at) for column in ["area_id", *group_ids]}}
    weight = respondents["weight"].to_numpy()[at]
    del at
    parts = []
    for value in np.unique(wave):  # a wave at a time (the first key): a fifth of the memory for the grouping
        rows = np.flatnonzero(wave == value)
        frame = pd.DataFrame({"wave": wave[rows], **{c: v[rows] for c, v in columns.items()},
                              "weight": weight[rows], "weight2": weight[rows] ** 2})
        part = (frame.groupby(keys, observed=True, sort=True)
                .agg(n=("weight", "size"), w=("weight", "sum"), w2=("weight2", "sum")).reset_index())
        del frame, rows
        parts.append(part)
    del columns, weight, wave
    cube = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*keys, "n", "w", "w2"])
    cube["wave"] = cube["wave"].astype("int64")
    return cube  # the text keys stay categories here (a tenth of the memory); write_cube writes them as text


def respondent_weights(config: Config, data, areas: pd.DataFrame, lineage: pd.DataFrame, group_ids: list[str],
                       population: pd.DataFrame | None):
    """Raked weights when the config asks for weighting ([weighting]), else 1 for everyone.
    `population` is the validated margins file (ingest.load_population)."""
    if not config.population or population is None:
        return pd.Series(1.0, index=data.respondents.index)
    unknown = [d for d in config.weight_dimensions if d not in group_ids]
    if unknown:
        raise ValueError(f"{config.path}: [weighting] dimensions {unknown} är inga grupper i kodboken ({group_ids})")
    missing = [d for d in config.weight_dimensions if d not in population.columns]
    if missing:
        raise ValueError(f"{config.population}: kolumn för {', '.join(missing)} saknas; vägningen behöver "
                         f"befolkningen per område × {' × '.join(config.weight_dimensions)}")
    population = population.groupby(["area_id", *config.weight_dimensions], as_index=False)["population"].sum()
    level = next((lv for lv in lineage.columns
                  if set(population["area_id"]) <= set(areas.loc[areas["level"] == lv, "area_id"])), None)
    if level is None:
        raise ValueError(f"{config.population}: områdena måste höra till en och samma nivå "
                         f"(the areas must be of one level: {', '.join(lineage.columns)})")
    area_of = dict(zip(lineage[lineage.columns[0]], lineage[level]))
    weights, warnings = rake(data.respondents, population, area_of, list(config.weight_dimensions), config.weight_cap)
    data.warnings.extend(warnings)
    return weights


def _sources(config: Config):
    """The response files with their per-file options (plain paths if `responses` was replaced after loading)."""
    if [r.path for r in config.response_files] == list(config.responses):
        return config.response_files
    return config.responses


def prepare(config: Config, progress=None) -> dict:
    """Read and check every input; return everything a build writes. Raises with a clear message on bad input.
    `progress(message)` is told each file and stage (the CLI prints them to stderr)."""
    progress = progress or (lambda message: None)
    progress(f"Läser kodboken {config.codebook} …")
    codebook = load_codebook(config.codebook)
    progress("Läser områdena: " + ", ".join(str(lv.file) for lv in config.levels if lv.file) + " …")
    geo_warnings: list[str] = []
    areas, shapes = geography.load_areas(config, geo_warnings)
    # A point inside each area, for marks on the map (a significant difference) that need a position.
    points = {(lv, a): g.representative_point() for lv, f in shapes.items() for a, g in zip(f["area_id"], f.geometry)}
    areas = areas.assign(lon=[points[(lv, a)].x for lv, a in zip(areas["level"], areas["area_id"])],
                         lat=[points[(lv, a)].y for lv, a in zip(areas["level"], areas["area_id"])])
    level_ids = [lv.id for lv in config.levels]
    if codebook.area_level != level_ids[0]:
        raise ValueError(f"{codebook.path}: area.level är '{codebook.area_level}', men den finaste nivån i "
                         f"{config.path} är '{level_ids[0]}' (the codebook's area level must be the finest level)")
    finest = areas[areas["level"] == level_ids[0]]
    if (areas["level"] != KOMMUN_LEVEL_ID).any() and config.whole_name.casefold() in set(
            areas.loc[areas["level"] != KOMMUN_LEVEL_ID, "name"].str.casefold()):
        whose = {"kommun": "kommunens", "region": "regionens", "län": "länets"}[config.whole_kind]
        geo_warnings.append(f"'{config.whole_name}' är både hela {whose} och ett områdes namn, så kartan och "
                            f"tabellen visar två '{config.whole_name}'; ange hela namnet i [kommun] fullnamn i "
                            f"{config.path.name}, t.ex. \"Falu kommun\" "
                            "(the whole's name is also an area's: set [kommun] fullnamn)")
    population = None
    if config.population_margins:
        progress(f"Läser befolkningen {config.population_margins} …")
        population = load_population(config.population_margins, codebook, areas)
    try:
        data = ingest(_sources(config), codebook, shapes[level_ids[0]].drop(columns="geometry"),
                      area_aliases=all_area_aliases(config), allow_unmatched_areas=config.allow_unmatched_areas,
                      progress=progress, max_unrecognised=config.max_unrecognised,
                      unrecognised_allowed=config.unrecognised_allowed)
    except IngestError as err:  # the boundaries' repairs are reported with the answers' errors too
        err.warnings[:0] = geo_warnings
        raise
    data.warnings[:0] = geo_warnings
    # Nothing lost: the rows of every file are used or quarantined, and the tables hold exactly those.
    assert sum(c["rows_in"] for c in data.file_counts) == len(data.respondents) + len(data.quarantine)
    assert sum(c["rows_used"] for c in data.file_counts) == len(data.respondents)
    assert sum(c["rows_quarantined"] for c in data.file_counts) == len(data.quarantine)
    # Every answer accounted for: each file × question's cells are counted, blank, excluded or unrecognised.
    used = {c["file"]: c["rows_used"] for c in data.file_counts}
    for entry in data.accounting:
        assert entry["rows"] == used[entry["file"]] == sum(entry[k] for k in ACCOUNTING_KINDS), entry

    group_ids = [g.id for g in codebook.groups]
    lineage = geography.lineage(areas, level_ids)
    respondents = data.respondents.assign(weight=respondent_weights(config, data, areas, lineage, group_ids,
                                                                    population))
    data.answers = compact_answers([data.answers])  # categories from here on (the strings are freed)
    answers = compact_answers([data.answers, index_answers(codebook, data.answers)])
    cube = answer_cube(answers, respondents, group_ids)

    waves = sorted(int(w) for w in data.respondents["wave"].unique())
    per_wave = data.respondents["wave"].value_counts()
    for wave in waves:
        others = [int(per_wave[w]) for w in waves if w != wave]
        if others and per_wave[wave] * 10 <= sum(others) / len(others):
            data.warnings.append(f"omgång {wave} har bara {thousands(int(per_wave[wave]))} svarande, en tiondel eller "
                                 f"mindre av de andras ({thousands(round(sum(others) / len(others)))} i snitt)")
    empty = sorted(set(finest["area_id"]) - set(data.respondents["area_id"]))
    if empty:
        names = dict(zip(finest["area_id"], finest["name"]))
        data.warnings.append(f"{counted(len(empty), 'område', 'områden')} har inga svarande "
                             "(areas with no respondents): "
                             f"{', '.join(names[a] for a in empty[:10])}" + (" …" if len(empty) > 10 else ""))
    progress("Förenklar gränserna och kontrollerar glapp och överlapp …")
    simple = {lv: geography.simplified(frame) for lv, frame in shapes.items()}
    for lv, frame in shapes.items():
        data.warnings.extend(geography.coverage_problems(lv, frame, simple[lv]))

    reference = load_reference(config, codebook) if config.reference else pd.DataFrame()
    return {"codebook": codebook, "areas": areas, "shapes": shapes, "lineage": lineage, "respondents": respondents,
            "cube": cube, "data": data, "waves": waves, "reference": reference, "simplified": simple,
            "population": population}


def _respondents_by_wave_area(respondents: pd.DataFrame) -> dict:
    """{wave: {finest area id: respondents}}: what the upload page compares with the published build."""
    counts = respondents.groupby(["wave", "area_id"]).size()
    out: dict[str, dict[str, int]] = {}
    for (wave, area_id), n in counts.items():
        out.setdefault(str(int(wave)), {})[str(area_id)] = int(n)
    return out


def write(config: Config, prepared: dict, folder: Path) -> dict:
    folder.mkdir(parents=True)
    geo = folder / "geo"
    geo.mkdir()
    bounds = {}  # each level's [west, south, east, north], of the boundaries as served (layouts/page.py fits the map)
    for level_id, frame in prepared["shapes"].items():
        simple = prepared["simplified"][level_id] if "simplified" in prepared else geography.simplified(frame)
        bounds[level_id] = [float(v) for v in simple.total_bounds]
        text = geography.to_geojson(simple)
        (geo / f"{level_id}.geojson").write_text(text, encoding="utf-8")
        # Compressed once here, at brotli's best, for the app to send (web/geo.py): a third of gzip's bytes.
        (geo / f"{level_id}.geojson.br").write_bytes(brotli.compress(text.encode("utf-8"), quality=11))
    write_cube(prepared["cube"], folder / "cube.parquet")  # a row group per (wave, question): read one at a time
    prepared["areas"].to_parquet(folder / "areas.parquet", index=False)
    prepared["lineage"].to_parquet(folder / "lineage.parquet", index=False)
    prepared["reference"].to_parquet(folder / "reference.parquet", index=False)
    shutil.copyfile(config.codebook, folder / "codebook.yaml")
    data = prepared["data"]
    private = folder / "private"  # staff-only material: never served by the public app
    private.mkdir()
    # Each free-text answer with its respondent's wave, area and groups, so staff can filter them (staff/).
    about = data.respondents[["respondent_id", "wave", "area_id", *[g.id for g in prepared["codebook"].groups]]]
    data.freetext.merge(about, on="respondent_id", how="left").to_parquet(private / "freetext.parquet", index=False)
    # answers as exported (text a respondent typed): text cells neutralised for a spreadsheet (survey/spreadsheet.py)
    text_safe(data.quarantine).to_csv(folder / "quarantine.csv", index=False)
    text_safe(data.area_matches).to_csv(folder / "area_matches.csv", index=False)  # how each area value was matched
    if prepared.get("population") is not None:
        prepared["population"].to_parquet(folder / "population.parquet", index=False)

    inputs = [config.codebook, *config.responses, *[lv.file for lv in config.levels if lv.file]]
    inputs += [p for p in (config.reference, config.population) if p]
    if config.population_margins and config.population_margins not in inputs:
        inputs.append(config.population_margins)
    manifest = {
        "build_id": folder.name,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "config": str(config.path),
        "kommun": {"name": config.kommun_name, "code": config.kommun_code, "kind": config.whole_kind,
                   "full_name": config.whole_name},
        "demo": config.demo,
        "min_n": config.min_n,
        "roll_up": config.roll_up,
        "weighted": config.population is not None,
        "reliability": {"min_n": config.reliable_min_n, "max_interval_width": config.reliable_max_width},
        "default_language": config.default_language,
        "source_credit": config.source_credit,
        "source_credits": config.source_credits,
        "public_url": config.public_url,
        "reference_geography": config.reference_geography,
        "levels": [{"id": lv.id, "label": lv.label, "approximate": lv.approximate, "bounds": bounds.get(lv.id)}
                   for lv in config.levels],
        "waves": prepared["waves"],
        "map": _map_view(prepared["shapes"][KOMMUN_LEVEL_ID].total_bounds),
        "inputs": [{"path": str(p), "sha256": _sha256(p), "bytes": p.stat().st_size} for p in inputs],
        "files": data.file_counts,
        "respondents": len(data.respondents),
        "answers": len(data.answers),
        "quarantined_rows": len(data.quarantine),
        "area_matching": area_matching_summary(data.area_matches),
        "accounting": data.accounting,
        "respondents_by_wave_area": _respondents_by_wave_area(data.respondents),
        "warnings": data.warnings,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    # Every (wave, question)'s table with its disclosure control, by the query's own code, stored with the build.
    write_tables(folder)
    # How strongly each problem goes with feeling unsafe (the prioritisation matrix), under the tables' pattern.
    write_association(folder, data.answers, prepared["respondents"])
    return manifest


def stage(config: Config, progress=None) -> dict:
    """Build into a new folder of data/builds/ without publishing it (the upload page compares it with the
    published build first); its manifest is returned, with `seconds`."""
    started = time.perf_counter()
    prepared = prepare(config, progress)
    if progress:
        progress(f"Skriver {config.output_dir} …")
    builds = config.output_dir.parent / "builds"
    folder = builds / datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    try:
        manifest = write(config, prepared, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    manifest["seconds"] = round(time.perf_counter() - started, 2)
    return manifest


def build(config: Config, progress=None) -> dict:
    manifest = stage(config, progress)
    swap_in(config.output_dir.parent / "builds" / manifest["build_id"], config.output_dir)
    return manifest


def report(manifest_or_prepared: dict) -> str:
    """The build report as plain text: rows in, used and quarantined per file, how the areas matched, warnings."""
    files = manifest_or_prepared["files"]
    lines = ["Fil | rader in | använda | i karantän"]
    for f in files:
        lines.append(f"{f['file']} | {f['rows_in']} | {f['rows_used']} | {f['rows_quarantined']}")
    totals = [sum(f[k] for f in files) for k in ("rows_in", "rows_used", "rows_quarantined")]
    if len(files) > 1:
        lines.append(f"Summa | {totals[0]} | {totals[1]} | {totals[2]}")
    matching = manifest_or_prepared.get("area_matching")
    if matching:
        lines.append("Områden matchade (areas matched), rader: " +
                     ", ".join(f"{how} {thousands(n)}" for how, n in matching["rows"].items()))
        lines += [f"  '{m['value']}' → {m['name']} ({m['area_id']}), {m['how']}, {thousands(m['rows'])} rader"
                  for m in matching["loose"][:20]]
    if manifest_or_prepared.get("accounting"):
        lines += ["Svaren per fil och fråga (every answer accounted for):",
                  *accounting_table(manifest_or_prepared["accounting"])]
    if totals[2]:
        lines.append(f"{thousands(totals[2])} rader i karantän (quarantined): se quarantine.csv")
    lines += [f"Varning: {w}" for w in manifest_or_prepared["warnings"]]
    return "\n".join(lines)
