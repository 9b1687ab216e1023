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

MISSING_GROUP = "saknas"  # group code for respondents who did not state e.g. their sex
MISSING_LABEL = {"sv": "Uppgift saknas", "en": "Not stated"}


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
        self._names = {(lv, a): n for lv, a, n in zip(self.areas["level"], self.areas["area_id"], self.areas["name"])}
        self._order = {lv: frame.sort_values("name", key=lambda s: s.str.casefold())["area_id"].tolist()
                       for lv, frame in self.areas.groupby("level")}
        self.query = lru_cache(maxsize=4096)(self._query)

    # ---- parameters -------------------------------------------------------------------------
    def parse(self, params: Mapping[str, str]) -> Query:
        """Turn request parameters (strings) into a Query, or raise QueryError naming the bad one."""
        questions = [q.id for q in self.codebook.single_choice]
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

    def area_ids(self, level: str) -> list[str]:
        """The areas of a level in name order (empty for an unknown level)."""
        return self._order.get(level, [])

    def group_label(self, by: str, code: str, lang: str) -> str:
        if code == MISSING_GROUP:
            return MISSING_LABEL[lang]
        option = next(o for o in self.codebook.group(by).options if o.code == code)
        return option.label[lang]

    # ---- the query ------------------------------------------------------------------------------
    def _query(self, q: Query, lang: str = "sv") -> tuple[dict, ...]:
        """Rows for every area of the level (and every group of `by`): n, share of unfavourable answers,
        and the distribution over the options in the base. Suppressed where n < min_n."""
        question = self.codebook.question(q.question)
        base_options = [o for o in question.options if not o.exclude]
        unfavourable = {o.code for o in base_options if o.unfavourable}
        cells = self._cells.get((q.wave, q.question))
        if cells is None:
            cells = pd.DataFrame(columns=["answer", "n", q.level] + ([q.by] if q.by else []))
        for group_id, code in q.filters:
            cells = cells[cells[group_id] == code]
        cells = cells[cells["answer"].isin({o.code for o in base_options})]
        totals = {k: int(v) for k, v in cells.groupby([q.level, "answer"])["n"].sum().items()}
        by_group = {}
        group_codes: list[str | None] = [None]
        if q.by:
            by_group = {k: int(v) for k, v in cells.groupby([q.level, q.by, "answer"])["n"].sum().items()}
            group_codes += [o.code for o in self.codebook.group(q.by).options]
            if any(k[1] == "" for k in by_group):
                group_codes.append(MISSING_GROUP)
        rows = []
        for area_id in self._order[q.level]:
            for group in group_codes:
                if group is None:
                    per_option = {o.code: totals.get((area_id, o.code), 0) for o in base_options}
                else:
                    stored = "" if group == MISSING_GROUP else group
                    per_option = {o.code: by_group.get((area_id, stored, o.code), 0) for o in base_options}
                rows.append(self._row(q, area_id, group, per_option, unfavourable, lang))
        return tuple(rows)

    def _row(self, q: Query, area_id: str, group: str | None, per_option: dict, unfavourable: set, lang: str) -> dict:
        n = sum(per_option.values())
        suppressed = n < self.min_n
        share = None if suppressed else sum(per_option[c] for c in unfavourable) / n
        return {
            "area_id": area_id,
            "area_name": self.area_name(q.level, area_id),
            "level": q.level,
            "group": group,
            "group_label": None if group is None else self.group_label(q.by, group, lang),
            "n": None if suppressed else n,
            "share": share,
            "suppressed": suppressed,
            "distribution": None if suppressed else {code: count / n for code, count in per_option.items()},
        }

    def reference_rows(self, question: str, year: int) -> list[dict]:
        """External reference values (NTU) for a question in the given year, one per geography."""
        ref = self.reference
        if ref.empty:
            return []
        rows = ref[(ref["question"] == question) & (ref["year"] == year)]
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
