"""The query path on the tiny survey: shares counted by hand, roll-up, suppression, filters, bad parameters."""
from __future__ import annotations

import pandas as pd
import pytest

from survey.build import build
from survey.config import load_config
from survey.results import QueryError, Rows, open_results
from views.labels import labelled_query


@pytest.fixture
def res(tiny):
    config = load_config(tiny)
    build(config)
    return open_results(config.output_dir)


def rows(res, **params):
    return {(r["area_id"], r["group"]): r for r in labelled_query(res, res.parse({"question": "q1", **params}), "sv")}


def test_village_shares_by_hand(res):
    got = rows(res, wave="2019", level="by")
    # Alby: answers 1,1,2,2,Otrygg(=2),9 → base 5 ("vet inte" out), unfavourable 3. Counted, but hidden
    # (complementary suppression): Södra (7) minus Alby would give Aby's 2. Its row shows Södra instead.
    sums = res.sums.of_query(2019, res.parse({"question": "q1", "wave": "2019", "level": "by"}))
    alby = res.area_ids("by").index("a1")
    options = res.tables.summary(2019, "q1")["options"]
    assert sums.n[alby] == 5 and dict(zip(options, sums.per_option[alby])) == pytest.approx({"1": 2, "2": 3})
    assert got[("a1", None)]["suppressed"] and got[("a1", None)]["n"] is None
    assert (got[("a1", None)]["rolled_up_to"], got[("a1", None)]["rolled_up_n"]) == ("Södra", 7)
    # Aby: 2, 1, blank → base 2 < 5: suppressed, nothing published.
    assert got[("a2", None)] == {**got[("a2", None)], "n": None, "share": None, "suppressed": True,
                                 "distribution": None}
    # Bby: 1,1,1,1,2 → 1/5.
    assert got[("b1", None)]["n"] == 5 and got[("b1", None)]["share"] == pytest.approx(1 / 5)


def test_roll_up_to_deso_district_and_kommun(res):
    deso = rows(res, wave="2019", level="deso")
    assert (deso[("D1", None)]["n"], deso[("D1", None)]["share"]) == (7, pytest.approx(4 / 7))  # Alby + Aby
    assert (deso[("D2", None)]["n"], deso[("D2", None)]["share"]) == (5, pytest.approx(1 / 5))
    for level, area in (("distrikt", "X"), ("kommun", "9999")):
        whole = rows(res, wave="2019", level=level)[(area, None)]
        assert (whole["n"], whole["share"]) == (12, pytest.approx(5 / 12))


def test_breakdown_and_filter(res):
    by_sex = rows(res, wave="2019", level="kommun", by="kon")
    # Women: Alby 1,1,2 + Aby 2 + Bby 1,1 → 2/6. Men: Alby 2,2 + Aby 1 + Bby 1,1,2 → 3/6 (the 9 is out).
    assert (by_sex[("9999", "1")]["n"], by_sex[("9999", "1")]["share"]) == (6, pytest.approx(2 / 6))
    assert (by_sex[("9999", "2")]["n"], by_sex[("9999", "2")]["share"]) == (6, pytest.approx(3 / 6))
    assert by_sex[("9999", "1")]["group_label"] == "Kvinna"
    men_only = rows(res, wave="2019", level="kommun", kon="2")
    assert (men_only[("9999", None)]["n"], men_only[("9999", None)]["share"]) == (6, pytest.approx(3 / 6))


def test_missing_group_is_its_own_row_so_groups_add_up(res):
    by_sex = rows(res, wave="2016", level="kommun", by="kon")
    assert by_sex[("9999", None)]["n"] == 5
    assert by_sex[("9999", "saknas")]["group_label"] == "Uppgift saknas"
    assert by_sex[("9999", "saknas")]["suppressed"]  # 1 respondent


def test_every_area_of_the_level_is_listed_even_without_answers(res):
    got = rows(res, wave="2016", level="by")
    assert set(got) == {("a1", None), ("a2", None), ("b1", None)}
    assert got[("b1", None)]["suppressed"] and got[("a1", None)]["share"] == 0


