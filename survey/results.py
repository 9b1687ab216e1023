"""The one query path: every number the map, bars, table, API and exports show comes from `Results.query`.

Disclosure control is applied here and nowhere else (the rule and why it holds: survey/disclosure.py): a
cell with fewer than `min_n` respondents in the base, or hidden so that such a cell cannot be worked out
from the others, gets no count, no share and no distribution. With roll-up on ([privacy] roll_up, default
true) a hidden area's row carries the nearest enclosing area's published value instead, named in
`rolled_up_to` ("visar Idre med fjällbyarna").
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import quote
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from translations import text

from .codebook import Codebook, load_codebook
from .cube import BoundedCache, CubeParts, SizedCache, text_codes
from .disclosure import box_sums, make_lattice, protect
from .estimates import ALPHA, Estimates, difference_p_values, holm, weighted_means, weighted_shares

# Per-process caches, bounded so a worker stays near 600 MB on a national build (bench/README.md). The tables' cells
# are mapped from the build's files (Results._read_table): those kept count in a worker's RSS as the pages it has
# read (about 5 MB a national table, so 48 MB keeps ten). TRYGG_TABLES_MB overrides. A municipality's all fit (about
# 50 kB each), and the demo's views are a few dozen rows, so a municipality keeps hundreds of views either way.
TABLES_BUDGET = int(float(os.environ.get("TRYGG_TABLES_MB", "48")) * 1e6)
SUMMARIES_BUDGET = TABLES_BUDGET // 2  # a national table's summary is ~125 kB (its published boxes as bits):
#                                        24 MB keeps about 190 of a national build's 200
QUERY_CACHE_ROWS = 120_000    # rows of views kept (as columns, ~200 bytes a row; Rows keeps 2,048 made as dicts)
SUMS_CACHE_CELLS = 300_000    # cells of per-level sums kept (~64 bytes each: a national view by a group is 54,000)
TABLES_FOLDER = "tables"  # the build's tables, a folder per (wave, question): Results.write_tables
SUMMARY = ("options", "published", "has_missing", "top")  # the parts of a table (Results._table)
CELLS = ("village", "codes", "option", "n", "w", "w2")  # … and (Results._table_cells)
MISSING_GROUP = "saknas"  # group code for respondents who did not state e.g. their sex
MISSING_LABEL = {"sv": "Uppgift saknas", "en": "Not stated"}


SWEDISH_LETTERS = str.maketrans({"å": "z\u0001", "ä": "z\u0002", "ö": "z\u0003", "é": "e", "ü": "y"})


def swedish_order(name: str) -> str:
    """Sort key for Swedish names: å, ä, ö after z (Åsen after Västermyckeläng, Älvdalen after Åsen)."""
    return name.casefold().translate(SWEDISH_LETTERS)


def table_folder(wave, question: str) -> str:
    """The folder of a (wave, question) table in tables/ (question ids are the codebook's: any text)."""
    return f"{wave}-{quote(str(question), safe='')}"


class QueryError(ValueError):
    """An unknown parameter value; names the parameter and the values it takes."""

    def __init__(self, parameter: str, value, allowed: list):
        self.parameter, self.value, self.allowed = parameter, value, [str(a) for a in allowed]
        shown = ", ".join(self.allowed[:40]) + (" …" if len(self.allowed) > 40 else "")
        super().__init__(f"Okänt värde för '{parameter}' (unknown value for '{parameter}'): {str(value)[:80]!r}. "
                         f"Tillåtna värden (allowed): {shown}")


@dataclass(frozen=True)
class Query:
    question: str
    wave: int
    level: str
    by: str | None = None
    filters: tuple[tuple[str, str], ...] = field(default=())  # (group id, option code), sorted


class Results:
    """The processed data of one build (read-only) and the queries on it."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder).resolve()
        self.manifest = json.loads((self.folder / "manifest.json").read_text(encoding="utf-8"))
        self.codebook: Codebook = load_codebook(self.folder / "codebook.yaml")
        self.min_n: int = int(self.manifest["min_n"])
        reliability = self.manifest.get("reliability", {})
        self.reliable_min_n: int = int(reliability.get("min_n", 30))
        self.reliable_max_width: float = float(reliability.get("max_interval_width", 0.25))
        self.weighted: bool = bool(self.manifest.get("weighted", False))
        self.waves: list[int] = [int(w) for w in self.manifest["waves"]]
        self.levels: list[str] = [lv["id"] for lv in self.manifest["levels"]]
        self.areas = pd.read_parquet(self.folder / "areas.parquet")
        self.reference = pd.read_parquet(self.folder / "reference.parquet")
        self._references = self._reference_index() if not self.reference.empty else {}
        lineage = pd.read_parquet(self.folder / "lineage.parquet")
        # By (wave, question): a query then touches only its own rows. Read from the cube's row group for it when
        # first needed (survey/cube.py): a national cube fits no worker.
        self._cells = CubeParts(self.folder / "cube.parquet")
        self._points = {(lv, a): (x, y) for lv, a, x, y in
                        zip(self.areas["level"], self.areas["area_id"], self.areas["lon"], self.areas["lat"])}
        self._names = {(lv, a): n for lv, a, n in zip(self.areas["level"], self.areas["area_id"], self.areas["name"])}
        self._order = {lv: sorted(frame["area_id"], key=lambda a, lv=lv: swedish_order(self._names[(lv, a)]))
                       for lv, frame in self.areas.groupby("level")}
        self._names_in_order = {lv: [self._names[(lv, a)] for a in order] for lv, order in self._order.items()}
        self._name_array = {lv: np.array(names, dtype=object) for lv, names in self._names_in_order.items()}
        self.roll_up: bool = bool(self.manifest.get("roll_up", True))
        self._parent = {(lv, a): (self.levels[i + 1], p) for i, lv in enumerate(self.levels[:-1])
                        for a, p in zip(self.areas.loc[self.areas["level"] == lv, "area_id"],
                                        self.areas.loc[self.areas["level"] == lv, "parent_id"])}
        self._setup_lattice(lineage, self._cells.group_values([g.id for g in self.codebook.groups]))
        # least recently used out beyond the budget: tables' summaries (mostly their published boxes) and cells
        self._tables: dict = BoundedCache(SUMMARIES_BUDGET)
        self._cell_tables: dict = BoundedCache(TABLES_BUDGET)
        self._tables_lock = threading.Lock()
        # Bounded by rows (sums: cells) rather than entries, so a national build's 6,000-row views cannot fill a
        # worker's memory while a municipality keeps thousands of views (survey/cube.py).
        self.query = SizedCache(self._query, QUERY_CACHE_ROWS)
        self._recent_sums = SizedCache(self._level_sums, SUMS_CACHE_CELLS)

    def _setup_lattice(self, lineage: pd.DataFrame, cube: pd.DataFrame) -> None:
        """The boxes every view can show (survey/disclosure.py): each area as its set of villages, and per group
        its codes in lattice order: the codebook's, any others found in the data, then "saknas" (empty string)."""
        finest = self.levels[0]
        villages = sorted(self.areas.loc[self.areas["level"] == finest, "area_id"])
        self._village_index = {v: i for i, v in enumerate(villages)}
        self._codes: dict[str, list[str]] = {}
        for group in self.codebook.groups:
            known = [o.code for o in group.options]
            seen = set(cube[group.id].astype(str).unique()) if group.id in cube else set()
            self._codes[group.id] = known + sorted(seen - set(known) - {""}) + [""]
        self._code_index = {g: {c: i + 1 for i, c in enumerate(codes)} for g, codes in self._codes.items()}
        members: dict[tuple[str, str], set] = {}
        for row in lineage.itertuples(index=False):
            for lv in self.levels:
                members.setdefault((lv, getattr(row, lv)), set()).add(getattr(row, finest))
        keys = list(zip(self.areas["level"], self.areas["area_id"]))
        groups = [g.id for g in self.codebook.groups]
        self._lattice, classes = make_lattice(
            villages, [frozenset(members.get(key, ())) for key in keys], [len(self._codes[g]) for g in groups],
            [len(self._codes[g]) for g in groups],
            [list(range(len(g.options) + 1, len(self._codes[g.id]))) for g in self.codebook.groups])
        self._class = dict(zip(keys, classes))
        self._ancestors = {}  # (level, area) → [(level, ancestor, its class), …] upwards
        for key in keys:
            chain, here = [], key
            while here in self._parent:
                here = self._parent[here]
                chain.append((*here, self._class.get(here, -1)))
            self._ancestors[key] = chain
        self._members = {key: frozenset(members.get(key, ())) for key in keys}
        # Per level, areas in name order: each one's class in the lattice (-1: none), and its enclosing areas
        # upwards as (level, their positions, their classes) for the roll-up.
        self._classes = {lv: np.array([self._class.get((lv, a), -1) for a in self._order.get(lv, [])], dtype=np.int64)
                         for lv in self.levels}
        self._up = {}
        for i, lv in enumerate(self.levels):
            chains = [self._ancestors[(lv, a)] for a in self._order.get(lv, [])]
            self._up[lv] = []
            for depth, up in enumerate(self.levels[i + 1:]):
                where = {a: k for k, a in enumerate(self._order.get(up, []))}
                steps = [chain[depth] if len(chain) > depth and chain[depth][0] == up else None for chain in chains]
                self._up[lv].append((up, np.array([where.get(s[1], -1) if s else -1 for s in steps], dtype=np.int64),
                                     np.array([s[2] if s else -1 for s in steps], dtype=np.int64)))
        # Per level: each village's position among the level's areas (in self._order), for sums by area.
        self._position = {}
        for lv in self.levels:
            where = {a: i for i, a in enumerate(self._order.get(lv, []))}
            ancestor = dict(zip(lineage[finest], lineage[lv]))
            self._position[lv] = np.array([where.get(ancestor.get(v), -1) for v in villages], dtype=np.int64)
        # Per level: each finest-level area's position in the level (-1: none), to add sums up.
        self._fine_to = {}
        for lv in self.levels:
            self._fine_to[lv] = np.full(len(self._order.get(finest, [])), -1, dtype=np.int64)
            placed = self._position[finest] >= 0
            self._fine_to[lv][self._position[finest][placed]] = self._position[lv][placed]

    # ---- parameters -------------------------------------------------------------------------
    def parse(self, params: Mapping[str, str]) -> Query:
        """Turn request parameters (strings) into a Query, or raise QueryError naming the bad one."""
        questions = [q.id for q in self.codebook.single_choice] + [i.id for i in self.codebook.indices]
        question = params.get("question") or ""
        if question not in questions:
            raise QueryError("question", question, questions)
        wave_text = str(params.get("wave") or self.waves[-1])
        if not (wave_text.isascii() and wave_text.isdigit() and len(wave_text) < 10) or int(wave_text) not in self.waves:
            raise QueryError("wave", wave_text, self.waves)
        level = params.get("level") or self.levels[0]
        if level not in self.levels:
            raise QueryError("level", level, self.levels)
        groups = [g.id for g in self.codebook.groups]
        by = params.get("by") or None
        if by is not None and by not in groups:
            raise QueryError("by", by, groups)
        return Query(question=question, wave=int(wave_text), level=level, by=by,
                     filters=tuple(self.group_filters(params)))

    def group_filters(self, params) -> list[tuple[str, str]]:
        """(group id, code) for each respondent group `params` filters on; QueryError for an unknown code."""
        filters = []
        for group in self.codebook.groups:
            code = params.get(group.id)
            if code in (None, ""):
                continue
            allowed = [o.code for o in group.options]
            if code not in allowed:
                raise QueryError(group.id, code, allowed)
            filters.append((group.id, code))
        return filters

    # ---- labels -------------------------------------------------------------------------------
    def area_name(self, level: str, area_id: str) -> str:
        return self._names.get((level, area_id), area_id)

    def area_point(self, level: str, area_id: str) -> tuple[float, float]:
        """(lon, lat) of a point inside the area."""
        return self._points[(level, area_id)]

    def villages_of(self, level: str, area_id: str) -> frozenset[str]:
        """The finest-level areas inside an area (empty for an unknown one)."""
        return self._members.get((level, area_id), frozenset())

    def area_ids(self, level: str) -> list[str]:
        """The areas of a level in name order (empty for an unknown level)."""
        return self._order.get(level, [])

    def group_label(self, by: str, code: str, lang: str) -> str:
        if code == MISSING_GROUP:
            return MISSING_LABEL[lang]
        option = next(o for o in self.codebook.group(by).options if o.code == code)
        return option.label[lang]

    # ---- the query ------------------------------------------------------------------------------
    def _table(self, wave: int | None, question: str) -> dict | None:
        """What every view of one wave × question needs, kept: its answer options in the base, which boxes may be
        published (survey/disclosure.py), whether a group has "saknas" answers, and its cells added up to the
        top level's areas ("top": a trend or a municipality's rows need no more). None when the wave has no
        answers to the question. The cells themselves (by the finest area): _table_cells."""
        return self._stored(wave, question, self._tables, SUMMARY)

    def _table_cells(self, wave: int | None, question: str) -> dict:
        """The cube's cells of one wave × question in the base, as arrays: finest area (village), group codes,
        option, n, Σw, Σw² (the largest part of a table: 5 MB at national scale; kept within TABLES_BUDGET)."""
        return self._stored(wave, question, self._cell_tables, CELLS)

    def _stored(self, wave: int | None, question: str, cache: dict, names: tuple[str, ...]) -> dict | None:
        key = (wave, question)
        part = cache.get(key)
        if part is not None or key not in self._cells:
            return part
        path = self.folder / TABLES_FOLDER / table_folder(wave, question)
        whole = self._read_table(path, names) if path.is_dir() else None
        if whole is None:
            whole = self._make_table(wave, question)
        with self._tables_lock:
            for part_cache, part_names in ((self._tables, SUMMARY), (self._cell_tables, CELLS)):
                if all(name in whole for name in part_names):
                    part_cache[key] = {name: whole[name] for name in part_names}
        return cache[key]

    def _make_table(self, wave: int | None, question: str) -> dict:
        """The table of (wave, question) from the cube (the build's part of the cube must exist): the names
        SUMMARY and CELLS."""
        cells = self._cells[(wave, question)]
        item = self.codebook.question(question)
        answer, answers = text_codes(cells.column("answer"))
        if item is not None:
            options = [o.code for o in item.options if not o.exclude]
        else:  # an index: its values are the "answers"
            options = sorted((answers[i] for i in np.unique(answer) if i < len(answers)), key=float)
        option = _lookup(answer, answers, {o: i for i, o in enumerate(options)})
        keep = option >= 0  # in the question's base
        groups = [g.id for g in self.codebook.groups]
        village = _lookup(*text_codes(cells.column("area_id")), self._village_index)[keep]
        codes = [_lookup(*text_codes(cells.column(g)), self._code_index[g], missing=len(self._codes[g]))[keep]
                 for g in groups]
        # Small integer types: a national table is 150,000 cells, 5 MB so, not 10 (TABLES_BUDGET holds more of them).
        village, option = village.astype(np.int32), option[keep].astype(np.int16)
        codes = [c.astype(np.int16) for c in codes]
        if (village < 0).any():  # the build matched every area: never expected
            raise ValueError(f"{self.folder}: the cube of {question} {wave} has areas the build does not know")
        n, w, w2 = (cells.column(c).to_numpy().astype(t)[keep]
                    for c, t in (("n", np.int32), ("w", float), ("w2", float)))
        fine = np.zeros((len(self._village_index), *(len(self._codes[g]) for g in groups)), dtype=np.int64)
        np.add.at(fine, (village, *(c - 1 for c in codes)), n)
        return {"village": village, "codes": codes, "option": option, "n": n, "w": w, "w2": w2, "options": options,
                "published": PackedBoxes.of(protect(box_sums(fine, self._lattice), self._lattice, self.min_n)),
                # a group's "saknas" row is listed when anyone in the table did not state the group
                "has_missing": {g: bool((code == len(self._codes[g])).any()) for g, code in zip(groups, codes)},
                "top": self._added_up_to_top(village, codes, option, n, w, w2)}

    def _added_up_to_top(self, village, codes, option, n, w, w2) -> dict:
        """The cells added up over the finest areas inside each area of the top level (the municipality): one
        cell per top area × group codes × option."""
        position = self._position[self.levels[-1]][village]
        inside = position >= 0
        # one integer per (top area, codes, option) (mixed radix: np.unique on a 2-D array's columns was minutes)
        columns = [position[inside], *(c[inside] for c in codes), option[inside]]
        sizes = [len(self._order[self.levels[-1]]), *(len(self._codes[g.id]) + 1 for g in self.codebook.groups),
                 int(option.max(initial=0)) + 1]
        key = np.zeros(int(inside.sum()), dtype=np.int64)
        for column, size in zip(columns, sizes):
            key = key * size + column
        unique, which = np.unique(key, return_inverse=True)
        keys = []
        for size in reversed(sizes):
            unique, digit = np.divmod(unique, size)
            keys.insert(0, digit)
        total = [np.bincount(which.reshape(-1), weights=x[inside], minlength=len(keys[0])) for x in (n, w, w2)]
        return {"position": keys[0].astype(np.int32), "codes": [k.astype(np.int16) for k in keys[1:-1]],
                "option": keys[-1].astype(np.int16), "n": total[0].round().astype(np.int32), "w": total[1],
                "w2": total[2]}

    def _read_table(self, folder: Path, names: tuple[str, ...]) -> dict | None:
        """The parts `names` of a table as write_tables stored it (None if it does not fit this build's lattice:
        then it is made). The cells' arrays are mapped from their files, not read: the operating system's page
        cache then holds each table once for all of gunicorn's workers. The summary's are small and read."""
        def array(name: str, mapped: bool = True) -> np.ndarray:
            return np.load(folder / f"{name}.npy", mmap_mode="r" if mapped else None)

        groups = [g.id for g in self.codebook.groups]
        table = {}
        for name in names:
            if name == "top":
                table[name] = {k: array(f"top.{k}", False) for k in ("position", "option", "n", "w", "w2")}
                table[name]["codes"] = list(array("top.codes", False))
            elif name == "codes":
                table[name] = list(array(name))
            elif name == "options":
                table[name] = array(name, False).tolist()
            elif name == "has_missing":
                table[name] = dict(zip(groups, array(name, False).tolist()))
            elif name == "published":
                table[name] = PackedBoxes(array("published", False), tuple(array("published.shape", False).tolist()))
            else:
                table[name] = array(name)
        if "published" in table and table["published"].shape != self._lattice.shape:
            return None
        return table

    def write_tables(self) -> int:
        """Every (wave, question)'s table, made from the cube by the query's own code, into tables/ (the build
        calls this), an .npy file per array: a worker then maps a table (a national one is 6 MB) in a millisecond
        instead of making it, and the disclosure control (a second per national table) runs once, here. Returns
        how many."""
        groups = [g.id for g in self.codebook.groups]
        written = 0
        for wave, question in list(self._cells):
            table = self._make_table(wave, question)
            top = table.pop("top")
            folder = self.folder / TABLES_FOLDER / table_folder(wave, question)
            folder.mkdir(parents=True, exist_ok=True)

            def stacked(codes: list, cells: int) -> np.ndarray:
                return np.stack(codes) if codes else np.zeros((0, cells), dtype=np.int16)

            arrays = {**table, "codes": stacked(table["codes"], len(table["n"])),
                      "options": np.array(table["options"], dtype=str),
                      "has_missing": np.array([table["has_missing"][g] for g in groups], dtype=bool),
                      **{f"top.{k}": v for k, v in top.items() if k != "codes"},
                      "top.codes": stacked(top["codes"], len(top["n"])),
                      "published": table["published"].bits, "published.shape": np.array(table["published"].shape)}
            for name, values in arrays.items():
                np.save(folder / f"{name}.npy", np.ascontiguousarray(values))
            sums = self._counted_sums(wave, question, None, (), self.levels[0])  # from the files just written
            for name in ("n", "w", "w2", "per_option"):
                np.save(folder / f"sums.{name}.npy", getattr(sums, name))
            written += 1
        return written

    def _coords(self, q: Query, group: str | None) -> tuple | None:
        """A row's group coordinates in the lattice: per group its code's index (0 for all); None when the row
        cannot hold anyone (a breakdown code other than the filter's code for the same group)."""
        coords = []
        filters = dict(q.filters)
        for g in self.codebook.groups:
            code = filters.get(g.id)
            if g.id == q.by and group is not None:
                mine = "" if group == MISSING_GROUP else group
                if code is not None and code != mine:
                    return None
                code = mine
            coords.append(0 if code is None else self._code_index[g.id][code])
        return tuple(coords)

    # ---- sums, estimates and rows of a view ------------------------------------------------------
    def _sums(self, wave: int | None, q: Query, level: str | None = None) -> LevelSums | None:
        """_level_sums of the query's breakdown and filters, kept for recent views (a view's roll-up, trend and
        previous wave ask again)."""
        return self._recent_sums(wave, q.question, q.by, q.filters, level or q.level)

    def _level_sums(self, wave: int | None, question: str, by: str | None, filters: tuple,
                    level: str) -> LevelSums | None:
        """Σ over the cube per cell of the level under the filters, in the question's base: n, Σw, Σw² and Σw per
        option, for each area's everyone, each area × group of `by` and everyone (LevelSums). None when the wave
        has no answers to the question."""
        finest, top = self.levels[0], self.levels[-1]
        if level not in (finest, top):  # added up from the finest level's sums (kept): thousands of cells, not 100,000s
            sums = self._recent_sums(wave, question, by, filters, finest)
            return None if sums is None else sums.added_up(self._fine_to[level], len(self._order[level]))
        if level == finest and not by and not filters and (wave, question) in self._cells:
            stored = self._stored_sums(wave, question)
            if stored is not None:
                return stored
        return self._counted_sums(wave, question, by, filters, level)

    def _stored_sums(self, wave: int | None, question: str) -> LevelSums | None:
        """The finest level's sums of everyone as write_tables stored them (None for a build without them): most
        views have no filter and no breakdown, and counting them from a national table's 150,000 cells was the
        largest part of a worker's time under the load test (bench/README.md)."""
        folder = self.folder / TABLES_FOLDER / table_folder(wave, question)
        try:
            n, w, w2, per_option = (np.load(folder / f"sums.{name}.npy") for name in ("n", "w", "w2", "per_option"))
        except FileNotFoundError:
            return None
        return LevelSums(n=n, w=w, w2=w2, per_option=per_option, areas=len(self._order[self.levels[0]]), labels=0)

    def _counted_sums(self, wave: int | None, question: str, by: str | None, filters: tuple,
                      level: str) -> LevelSums | None:
        """_level_sums of the finest or the top level, counted from the table's cells."""
        finest, top = self.levels[0], self.levels[-1]
        table = self._table(wave, question)
        if table is None:
            return None
        if level == top != finest:  # the table's cells added up to the top level already (a trend asks for 5 waves)
            cells = table["top"]
            position = cells["position"]
        else:
            cells = self._table_cells(wave, question)
            position = self._position[level][cells["village"]]
        groups = [g.id for g in self.codebook.groups]
        keep = position >= 0
        for group_id, code in filters:
            keep &= cells["codes"][groups.index(group_id)] == self._code_index[group_id][code]
        every = keep.all()  # then no copies
        position, option = (x if every else x[keep] for x in (position, cells["option"]))
        n, w, w2 = (cells[c] if every else cells[c][keep] for c in ("n", "w", "w2"))
        areas, labels, options = len(self._order[level]), len(self._codes[by]) if by else 0, len(table["options"])

        def add(key: np.ndarray, size: int) -> list[np.ndarray]:
            return [np.bincount(key, weights=x, minlength=size) for x in (n, w, w2)] + [
                np.bincount(key * options + option, weights=w, minlength=size * options).reshape(size, options)]

        # each answer cell adds to its area, its area × group, and everyone
        parts = [add(position, areas)]
        if by:
            parts.append(add(position * labels + cells["codes"][groups.index(by)][keep] - 1, areas * labels))
        parts.append(add(np.zeros(len(position), dtype=np.int64), 1))
        n, w, w2, per_option = (np.concatenate(field) for field in zip(*parts))
        return LevelSums(n=n.round().astype(np.int64), w=w, w2=w2, per_option=per_option, areas=areas, labels=labels)

    def _estimate(self, sums: LevelSums, cells: np.ndarray, options: list[str], unfavourable: set[str] | None,
                  minus: LevelSums | None = None) -> Estimates:
        """The share of unfavourable answers, or for an index (unfavourable None) the mean value, of `cells` of
        `sums`; with `minus`, of everyone (its last cell) minus each cell: the rest that a cell is compared with.
        No estimate where fewer than min_n are in the base."""
        n, w, w2, per_option = sums.n[cells], sums.w[cells], sums.w2[cells], sums.per_option[cells]
        if minus is not None:
            n, w, w2, per_option = (minus.n[-1] - n, minus.w[-1] - w, minus.w2[-1] - w2,
                                    minus.per_option[-1] - per_option)
        n = np.where(n >= self.min_n, n, 0)
        if unfavourable is None:
            return weighted_means(n, w, w2, np.array(options, dtype=float), per_option)
        yes = per_option[:, [i for i, o in enumerate(options) if o in unfavourable]].sum(axis=1)
        return weighted_shares(n, w, w2, yes)

    def _query(self, q: Query, lang: str = "sv") -> Rows:
        """Rows for every area of the level (and every group of `by`): n, weighted share of unfavourable
        answers with its 95 % interval, the distribution over the options in the base, the comparison with
        the rest of the municipality and with the previous wave. Nothing but `suppressed` where the box is
        hidden (survey/disclosure.py), and then, with roll-up on, the nearest enclosing area's value.
        Computed a column at a time (numpy) over all rows; the dicts are made last."""
        question = self.codebook.question(q.question)
        base = None if question is None else [o.code for o in question.options if not o.exclude]
        unfavourable = (None if question is None
                        else {o.code for o in question.options if o.unfavourable and not o.exclude})
        table = self._table(q.wave, q.question)
        group_codes: list[str | None] = [None]
        if q.by:
            group_codes += [o.code for o in self.codebook.group(q.by).options]
            if table is not None and table["has_missing"][q.by]:
                group_codes.append(MISSING_GROUP)
        areas = self._order[q.level]
        # Row r: area r // len(group_codes), its everyone first, then its groups; its box in the lattice (-1: none).
        area = np.repeat(np.arange(len(areas)), len(group_codes))
        slot = np.tile(np.arange(len(group_codes)), len(areas))
        coords = [self._coords(q, g) for g in group_codes]
        box_coords = np.array([c if c is not None else (-1,) * len(self.codebook.groups) for c in coords],
                              dtype=np.int64).reshape(len(group_codes), -1)[slot]
        area_class = self._classes[q.level][area]
        has_box = (area_class >= 0) & (box_coords >= 0).all(axis=1)
        cell = self._cells_of(q.by, group_codes, len(areas), area, slot)

        def published(table, classes, mask):
            out = np.zeros(len(mask), dtype=bool)
            if table is not None and mask.any():
                out[mask] = table["published"][(classes[mask], *box_coords[mask].T)]
            return out

        rows = len(area)
        now = nothing = _no_estimates(rows)
        sums = self._sums(q.wave, q)
        if sums is not None:
            now = self._estimate(sums, cell, table["options"], unfavourable)
        shown = published(table, area_class, has_box) & now.ok
        now = _only(now, shown)

        # Against everyone else (the whole municipality minus the cell), when the whole is published.
        kommun = self.levels[-1]
        whole_box = (self._class.get((kommun, self._order[kommun][0]), -1), *(coords[0] or ()))
        rest = nothing
        if sums is not None and coords[0] is not None and whole_box[0] >= 0 and table["published"][whole_box] \
                and sums.n[-1] > 0:
            rest = _only(self._estimate(sums, cell, table["options"], unfavourable, minus=sums), shown)
        p_vs_rest = difference_p_values(now, rest)

        # Against the previous wave, where its same box was published.
        earlier = [w for w in self.waves if w < q.wave]
        previous_wave = earlier[-1] if earlier else None
        before, p_change = nothing, np.full(rows, np.nan)
        before_sums = self._sums(previous_wave, q) if previous_wave else None
        if before_sums is not None:
            before_table = self._table(previous_wave, q.question)
            before = self._estimate(before_sums, cell, before_table["options"], unfavourable)
            before = _only(before, shown & published(before_table, area_class, has_box) & before.ok)
            p_change = difference_p_values(now, before)

        # A view shows many comparisons at once: adjust each family's p-values together (Holm). The families
        # are the areas' all-respondents rows and the group rows, so an area's verdict does not depend on
        # whether the view is broken down by a group: the map, bars, table and summary agree.
        flags = {}
        for name, p, other in (("vs_rest", p_vs_rest, rest.p), ("change", p_change, before.p)):
            for family in (slot == 0, slot > 0):
                p[family] = holm(p[family])
            flags[name] = np.where(p < ALPHA, np.where(now.p > other, "higher", "lower"), None)

        # Everything a row shows, as columns (numpy, one entry per row); the dicts are made when read (Rows).
        columns = {"area": area, "slot": slot, "now": now, "rest_p": rest.p, "p_vs_rest": p_vs_rest,
                   "before_p": before.p, "p_change": p_change, "vs_rest": flags["vs_rest"], "change": flags["change"],
                   "rolled": self._roll_up(q, area, slot, box_coords, shown, has_box, table, group_codes, unfavourable),
                   "distribution": None}
        if base is not None and sums is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                columns["distribution"] = sums.per_option[cell] / sums.w[cell, None]
        return Rows(len(area), lambda wanted: self._rows(q, group_codes, wanted, columns, base, previous_wave, lang),
                    areas, len(group_codes), column=lambda name: self._column(q, name, columns, base, lang))

    def area_trend(self, q: Query, area_id: str) -> list[dict]:
        """One area's all-respondents row of q's level under q's filters, in every wave: wave, kind, n, share,
        share_low, share_high, suppressed. The same sums, estimate and disclosure as the view's rows (the
        trend's points are those rows: tests/unit/test_results.py compares them), for the one area: the trend
        of a national area took five whole views of 6,000 areas (bench/README.md)."""
        question = self.codebook.question(q.question)
        unfavourable = (None if question is None
                        else {o.code for o in question.options if o.unfavourable and not o.exclude})
        area = self._order[q.level].index(area_id)
        area_class, coords = int(self._classes[q.level][area]), self._coords(q, None)
        points = []
        for wave in self.waves:
            table, sums = self._table(wave, q.question), self._sums(wave, q)
            found = _no_estimates(1)
            if sums is not None and area_class >= 0 and table["published"][([area_class], *([c] for c in coords))][0]:
                # every area's, as the view computes them (an index's means differ in the last bit otherwise)
                found = self._estimate(sums, np.arange(sums.areas), table["options"], unfavourable)
                found = Estimates(**{f.name: None if getattr(found, f.name) is None else getattr(found, f.name)[[area]]
                                     for f in fields(Estimates)})
            shown = bool(found.ok[0])
            p, low, high = _floats(found.p), _floats(found.low), _floats(found.high)
            points.append({"wave": wave, "kind": "index" if question is None else "share",
                           "n": int(found.n[0]) if shown else None, "share": p[0], "share_low": low[0],
                           "share_high": high[0], "suppressed": not shown})
        return points

    def _cells_of(self, by: str | None, group_codes: list, areas: int, area: np.ndarray,
                  slot: np.ndarray) -> np.ndarray:
        """Each row's cell in LevelSums: the area's everyone, or the area × the group's code."""
        if not by:
            return area
        labels = self._codes[by]
        label = np.array([-1] + [labels.index("" if g == MISSING_GROUP else g) for g in group_codes[1:]])[slot]
        return np.where(slot == 0, area, areas + area * len(labels) + label)

    def _roll_up(self, q: Query, area: np.ndarray, slot: np.ndarray, box_coords: np.ndarray, shown: np.ndarray,
                 has_box: np.ndarray, table, group_codes: list, unfavourable: set[str] | None) -> dict:
        """A hidden row shows the value of the nearest enclosing area whose same box is published (a published
        number, so nothing new is disclosed). Columns: the level (index in self.levels, -1: none), the area's
        position in it, and its estimate."""
        pending = has_box & ~shown if self.roll_up and table is not None else np.zeros(len(area), dtype=bool)
        level_of, position = np.full(len(area), -1), np.full(len(area), -1)
        found_p, found_low, found_high, found_n = (np.full(len(area), np.nan) for _ in range(4))
        for level, ancestor, ancestor_class in self._up[q.level]:
            rows = np.flatnonzero(pending & (ancestor[area] >= 0) & (ancestor_class[area] >= 0))
            rows = rows[table["published"][(ancestor_class[area[rows]], *box_coords[rows].T)]] if len(rows) else rows
            if not len(rows):
                continue
            pending[rows] = False  # the nearest published box decides, whether or not it has enough answers
            cells = self._cells_of(q.by, group_codes, len(self._order[level]), ancestor[area[rows]], slot[rows])
            found = self._estimate(self._sums(q.wave, q, level), cells, table["options"], unfavourable)
            rows, ok = rows[found.ok], found.ok
            level_of[rows], position[rows] = self.levels.index(level), ancestor[area[rows]]
            found_p[rows], found_low[rows], found_high[rows], found_n[rows] = (found.p[ok], found.low[ok],
                                                                              found.high[ok], found.n[ok])
        return {"level": level_of, "position": position, "p": found_p, "low": found_low, "high": found_high,
                "n": found_n}

    def _rows(self, q: Query, group_codes: list, wanted: np.ndarray, columns: dict, base: list[str] | None,
              previous_wave: int | None, lang: str) -> list[dict]:
        """The rows `wanted` (indices) as dicts (the API's, the CSV's and the callbacks' form), from the columns."""
        areas, names = self._order[q.level], self._names_in_order[q.level]
        labels = [None] + [self.group_label(q.by, g, lang) for g in group_codes[1:]]
        now, rolled = columns["now"], columns["rolled"]
        unreliable = self._unreliable(now)
        shown = now.ok[wanted].tolist()
        distributions = [None] * len(wanted)
        if columns["distribution"] is not None:
            distributions = [dict(zip(base, d)) if ok else None
                             for d, ok in zip(columns["distribution"][wanted].tolist(), shown)]
        kind = "share" if base is not None else "index"
        rolled_label = text("rolled_up_label", lang)
        out = []
        for (a, s, ok, n, p, low, high, n_eff, shaky, dist, rest_p, p_rest, vs_rest, before_p, p_before, change,
             up_level, up_position, up_p, up_low, up_high, up_n) in zip(
                columns["area"][wanted].tolist(), columns["slot"][wanted].tolist(), shown, now.n[wanted].tolist(),
                *(_floats(x[wanted]) for x in (now.p, now.low, now.high, now.n_eff)), unreliable[wanted].tolist(),
                distributions, *(_floats(columns[c][wanted]) for c in ("rest_p", "p_vs_rest")),
                columns["vs_rest"][wanted].tolist(), *(_floats(columns[c][wanted]) for c in ("before_p", "p_change")),
                columns["change"][wanted].tolist(),
                *(rolled[c][wanted].tolist() for c in ("level", "position", "p", "low", "high", "n"))):
            row = {"kind": kind, "area_id": areas[a], "area_name": names[a], "level": q.level, "group": group_codes[s],
                   "group_label": labels[s], "n": int(n) if ok else None, "share": p, "share_low": low,
                   "share_high": high, "n_eff": n_eff, "suppressed": not ok, "unreliable": shaky if ok else None,
                   "distribution": dist, "rest_share": rest_p, "p_vs_rest": p_rest, "vs_rest": vs_rest,
                   "previous_wave": previous_wave if ok else None, "previous_share": before_p, "p_change": p_before,
                   "change": change, "rolled_up_to": None, "rolled_up_id": None, "rolled_up_level": None,
                   "rolled_up_n": None, "rolled_up_share": None, "rolled_up_share_low": None,
                   "rolled_up_share_high": None, "rolled_up_unreliable": None, "rolled_up_label": None}
            if up_level >= 0:
                level = self.levels[up_level]
                name = self._names_in_order[level][up_position]
                row.update(rolled_up_to=name, rolled_up_id=self._order[level][up_position], rolled_up_level=level,
                           rolled_up_n=int(up_n), rolled_up_share=up_p, rolled_up_share_low=up_low,
                           rolled_up_share_high=up_high,
                           rolled_up_unreliable=(up_n < self.reliable_min_n
                                                 or up_high - up_low > self.reliable_max_width),
                           rolled_up_label=rolled_label.format(area=name))
            out.append(row)
        return out

    def _unreliable(self, now: Estimates) -> np.ndarray:
        return (now.n < self.reliable_min_n) | (now.high - now.low > self.reliable_max_width)

    def _column(self, q: Query, name: str, columns: dict, base: list[str] | None, lang: str) -> np.ndarray:
        """One field of every row (a key of _rows' dicts) as an array, without making the rows: numbers as floats
        with NaN for None, flags as bools (False for None), texts as objects. The map reads 6,000 areas so."""
        now, rolled, area = columns["now"], columns["rolled"], columns["area"]
        up = rolled["level"] >= 0

        def rolled_names() -> np.ndarray:
            names = np.full(len(area), None, dtype=object)
            for index, level in enumerate(self.levels):
                here = np.flatnonzero(rolled["level"] == index)
                if len(here):
                    names[here] = self._name_array[level][rolled["position"][here]]
            return names

        if name == "area_id":
            return np.array(self._order[q.level], dtype=object)[area]
        if name == "kind":
            return np.full(len(area), "share" if base is not None else "index", dtype=object)
        if name == "suppressed":
            return ~now.ok
        if name == "n":
            return np.where(now.ok, now.n, np.nan)
        if name in ("share", "share_low", "share_high", "n_eff"):
            return getattr(now, {"share": "p", "share_low": "low", "share_high": "high", "n_eff": "n_eff"}[name])
        if name == "unreliable":
            return now.ok & self._unreliable(now)
        if name in ("vs_rest", "change"):
            return columns[name]
        if name in ("rolled_up_share", "rolled_up_share_low", "rolled_up_share_high", "rolled_up_n"):
            return rolled[{"rolled_up_share": "p", "rolled_up_share_low": "low", "rolled_up_share_high": "high",
                           "rolled_up_n": "n"}[name]]
        if name == "rolled_up_to":
            return rolled_names()
        if name == "rolled_up_label":
            label, labels, where = text("rolled_up_label", lang), np.full(len(area), None, dtype=object), np.flatnonzero(up)
            labels[where] = [label.format(area=n) for n in rolled_names()[where].tolist()]
            return labels
        raise KeyError(f"Rows.column: no column {name!r}")

    def reference_rows(self, question: str, year: int) -> list[dict]:
        """External reference values (NTU) for a question in the given year, one per geography, own first."""
        return [dict(row) for row in self._references.get((question, int(year)), [])]

    def _reference_index(self) -> dict[tuple[str, int], list[dict]]:
        """reference_rows of every question and year, made once: filtering the frame per view took 2.7 ms of a
        warm municipal details answer's 4.8 ms (one process, 150 views)."""
        own = self.manifest.get("reference_geography")  # the municipality's own series first
        rows = self.reference.sort_values("geography", key=lambda g: g != own, kind="stable")
        index: dict[tuple[str, int], list[dict]] = {}
        for r in rows.itertuples():
            index.setdefault((r.question, int(r.year)), []).append(
                {"geography": r.geography, "year": int(r.year), "value": _num(r.value), "low": _num(r.low),
                 "high": _num(r.high), "source": r.source})
        return index


class PackedBoxes:
    """Which boxes of the lattice may be published, as bits (np.packbits): a national table's are 950 kB as
    booleans and 120 kB so, so every table's fit a worker's cache. Indexed like the boolean array."""

    def __init__(self, bits: np.ndarray, shape: tuple[int, ...]):
        self.bits, self.shape = bits, shape
        self.nbytes = bits.nbytes

    @classmethod
    def of(cls, published: np.ndarray) -> "PackedBoxes":
        return cls(np.packbits(published.reshape(-1)), tuple(published.shape))

    def __getitem__(self, index):
        flat = np.ravel_multi_index(index, self.shape)
        return (self.bits[flat >> 3] >> (7 - (flat & 7)) & 1).astype(bool)

    def __eq__(self, other) -> bool:
        return isinstance(other, PackedBoxes) and self.shape == other.shape and np.array_equal(self.bits, other.bits)

    __hash__ = None


class Rows(Sequence):
    """A view's rows (dicts, in order: each area in name order, its everyone first, then its groups), made from the
    query's columns when first read, a block at a time: a national view has tens of thousands of rows, of which
    the page shows a few hundred and the trend one; the API and the CSV read them all. `then` adds rows after."""

    BLOCK = 1024
    KEEP = 2  # blocks kept made (the last read): a cached national view holds its columns, not 30,000 dicts

    def __init__(self, count: int, make: Callable[[np.ndarray], list[dict]], areas: list[str], per_area: int,
                 then: Sequence[dict] = (), made: OrderedDict | None = None,
                 column: Callable[[str], np.ndarray] | None = None):
        self._count, self._make, self._areas, self._per_area = count, make, areas, per_area
        self._column = column
        self._then = then
        self._made = OrderedDict() if made is None else made  # block → its rows, shared with followed_by's copies
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._count + len(self._then)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = i + len(self) if i < 0 else i
        if not 0 <= i < len(self):
            raise IndexError(i)
        if i >= self._count:
            return self._then[i - self._count]
        return self._block(i // self.BLOCK)[i % self.BLOCK]

    def __iter__(self):
        for block in range((self._count + self.BLOCK - 1) // self.BLOCK):
            yield from self._block(block)
        yield from self._then

    def __eq__(self, other) -> bool:  # as a list of its rows
        return isinstance(other, Sequence) and len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None

    def __repr__(self) -> str:
        return f"Rows({len(self)} rows)"

    def _block(self, block: int) -> list[dict]:
        with self._lock:
            rows = self._made.get(block)
            if rows is not None:
                self._made.move_to_end(block)
                return rows
        rows = self._make(np.arange(block * self.BLOCK, min(self._count, (block + 1) * self.BLOCK)))
        with self._lock:
            self._made[block] = rows
            while len(self._made) > self.KEEP:
                self._made.popitem(last=False)
        return rows

    def head(self, count: int) -> list[dict]:
        """The first `count` rows, making only those (the page's table shows 500 of a national view's 6,000 or more,
        and a block is 1,024)."""
        own = min(count, self._count)
        with self._lock:
            block = self._made.get(0)
        rows = block[:own] if block is not None and own <= len(block) else self._make(np.arange(own))
        return rows + list(self._then[:count - own])

    def of_area(self, area_id: str) -> list[dict]:
        """The rows of one area of the view's level (none for another id), without making the others."""
        if area_id not in self._areas:
            return []
        start = self._areas.index(area_id) * self._per_area
        with self._lock:
            block = self._made.get(start // self.BLOCK)
        if block is not None and (start + self._per_area - 1) // self.BLOCK == start // self.BLOCK:
            return block[start % self.BLOCK:start % self.BLOCK + self._per_area]
        return self._make(np.arange(start, start + self._per_area))  # just these: the trend asks for one area

    def column(self, name: str) -> np.ndarray:
        """One field (a key of the rows' dicts) of the view's own rows as an array, without making the dicts
        (Results._column: NaN for a number that is None). Not of the rows added by followed_by."""
        return self._column(name)

    def followed_by(self, rows: Sequence[dict]) -> "Rows":
        """These rows, then `rows` (the page's table: the level's rows, then the municipality's)."""
        return Rows(self._count, self._make, self._areas, self._per_area, [*self._then, *rows], self._made,
                    self._column)


@dataclass(frozen=True)
class LevelSums:
    """Σ over the cube per cell of a level (Results._level_sums): cell a is area a's everyone (areas in name order),
    cell areas + a·labels + g area a's group g (the group's codes in lattice order, "saknas" last), and the last
    cell everyone under the filters. per_option: Σw per answer option (the table's options) of each cell."""
    n: np.ndarray
    w: np.ndarray
    w2: np.ndarray
    per_option: np.ndarray
    areas: int
    labels: int

    def __len__(self) -> int:  # its size in survey.cube.SizedCache
        return len(self.n)

    def added_up(self, to: np.ndarray, areas: int) -> "LevelSums":
        """The same sums for a coarser level: `to` maps each area here to its area there (-1: outside it)."""
        labels, here = self.labels, np.arange(self.areas)
        inside = to >= 0
        # cells here → cells there: areas, areas × groups, and everyone (the areas inside added up)
        source = [here[inside], here[inside]]
        target = [to[inside], np.full(inside.sum(), areas * (1 + labels))]
        if labels:
            area, label = np.divmod(np.arange(self.areas * labels), labels)
            kept = inside[area]
            source.append(self.areas + np.flatnonzero(kept))
            target.append(areas + to[area[kept]] * labels + label[kept])
        source, target, size = np.concatenate(source), np.concatenate(target), areas * (1 + labels) + 1

        def add(x: np.ndarray) -> np.ndarray:
            return np.bincount(target, weights=x[source], minlength=size)

        return LevelSums(n=add(self.n).round().astype(np.int64), w=add(self.w), w2=add(self.w2),
                         per_option=np.stack([add(col) for col in self.per_option.T],
                                             axis=1) if self.per_option.shape[1] else np.zeros((size, 0)),
                         areas=areas, labels=labels)


def _no_estimates(size: int) -> Estimates:
    empty = np.full(size, np.nan)
    return Estimates(p=empty, low=empty, high=empty, n=np.zeros(size, dtype=np.int64), n_eff=empty)


def _only(found: Estimates, keep: np.ndarray) -> Estimates:
    """The estimates where `keep`, none elsewhere."""
    def masked(x):
        return None if x is None else np.where(keep, x, np.nan)
    return Estimates(p=masked(found.p), low=masked(found.low), high=masked(found.high),
                     n=np.where(keep, found.n, 0).astype(np.int64), n_eff=masked(found.n_eff), se=masked(found.se))


def _floats(values: np.ndarray) -> list:
    """Floats as a list, None for NaN."""
    return [None if v != v else v for v in values.tolist()]


def _num(value):
    return None if pd.isna(value) else float(value)


_lock = threading.Lock()
_loaded: dict[str, tuple[int, Results]] = {}


def _lookup(codes: np.ndarray, values: list, index: dict, missing: int = -1) -> np.ndarray:
    """index[value] for each row of a text column given as (codes, values) (survey.cube.text_codes), looked up once
    per distinct value (a national cube part has 100,000s of rows and a few thousand distinct values); `missing`
    for an empty value or one the index lacks."""
    found = np.array([index.get(v, missing) for v in values] + [missing], dtype=np.int64)
    return found[codes]


def open_results(data_dir: str | Path) -> Results:
    """The Results of the build that `data_dir` points at now; a new build is picked up without a restart."""
    manifest = Path(data_dir) / "manifest.json"
    stamp = manifest.stat().st_mtime_ns  # follows the symlink: changes when a build is swapped in
    key = str(Path(data_dir).resolve())
    with _lock:
        cached = _loaded.get(key)
        if cached is None or cached[0] != stamp:
            _loaded.clear()
            _loaded[key] = (stamp, Results(data_dir))
        return _loaded[key][1]
