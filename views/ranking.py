"""The areas of a level ranked: each area's share (everyone in the view's filter) with its 95 % interval, the
highest first, the municipality as a line to read them against; ▲/▼ marks a significant difference from the rest
of the municipality (the map's dots, the table's remarks). Hidden areas stay hidden: listed last, without a value.
The rows are the view's own (views/details.py): no number is computed here."""
from __future__ import annotations

from views.texts import interval, percent_sign, t, value

from .figures import FONT, MARK, SUPPRESSED_GREY

SIGNIFICANT = {"higher": "#a50f15", "lower": "#08519c", None: "#525252"}


def ranking_rows(level_rows) -> list[dict]:
    """Everyone's row of each area (a breakdown's group rows left out), the highest share first, hidden ones last
    in name order."""
    everyone = [r for r in level_rows if r["group"] is None]
    shown = sorted((r for r in everyone if not r["suppressed"]), key=lambda r: (-r["share"], r["area_name"]))
    return shown + sorted((r for r in everyone if r["suppressed"]), key=lambda r: r["area_name"])


def _label(r: dict, chosen: str | None) -> str:
    name = f"{r['area_name']} {MARK[r['vs_rest']]}" if r["vs_rest"] else r["area_name"]
    return f"<b>{name}</b>" if r["area_id"] == chosen else name


def ranking_figure(rows: list[dict], kommun: dict | None, chosen: str | None, lang: str,
                   words: dict[str, str]) -> dict:
    """Dots with interval bars, one line per area of ranking_rows(); the municipality's value as a dashed line.
    `words`: views.labels.whole_words, the whole's name in the texts."""
    is_index = any(r["kind"] == "index" for r in rows)
    suffix = "" if is_index else percent_sign(lang)
    shown = [r for r in rows if not r["suppressed"]]
    hidden = [r for r in rows if r["suppressed"]]
    data = [{
        "type": "scatter", "mode": "markers", "orientation": "h", "name": t("ranking_chart_heading", lang),
        "y": [_label(r, chosen) for r in shown], "x": [round(r["share"] * 100, 1) for r in shown],
        "error_x": {"type": "data", "symmetric": False, "thickness": 1.5, "width": 4, "color": "#525252",
                    "array": [round((r["share_high"] - r["share"]) * 100, 1) for r in shown],
                    "arrayminus": [round((r["share"] - r["share_low"]) * 100, 1) for r in shown]},
        # a faded (open) dot: an uncertain estimate, as the map fades it
        "marker": {"size": 11, "color": [SIGNIFICANT[r["vs_rest"]] for r in shown],
                   "symbol": ["circle-open" if r["unreliable"] else "circle" for r in shown],
                   "line": {"width": 2, "color": [SIGNIFICANT[r["vs_rest"]] for r in shown]}},
        "customdata": [_hover(r, lang, words) for r in shown], "hovertemplate": "%{customdata}<extra>%{y}</extra>",
        "showlegend": False, "cliponaxis": False}]
    if hidden:
        data.append({"type": "scatter", "mode": "text", "y": [_label(r, chosen) for r in hidden],
                     "x": [0] * len(hidden), "text": [t("too_few", lang)] * len(hidden), "textposition": "middle right",
                     "textfont": {"color": "#595959"}, "hoverinfo": "skip", "showlegend": False,
                     "name": t("too_few", lang)})
    top = max([r["share_high"] * 100 for r in shown] + [10])
    layout = {
        "height": 90 + 26 * len(rows),
        "xaxis": {"range": [-2, min(100, int(top / 10 + 1) * 10)], "ticksuffix": suffix, "fixedrange": True,
                  "title": {"text": t("index_axis" if is_index else "share_axis", lang)}, "automargin": True,
                  "gridcolor": "#e0e0e0", "zeroline": False},
        "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True, "type": "category",
                  "tickfont": {"color": "#111111"}},
        "margin": {"l": 10, "r": 20, "t": 30, "b": 10}, "plot_bgcolor": "#ffffff",
        "font": {"family": FONT, "size": 13}, "annotations": [], "shapes": []}
    if kommun and not kommun["suppressed"]:
        x = round(kommun["share"] * 100, 1)
        layout["shapes"].append({"type": "line", "x0": x, "x1": x, "yref": "paper", "y0": 0, "y1": 1,
                                 "line": {"color": SUPPRESSED_GREY, "dash": "dash", "width": 2}, "layer": "below"})
        layout["annotations"].append({"x": x, "y": 1, "yref": "paper", "yanchor": "bottom", "showarrow": False,
                                      "text": f"{t('whole_kommun', lang, **words)} {value(kommun, 'share', lang)}",
                                      "font": {"size": 12, "color": "#333333"}})
    return {"data": data, "layout": layout}


def _hover(r: dict, lang: str, words: dict[str, str]) -> str:
    parts = [f"{value(r, 'share', lang)} ({t('interval_short', lang)}: {interval(r, lang)})",
             t("n_of", lang, n=r["n"])]
    if r["vs_rest"]:
        parts.append(t(f"sig_{r['vs_rest']}", lang, **words))
    if r["unreliable"]:
        parts.append(t("uncertain", lang))
    return "<br>".join(parts)