@pytest.mark.parametrize("params, parameter", [
    ({"question": "nope"}, "question"), ({"question": "fri"}, "question"),
    ({"question": "q1", "wave": "2020"}, "wave"), ({"question": "q1", "wave": "x"}, "wave"),
    ({"question": "q1", "level": "lan"}, "level"), ({"question": "q1", "by": "age"}, "by"),
    ({"question": "q1", "kon": "7"}, "kon"),
])
def test_bad_parameters_name_the_parameter_and_allowed_values(res, params, parameter):
    with pytest.raises(QueryError) as err:
        res.parse(params)
    assert err.value.parameter == parameter
    assert f"'{parameter}'" in str(err.value) and err.value.allowed


def test_quarantine_keeps_the_unknown_area_row(tiny):
    config = load_config(tiny)
    manifest = build(config)
    quarantine = pd.read_csv(config.output_dir / "quarantine.csv")
    assert quarantine.to_dict("records") == [{"file": str(config.responses[0]), "row": 16, "column": "by",
                                              "value": "Atlantis",
                                              "reason": "okänt område (area not in the boundaries)"}]
    counts = manifest["files"][0]
    assert (counts["rows_in"], counts["rows_used"], counts["rows_quarantined"]) == (20, 19, 1)


def test_free_text_stays_out_of_public_results(res):
    assert "fri" not in {q.id for q in res.codebook.single_choice}
    private = pd.read_parquet(res.folder / "private" / "freetext.parquet")
    assert private["text"].tolist() == ["Mörkt"]
    assert "Mörkt" not in (res.folder / "cube.parquet").read_bytes().decode("latin-1")


def test_the_page_table_shows_a_part_of_a_large_view_and_says_so():
    from views.table import MAX_TABLE_ROWS, table_data, table_part

    rows = [{"area_id": f"a{i}", "level": "deso", "area_name": f"A{i}", "group_label": None,
             "group_text": "Alla svarande", "suppressed": True, "kind": "share",
             "unreliable": False, "rolled_up_label": None} for i in range(MAX_TABLE_ROWS + 3 * Rows.BLOCK)]
    kommun = [{**rows[0], "area_id": "k", "level": "kommun"}]
    made = []

    def make(wanted):
        made.extend(wanted.tolist())
        return [rows[i] for i in wanted]

    level = Rows(len(rows), make, [r["area_id"] for r in rows], 1)
    part = table_part(level, kommun, "a1550")
    assert len(made) < len(rows)  # only the rows shown were made
    assert len(part) == MAX_TABLE_ROWS
    assert [r["area_id"] for r in part[:2]] == ["a1550", "k"]  # the chosen area and the municipality first
    assert [r["area_id"] for r in part[2:4]] == ["a0", "a1"]  # then the others in their order
    note = table_data(part, "sv", len(rows) + 1, "/api/v1/results?format=csv")["part"]
    assert note["text"] == "Tabellen visar 500 av 3\u00a0573 rader."
    assert note["href"] == "/api/v1/results?format=csv"
    assert table_part(Rows(10, make, [r["area_id"] for r in rows[:10]], 1), kommun, None) == rows[:10] + kommun


def test_the_stored_tables_are_the_ones_the_query_makes_from_the_cube(processed):
    """tables/ (written by the build) holds, for every (wave, question) of the cube, exactly the table the query
    makes from the cube: its cells, the boxes survey/disclosure.py's protect() publishes for it, and the finest
    level's sums of everyone."""
    import numpy as np

    from survey.results import TABLES_FOLDER, Results

    results = Results(processed)
    keys = results.tables.keys()
    assert len(list((processed / TABLES_FOLDER).iterdir())) == len(keys) > 50
    def same(a, b) -> bool:
        if isinstance(b, dict):
            return a.keys() == b.keys() and all(same(a[k], b[k]) for k in b)
        if isinstance(b, list) and b and isinstance(b[0], np.ndarray):
            return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
        if isinstance(b, np.ndarray):
            return a.dtype == b.dtype and np.array_equal(a, b)
        return a == b

    finest = results.levels[0]
    for wave, question in keys:
        stored = {**results.tables.summary(wave, question), **results.tables.cells(wave, question)}
        made = results.tables.make(wave, question)
        assert stored.keys() == made.keys()
        for name, value in made.items():
            assert same(stored[name], value), (wave, question, name)
        # and the finest level's sums of everyone, as the query counts them from the cells
        sums, counted = results.sums.stored(wave, question), results.sums.counted(wave, question, None, (), finest)
        assert sums is not None and sums.areas == counted.areas and sums.labels == counted.labels == 0
        for name in ("n", "w", "w2", "per_option"):
            assert same(getattr(sums, name), getattr(counted, name)), (wave, question, name)


