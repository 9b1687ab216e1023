"""Population margins for weighting: persons per area × the codebook's groups (e.g. kön × åldersgrupp), read like a
response export and checked against one level's areas and the groups' codes."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..codebook import Codebook
from ..config import ResponseFile
from .matching import AreaMatcher, Columns, code_key, lookup_codes, normalise, option_lookup
from .messages import IngestError, expected_options, value_groups
from .readers import read_table

POPULATION_AREA_NAMES = ("area_id", "area", "område", "omrade", "områdeskod", "deso", "desokod", "regionkod")
POPULATION_COUNT_NAMES = ("population", "antal", "befolkning", "folkmängd", "count")


def load_population(source: Path | ResponseFile, codebook: Codebook, areas: pd.DataFrame) -> pd.DataFrame:
    """Population margins (area × the codebook's groups, e.g. kön × åldersgrupp), checked against the areas of one
    level and the groups' codes. Returns level, area_id, one column per group given, population (int).
    Raises IngestError with one line per problem, naming file, row, column, value and what was expected."""
    group_names = {g.id: [g.id, g.column, *g.aliases] for g in codebook.groups}
    known = {normalise(n) for names in [*group_names.values(), POPULATION_AREA_NAMES, POPULATION_COUNT_NAMES]
             for n in names}
    table = read_table(source, known)
    path = table.path
    columns = Columns(table)
    area_col = columns.find("område", POPULATION_AREA_NAMES)
    count_col = columns.find("antal", POPULATION_COUNT_NAMES)
    group_cols = {gid: columns.find(f"grupp {gid}", names) for gid, names in group_names.items()}
    group_cols = {gid: col for gid, col in group_cols.items() if col is not None}
    expected = (f"väntade kolumnerna area_id (eller {', '.join(POPULATION_AREA_NAMES[1:4])}), population (eller antal) "
                f"och grupperna {', '.join(group_names)}")
    problems = []
    if area_col is None or count_col is None:
        missing = [n for n, c in (("area_id", area_col), ("population", count_col)) if c is None]
        raise IngestError(f"{path}: kolumnen {', '.join(missing)} saknas (column missing); kolumner i filen: "
                          f"{', '.join(h for h in table.header if h)}; {expected}")
    extra = [h for i, h in enumerate(table.header) if h and i not in columns.claimed]
    if extra:
        raise IngestError(f"{path}: okända kolumner (unknown columns) {', '.join(extra)}; {expected}")
    values, rows = table.values, pd.Series(table.rows, index=table.values.index)

    area_text = values[area_col]
    level, area_ids, matcher = _level_named(area_text, areas)
    unknown = area_ids.isna()
    if unknown.any():
        near = {v: ", ".join(matcher.closest(v)) or "–" for v in area_text[unknown].unique()}
        problems.append(f"{path}, kolumn {columns.name(area_col)}: område som inte finns på nivån {level} "
                        f"(unknown area): {value_groups(area_text[unknown], rows[unknown])}; väntade id eller namn "
                        f"på nivån {level} (närmast: {'; '.join(f'{v} → {n}' for v, n in list(near.items())[:5])})")
    out = pd.DataFrame({"level": level, "area_id": area_ids})
    for gid, col in group_cols.items():
        group = codebook.group(gid)
        codes, shown = lookup_codes(table, col, option_lookup(group.options))
        bad = codes.isna()
        if bad.any():
            problems.append(f"{path}, kolumn {columns.name(col)}: kod som inte finns i kodbokens grupp {gid} "
                            f"(unknown group code): {value_groups(shown[bad], rows[bad])}; väntade "
                            f"{expected_options(group.options)}")
        out[gid] = codes
    count_text = values[count_col]
    keys = count_text.map(lambda v: code_key(re.sub(r"[\s\u00a0\u202f]", "", v)))
    counts = keys.map(lambda k: int(k) if re.fullmatch(r"\d+", k) else None)
    bad = counts.isna()
    if bad.any():
        problems.append(f"{path}, kolumn {columns.name(count_col)}: inte ett heltal ≥ 0 (not a whole number ≥ 0): "
                        f"{value_groups(count_text[bad], rows[bad])}; väntade antal personer, t.ex. 1204")
    out["population"] = counts
    cells = ["area_id", *group_cols]
    duplicated = out[cells].notna().all(axis=1) & out.duplicated(cells, keep=False)
    if duplicated.any():
        shown = out.loc[duplicated, cells].astype(str).agg(" × ".join, axis=1)
        problems.append(f"{path}: samma cell flera gånger (duplicate area × group): "
                        f"{value_groups(shown, rows[duplicated])}; väntade en rad per kombination")
    if problems:
        raise IngestError(problems)
    out["population"] = out["population"].astype("int64")
    return out.reset_index(drop=True)


def _level_named(area_text: pd.Series, areas: pd.DataFrame) -> tuple[str, pd.Series, AreaMatcher]:
    """The level whose areas the file names (the one most values match), each value's area id there (None if
    unknown) and that level's matcher."""
    best = None
    for level, frame in areas.groupby("level", sort=False):
        matcher = AreaMatcher(frame)
        ids = area_text.map(lambda v, m=matcher: m.match(v)[0])
        if best is None or ids.notna().sum() > best[1].notna().sum():
            best = (level, ids, matcher)
    return best
