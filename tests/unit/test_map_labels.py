"""Place names on the map: every level named, the names apart from each other and on the map, the main town
named, and the names placed anew for a slide's image."""
from __future__ import annotations

import pytest

from views.map import LABEL_SIZE, MAP_HEIGHT, MAP_WIDTH, map_view
from views.map_labels import COLOUR_BAR, label_size, world_px
from views.slides import IMAGE_LABEL_SIZE, IMAGE_SIZE, make_slide, printable


def boxes(layout: dict, font_size: float) -> list[tuple]:
    """Each name's box in px from the map's centre (y downwards)."""
    out = []
    for a in layout["annotations"]:
        arrow = a.get("showarrow")  # the figure's annotation defaults say False
        x, y = a["xshift"] + (a["ax"] if arrow else 0), -a["yshift"] + (a["ay"] if arrow else 0)
        w, h = label_size(a["text"], font_size)
        out.append((x - w / 2, y - h / 2, x + w / 2, y + h / 2))
    return out


def apart_and_inside(found: list[tuple], width: float, height: float) -> None:
    for i, a in enumerate(found):
        assert -(width - COLOUR_BAR) / 2 <= a[0] and a[2] <= (width - COLOUR_BAR) / 2
        assert -height / 2 <= a[1] and a[3] <= height / 2
        for b in found[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


def moved_by_the_page(results, level: str, layout: dict) -> None:
    """The layout's meta says, per name, what assets/app.js needs to move it with the map and no more (not the
    places: the map's answer to a level change stays under 10 KB, bench/README.md): where its place is, in px from
    the map's centre at the layout's zoom, and how wide its box is."""
    labels = layout["meta"]["labels"]
    assert set(layout["meta"]) == {"labels"} and set(labels) == {"point", "center", "zoom", "width", "height"}
    assert len(labels["point"]) == len(labels["width"]) == len(layout["annotations"])
    assert labels["center"] == layout["map"]["center"] and labels["zoom"] == layout["map"]["zoom"]
    area_of = {results.area_name(level, a): a for a in results.area_ids(level)}
    cx, cy = world_px(labels["center"]["lon"], labels["center"]["lat"], labels["zoom"])
    for a, point, width in zip(layout["annotations"], labels["point"], labels["width"]):
        px, py = world_px(*results.area_point(level, area_of[a["text"]]), labels["zoom"])
        assert point == pytest.approx((px - cx, py - cy), abs=1), a["text"]
        assert width == pytest.approx(label_size(a["text"], LABEL_SIZE)[0], abs=1)
        if a.get("showarrow"):  # a leader line's head is at the place
            assert (a["xshift"], -a["yshift"]) == pytest.approx(point, abs=1), a["text"]


def test_projection_is_maplibres():
    assert world_px(0, 0, 0) == pytest.approx((256, 256))
    assert world_px(180, 0, 1) == pytest.approx((1024, 512))
    assert world_px(0, 85.0511, 0)[1] == pytest.approx(0, abs=0.01)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_level_names_its_areas_apart_and_on_the_map(results, lang):
    for level in results.levels:
        params = {"question": results.codebook.single_choice[0].id, "wave": str(results.waves[-1]), "level": level}
        figure, _ = map_view(results, params, None, lang)
        layout = figure["layout"]
        names = {results.area_name(level, a) for a in results.area_ids(level)}
        shown = [a["text"] for a in layout["annotations"]]
        assert set(shown) <= names and len(shown) == len(set(shown))
        assert len(shown) >= min(len(names), 18), (level, sorted(names - set(shown)))  # 19 of 22 villages at 460 px
        apart_and_inside(boxes(layout, LABEL_SIZE), MAP_WIDTH, MAP_HEIGHT)
        moved_by_the_page(results, level, layout)
        if level == "by":
            assert "Älvdalen" in shown  # the main town, a speck among villages, keeps its name
            rings = [tr for tr in figure["data"] if tr["name"].startswith(("Platser", "Places"))]
            assert len(rings) == 2 and "by_alvdalen" in rings[0]["customdata"]  # a dot to click


def test_a_slide_image_names_the_places_for_its_own_size(results):
    view = {"question": results.codebook.single_choice[0].id, "wave": str(results.waves[-1]), "level": "by",
            "by": "", "filters": {}, "area": None, "lang": "sv"}
    figure = printable(results, make_slide(results, view, "sv"))
    layout = figure["layout"]
    assert layout["template"]["layout"]["annotationdefaults"]["font"]["size"] == IMAGE_LABEL_SIZE
    assert layout["meta"]["labels"]["zoom"] == layout["map"]["zoom"]
    assert len(layout["annotations"]) == 22  # every village has room in the image
    apart_and_inside(boxes(layout, IMAGE_LABEL_SIZE), *IMAGE_SIZE)
