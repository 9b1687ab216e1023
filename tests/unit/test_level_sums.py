"""The sums behind every view, checked against pandas on the cube: per area (and area × group) of each level, n,
Σw and Σw per answer under the filters (survey.results adds the coarser levels up from the finest level's), and
the rows of a view made only when read (survey.results.Rows)."""
from __future__ import annotations

import pandas as pd
import pytest
from test_cube import views  # tests/unit is on sys.path (pytest rootdir import)

from survey.results import Results, Rows
from views.labels import labelled_query


def test_level_sums_equal_pandas_on_the_cube(processed):
    res = Results(processed)
    cube = pd.read_parquet(processed / "cube.parquet")
    lineage = pd.read_parquet(processed / "lineage.parquet")
    finest, checked = res.levels[0], 0
    for params in views(res, 60, seed=5):
        q = res.parse(params)
        table = res.tables.summary(q.wave, q.question)
        if table is None:
            continue
        options = table["options"]
        part = cube[(cube["wave"] == q.wave) & (cube["question"] == q.question) & cube["answer"].isin(options)]
        for group, code in q.filters:
            part = part[part[group] == code]
        place = dict(zip(lineage[finest], lineage[q.level]))
        part = part.assign(place=part["area_id"].map(place))
        sums, areas = res.sums.of_query(q.wave, q), res.area_ids(q.level)
        labels = res.area_index.codes[q.by] if q.by else []
        cells = [(i, area, None) for i, area in enumerate(areas)]
        cells += [(len(areas) + i * len(labels) + j, area, label) for i, area in enumerate(areas)
                  for j, label in enumerate(labels)]
        for cell, area, label in cells:
            mine = part[part["place"] == area]
            if label is not None:
                mine = mine[mine[q.by].fillna("") == label]
            assert sums.n[cell] == mine["n"].sum(), (params, area, label)
            assert sums.w[cell] == pytest.approx(mine["w"].sum(), rel=1e-12, abs=1e-12)
            assert sums.w2[cell] == pytest.approx(mine["w2"].sum(), rel=1e-12, abs=1e-12)
            per_answer = mine.groupby("answer", observed=True)["w"].sum()
            assert list(sums.per_option[cell]) == pytest.approx([per_answer.get(o, 0.0) for o in options],
                                                                 rel=1e-12, abs=1e-12)
        assert sums.n[-1] == part.loc[part["place"].notna(), "n"].sum()
        checked += 1
    assert checked > 40


def test_rows_are_made_when_read_a_block_at_a_time():
    made = []

    def make(wanted):
        made.extend(wanted.tolist())
        return [{"i": i} for i in wanted.tolist()]

    rows = Rows(3000, make, [f"a{i}" for i in range(1500)], 2).followed_by([{"i": "k"}])
    assert len(rows) == 3001 and made == []
    assert rows.of_area("a700") == [{"i": 1400}, {"i": 1401}] and made == [1400, 1401]  # just the area's rows
    made.clear()
    assert rows.of_area("elsewhere") == []
    assert rows[-1] == {"i": "k"} and rows[1:3] == [{"i": 1}, {"i": 2}]
    assert rows == [*({"i": i} for i in range(3000)), {"i": "k"}]
    assert set(made) == set(range(3000)) and len(rows._made) <= Rows.KEEP  # made as read, few kept
    with pytest.raises(IndexError):
        rows[3001]


COLUMNS = ("area_id", "kind", "suppressed", "n", "share", "share_low", "share_high", "n_eff", "unreliable", "vs_rest",
           "change", "rolled_up_share", "rolled_up_share_low", "rolled_up_share_high", "rolled_up_n", "rolled_up_to",
           "rolled_up_label")


def test_a_column_is_the_rows_field_without_the_rows(processed):
    """Rows.column (what the map reads of 6,000 areas) gives each row's field as the dict rows have it: None as NaN
    for a number, as False for a flag."""
    import math

    res = Results(processed)
    checked = 0
    for params in views(res, 80, seed=3):
        for lang in ("sv", "en"):
            rows = labelled_query(res, res.parse(params), lang)
            for name in COLUMNS:
                column = rows.column(name).tolist()
                assert len(column) == len(rows), (params, name)
                for row, value in zip(rows, column):
                    expected = row[name]
                    if name == "unreliable":
                        assert value == bool(expected), (params, name)
                    elif isinstance(value, float) and math.isnan(value):
                        assert expected is None, (params, name, expected)
                    else:
                        assert value == expected, (params, name)
                        checked += 1
    assert checked > 10_000
    with pytest.raises(KeyError):
        rows.column("no such field")
