"""Sums over the cube per cell of a level (each area's everyone, each area × group, everyone) under a view's
filters: n, Σw, Σw² and Σw per answer option, from which every estimate of a view is made."""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from cachetools import LRUCache, cached

from ..codebook import Codebook
from .areas import AreaIndex
from .parameters import Query
from .tables import TableStore

# Bounded by cells rather than entries (~64 bytes a cell: a national view by a group is 54,000), so a national
# build's views cannot fill a worker's memory while a municipality keeps thousands.
SUMS_CACHE_CELLS = 300_000


@dataclass(frozen=True)
class LevelSums:
    """Σ over the cube per cell of a level: cell a is area a's everyone (areas in name order), cell
    areas + a·labels + g area a's group g (the group's codes in lattice order, "saknas" last), and the last cell
    everyone under the filters. per_option: Σw per answer option (the table's options) of each cell."""
    n: np.ndarray
    w: np.ndarray
    w2: np.ndarray
    per_option: np.ndarray
    areas: int
    labels: int

    def __len__(self) -> int:  # its size in the sums' cache
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


class SumsOf:
    """LevelSums of (wave, question, breakdown, filters, level), the recent ones kept (a view's roll-up, trend and
    previous wave ask again)."""

    def __init__(self, tables: TableStore, areas: AreaIndex, codebook: Codebook):
        self.tables, self.areas, self.codebook = tables, areas, codebook
        self.recent = LRUCache(SUMS_CACHE_CELLS, getsizeof=lambda sums: max(1, len(sums)) if sums is not None else 1)
        self.of_level = cached(self.recent, lock=threading.RLock())(self._of_level)

    def of_query(self, wave: int | None, q: Query, level: str | None = None) -> LevelSums | None:
        """The sums of q's breakdown and filters in `wave`, at `level` (q's by default)."""
        return self.of_level(wave, q.question, q.by, q.filters, level or q.level)

    def _of_level(self, wave: int | None, question: str, by: str | None, filters: tuple,
                  level: str) -> LevelSums | None:
        """Σ over the cube per cell of the level under the filters, in the question's base (LevelSums). None when
        the wave has no answers to the question."""
        finest, top = self.areas.levels[0], self.areas.levels[-1]
        if level not in (finest, top):  # added up from the finest level's sums (kept): thousands of cells, not 100,000s
            sums = self.of_level(wave, question, by, filters, finest)
            return None if sums is None else sums.added_up(self.areas.finest_to_level[level],
                                                           len(self.areas.order[level]))
        if level == finest and not by and not filters and (wave, question) in self.tables.cube:
            stored = self.stored(wave, question)
            if stored is not None:
                return stored
        return self.counted(wave, question, by, filters, level)

    def stored(self, wave: int | None, question: str) -> LevelSums | None:
        """The finest level's sums of everyone as write_tables stored them (None for a build without them): most
        views have neither a filter nor a breakdown, and counting them from a national table's cells was the
        largest part of a worker's time under load (bench/README.md)."""
        arrays = self.tables.stored_sums(wave, question)
        if arrays is None:
            return None
        return LevelSums(**arrays, areas=len(self.areas.order[self.areas.levels[0]]), labels=0)

    def counted(self, wave: int | None, question: str, by: str | None, filters: tuple,
                level: str) -> LevelSums | None:
        """The sums of the finest or the top level, counted from the table's cells."""
        index = self.areas
        finest, top = index.levels[0], index.levels[-1]
        table = self.tables.summary(wave, question)
        if table is None:
            return None
        if level == top != finest:  # the table's cells added up to the top level already (a trend asks every wave)
            cells = table["top"]
            position = cells["position"]
        else:
            cells = self.tables.cells(wave, question)
            position = index.village_position[level][cells["village"]]
        groups = [g.id for g in self.codebook.groups]
        keep = position >= 0
        for group_id, code in filters:
            keep &= cells["codes"][groups.index(group_id)] == index.code_index[group_id][code]
        every = keep.all()  # then no copies
        position, option = (x if every else x[keep] for x in (position, cells["option"]))
        n, w, w2 = (cells[c] if every else cells[c][keep] for c in ("n", "w", "w2"))
        areas, labels, options = len(index.order[level]), len(index.codes[by]) if by else 0, len(table["options"])

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
