"""The one query path: every number the map, bars, table, API and exports show comes from `Results.query`.

Disclosure control is applied here and nowhere else: a cell with fewer than `min_n` respondents in the
base gets no count, no share and no distribution.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import pandas as pd

from .codebook import Codebook, load_codebook
from .estimates import ALPHA, Share, difference_p_value, holm, weighted_mean, weighted_share

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
        cube = pd.read_parquet(self.folder / "cube.parquet")
        ancestors = {lv: dict(zip(lineage[self.levels[0]], lineage[lv])) for lv in self.levels}
        # Split once by (wave, question), with each cell's area at every level: a query then touches
        # only its own few hundred rows.
        self._cells = {key: part.drop(columns=["wave", "question"]).assign(
                           **{lv: part["area_id"].map(ancestors[lv]) for lv in self.levels})
                       for key, part in cube.groupby(["wave", "question"])}
        self._points = {(lv, a): (x, y) for lv, a, x, y in
                        zip(self.areas["level"], self.areas["area_id"], self.areas["lon"], self.areas["lat"])}
        self._names = {(lv, a): n for lv, a, n in zip(self.areas["level"], self.areas["area_id"], self.areas["name"])}
        self._order = {lv: sorted(frame["area_id"], key=lambda a, lv=lv: swedish_order(self._names[(lv, a)]))
                       for lv, frame in self.areas.groupby("level")}
        self.query = lru_cache(maxsize=4096)(self._query)

    # ---- parameters -------------------------------------------------------------------------
    def parse(self, params: Mapping[str, str]) -> Query:
        """Turn request parameters (strings) into a Query, or raise QueryError naming the bad one."""
        questions = [q.id for q in self.codebook.single_choice] + [i.id for i in self.codebook.indices]
        question = params.get("question") or ""
        if question not in questions:
            raise QueryError("question", question, questions)
        wave_text = str(params.get("wave") or self.waves[-1])
        if not wave_text.isdigit() or int(wave_text) not in self.waves:
            raise QueryError("wave", wave_text, self.waves)
        level = params.get("level") or self.levels[0]
        if level not in self.levels:
            raise QueryError("level", level, self.levels)
        groups = [g.id for g in self.codebook.groups]
        by = params.get("by") or None
        if by is not None and by not in groups:
            raise QueryError("by", by, groups)
        filters = []
        for group in self.codebook.groups:
            code = params.get(group.id)
            if code in (None, ""):
                continue
            allowed = [o.code for o in group.options]
            if code not in allowed:
                raise QueryError(group.id, code, allowed)
            filters.append((group.id, code))
        return Query(question=question, wave=int(wave_text), level=level, by=by, filters=tuple(filters))

    # ---- labels -------------------------------------------------------------------------------
    def area_name(self, level: str, area_id: str) -> str:
        return self._names.get((level, area_id), area_id)

    def area_point(self, level: str, area_id: str) -> tuple[float, float]:
        """(lon, lat) of a point inside the area."""
        return self._points[(level, area_id)]

    def area_ids(self, level: str) -> list[str]:
        """The areas of a level in name order (empty for an unknown level)."""
        return self._order.get(level, [])

    def group_label(self, by: str, code: str, lang: str) -> str:
        if code == MISSING_GROUP:
            return MISSING_LABEL[lang]
        option = next(o for o in self.codebook.group(by).options if o.code == code)
        return option.label[lang]

    # ---- the query ------------------------------------------------------------------------------
    def _sums(self, wave: int, q: Query, base: set[str] | None) -> dict:
        """Σ over the cube for (area, group) cells: n, Σw, Σw² and Σw per option, under the query's filters.
        Keys: (area, None) for everyone in the area, (area, code) per group, and ("*", None) for the
        whole municipality (the complement of a cell is the whole minus the cell)."""
        cells = self._cells.get((wave, q.question))
        if cells is None:
            return {}
        for group_id, code in q.filters:
            cells = cells[cells[group_id] == code]
        if base is not None:
            cells = cells[cells["answer"].isin(base)]
        sums: dict = {}

        def add(key, frame):
            for (cell, answer), n, w, w2 in zip(frame.index, frame["n"], frame["w"], frame["w2"]):
                entry = sums.setdefault(key(cell), {"n": 0, "w": 0.0, "w2": 0.0, "options": {}})
                entry["n"] += int(n)
                entry["w"] += float(w)
                entry["w2"] += float(w2)
                entry["options"][answer] = entry["options"].get(answer, 0.0) + float(w)

        columns = ["n", "w", "w2"]
        add(lambda area: (area, None), cells.groupby([q.level, "answer"])[columns].sum())
        add(lambda _: ("*", None), cells.assign(_all="*").groupby(["_all", "answer"])[columns].sum())
        if q.by:
            grouped = cells.assign(_key=cells[q.level] + "\x1f" + cells[q.by].replace("", MISSING_GROUP))
            add(lambda key: tuple(key.split("\x1f")), grouped.groupby(["_key", "answer"])[columns].sum())
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
        the rest of the municipality and with the previous wave. Nothing but `suppressed` where n < min_n."""
        question = self.codebook.question(q.question)
        if question is None:  # an index: a mean over all its values
            base, unfavourable = None, None
        else:
            base = [o.code for o in question.options if not o.exclude]
            unfavourable = {o.code for o in question.options if o.unfavourable and not o.exclude}
        sums = self._sums(q.wave, q, set(base) if base else None)
        earlier = [w for w in self.waves if w < q.wave]
        previous_wave = earlier[-1] if earlier else None
        previous = self._sums(previous_wave, q, set(base) if base else None) if previous_wave else {}
        whole = sums.get(("*", None))

        group_codes: list[str | None] = [None]
        if q.by:
            group_codes += [o.code for o in self.codebook.group(q.by).options]
            if any(k[1] == MISSING_GROUP for k in sums):
                group_codes.append(MISSING_GROUP)
        rows = []
        for area_id in self._order[q.level]:
            for group in group_codes:
                entry = sums.get((area_id, group))
                share = self._estimate(entry, unfavourable)
                row = self._row(q, area_id, group, entry, share, base, lang)
                if share is not None:
                    rest = self._complement(whole, entry, unfavourable)
                    if rest is not None:
                        row.update(rest_share=rest.p, p_vs_rest=difference_p_value(share, rest))
                    before = self._estimate(previous.get((area_id, group)), unfavourable)
                    if before is not None:
                        row.update(previous_share=before.p, p_change=difference_p_value(share, before))
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

    def _row(self, q: Query, area_id: str, group: str | None, entry: dict | None, share: Share | None,
             base: list[str] | None, lang: str) -> dict:
        row = {
            "kind": "share" if base is not None else "index",
            "area_id": area_id,
            "area_name": self.area_name(q.level, area_id),
            "level": q.level,
            "group": group,
            "group_label": None if group is None else self.group_label(q.by, group, lang),
            "n": None, "share": None, "share_low": None, "share_high": None, "n_eff": None,
            "suppressed": share is None, "unreliable": None, "distribution": None,
            "rest_share": None, "p_vs_rest": None, "vs_rest": None,
            "previous_wave": None, "previous_share": None, "p_change": None, "change": None,
        }
        if share is None:
            return row
        earlier = [w for w in self.waves if w < q.wave]
        row.update(
            n=share.n, share=share.p, share_low=share.low, share_high=share.high, n_eff=share.n_eff,
            unreliable=share.n < self.reliable_min_n or share.high - share.low > self.reliable_max_width,
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
