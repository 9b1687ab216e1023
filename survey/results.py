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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from translations import text

from .codebook import Codebook, load_codebook
from .cube import BoundedCache, CubeParts, SizedCache
from .disclosure import make_lattice, box_sums, protect
from .estimates import ALPHA, Share, difference_p_value, holm, weighted_mean, weighted_share

# Memory for the per-(wave, question) tables: a municipality's all fit (about 100 kB each), a national build keeps
# the most recently used (about 10 MB each). TRYGG_TABLES_MB overrides.
# Per-process caches, bounded so a worker stays within ~600 MB on a national build (bench/README.md: 60 national
# views took a worker to 867 MB with 200 MB of tables and 100,000 rows, 541 MB with 80 MB and 20,000; the demo's
# views are a few dozen rows and its tables kilobytes, so a municipality keeps hundreds of views either way).
TABLES_BUDGET = int(float(os.environ.get("TRYGG_TABLES_MB", "80")) * 1e6)
QUERY_CACHE_ROWS = 20_000     # rows of views kept (a row is a dict of ~30 values, ~2.5 KB)
SUMS_CACHE_CELLS = 100_000    # cells of per-level sums kept (64 levels' sums before)
MISSING_GROUP = "saknas"  # group code for respondents who did not state e.g. their sex
MISSING_LABEL = {"sv": "Uppgift saknas", "en": "Not stated"}


SWEDISH_LETTERS = str.maketrans({"å": "z\u0001", "ä": "z\u0002", "ö": "z\u0003", "é": "e", "ü": "y"})


