"""`Results`: the processed data of one build (read-only) and the one query path on it; `open_results` picks up
the current build, `write_tables` stores its tables (the build calls it)."""
from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pandas as pd
from cachetools import LRUCache, cached

from ..codebook import Codebook, load_codebook
from ..cube import CubeParts
from . import change, compute
from .areas import AreaIndex
from .parameters import Query, group_filters, parse_query
from .rows import Rows
from .sums import SumsOf
from .tables import TableStore

TREND_CACHE_ENTRIES = 4096  # area trends kept (a point a wave each: a few KB at most)
ASSOCIATION_FILE = "association.parquet"  # the matrix's second axis (survey/association.py)
QUERY_CACHE_ROWS = 120_000  # rows of views kept (as columns, ~200 bytes a row): a municipality keeps thousands of
#                             views, a national build (6,000 rows or more a view) some dozens


class Results:
    """The processed data of one build (read-only) and the queries on it. `query(q)` (kept for recent views)
    returns a view's rows: codes and numbers, no language (views/labels.py adds the texts)."""

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
        self.roll_up: bool = bool(self.manifest.get("roll_up", True))
        self.areas = pd.read_parquet(self.folder / "areas.parquet")
        self.reference = pd.read_parquet(self.folder / "reference.parquet")
        self._references = self._reference_index() if not self.reference.empty else {}
        # By (wave, question): a query then touches only its own part of the cube, read when first needed
        # (survey/cube.py): a national cube fits no worker.
        self.cube = CubeParts(self.folder / "cube.parquet")
        self.area_index = AreaIndex(self.areas, self.levels, pd.read_parquet(self.folder / "lineage.parquet"),
                                    self.codebook, self.cube.group_values([g.id for g in self.codebook.groups]))
        self.tables = TableStore(self.folder, self.codebook, self.area_index, self.cube, self.min_n)
        self.sums = SumsOf(self.tables, self.area_index, self.codebook)
        # Bounded by rows rather than entries, so a national build's 6,000-row views cannot fill a worker's memory
        # while a municipality keeps thousands of views.
        self.query_cache = LRUCache(QUERY_CACHE_ROWS, getsizeof=lambda rows: max(1, len(rows)))
        self.query = cached(self.query_cache, lock=threading.RLock(), info=True)(self.compute)
        # a trend is asked for by every details answer (2 ms each, a fifth of it): kept as the views are
        self._trends = cached(LRUCache(TREND_CACHE_ENTRIES), lock=threading.RLock())(
            lambda q, area_id: tuple(compute.area_trend(self, q, area_id)))
        self._association: dict | None = None  # read when first asked

    def compute(self, q: Query) -> Rows:
        """The view's rows, computed (not from the cache: `query`)."""
        return compute.compute_view(self, q)

    def parse(self, params: Mapping[str, str]) -> Query:
        """Turn request parameters (strings) into a Query, or raise QueryError naming the bad one."""
        return parse_query(self.codebook, self.waves, self.levels, params)

    def group_filters(self, params) -> list[tuple[str, str]]:
        """(group id, code) for each respondent group `params` filters on; QueryError for an unknown code."""
        return group_filters(self.codebook, params)

    def area_name(self, level: str, area_id: str) -> str:
        return self.area_index.area_name(level, area_id)

    def area_point(self, level: str, area_id: str) -> tuple[float, float]:
        """(lon, lat) of a point inside the area."""
        return self.area_index.area_point(level, area_id)

    def villages_of(self, level: str, area_id: str) -> frozenset[str]:
        """The finest-level areas inside an area (empty for an unknown one)."""
        return self.area_index.villages_of(level, area_id)

    def area_ids(self, level: str) -> list[str]:
        """The areas of a level in name order (empty for an unknown level)."""
        return self.area_index.area_ids(level)

    def area_trend(self, q: Query, area_id: str) -> list[dict]:
        """One area's all-respondents row of q's level under q's filters in every wave (compute.area_trend)."""
        every_wave = replace(q, wave=self.waves[-1])  # the trend is the same from any of its waves
        return [dict(point) for point in self._trends(every_wave, area_id)]  # copies: the cache's stay as computed

    def indicator_change(self, q: Query, area_id: str, baseline: int) -> list[dict]:
        """One area's value under q's filters from the baseline wave on, each later wave tested against it
        (change.indicator_change)."""
        return change.indicator_change(self, q, area_id, baseline)

    @property
    def safety_question(self) -> str | None:
        """The question feeling unsafe is measured by, when the build holds its association with the problems."""
        return self.codebook.safety_question if (self.folder / ASSOCIATION_FILE).exists() else None

    def association(self, question: str, wave: int, level: str) -> dict[str, dict]:
        """How strongly a problem goes with feeling unsafe, per area of a level (survey/association.py): each area's
        counts, shares and difference, all None where hidden; empty without a safety question."""
        if self._association is None:
            path = self.folder / ASSOCIATION_FILE
            frame = pd.read_parquet(path) if path.exists() else pd.DataFrame(columns=["wave", "question", "level"])
            index: dict = {}
            columns = {c: frame[c].tolist() for c in frame.columns}  # plain lists: a row at a time in pandas is slow
            for i in range(len(frame)):
                row = {c: None if isinstance(v[i], float) and v[i] != v[i] else v[i] for c, v in columns.items()}
                index.setdefault((int(row["wave"]), row["question"], row["level"]), {})[row["area_id"]] = row
            self._association = index
        return self._association.get((int(wave), question, level), {})

    def reference_rows(self, question: str, year: int) -> list[dict]:
        """External reference values (NTU) for a question in the given year, one per geography, own first."""
        return [dict(row) for row in self._references.get((question, int(year)), [])]

    def _reference_index(self) -> dict[tuple[str, int], list[dict]]:
        """reference_rows of every question and year, made once (filtering the frame per view was most of a
        details answer: bench/README.md)."""
        own = self.manifest.get("reference_geography")  # the municipality's own series first
        rows = self.reference.sort_values("geography", key=lambda g: g != own, kind="stable")
        index: dict[tuple[str, int], list[dict]] = {}
        for r in rows.itertuples():
            index.setdefault((r.question, int(r.year)), []).append(
                {"geography": r.geography, "year": int(r.year), "value": _float_or_none(r.value),
                 "low": _float_or_none(r.low), "high": _float_or_none(r.high), "source": r.source})
        return index


