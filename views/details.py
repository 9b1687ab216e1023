"""What the dashboard shows beside the map for one view: the bars of the answers, the shares with their intervals,
the trend, the summary sentence, the notes, the table and the link to its CSV. The slides and the Excel file are
made from the same answer (views/slides.py, exports/routes.py).
"""
from __future__ import annotations

from urllib.parse import urlencode

from survey.config import KOMMUN_LEVEL_ID
from survey.results import Query, QueryError, Results
from views.texts import t

from .figures import EMPTY_FIGURE, bar_figure, shares_figure, trend_figure
from .labels import labelled_query, people, rolled_up_name, view_label, whole_words
from .params import known_language
from .profile import profile_figure, profile_rows
from .ranking import ranking_figure, ranking_rows
from .summary import join_words, summarise
from .table import municipality_rows, table_data, table_part, table_rows


def invalid_details(message: str, lang: str) -> dict:
    return {"bars": EMPTY_FIGURE, "shares": EMPTY_FIGURE, "trend": EMPTY_FIGURE, "ranking": EMPTY_FIGURE,
            "table": message, "title": message, "bars_heading": t("bars_heading", lang), "subtitle": "", "who": "",
            "page_subtitle": "", "summary": "",
            "note": "", "csv": "#", "rows": []}


def unfavourable_answers(results: Results, query: Query, lang: str) -> list[str]:
    """What the share counts, in words: the unfavourable options' texts (for an index: its name)."""
    question = results.codebook.question(query.question)
    if question:
        return [o.label[lang].lower() for o in question.options if o.unfavourable]
    return [results.codebook.index(query.question).short[lang].split(" (")[0].lower()]


def trend_series(results: Results, params: dict, query: Query, row_sets: list, chosen: str | None, lang: str):
    """The chosen area's (and the municipality's) everyone row in every wave."""
    places = ([(row_sets[0][0], query.level, chosen)] if chosen else []) + [
        (t("whole_kommun", lang, **whole_words(results, lang)), KOMMUN_LEVEL_ID, results.manifest["kommun"]["code"])]
    return [(name, results.area_trend(results.parse({**params, "by": "", "level": level}), area_id))
            for name, level, area_id in places]


def details_notes(results: Results, query: Query, references: list, lang: str) -> str:
    """The note under the bars: what the base leaves out, weighting, the reference values."""
    question = results.codebook.question(query.question)
    excluded = ", ".join(o.label[lang].lower() for o in question.options if o.exclude) if question else ""
    notes = [t("base_note", lang, excluded=excluded)] if excluded else []
    notes.append(t("weighted_note" if results.weighted else "unweighted_note", lang))
    if references:
        notes.append(t("reference_note", lang))
    return " ".join(notes)


def subtitle(results: Results, query: Query, answers: list[str], lang: str) -> str:
    if results.codebook.question(query.question):
        what = t("unfavourable", lang, answers=join_words(answers, "or", lang))
    else:
        what = t("index_subtitle", lang, n=len(results.codebook.index(query.question).items))
    return f"{what} ({query.wave})"


def details_view(results: Results, params: dict, area: str | None, lang: str) -> dict:
    """Bars, shares with intervals, trend, summary, table and the CSV link for one view."""
    lang = known_language(lang)
    try:
        query = results.parse(params)
    except QueryError as err:
        return invalid_details(t("invalid", lang, error=err), lang)
    level_rows = labelled_query(results, query, lang)
    kommun_rows = municipality_rows(results, params, lang)
    question = results.codebook.question(query.question)
    chosen = area if area in results.area_ids(query.level) and query.level != KOMMUN_LEVEL_ID else None
    row_sets = []
    if chosen:
        row_sets.append((results.area_name(query.level, chosen), level_rows.of_area(chosen)))
    words = whole_words(results, lang)
    row_sets.append((t("whole_kommun", lang, **words), kommun_rows))

    # The summary speaks of the chosen area (or the municipality); its verdicts are the map's.
    focus_rows = row_sets[0][1]
    answers = unfavourable_answers(results, query, lang)
    focus = focus_rows[0]
    summary = summarise(focus, focus_rows[1:], answers, people(results, query, lang), results.min_n, lang,
                        chosen is None, rolled_up_name(results, focus, lang) if focus["rolled_up_to"] else None,
                        whole=words["whole"])
    references = results.reference_rows(query.question, query.wave) if not query.filters else []
    rows = table_rows(level_rows, kommun_rows, query.level)
    whole = kommun_rows if query.level != KOMMUN_LEVEL_ID else []
    who = view_label(results, query.filters, query.by, lang)  # "Kvinnor 65–84 år, uppdelat efter åldersgrupp"
    csv = "/api/v1/results?" + urlencode({**params, "format": "csv", "lang": lang})
    return {
        # an index has no answer distribution: its panel shows the profile of its items instead
        "bars": bar_figure(row_sets, question, lang) if question else profile_figure(
            profile_rows(results, params, query, chosen, lang), row_sets[0][0], lang, words),
        "shares": shares_figure(row_sets, references, lang, words),
        "trend": trend_figure(trend_series(results, params, query, row_sets, chosen, lang), lang),
        "ranking": ranking_figure(ranking_rows(level_rows), next((r for r in kommun_rows if r["group"] is None), None),
                                  chosen, lang, words) if query.level != KOMMUN_LEVEL_ID else EMPTY_FIGURE,
        "table": table_data(table_part(level_rows, whole, chosen), lang, len(rows), csv, who),
        "title": (question or results.codebook.index(query.question)).text[lang],
        "bars_heading": t("bars_heading" if question else "profile_heading", lang),
        "subtitle": subtitle(results, query, answers, lang),
        "who": who,
        "page_subtitle": f"{subtitle(results, query, answers, lang)} · {who}",  # the page names the filter at the top
        "summary": summary,
        "note": details_notes(results, query, references, lang),
        "csv": csv,
        "rows": rows,
    }
