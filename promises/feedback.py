"""What the återkoppling page and its flyer say for one area (or the whole municipality), in a language:
"Det här svarade ni" (the area's main results in the newest wave), "Det här gör vi" (the promises that cover the
area, with their actions and status) and "Så har det gått" (each indicator of those promises, its baseline, its
newest value and the verdict of the change). Every number comes from the one query path (Results.query, and
survey.results.change for the indicators): a hidden cell is "för få svar" here too.

The main results: the codebook's first question (the headline, e.g. feeling unsafe out late), and the three
problems most often seen as big in the area (the questions of the largest theme, ranked by their published
share).
"""
from __future__ import annotations

from survey import association
from survey.results import Query, Results
from views.labels import whole_words
from views.texts import percent, t

from . import store
from .followup import area_name, covers, follow_up
from .render import STATUS_KEYS

TOP_PROBLEMS = 3


def area_row(results: Results, question: str, level: str, area_id: str, wave: int | None = None) -> dict | None:
    """The area's all-respondents row of a question in the newest wave (or `wave`): the API's row."""
    rows = results.query(Query(question=question, wave=wave or results.waves[-1], level=level))
    return next((r for r in rows if r["area_id"] == area_id and r["group"] is None), None)


def problem_questions(results: Results) -> list:
    """The problems (survey/association.py: the largest theme's questions, the build's matrix has the same)."""
    return association.problem_questions(results.codebook)


def main_results(results: Results, level: str, area_id: str, lang: str) -> list[dict]:
    headline = results.codebook.single_choice[0]
    rows = [(q, area_row(results, q.id, level, area_id)) for q in problem_questions(results)]
    ranked = sorted((pair for pair in rows if pair[1] and not pair[1]["suppressed"]),
                    key=lambda pair: -pair[1]["share"])[:TOP_PROBLEMS]
    out = []
    for question, row in [(headline, area_row(results, headline.id, level, area_id)), *ranked]:
        shown = row is not None and not row["suppressed"]
        out.append({"question": question.short[lang], "text": question.text[lang],
                    "answers": either([o.label[lang].lower() for o in question.options if o.unfavourable], lang),
                    "share": row["share"] if shown else None,
                    "value": percent(row["share"], lang) if shown else t("followup_hidden", lang),
                    "low": percent(row["share_low"], lang) if shown else "",
                    "high": percent(row["share_high"], lang) if shown else "", "n": row["n"] if shown else None,
                    "headline": question is headline,
                    # a hidden area: the enclosing area whose number is published (the API's roll-up)
                    "rolled_up": (row["rolled_up_level"], row["rolled_up_id"], row["rolled_up_to"])
                    if row is not None and row["suppressed"] and row["rolled_up_id"] else None})
    return out


def either(options: list[str], lang: str) -> str:
    """“a”, “b” eller “c” (or)."""
    quoted = [f"”{o}”" if lang == "sv" else f"“{o}”" for o in options]
    if len(quoted) < 2:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + t("feedback_or", lang) + quoted[-1]


def area_feedback(results: Results, db, level: str, area_id: str, lang: str) -> dict:
    """Everything the area's page and flyer show."""
    promises = [p for p in store.list_promises(db) if covers(results, p.areas, level, area_id)]
    return {
        "area": area_name(results, level, area_id), "level": level, "area_id": area_id,
        "wave": results.waves[-1], "min_n": results.min_n,
        # "Det här svarade ni …, det här gör kommunen och polisen …" (the region's words for a region-wide survey)
        "intro": t("feedback_intro", lang, wave=results.waves[-1], **whole_words(results, lang)),
        "answers": main_results(results, level, area_id, lang),
        "promises": [{"title": p.title, "text": p.text, "parties": p.parties,
                      "period": " – ".join(x for x in (p.period_start, p.period_end) if x),
                      "actions": [{"what": a.what, "who": a.who, "when": a.when, "status": a.status,
                                   "status_text": t(STATUS_KEYS[a.status], lang)} for a in p.actions],
                      "indicators": [follow_up(results, i, lang) for i in p.indicators]} for p in promises],
    }


def change_sentence(f: dict, lang: str) -> str:
    """An indicator in a sentence: "Fortkörning i Idre (alla): 26 % 2016, 22 % 2019 – ingen säkerställd förändring."""
    if f.get("missing") or not f["points"]:
        return t("followup_missing", lang)
    first, last = f["points"][0], f["points"][-1]
    values = f"{first['value']} {first['wave']}"
    if last is not first:
        values += f", {last['value']} {last['wave']}"
    if last is first:
        verdict = t("feedback_no_later_wave", lang)
    else:
        verdict = last["verdict"] or t("feedback_not_comparable", lang)
    return t("feedback_indicator_sentence", lang, question=f["question"], area=f["area"], group=f["group"],
             values=values, verdict=verdict)
