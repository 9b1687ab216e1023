"""A (wave, question)'s table: what every view of it needs, made once from the cube (the build stores it in
tables/, a folder of .npy files per table, `save_table`), and kept per process within a memory budget."""
from __future__ import annotations

import os
import threading
from pathlib import Path
from urllib.parse import quote

import numpy as np
from cachetools import LRUCache

from ..codebook import Codebook
from ..cube import CubeParts, nbytes, text_codes
from ..disclosure import box_sums, protect
from .areas import AreaIndex

# Per-process caches, bounded so a worker stays near 600 MB on a national build (bench/README.md). The tables' cells
# are mapped from the build's files (TableStore.read): those kept count in a worker's RSS as the pages it has read
# (about 5 MB a national table, so 48 MB keeps ten). TRYGG_TABLES_MB overrides. A municipality's all fit (about
# 50 kB each).
TABLES_BUDGET = int(float(os.environ.get("TRYGG_TABLES_MB", "48")) * 1e6)
SUMMARIES_BUDGET = TABLES_BUDGET // 2  # a national table's summary (its published boxes as bits) is ~125 kB
TABLES_FOLDER = "tables"  # the build's tables, a folder per (wave, question): write_tables
SUMMARY = ("options", "published", "has_missing", "top")  # the parts of a table (TableStore.summary)
CELLS = ("village", "codes", "option", "n", "w", "w2")  # … and (TableStore.cells)
SUMS = ("n", "w", "w2", "per_option")  # the finest level's sums of everyone, stored beside (survey.results.sums)


def table_folder(wave, question: str) -> str:
    """The folder of a (wave, question) table in tables/ (question ids are the codebook's: any text)."""
    return f"{wave}-{quote(str(question), safe='')}"


def lookup_codes(codes: np.ndarray, values: list, index: dict, missing: int = -1) -> np.ndarray:
    """index[value] for each row of a text column given as (codes, values) (survey.cube.text_codes), looked up once
    per distinct value (a national cube part has 100,000s of rows and a few thousand distinct values); `missing`
    for an empty value or one the index lacks."""
    found = np.array([index.get(v, missing) for v in values] + [missing], dtype=np.int64)
    return found[codes]


class PackedBoxes:
    """Which boxes of the lattice may be published, as bits (np.packbits), so that every national table's fit a
    worker's cache (bench/README.md). Indexed like the boolean array."""

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


