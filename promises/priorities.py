"""The prioritisation view's numbers: for one area and wave, each problem's share (with its interval), whether it
is significantly higher or lower than in the rest of the municipality, and its change since the previous wave:
the API's rows (Results.query), nothing recomputed; a hidden cell shows nothing. Sorted by share, most common
first, hidden ones last.

Not built: the matrix's second axis, how strongly each problem goes with feeling unsafe. It needs answers per
respondent crossed between two questions (the build keeps counts per question only), and that cross-table needs
its own disclosure control."""
from __future__ import annotations

from survey.results import Results
from views.texts import percent, t

from .feedback import area_row, problem_questions

VS_REST = {"higher": "priority_higher", "lower": "priority_lower", None: "priority_same"}
CHANGE = {"higher": "priority_up", "lower": "priority_down", None: "priority_steady"}


def priorities(results: Results, level: str, area_id: str, wave: int, lang: str) -> list[dict]:
    out = []
    for question in problem_questions(results):
        row = area_row(results, question.id, level, area_id, wave)
        shown = row is not None and not row["suppressed"]
        out.append({
            "id": question.id, "question": question.short[lang], "share": row["share"] if shown else None,
            "value": percent(row["share"], lang) if shown else t("followup_hidden", lang),
            "interval": f"{percent(row['share_low'], lang)}–{percent(row['share_high'], lang)}" if shown else "",
            "n": row["n"] if shown else None,
            "vs_rest": t(VS_REST[row["vs_rest"]], lang) if shown and row["rest_share"] is not None else "",
            "vs_rest_code": row["vs_rest"] if shown else None,
            "change": (t(CHANGE[row["change"]], lang, wave=row["previous_wave"])
                       if shown and row["previous_share"] is not None else ""),
            "change_code": row["change"] if shown else None,
        })
    return sorted(out, key=lambda r: (r["share"] is None, -(r["share"] or 0)))
