"""The prioritisation view's numbers: for one area and wave, each problem's share (with its interval), whether it
is significantly higher or lower than in the rest of the municipality, and its change since the previous wave:
the API's rows (Results.query), nothing recomputed; a hidden cell shows nothing. Sorted by share, most common
first, hidden ones last (`priorities`, also the lägesbild's table).

`matrix` adds what the prioritisation matrix shows (issue 23):
- its second axis, how strongly each problem goes with feeling unsafe: the difference, in percentage points, between
  the share feeling unsafe among those who see the problem and among the others in the area, with its 95 %
  interval, as the build stored it (survey/association.py, read through Results.association: its disclosure
  rule hides an area where either subgroup has fewer than k answers, or where a difference of published numbers
  would give such an area away). A codebook without `survey.safety_question` has no such axis: the page says so;
- the quadrant of each problem: more or less common, and more or less tied to feeling unsafe, than the median
  of the problems in the chart (so the lines move with the area: the matrix ranks, it does not judge);
- where the problem is significantly worse: the areas of the view's level (the level below for the whole
  municipality) and the respondent groups of the area whose share is significantly higher than in the rest of the
  municipality (the query's vs_rest, Holm-adjusted; a hidden cell is never listed).
"""
from __future__ import annotations

from statistics import median

from survey.results import Query, Results
from views.texts import percent, t

from .feedback import area_row, problem_questions
from .matrix_chart import chart, points

VS_REST = {"higher": "priority_higher", "lower": "priority_lower", None: "priority_same"}
CHANGE = {"higher": "priority_up", "lower": "priority_down", None: "priority_steady"}
QUADRANTS = {(True, True): "priority_q_common_tied", (False, True): "priority_q_rare_tied",
             (True, False): "priority_q_common_loose", (False, False): "priority_q_rare_loose"}


def priorities(results: Results, level: str, area_id: str, wave: int, lang: str) -> list[dict]:
    out = []
    for question in problem_questions(results):
        row = area_row(results, question.id, level, area_id, wave)
        shown = row is not None and not row["suppressed"]
        out.append({
            "id": question.id, "question": question.short[lang], "share": row["share"] if shown else None,
            "value": percent(row["share"], lang) if shown else t("followup_hidden", lang),
            "interval": f"{percent(row['share_low'], lang)}–{percent(row['share_high'], lang)}" if shown else "",
            "share_low": row["share_low"] if shown else None, "share_high": row["share_high"] if shown else None,
            "n": row["n"] if shown else None,
            "vs_rest": t(VS_REST[row["vs_rest"]], lang) if shown and row["rest_share"] is not None else "",
            "vs_rest_code": row["vs_rest"] if shown else None,
            "change": (t(CHANGE[row["change"]], lang, wave=row["previous_wave"])
                       if shown and row["previous_share"] is not None else ""),
            "change_code": row["change"] if shown else None,
        })
    return sorted(out, key=lambda r: (r["share"] is None, -(r["share"] or 0)))


def association(results: Results, question: str, level: str, area_id: str, wave: int, lang: str) -> dict:
    """The problem's second axis in the area, as the table shows it (all None where hidden or not built)."""
    row = results.association(question, wave, level).get(area_id) if results.safety_question else None
    if row is None or row["difference"] is None:
        return {"difference": None, "difference_text": t("followup_hidden", lang) if row else "",
                "interval_pp": "", "unsafe_yes": "", "unsafe_no": ""}
    return {"difference": row["difference"], "difference_low": row["difference_low"],
            "difference_high": row["difference_high"], "difference_text": points(row["difference"], lang),
            "interval_pp": f"{points(row['difference_low'], lang)} – {points(row['difference_high'], lang)}",
            "unsafe_yes": t("priority_unsafe_among", lang, value=percent(row["unsafe_yes"], lang),
                            n=int(row["n_yes"])),
            "unsafe_no": t("priority_unsafe_among", lang, value=percent(row["unsafe_no"], lang),
                           n=int(row["n_no"]))}


def worse_level(results: Results, level: str) -> str:
    """The level whose areas the "worse in" lists name: the view's, or the one below the whole municipality."""
    return results.levels[-2] if level == results.levels[-1] and len(results.levels) > 1 else level


def worse_areas(results: Results, question: str, level: str, wave: int) -> list[str]:
    rows = results.query(Query(question=question, wave=wave, level=level))
    return [r["area_name"] for r in rows if r["group"] is None and not r["suppressed"] and r["vs_rest"] == "higher"]


def worse_groups(results: Results, question: str, level: str, area_id: str, wave: int, lang: str) -> list[str]:
    """The area's groups (kön, ålder …) whose share is significantly higher than in the rest of the municipality."""
    out = []
    for group in results.codebook.groups:
        for r in results.query(Query(question=question, wave=wave, level=level, by=group.id)):
            option = next((o for o in group.options if o.code == r["group"]), None)
            if r["area_id"] == area_id and option and not r["suppressed"] and r["vs_rest"] == "higher":
                out.append(f"{group.label[lang]}: {option.label[lang]}")
    return out


def matrix(results: Results, level: str, area_id: str, wave: int, lang: str) -> dict:
    """The matrix's rows (priorities' with the second axis, the quadrant and the worse areas and groups), its chart
    and what the page says about the axis."""
    rows = priorities(results, level, area_id, wave, lang)
    by = worse_level(results, level)
    for number, row in enumerate(rows, start=1):
        row.update(association(results, row["id"], level, area_id, wave, lang), number=number,
                   worse_areas=worse_areas(results, row["id"], by, wave),
                   worse_groups=worse_groups(results, row["id"], level, area_id, wave, lang))
    plotted = [r for r in rows if r["share"] is not None and r["difference"] is not None]
    x_line = y_line = None
    if plotted:
        x_line, y_line = median(r["share"] for r in plotted), median(r["difference"] for r in plotted)
        for r in plotted:
            r["quadrant"] = t(QUADRANTS[(r["share"] >= x_line, r["difference"] >= y_line)], lang)
    safety = results.codebook.question(results.safety_question) if results.safety_question else None
    return {"rows": rows, "plotted": plotted, "worse_level": by,
            "charts": [chart(plotted, x_line, y_line, lang, size) for size in ("wide", "narrow")] if plotted else [],
            "safety": safety.short[lang] if safety else None,
            "missing": [r for r in rows if r not in plotted]}