class TableStore:
    """The tables of one build: read from tables/ when first asked for (made from the cube when missing),
    the least recently used forgotten beyond the budgets."""

    def __init__(self, folder: Path, codebook: Codebook, areas: AreaIndex, cube: CubeParts, min_n: int):
        self.folder, self.codebook, self.areas, self.cube, self.min_n = folder, codebook, areas, cube, min_n
        self.summaries = LRUCache(SUMMARIES_BUDGET, getsizeof=nbytes)
        self.cell_tables = LRUCache(TABLES_BUDGET, getsizeof=nbytes)
        self._lock = threading.Lock()

    def keys(self) -> list:
        """(wave, question) of every table the build has."""
        return list(self.cube)

    def folder_of(self, wave: int | None, question: str) -> Path:
        return self.folder / TABLES_FOLDER / table_folder(wave, question)

    def summary(self, wave: int | None, question: str) -> dict | None:
        """What every view of one wave × question needs: its answer options in the base, which boxes may be
        published (survey/disclosure.py), whether a group has "saknas" answers, and its cells added up to the
        top level's areas ("top": a trend or a municipality's rows need no more). None when the wave has no
        answers to the question."""
        return self._stored(wave, question, self.summaries, SUMMARY)

    def cells(self, wave: int | None, question: str) -> dict | None:
        """The cube's cells of one wave × question in the base, as arrays: finest area (village), group codes,
        option, n, Σw, Σw² (the largest part of a table: 5 MB at national scale; kept within TABLES_BUDGET)."""
        return self._stored(wave, question, self.cell_tables, CELLS)

    def clear(self) -> None:
        with self._lock:
            self.summaries.clear()
            self.cell_tables.clear()

    def _stored(self, wave: int | None, question: str, cache: LRUCache, names: tuple[str, ...]) -> dict | None:
        key = (wave, question)
        with self._lock:
            part = cache.get(key)
        if part is not None or key not in self.cube:
            return part
        folder = self.folder_of(wave, question)
        whole = self.read(folder, names) if folder.is_dir() else None
        if whole is None:
            whole = self.make(wave, question)
        with self._lock:
            for part_cache, part_names in ((self.summaries, SUMMARY), (self.cell_tables, CELLS)):
                if all(name in whole for name in part_names):
                    try:
                        part_cache[key] = {name: whole[name] for name in part_names}
                    except ValueError:  # larger than the whole budget: not kept
                        pass
        return {name: whole[name] for name in names}

    def make(self, wave: int | None, question: str) -> dict:
        """The table of (wave, question) from the cube (the build's part of the cube must exist): the names
        SUMMARY and CELLS."""
        index, cells = self.areas, self.cube[(wave, question)]
        item = self.codebook.question(question)
        answer, answers = text_codes(cells.column("answer"))
        if item is not None:
            options = [o.code for o in item.options if not o.exclude]
        else:  # an index: its values are the "answers"
            options = sorted((answers[i] for i in np.unique(answer) if i < len(answers)), key=float)
        option = lookup_codes(answer, answers, {o: i for i, o in enumerate(options)})
        keep = option >= 0  # in the question's base
        groups = [g.id for g in self.codebook.groups]
        village = lookup_codes(*text_codes(cells.column("area_id")), index.village_index)[keep]
        codes = [lookup_codes(*text_codes(cells.column(g)), index.code_index[g], missing=len(index.codes[g]))[keep]
                 for g in groups]
        # Small integer types: a national table is 150,000 cells, 5 MB so, not 10 (TABLES_BUDGET holds more of them).
        village, option = village.astype(np.int32), option[keep].astype(np.int16)
        codes = [c.astype(np.int16) for c in codes]
        if (village < 0).any():  # the build matched every area: never expected
            raise ValueError(f"{self.folder}: the cube of {question} {wave} has areas the build does not know")
        n, w, w2 = (cells.column(c).to_numpy().astype(t)[keep]
                    for c, t in (("n", np.int32), ("w", float), ("w2", float)))
        fine = np.zeros((len(index.village_index), *(len(index.codes[g]) for g in groups)), dtype=np.int64)
        np.add.at(fine, (village, *(c - 1 for c in codes)), n)
        return {"village": village, "codes": codes, "option": option, "n": n, "w": w, "w2": w2, "options": options,
                "published": PackedBoxes.of(protect(box_sums(fine, index.lattice), index.lattice, self.min_n)),
                # a group's "saknas" row is listed when anyone in the table did not state the group
                "has_missing": {g: bool((code == len(index.codes[g])).any()) for g, code in zip(groups, codes)},
                "top": self._added_up_to_top(village, codes, option, n, w, w2)}

    def _added_up_to_top(self, village, codes, option, n, w, w2) -> dict:
        """The cells added up over the finest areas inside each area of the top level (the municipality): one
        cell per top area × group codes × option."""
        index, top = self.areas, self.areas.levels[-1]
        position = index.village_position[top][village]
        inside = position >= 0
        # one integer per (top area, codes, option) (mixed radix: np.unique on a 2-D array's columns was slow)
        columns = [position[inside], *(c[inside] for c in codes), option[inside]]
        sizes = [len(index.order[top]), *(len(index.codes[g.id]) + 1 for g in self.codebook.groups),
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

    def read(self, folder: Path, names: tuple[str, ...]) -> dict | None:
        """The parts `names` of a table as save_table stored it (None if it does not fit this build's lattice:
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
        if "published" in table and table["published"].shape != self.areas.lattice.shape:
            return None
        return table

    def stored_sums(self, wave: int | None, question: str) -> dict | None:
        """The finest level's sums of everyone as save_sums stored them (None for a build without them)."""
        folder = self.folder_of(wave, question)
        try:
            return {name: np.load(folder / f"sums.{name}.npy") for name in SUMS}
        except FileNotFoundError:
            return None

    def save_table(self, wave: int | None, question: str, table: dict) -> None:
        """A table as made by `make`, into its folder in tables/: an .npy file per array."""
        groups = [g.id for g in self.codebook.groups]
        top = table["top"]
        folder = self.folder_of(wave, question)
        folder.mkdir(parents=True, exist_ok=True)

        def stacked(codes: list, cells: int) -> np.ndarray:
            return np.stack(codes) if codes else np.zeros((0, cells), dtype=np.int16)

        arrays = {**{k: v for k, v in table.items() if k != "top"}, "codes": stacked(table["codes"], len(table["n"])),
                  "options": np.array(table["options"], dtype=str),
                  "has_missing": np.array([table["has_missing"][g] for g in groups], dtype=bool),
                  **{f"top.{k}": v for k, v in top.items() if k != "codes"},
                  "top.codes": stacked(top["codes"], len(top["n"])),
                  "published": table["published"].bits, "published.shape": np.array(table["published"].shape)}
        for name, values in arrays.items():
            np.save(folder / f"{name}.npy", np.ascontiguousarray(values))

    def save_sums(self, wave: int | None, question: str, sums) -> None:
        """The finest level's sums of everyone (a LevelSums) beside the table."""
        for name in SUMS:
            np.save(self.folder_of(wave, question) / f"sums.{name}.npy", getattr(sums, name))
