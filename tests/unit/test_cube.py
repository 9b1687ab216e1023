"""The tables stored by the build, the cube read one (wave, question) at a time, and the tables kept within a budget
give the very same rows as the whole cube read at once (as survey.results did before): compared exactly, for many
views of the demo."""
from __future__ import annotations

import random
import shutil

import pandas as pd
import pyarrow.parquet as pq
import pytest

from survey import results as results_module
from survey.results import TABLES_FOLDER, Results


def views(res: Results, count: int, seed: int = 11) -> list[dict]:
    rng = random.Random(seed)
    questions = [q.id for q in res.codebook.single_choice] + [i.id for i in res.codebook.indices]
    out = []
    for _ in range(count):
        params = {"question": rng.choice(questions), "wave": str(rng.choice(res.waves)), "level": rng.choice(res.levels)}
        if rng.random() < 0.5:
            params["by"] = rng.choice(res.codebook.groups).id
        for group in res.codebook.groups:
            if rng.random() < 0.25:
                params[group.id] = rng.choice(group.options).code
        out.append(params)
    return out


@pytest.fixture(scope="module")
def whole_cube_build(processed, tmp_path_factory):
    """The same build with the cube written as one plain Parquet file (as builds before row groups per key)."""
    folder = tmp_path_factory.mktemp("whole") / "processed"
    shutil.copytree(processed.resolve(), folder)
    pd.read_parquet(folder / "cube.parquet").to_parquet(folder / "cube.parquet", index=False)
    shutil.rmtree(folder / TABLES_FOLDER)  # and no stored tables: each is made from the cube
    return folder


def test_the_build_writes_a_row_group_per_wave_and_question(processed):
    meta = pq.ParquetFile(processed / "cube.parquet").metadata
    cube = pd.read_parquet(processed / "cube.parquet")
    assert meta.num_row_groups == cube.groupby(["wave", "question"]).ngroups > 1


def test_rows_are_identical_read_per_part_or_whole(processed, whole_cube_build, monkeypatch):
    lazy = Results(processed)
    assert lazy._cells._whole is None  # read per row group
    whole = Results(whole_cube_build)
    assert whole._cells._whole is not None  # read whole and split, as before
    monkeypatch.setattr(results_module, "TABLES_BUDGET", 1)  # keep at most one table: read again all the time
    monkeypatch.setattr(results_module, "SUMMARIES_BUDGET", 1)
    tight = Results(processed)
    for lang in ("sv", "en"):
        for params in views(lazy, 150):
            expected = whole.query(whole.parse(params), lang)
            assert lazy.query(lazy.parse(params), lang) == expected, params
            assert tight._query(tight.parse(params), lang) == expected, params


def test_the_parts_are_the_frames_of_the_whole_cube(processed, whole_cube_build):
    lazy, whole = Results(processed), Results(whole_cube_build)
    assert sorted(lazy._cells) == sorted(whole._cells)
    for key in list(whole._cells)[:10]:
        assert lazy._cells[key].to_pylist() == whole._cells[key].to_pylist()


def test_sized_cache_keeps_results_within_their_total_size():
    from survey.cube import SizedCache

    calls = []

    def rows(n: int, lang: str = "sv") -> tuple:
        calls.append(n)
        return tuple(range(n))

    cache = SizedCache(rows, max_size=10)
    assert cache(4) == (0, 1, 2, 3) and cache(4) == (0, 1, 2, 3) and calls == [4]  # the second from the cache
    cache(5)
    cache(6)  # 4 + 5 + 6 > 10: the least recently used go
    assert cache.cache_info()["size"] <= 10 and cache.cache_info()["entries"] == 1
    cache(6, lang="en")
    assert calls == [4, 5, 6, 6]  # keyword arguments are part of the key
    cache.cache_clear()
    assert cache.cache_info()["entries"] == 0
