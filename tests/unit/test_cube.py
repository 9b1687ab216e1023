"""The tables stored by the build, the cube read one (wave, question) at a time, and the tables kept within a budget
give the very same rows as the whole cube read at once (as survey.results did before): compared exactly, for many
views of the demo."""
from __future__ import annotations

import random
import shutil

import pandas as pd
import pyarrow.parquet as pq
import pytest

from survey.results import TABLES_FOLDER, Results
from survey.results import tables as tables_module
from views.labels import labelled, labelled_query


def views(res: Results, count: int, seed: int = 11) -> list[dict]:
    rng = random.Random(seed)
    questions = res.codebook.question_ids
    out = []
    for _ in range(count):
        params = {"question": rng.choice(questions), "wave": str(rng.choice(res.waves)),
                  "level": rng.choice(res.levels)}
        if rng.random() < 0.5:
            params["by"] = rng.choice(res.codebook.groups).id
        for group in res.codebook.groups:
            if rng.random() < 0.25:
                params[group.id] = rng.choice(group.shown).code
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
    assert lazy.cube._whole is None  # read per row group
    whole = Results(whole_cube_build)
    assert whole.cube._whole is not None  # read whole and split, as before
    monkeypatch.setattr(tables_module, "TABLES_BUDGET", 1)  # keep at most one table: read again all the time
    monkeypatch.setattr(tables_module, "SUMMARIES_BUDGET", 1)
    tight = Results(processed)
    for lang in ("sv", "en"):
        for params in views(lazy, 150):
            expected = labelled_query(whole, whole.parse(params), lang)
            assert labelled_query(lazy, lazy.parse(params), lang) == expected, params
            assert labelled(tight, tight.parse(params), tight.compute(tight.parse(params)), lang) == expected, params


def test_the_parts_are_the_frames_of_the_whole_cube(processed, whole_cube_build):
    lazy, whole = Results(processed), Results(whole_cube_build)
    assert sorted(lazy.cube) == sorted(whole.cube)
    for key in list(whole.cube)[:10]:
        assert lazy.cube[key].to_pylist() == whole.cube[key].to_pylist()


def test_the_query_cache_keeps_views_within_their_total_rows(processed, monkeypatch):
    """Results.query keeps views like functools.lru_cache, but bounded by their total rows (cachetools.LRUCache with
    their sizes): a municipality's views are a few dozen rows and thousands fit, a national view 6,000 or more.
    The labels of a language are added after the cache: Swedish and English are computed once."""
    from survey.results import processed as processed_module

    monkeypatch.setattr(processed_module, "QUERY_CACHE_ROWS", 60)
    res = Results(processed)
    by = res.parse({"question": "q_otrygg_kvall", "level": "by"})
    rows = res.query(by)
    assert 20 < len(rows) <= 60 and res.query(by) is rows  # the second from the cache
    assert labelled_query(res, by, "sv") == labelled_query(res, by, "sv")
    labelled_query(res, by, "en")
    assert res.query.cache_info().misses == 1  # one computation for both languages
    res.query(res.parse({"question": "oro_misshandel", "level": "by"}))  # 3 × len(rows) > 60
    res.query(res.parse({"question": "oro_forrad", "level": "by"}))
    assert res.query_cache.currsize <= 60  # the least recently used went
    res.query(by)
    assert res.query.cache_info().misses == 4  # made again
    res.query.cache_clear()
    assert len(res.query_cache) == 0
