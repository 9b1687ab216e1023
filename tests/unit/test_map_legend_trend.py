"""Every map has its colour scale, whatever the filters; every trend runs left to right, whatever is missing."""
from __future__ import annotations

import itertools

from views.figures import trend_figure
from views.map import map_view


def filter_combinations(codebook) -> list[dict]:
    """No filter, every value of each group, and every pair of values of two groups."""
    singles = [[(g.id, o.code) for o in g.shown] for g in codebook.groups]
    combos = [{}] + [dict([one]) for values in singles for one in values]
    for first, second in itertools.combinations(singles, 2):
        combos += [dict([a, b]) for a in first for b in second]
    return combos


def filled(figure: dict, trace: dict) -> dict:
    """A map trace as plotly fills it in: what it lacks from the figure's template for its type (views/map.py)."""
    return {**figure["layout"]["template"]["data"][trace["type"]][0], **trace}


def test_every_demo_filter_combination_has_a_colour_bar(results):
    question = results.codebook.single_choice[0].id
    combos = filter_combinations(results.codebook)
    assert len(combos) == 1 + 9 + 26  # Kön 2 shown (3 is shown_alone: false), Ålder 4, Boende 3 values
    empty_share_traces = 0
    for level in results.levels:
        for filters in combos:
            figure, _ = map_view(results, {"question": question, "wave": str(results.waves[-1]), "level": level,
                                           **{k: str(v) for k, v in filters.items()}}, None, "sv")
            scales = [tr for tr in figure["data"] if tr.get("showscale")]
            assert len(scales) == 1, (level, filters)
            bar = filled(figure, scales[0])
            # plotly draws a colour bar only for a trace that has data
            assert bar["locations"] and len(bar["z"]) == len(bar["locations"]), (level, filters)
            assert bar["zmin"] == 0 and bar["zmax"] >= 10 and bar["colorbar"]["title"]["text"] == "Andel"
            shares = next(tr for tr in figure["data"] if tr["name"] == "share")
            empty_share_traces += not shares["locations"]
    assert empty_share_traces > 0  # the case of the bug (women 65–84) is among them


def test_the_scale_is_named_an_index_for_an_index(results):
    index = results.codebook.indices[0].id
    figure, _ = map_view(results, {"question": index, "wave": str(results.waves[-1]), "level": "by"}, None, "en")
    bar = next(tr for tr in figure["data"] if tr.get("showscale"))
    assert bar["colorbar"]["title"]["text"] == "Index" and bar["colorbar"]["ticksuffix"] == ""


def _point(wave: int, share: float | None) -> dict:
    return {"wave": wave, "kind": "share", "n": None if share is None else 50, "share": share,
            "share_low": None if share is None else share - 0.05, "share_high": None if share is None else share + 0.05,
            "suppressed": share is None}


def test_a_trend_with_a_missing_first_year_runs_left_to_right():
    # the chosen area has no published value in 2016; the municipality has both
    series = [("Särna", [_point(2016, None), _point(2019, 0.3)]),
              ("Hela kommunen", [_point(2016, 0.2), _point(2019, 0.25)])]
    figure = trend_figure(series, "sv")
    axis = figure["layout"]["xaxis"]
    assert axis["categoryorder"] == "array" and axis["categoryarray"] == ["2016", "2019"]
    assert figure["data"][0]["x"] == ["2019"] and figure["data"][1]["x"] == ["2016", "2019"]
    # the same with the waves given newest first
    series = [(name, rows[::-1]) for name, rows in series]
    assert trend_figure(series, "sv")["layout"]["xaxis"]["categoryarray"] == ["2016", "2019"]


def test_the_problem_items_share_one_fixed_scale_stated_in_the_legend(results):
    index = next(i for i in results.codebook.indices if i.id == "idx_problem")
    bars = []
    for item in index.items[:6]:
        figure, _ = map_view(results, {"question": item, "wave": str(results.waves[-1]), "level": "by"}, None, "sv")
        bars.append(filled(figure, next(tr for tr in figure["data"] if tr.get("showscale"))))
    assert {(b["zmin"], b["zmax"]) for b in bars} == {(0, 100)}
    assert all(b["colorbar"]["title"]["text"] == "Andel,<br>fast skala<br>för alla 20" for b in bars)


def test_the_index_panel_shows_its_items_profile_for_the_area_and_the_municipality(results):
    from views.details import details_view
    from views.labels import labelled_query
    params = {"question": "idx_problem", "wave": str(results.waves[-1]), "level": "distrikt"}
    view = details_view(results, params, "distrikt_sarna", "sv")
    area, kommun = view["bars"]["data"][:2]
    assert (area["name"], kommun["name"]) == ("Särna", "Hela kommunen")
    assert len(area["y"]) + len(view["bars"]["data"][2]["y"] if len(view["bars"]["data"]) > 2 else []) == 20
    assert area["x"] == sorted(area["x"], reverse=True)  # highest first
    # the numbers are the query's rows for each item
    item = next(q for q in results.codebook.single_choice if q.short["sv"] == area["y"][0])
    row = labelled_query(results, results.parse({**params, "question": item.id}), "sv").of_area("distrikt_sarna")[0]
    assert area["x"][0] == round(row["share"] * 100, 1)
    whole = details_view(results, params, None, "sv")["bars"]["data"]
    assert whole and whole[0]["name"] == "Hela kommunen" and len(whole[0]["y"]) == 20  # never empty
