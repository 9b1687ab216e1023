"""The map's filter-change answer is a Patch of values only, and it turns the shown map into the full new one."""
from __future__ import annotations

import itertools
import json
import random

import pytest
from dash import Patch, no_update
from plotly.io.json import to_json_plotly

from callbacks.map_patch import VALUE_KEYS, apply, blank, map_answer, map_patch, structure, values, where
from views.map import map_view

# bytes: the largest map answer, a level change's whole map, as Dash sends it (bench/README.md: at most 10 KB)
WHOLE_MAP_BUDGET = 9_500


def views(results, level: str, count: int, seed: int = 3) -> list[tuple[dict, str | None]]:
    rng = random.Random(seed)
    questions = results.codebook.question_ids
    out = []
    for _ in range(count):
        params = {"question": rng.choice(questions), "wave": str(rng.choice(results.waves)), "level": level}
        for group in results.codebook.groups:
            if rng.random() < 0.3:
                params[group.id] = rng.choice(group.shown).code
        area = rng.choice([None, *results.area_ids(level)]) if level != results.levels[-1] else None
        out.append((params, area))
    return out


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_patch_turns_any_map_into_any_other_of_the_same_structure(results, lang):
    patched = skipped = same_areas = unchanged = 0
    for level in results.levels:
        figures = [map_view(results, params, area, lang)[0] for params, area in views(results, level, 8)]
        for before, after in itertools.permutations(figures, 2):
            if structure(before) == structure(after):
                assert apply(before, map_patch(after)) == after
                # as sent: without the traces blank on both maps, which differ at most in an unused colour range
                patch, _, _ = map_answer(after, None, map_answer(before, None, None)[2])
                shown = apply(before, patch)
                operations = patch.to_plotly_json()["operations"]
                sent = {key for op in operations for key in op["params"]["value"]}
                # a trace whose values the shown map has (the rings of the places) is not sent
                unchanged += len(after["data"]) - len(operations)
                if where(before) == where(after):  # the same areas in every trace: their ids are not sent again
                    assert "locations" not in sent
                    same_areas += 1
                for i, (was, now, trace) in enumerate(zip(blank(before), blank(after), shown["data"])):
                    if was == now == "1":  # not sent: only its unused colour range may be the old one
                        skipped += 1
                        trace = {**trace, **{k: after["data"][i][k] for k in ("zmin", "zmax") if k in after["data"][i]}}
                    assert trace == after["data"][i], (i, was, now)
                patched += 1
    assert patched > 150  # most changes within a level are patches (a question's kind, index or share, is not)
    assert skipped > 50
    assert same_areas > 10
    assert unchanged > skipped


def test_structure_differs_between_levels_and_languages(results):
    params = {"question": results.codebook.single_choice[0].id, "wave": str(results.waves[-1])}
    keys = {structure(map_view(results, {**params, "level": level}, None, lang)[0])
            for level in results.levels for lang in ("sv", "en")}
    assert len(keys) == 2 * len(results.levels)


def test_the_answer_is_a_patch_only_onto_the_same_map(results):
    level = results.levels[0]
    (first, area1), (second, area2) = views(results, level, 2, seed=5)
    figure1, note1 = map_view(results, first, area1, "sv")
    figure2, note2 = map_view(results, second, area2, "sv")
    assert structure(figure1) == structure(figure2)
    fig, note, drawn = map_answer(figure1, note1, None)  # a new page: everything
    assert fig is figure1 and note == note1 and drawn["figure"] == structure(figure1)
    fig, note, drawn2 = map_answer(figure2, note2, drawn)
    assert isinstance(fig, Patch) and note is no_update  # same note: not sent again
    # the record again only when the areas the traces draw, which traces are blank or their values changed
    expected = {**drawn, "where": where(figure2), "blank": blank(figure2), "values": values(figure2)}
    assert drawn2 is no_update if expected == drawn else drawn2 == expected
    _, _, unchanged = map_answer(figure2, note2, expected)
    assert unchanged is no_update
    other = map_view(results, {**first, "level": results.levels[1]}, None, "sv")[0]
    fig, _, drawn3 = map_answer(other, note1, drawn)  # another level: the whole figure
    assert fig is other and drawn3["figure"] != drawn["figure"]


def test_the_patch_holds_values_not_boundaries(results):
    params = {"question": results.codebook.single_choice[0].id, "wave": str(results.waves[-1]),
              "level": results.levels[0]}
    figure = map_view(results, params, None, "sv")[0]
    operations = map_patch(figure).to_plotly_json()["operations"]
    assert {key for op in operations for key in op["params"]["value"]} <= set(VALUE_KEYS)
    assert all(op["location"][0] == "data" for op in operations)  # never the layout (map view, zoom, legend)
    assert len(operations) == len(figure["data"])  # one merge per trace
    text = json.dumps(map_patch(figure).to_plotly_json())
    assert len(text) < len(json.dumps(figure)) and "geojson" not in text


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_whole_map_stays_within_its_budget(results, lang):
    """A level change sends the whole map: a village map's 22 names and the rings of those named away, but only
    what the page needs to move them (views/map_labels.py), and the areas' common style once (the template)."""
    largest = 0
    for level in results.levels:
        for params, area in views(results, level, 20):
            figure, note = map_view(results, params, area, lang)
            figure, note, drawn = map_answer(figure, note, None)
            answer = {"map": {"figure": figure}, "map-note": {"children": note}, "map-drawn": {"data": drawn}}
            largest = max(largest, len(to_json_plotly(answer).encode()))
            assert largest <= WHOLE_MAP_BUDGET, (level, params, area, largest)
    assert largest > WHOLE_MAP_BUDGET * 0.8  # the village maps with names were among them
