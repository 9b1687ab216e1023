"""The prioritisation matrix drawn as SVG on the server (the staff pages load no script): x how common a problem is
(its share, with the interval as a horizontal bar), y how much more often those who see it feel unsafe (percentage
points, with the interval as a vertical bar), each problem a numbered point (the table under the chart names the
numbers and holds the same values), dashed lines at the medians and the quadrants' names in the corners. Only
positions and texts: the numbers are promises/priorities.py's."""
from __future__ import annotations

import math

from views.texts import percent, t

# (width, height, left, right, top, bottom) of the viewBox: a wide one for a desktop, a narrow one that a phone
# shows at its own size (the page shows one of them: scaled down, the wide one's texts would be 6 px)
SIZES = {"wide": (640, 440, 70, 16, 34, 58), "narrow": (340, 380, 52, 20, 12, 50)}


def points(difference: float, lang: str) -> str:
    """A difference in percentage points, signed: "+12" / "−3" (a minus sign, not a hyphen)."""
    value = round(difference * 100)
    return ("+" if value > 0 else "−" if value < 0 else "") + str(abs(value))


RADIUS = {"wide": 10, "narrow": 8}  # a label's circle
# where a numbered label may go, tried in order, when it would cover another: the point stays where it is (a dot)
# and a thin line leads to its label
NUDGES = [(0, 0)] + [(d * math.cos(a), d * math.sin(a))
                     for d in (2.4, 4.4, 6.4, 8.4) for a in (math.radians(deg) for deg in range(-90, 270, 30))]


def placed(marks: list[dict], box: tuple, radius: float) -> list[dict]:
    """Each point with its label's position (lx, ly): on the point, or nudged off it so that no two labels overlap
    (in the order given: the most common problem keeps its place), inside the plot."""
    taken: list[tuple[float, float]] = []
    left, top, right, bottom = box
    for mark in marks:
        options = [(round(mark["cx"] + dx * radius, 1), round(mark["cy"] + dy * radius, 1)) for dx, dy in NUDGES]
        inside = [(lx, ly) for lx, ly in options if left + radius <= lx <= right - radius
                  and top + radius <= ly <= bottom - radius] or options[:1]
        free = [o for o in inside if all(math.dist(o, other) >= 2 * radius + 2 for other in taken)]
        mark["lx"], mark["ly"] = (free or inside)[0]
        taken.append((mark["lx"], mark["ly"]))
    return marks


def nice_range(low: float, high: float, step: float) -> tuple[float, float]:
    return math.floor(low / step) * step, math.ceil(high / step) * step


def ticks(low: float, high: float) -> list[float]:
    step = 0.1 if high - low <= 0.6 else 0.2
    first = math.ceil(round(low / step, 9)) * step
    return [round(first + i * step, 6) for i in range(int(round((high - first) / step)) + 1)]


def chart(rows: list[dict], x_line: float, y_line: float, lang: str, size: str = "wide") -> dict:
    """Everything the template draws for rows with a share and a difference (each with its interval); the narrow
    chart leaves the quadrants' names to the table."""
    width, height, left, right, top, bottom = SIZES[size]
    x_low, x_high = nice_range(0.0, max(r["share_high"] for r in rows), 0.1)
    y_low, y_high = nice_range(min(0.0, min(r["difference_low"] for r in rows)),
                               max(0.0, max(r["difference_high"] for r in rows)), 0.1)
    x_high, y_high = max(x_high, x_low + 0.1), max(y_high, y_low + 0.1)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(v: float) -> float:
        return round(left + (v - x_low) / (x_high - x_low) * plot_w, 1)

    def y(v: float) -> float:
        return round(top + (y_high - v) / (y_high - y_low) * plot_h, 1)

    return {
        "size": size, "width": width, "height": height, "left": left, "top": top, "right": width - right,
        "bottom": height - bottom,
        "x_ticks": [(x(v), percent(v, lang)) for v in ticks(x_low, x_high)],
        "y_ticks": [(y(v), points(v, lang)) for v in ticks(y_low, y_high)],
        "zero": y(0.0), "x_line": x(x_line), "y_line": y(y_line),
        "points": placed([{"number": r["number"], "cx": x(r["share"]), "cy": y(r["difference"]),
                           "x1": x(r["share_low"]), "x2": x(r["share_high"]),
                           "y1": y(r["difference_low"]), "y2": y(r["difference_high"])} for r in rows],
                         (left, top, width - right, height - bottom), RADIUS[size]),
        "radius": RADIUS[size],
        "x_title": t("priority_axis_x", lang), "y_title": t("priority_axis_y", lang),
        "corners": [] if size == "narrow" else [(width - right - 4, top - 10, "end", t("priority_q_common_tied", lang)),
                    (left + 4, top - 10, "start", t("priority_q_rare_tied", lang)),
                    (width - right - 4, height - bottom - 6, "end", t("priority_q_common_loose", lang)),
                    (left + 4, height - bottom - 6, "start", t("priority_q_rare_loose", lang))],
    }