def swedish_order(name: str) -> str:
    """Sort key for Swedish names: å, ä, ö after z (Åsen after Västermyckeläng, Älvdalen after Åsen)."""
    return name.casefold().translate(SWEDISH_LETTERS)


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
        lineage = pd.read_parquet(self.folder / "lineage.parquet")
        # By (wave, question): a query then touches only its own rows. Read from the cube's row group for it when
        # first needed (survey/cube.py): a national cube fits no worker.
        self._cells = CubeParts(self.folder / "cube.parquet")
        self._points = {(lv, a): (x, y) for lv, a, x, y in
                        zip(self.areas["level"], self.areas["area_id"], self.areas["lon"], self.areas["lat"])}
        self._names = {(lv, a): n for lv, a, n in zip(self.areas["level"], self.areas["area_id"], self.areas["name"])}
        self._order = {lv: sorted(frame["area_id"], key=lambda a, lv=lv: swedish_order(self._names[(lv, a)]))
                       for lv, frame in self.areas.groupby("level")}
        self.roll_up: bool = bool(self.manifest.get("roll_up", True))
        self._parent = {(lv, a): (self.levels[i + 1], p) for i, lv in enumerate(self.levels[:-1])
                        for a, p in zip(self.areas.loc[self.areas["level"] == lv, "area_id"],
                                        self.areas.loc[self.areas["level"] == lv, "parent_id"])}
        self._setup_lattice(lineage, self._cells.group_values([g.id for g in self.codebook.groups]))
        self._tables: dict = BoundedCache(TABLES_BUDGET)  # least recently used out beyond the budget
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
        # Per level: each village's position among the level's areas (in self._order), for sums by area.
        self._position = {}
        for lv in self.levels:
            where = {a: i for i, a in enumerate(self._order.get(lv, []))}
            ancestor = dict(zip(lineage[finest], lineage[lv]))
            self._position[lv] = np.array([where.get(ancestor.get(v), -1) for v in villages], dtype=np.int64)

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
    def _table(self, wave: int | None, question: str):
        """One wave × question: its cube cells in the base as arrays, and which boxes may be published
        (survey/disclosure.py), computed once and kept. None when the wave has no answers to the question."""
        key = (wave, question)
        table = self._tables.get(key)
        if table is not None or key not in self._cells:
            return table
        cells = self._cells[key]
        item = self.codebook.question(question)
        if item is not None:
            options = [o.code for o in item.options if not o.exclude]
            cells = cells[cells["answer"].isin(options)]
        else:  # an index: its values are the "answers"
            options = sorted(cells["answer"].unique(), key=float)
        groups = [g.id for g in self.codebook.groups]
        village = _lookup(cells["area_id"], self._village_index)
        codes = [_lookup(cells[g], self._code_index[g], missing=len(self._codes[g])) for g in groups]
        option = _lookup(cells["answer"], {o: i for i, o in enumerate(options)})
        if (village < 0).any() or (option < 0).any():  # the build matched every area and answer: never expected
            raise ValueError(f"{self.folder}: the cube of {question} {wave} has areas or answers the build does not know")
        n = cells["n"].to_numpy(dtype=np.int64)
        fine = np.zeros((len(self._village_index), *(len(self._codes[g]) for g in groups)), dtype=np.int64)
        np.add.at(fine, (village, *(c - 1 for c in codes)), n)
        counts = box_sums(fine, self._lattice)
        table = {"village": village, "codes": codes, "option": option, "options": options, "n": n,
                 "w": cells["w"].to_numpy(dtype=float), "w2": cells["w2"].to_numpy(dtype=float),
                 "published": self._published_boxes(wave, question, counts),
                 # a group's "saknas" row is listed when anyone in the table did not state the group
                 "has_missing": {g: bool(counts[(0, *(len(self._codes[g]) if h == g else 0 for h in groups))] > 0)
                                 for g in groups}}
        with self._tables_lock:
            self._tables[key] = table
        return table

    def _published_boxes(self, wave, question: str, counts: np.ndarray) -> np.ndarray:
        """The boxes that may be published (survey/disclosure.py): as the build stored them in published.npz, or
        computed here (a build without that file; the build itself)."""
        path = self.folder / "published.npz"
        if path.exists():
            # Opened for each table (then kept with it): one open file inherited by gunicorn's forked workers would
            # interleave their reads ("Bad CRC-32", seen under the load test).
            with np.load(path) as stored_file:
                name = f"{wave}|{question}"
                stored = stored_file[name] if name in stored_file.files else None
            if stored is not None and stored.shape == counts.shape:
                return stored
        return protect(counts, self._lattice, self.min_n)

    def all_published_boxes(self) -> dict[str, np.ndarray]:
        """Every (wave, question)'s published boxes, for the build to store: the disclosure control then runs
        once, in the build, not in every worker at its first view of a question (a second per question for
        6,000 areas; bench/README.md)."""
        out = {}
        for wave, question in list(self._cells):
            table = self._table(wave, question)
            if table is not None:
                out[f"{wave}|{question}"] = table["published"]
            self._tables.clear()  # one at a time: a national build's tables would not fit
        return out

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

    def published(self, wave: int | None, q: Query, level: str, area_id: str, group: str | None,
                   coords: tuple | None = ()) -> bool:
        """Whether the box of this row may be shown (False when there is nothing to show)."""
        table = self._table(wave, q.question)
        area = self._class.get((level, area_id), -1)
        if coords == ():
            coords = self._coords(q, group)
        return bool(table is not None and area >= 0 and coords is not None and table["published"][(area, *coords)])

    def _sums(self, wave: int | None, q: Query, level: str | None = None) -> dict:
        """_level_sums, kept for the last few views (a view's roll-up, trend and previous wave ask again)."""
        level = level or q.level
        if len(self._order.get(level, ())) > 500:  # a big level: not worth the memory
            return self._level_sums(wave, q.question, q.by, q.filters, level)
        return self._recent_sums(wave, q.question, q.by, q.filters, level)

    def _level_sums(self, wave: int | None, question: str, by: str | None, filters: tuple, level: str) -> dict:
        """Σ over the cube for (area, group) cells of the level (default the query's): n, Σw, Σw² and Σw per
        option, under the query's filters, in the question's base. Keys: (area, None) for everyone in the area,
        (area, code) per group of `q.by`, and ("*", None) for the whole municipality."""
        table = self._table(wave, question)
        if table is None:
            return {}
        groups = [g.id for g in self.codebook.groups]
        keep = np.ones(len(table["n"]), dtype=bool)
        for group_id, code in filters:
            keep &= table["codes"][groups.index(group_id)] == self._code_index[group_id][code]
        areas = self._order[level]
        keep &= self._position[level][table["village"]] >= 0
        position = self._position[level][table["village"][keep]]
        option = table["option"][keep]
        n, w, w2 = table["n"][keep], table["w"][keep], table["w2"][keep]
        options = table["options"]
        sums: dict = {}

        def add(keys: list, index: np.ndarray) -> None:
            size = len(keys)
            ns = np.bincount(index, weights=n, minlength=size)
            ws = np.bincount(index, weights=w, minlength=size)
            w2s = np.bincount(index, weights=w2, minlength=size)
            per_option = np.bincount(index * len(options) + option, weights=w,
                                     minlength=size * len(options)).reshape(size, len(options)).tolist()
            ns, ws, w2s = ns.tolist(), ws.tolist(), w2s.tolist()
            for i, count in enumerate(ns):
                if count > 0:  # weights are positive, so an option is present where its sum is
                    sums[keys[i]] = {"n": int(round(count)), "w": ws[i], "w2": w2s[i],
                                     "options": {o: x for o, x in zip(options, per_option[i]) if x > 0}}

        add([(a, None) for a in areas], position)
        add([("*", None)], np.zeros(len(position), dtype=np.int64))
        if by:
            codes = self._codes[by]
            labels = [MISSING_GROUP if c == "" else c for c in codes]
            code = table["codes"][groups.index(by)][keep] - 1
            add([(a, c) for a in areas for c in labels], position * len(codes) + code)
        return sums

    def _estimate(self, entry: dict | None, unfavourable: set[str] | None) -> Share | None:
        """The share of unfavourable answers, or for an index (unfavourable None) the mean value."""
        if not entry or entry["n"] < self.min_n:
            return None
        if unfavourable is None:
            return weighted_mean(entry["n"], entry["w"], entry["w2"],
                                 {float(x): w for x, w in entry["options"].items()})
        yes = sum(w for code, w in entry["options"].items() if code in unfavourable)
        return weighted_share(entry["n"], entry["w"], entry["w2"], yes)

    def _complement(self, whole: dict, part: dict, unfavourable: set[str]) -> Share | None:
        """Everyone in the municipality except the cell: the share that the cell is compared with."""
        rest = {"n": whole["n"] - part["n"], "w": whole["w"] - part["w"], "w2": whole["w2"] - part["w2"],
                "options": {c: whole["options"].get(c, 0.0) - part["options"].get(c, 0.0) for c in whole["options"]}}
        return self._estimate(rest, unfavourable)

    def _query(self, q: Query, lang: str = "sv") -> tuple[dict, ...]:
        """Rows for every area of the level (and every group of `by`): n, weighted share of unfavourable
        answers with its 95 % interval, the distribution over the options in the base, the comparison with
        the rest of the municipality and with the previous wave. Nothing but `suppressed` where the box is
        hidden (survey/disclosure.py), and then, with roll-up on, the nearest enclosing area's value."""
        question = self.codebook.question(q.question)
        if question is None:  # an index: a mean over all its values
            base, unfavourable = None, None
        else:
            base = [o.code for o in question.options if not o.exclude]
            unfavourable = {o.code for o in question.options if o.unfavourable and not o.exclude}
        table = self._table(q.wave, q.question)
        sums = self._sums(q.wave, q)
        earlier = [w for w in self.waves if w < q.wave]
        previous_wave = earlier[-1] if earlier else None
        previous = self._sums(previous_wave, q) if previous_wave else {}
        kommun = self.levels[-1]
        whole = sums.get(("*", None)) if self.published(q.wave, q, kommun, self._order[kommun][0], None) else None

        group_codes: list[str | None] = [None]
        if q.by:
            group_codes += [o.code for o in self.codebook.group(q.by).options]
            if table is not None and table["has_missing"][q.by]:
                group_codes.append(MISSING_GROUP)
        level_sums = {q.level: sums}
        coords = {group: self._coords(q, group) for group in group_codes}
        labels = {group: self.group_label(q.by, group, lang) for group in group_codes if group is not None}
        shown_now = table["published"] if table is not None else None
        earlier_table = self._table(previous_wave, q.question) if previous_wave else None
        shown_before = earlier_table["published"] if earlier_table is not None else None
        rows = []
        for area_id in self._order[q.level]:
            area = self._class.get((q.level, area_id), -1)
            for group in group_codes:
                entry = sums.get((area_id, group))
                box = (area, *coords[group]) if area >= 0 and coords[group] is not None else None
                shown = entry is not None and box is not None and bool(shown_now[box])
                share = self._estimate(entry, unfavourable) if shown else None
                row = self._row(q, area_id, group, entry, share, base, lang, labels.get(group))
                if share is not None:
                    rest = self._complement(whole, entry, unfavourable) if whole else None
                    if rest is not None:
                        row.update(rest_share=rest.p, p_vs_rest=difference_p_value(share, rest))
                    before = previous.get((area_id, group))
                    if before is not None and shown_before is not None and shown_before[box]:
                        before = self._estimate(before, unfavourable)
                        if before is not None:
                            row.update(previous_share=before.p, p_change=difference_p_value(share, before))
                elif self.roll_up and box is not None:
                    self._roll_up(row, q, area_id, group, coords[group], shown_now, level_sums, unfavourable, lang)
                rows.append(row)
        # A view shows many comparisons at once: adjust each family's p-values together (Holm). The families
        # are the areas' all-respondents rows and the group rows, so an area's verdict does not depend on
        # whether the view is broken down by a group: the map, bars, table and summary agree.
        for family in ([r for r in rows if r["group"] is None], [r for r in rows if r["group"] is not None]):
            for key, flag, other in (("p_vs_rest", "vs_rest", "rest_share"), ("p_change", "change", "previous_share")):
                for row, adjusted in zip(family, holm([r[key] for r in family])):
                    row[key] = adjusted
                    if adjusted is not None and adjusted < ALPHA:
                        row[flag] = "higher" if row["share"] > row[other] else "lower"
        return tuple(rows)

    def _roll_up(self, row: dict, q: Query, area_id: str, group: str | None, coords: tuple, shown, level_sums: dict,
                 unfavourable: set[str] | None, lang: str) -> None:
        """A hidden row shows the value of the nearest enclosing area whose same box is published (a published
        number, so nothing new is disclosed), named in `rolled_up_to`. `shown`: the table's published boxes."""
        for level, ancestor, area in self._ancestors.get((q.level, area_id), ()):
            if area < 0 or not shown[(area, *coords)]:
                continue
            if level not in level_sums:
                level_sums[level] = self._sums(q.wave, q, level)
            share = self._estimate(level_sums[level].get((ancestor, group)), unfavourable)
            if share is None:
                return
            name = self.area_name(level, ancestor)
            row.update(rolled_up_to=name, rolled_up_id=ancestor, rolled_up_level=level, rolled_up_n=share.n,
                       rolled_up_share=share.p, rolled_up_share_low=share.low, rolled_up_share_high=share.high,
                       rolled_up_unreliable=self._unreliable(share),
                       rolled_up_label=text("rolled_up_label", lang).format(area=name))
            return

    def _unreliable(self, share: Share) -> bool:
        return share.n < self.reliable_min_n or share.high - share.low > self.reliable_max_width

    def _row(self, q: Query, area_id: str, group: str | None, entry: dict | None, share: Share | None,
             base: list[str] | None, lang: str, label: str | None = None) -> dict:
        row = {
            "kind": "share" if base is not None else "index",
            "area_id": area_id,
            "area_name": self.area_name(q.level, area_id),
            "level": q.level,
            "group": group,
            "group_label": None if group is None else (label or self.group_label(q.by, group, lang)),
            "n": None, "share": None, "share_low": None, "share_high": None, "n_eff": None,
            "suppressed": share is None, "unreliable": None, "distribution": None,
            "rest_share": None, "p_vs_rest": None, "vs_rest": None,
            "previous_wave": None, "previous_share": None, "p_change": None, "change": None,
            "rolled_up_to": None, "rolled_up_id": None, "rolled_up_level": None, "rolled_up_n": None,
            "rolled_up_share": None, "rolled_up_share_low": None, "rolled_up_share_high": None,
            "rolled_up_unreliable": None, "rolled_up_label": None,
        }
        if share is None:
            return row
        earlier = [w for w in self.waves if w < q.wave]
        row.update(
            n=share.n, share=share.p, share_low=share.low, share_high=share.high, n_eff=share.n_eff,
            unreliable=self._unreliable(share),
            distribution=None if base is None else {code: entry["options"].get(code, 0.0) / entry["w"] for code in base},
            previous_wave=earlier[-1] if earlier else None,
        )
        return row

    def reference_rows(self, question: str, year: int) -> list[dict]:
        """External reference values (NTU) for a question in the given year, one per geography, own first."""
        ref = self.reference
        if ref.empty:
            return []
        rows = ref[(ref["question"] == question) & (ref["year"] == year)]
        own = self.manifest.get("reference_geography")  # the municipality's own series first
        rows = rows.sort_values("geography", key=lambda g: g != own, kind="stable")
        return [{"geography": r.geography, "year": int(r.year), "value": _num(r.value), "low": _num(r.low),
                 "high": _num(r.high), "source": r.source} for r in rows.itertuples()]


def _num(value):
    return None if pd.isna(value) else float(value)


_lock = threading.Lock()
_loaded: dict[str, tuple[int, Results]] = {}


def _lookup(values: pd.Series, index: dict, missing: int = -1) -> np.ndarray:
    """index[str(value)] for each value, looked up once per distinct value (a national cube part has 100,000s of
    rows and a few thousand distinct values); `missing` for an empty value or one the index lacks."""
    codes, distinct = pd.factorize(values)
    found = np.array([index.get(str(v), missing) for v in distinct] + [missing], dtype=np.int64)
    return found[codes]  # code -1 (empty) takes the last


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