def _float_or_none(value):
    return None if pd.isna(value) else float(value)


def write_tables(folder: str | Path) -> int:
    """Every (wave, question)'s table of the build in `folder`, made from the cube by the query's own code, into
    tables/, with the finest level's sums of everyone: a worker then maps a table (a national one is 6 MB) in a
    millisecond instead of making it, and the disclosure control (a second per national table) runs once, here.
    Returns how many."""
    results = Results(folder)
    written = 0
    for wave, question in results.tables.keys():
        results.tables.save_table(wave, question, results.tables.make(wave, question))
        # counted from the files just written
        results.tables.save_sums(wave, question, results.sums.counted(wave, question, None, (), results.levels[0]))
        written += 1
    return written


_lock = threading.Lock()
_loaded: dict[str, tuple[int, Results]] = {}


def open_results(data_dir: str | Path) -> Results:
    """The Results of the build that `data_dir` points at now; a new build is picked up without a restart."""
    manifest = Path(data_dir) / "manifest.json"
    stamp = manifest.stat().st_mtime_ns  # follows the symlink: changes when a build is swapped in
    key = str(Path(data_dir).resolve())
    with _lock:
        cached_results = _loaded.get(key)
        if cached_results is None or cached_results[0] != stamp:
            _loaded.clear()
            _loaded[key] = (stamp, Results(data_dir))
        return _loaded[key][1]
