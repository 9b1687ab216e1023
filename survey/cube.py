"""The answer cube on disk and in memory: one Parquet row group per (wave, question), read when first asked for.

A municipality's cube is a few thousand rows; a national one (1,000,000 respondents, 6,000 areas, 40 questions,
5 waves) is 29 million, several gigabytes as pandas: too much for every worker of the app to hold. So the build
writes the cube sorted by (wave, question) with each (wave, question) in a row group of its own (`write_cube`), and
the app reads only the row groups a query needs (`CubeParts`, a read-only mapping (wave, question) → Arrow table,
the same rows survey.results used to split from the whole cube). A cube written otherwise (an older build) is read
whole and split, as before. The file stays an ordinary Parquet file with the same columns and rows.

`nbytes` sizes survey.results' per-(wave, question) tables for their caches' memory budgets (cachetools.LRUCache),
so a national build does not grow a worker without bound while a municipal one keeps everything.
"""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from cachetools import LRUCache


def write_cube(cube: pd.DataFrame, path: Path) -> None:
    """The cube as Parquet, one row group per (wave, question) (the cube comes sorted by them from the build).
    Category columns are written as the plain text columns they stand for (the same file as from text columns),
    a row group at a time, so the text of 29 million rows is never in memory at once."""
    text = [c for c in cube.columns if isinstance(cube[c].dtype, pd.CategoricalDtype)]
    schema = pa.Schema.from_pandas(cube.head(0).astype({c: "str" for c in text}), preserve_index=False)
    table = pa.Table.from_pandas(cube, preserve_index=False)

    def plain(part: pa.Table) -> pa.Table:
        if not text:
            return part
        return pa.Table.from_arrays([part.column(n).cast(schema.field(n).type) for n in part.column_names],
                                    schema=schema)

    wave = cube["wave"].to_numpy()
    question = pd.factorize(cube["question"])[0]  # codes: no Python strings for millions of rows
    changed = (wave[1:] != wave[:-1]) | (question[1:] != question[:-1])
    starts = np.flatnonzero(np.r_[True, changed]) if len(cube) else np.array([], dtype=np.int64)
    ends = np.r_[starts[1:], len(cube)]
    with pq.ParquetWriter(path, schema) as writer:
        if not len(cube):
            writer.write_table(plain(table))
        for start, end in zip(starts, ends):
            writer.write_table(plain(table.slice(start, end - start)), row_group_size=max(1, end - start))


def text_codes(column: pa.ChunkedArray) -> tuple[np.ndarray, list]:
    """A text column as (codes, values): row i holds values[codes[i]], or nothing when codes[i] == len(values)."""
    if column.num_chunks != 1 or not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column.cast(pa.string()) if pa.types.is_dictionary(column.type) else column)
    array = column.chunk(0) if column.num_chunks else pa.array([], pa.dictionary(pa.int32(), pa.string()))
    values = array.dictionary.to_pylist()
    return pc.fill_null(array.indices, len(values)).to_numpy(zero_copy_only=False), values


class CubeParts:
    """(wave, question) → that part of the cube as an Arrow table without the wave and question columns. Parts are
    read on demand from their own row groups; the last two are kept (a part is read once to make its table,
    which survey/results/tables.py keeps). (The query finds each cell's area at
    every level through the finest area's position, survey/results/areas.py, so no level columns are added here:
    mapping 100,000s of area ids per part to their ancestors took a quarter of a national query.)"""

    def __init__(self, path: Path, keep: int = 2):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._recent = LRUCache(keep)
        # Text columns (areas, groups, answers) as dictionaries: a national part's 150,000 rows then arrive as
        # categories whose few thousand values are looked up once, not as 150,000 strings each.
        schema = pq.read_schema(self.path)
        text = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
        self._file = pq.ParquetFile(self.path, read_dictionary=[t for t in text if t not in ("wave", "question")])
        self._groups = self._row_groups()
        self._columns = [c for c in schema.names if c not in ("wave", "question")]
        self._whole = None
        if self._groups is None:  # not one (wave, question) per row group: read it all, as before
            cube = pd.read_parquet(self.path)
            self._whole = {key: pa.Table.from_pandas(part.drop(columns=["wave", "question"]), preserve_index=False)
                           for key, part in cube.groupby(["wave", "question"])}

    def _row_groups(self) -> dict | None:
        meta = self._file.metadata
        names = self._file.schema_arrow.names
        if "wave" not in names or "question" not in names:
            return None
        wave_at, question_at = names.index("wave"), names.index("question")
        out: dict = {}
        for i in range(meta.num_row_groups):
            group = meta.row_group(i)
            stats = [group.column(wave_at).statistics, group.column(question_at).statistics]
            if group.num_rows == 0:
                continue
            if any(s is None or not s.has_min_max or s.min != s.max for s in stats):
                return None
            out.setdefault((int(stats[0].min), str(stats[1].min)), []).append(i)
        return out

    def keys(self):
        return (self._whole or self._groups).keys()

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def __contains__(self, key) -> bool:
        return key in (self._whole if self._whole is not None else self._groups)

    def __getitem__(self, key) -> pa.Table:
        if self._whole is not None:
            return self._whole[key]
        with self._lock:
            part = self._recent.get(key)
            if part is not None:
                return part
            # Not the wave and question columns: the same in every row, and 150,000 strings took half the read.
            part = self._file.read_row_groups(self._groups[key], columns=self._columns, use_threads=False)
        with self._lock:
            self._recent[key] = part
        return part

    def group_values(self, columns: list[str]) -> dict[str, pd.Series]:
        """Each column's distinct values over the whole cube (for the disclosure lattice's codes)."""
        if self._whole is not None:
            parts = list(self._whole.values())
            return {c: pd.Series(sorted({v for p in parts for v in p.column(c).to_pylist() if v is not None}),
                                 dtype=object) for c in columns if not parts or c in parts[0].column_names}
        present = [c for c in columns if c in self._file.schema_arrow.names]
        values: dict[str, set] = {c: set() for c in present}
        # A row group at a time: the whole national cube's columns took 700 MB in every worker, kept by Arrow.
        for i in range(self._file.metadata.num_row_groups):
            table = self._file.read_row_group(i, columns=present, use_threads=False)
            for c in present:
                values[c].update(pc.unique(table.column(c)).to_pylist())
        return {c: pd.Series(sorted(v for v in found if v is not None), dtype=object) for c, found in values.items()}


def nbytes(value) -> int:
    """Bytes held by a table of survey.results (its numpy arrays), roughly."""
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, dict):
        return sum(nbytes(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(nbytes(v) for v in value)
    return getattr(value, "nbytes", 64)
