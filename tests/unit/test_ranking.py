"""The ranking beside the map: the view's own rows, highest first, hidden areas last without a value."""
from __future__ import annotations

from views.details import details_view
from views.labels import labelled_query, whole_words
from views.ranking import ranking_figure, ranking_rows


def test_the_ranking_is_the_views_rows_sorted_with_hidden_ones_last(results):
    params = {"question": "q_otrygg_kvall", "wave": str(results.waves[-1]), "level": "by", "by": "kon"}
    rows = labelled_query(results, results.parse(params), "sv")
    ranked = ranking_rows(rows)
    assert {r["area_id"] for r in ranked} == set(results.area_ids("by")) and all(r["group"] is None for r in ranked)
    shown = [r for r in ranked if not r["suppressed"]]
    assert [r["share"] for r in shown] == sorted((r["share"] for r in shown), reverse=True)
    assert all(r["suppressed"] for r in ranked[len(shown):]) and len(shown) < len(ranked)
    figure = ranking_figure(ranked, None, "by_alvdalen", "sv", whole_words(results, "sv"))
    dots, hidden = figure["data"]
    assert dots["x"] == [round(r["share"] * 100, 1) for r in shown]  # the rows' numbers, nothing else
    assert len(hidden["y"]) == len(ranked) - len(shown) and set(hidden["text"]) == {"för få svar"}
    assert "customdata" not in hidden and set(hidden["x"]) == {0}  # a hidden area shows no value nor count
    marked = [y for y, r in zip(dots["y"], shown) if r["vs_rest"]]
    assert marked and all(y.rstrip("</b>").endswith(("▲", "▼")) for y in marked)
    assert any(y.startswith("<b>Älvdalen") for y in dots["y"] + hidden["y"])  # the chosen area in bold


def test_the_details_carry_the_ranking_with_the_municipality_line(results):
    params = {"question": "q_otrygg_kvall", "wave": str(results.waves[-1]), "level": "deso", "kon": "1"}
    view = details_view(results, params, None, "en")
    figure = view["ranking"]
    assert len(figure["data"][0]["y"]) + len(figure["data"][1:] and figure["data"][1]["y"] or []) == 5
    assert figure["layout"]["shapes"][0]["type"] == "line"
    assert figure["layout"]["annotations"][0]["text"].startswith("Whole municipality")
    assert details_view(results, {**params, "level": "kommun"}, None, "en")["ranking"] == {"data": [], "layout": {}}