def test_forked_workers_read_the_stored_tables_intact(processed):
    """gunicorn forks its workers from a process that has already answered a view (preload): the workers must not
    share an open file of stored tables, whose reads would interleave (it happened: "Bad CRC-32" under load)."""
    import multiprocessing

    from survey.results import Results

    results = Results(processed)
    names = results.tables.keys()
    results.tables.summary(*names[0])  # the parent reads first, as the preloading master does

    def read_all(out):
        try:
            for w, q in names * 3:
                results.tables.clear()
                results.tables.summary(w, q)
                results.tables.cells(w, q)
            out.put("ok")
        except Exception as err:  # noqa: BLE001 - reported to the test
            out.put(repr(err))

    context = multiprocessing.get_context("fork")
    out = context.Queue()
    workers = [context.Process(target=read_all, args=(out,)) for _ in range(3)]
    for w in workers:
        w.start()
    answers = [out.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=30)
    assert answers == ["ok"] * 3


def test_an_areas_trend_is_its_rows_of_the_whole_views(results):
    """area_trend (the trend chart's points, one area at a time) equals that area's everyone row of the whole
    view in each wave: the same numbers and the same suppression, for every level, area and question, and under
    filters (which hide more)."""
    import random

    rng = random.Random(7)
    keys = ("n", "share", "share_low", "share_high", "suppressed", "kind")
    questions = results.codebook.question_ids
    groups = results.codebook.groups
    compared = hidden = 0
    for question in questions:
        for level in results.levels:
            filters = {} if rng.random() < 0.5 else {(g := rng.choice(groups)).id: rng.choice(g.shown).code}
            params = {"question": question, "level": level, **filters}
            views = {w: results.query(results.parse({**params, "wave": str(w)})) for w in results.waves}
            for area in results.area_ids(level):
                trend = results.area_trend(results.parse({**params, "wave": str(results.waves[-1])}), area)
                assert [p["wave"] for p in trend] == results.waves
                for point in trend:
                    row = views[point["wave"]].of_area(area)[0]
                    assert {k: point[k] for k in keys} == {k: row[k] for k in keys}, (params, area, point["wave"])
                    compared += 1
                    hidden += point["suppressed"]
    assert compared > 1000 and 0 < hidden < compared


def test_an_option_not_shown_alone_counts_in_everyone_but_is_never_a_row(results):
    """The demo's "Annat / vill inte svara" (kön 3, `shown_alone: false`): no row in a breakdown by kön, no
    filter, but its answers are in "alla" (the municipality's n is more than the women's and the men's)."""
    query = {"question": "q_otrygg_kvall", "level": "kommun", "by": "kon"}
    got = labelled_query(results, results.parse(query), "sv")
    assert [r["group"] for r in got] == [None, "1", "2"]
    everyone, women, men = (r["n"] for r in got)
    cube = pd.read_parquet(results.folder / "cube.parquet")
    item = results.codebook.question("q_otrygg_kvall")
    cube = cube[(cube["question"] == "q_otrygg_kvall") & (cube["wave"] == results.waves[-1])
                & cube["answer"].isin([o.code for o in item.options if not o.exclude])]
    assert everyone == cube["n"].sum() > women + men == cube.loc[cube["kon"] != "3", "n"].sum()
    with pytest.raises(QueryError):
        results.parse({**query, "kon": "3"})
