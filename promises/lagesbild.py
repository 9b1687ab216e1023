"""The lägesbild (Lag 2023:196: a kartläggning of crime and its consequences, an analysis, and the åtgärdsplan):
the sections the survey can fill, made from the API's rows (views.labels.labelled_query, Results.reference_rows,
promises/priorities.py, promises/followup.py), and the parts that staff write (saved in the database,
store.report_texts). `lagesbild_docx` writes it as an editable Word document (python-docx).

Sections: 1 Inledning (written), 2 Enkätens metod och svar, 3 Resultat per område och grupp (the headline question
by district, DeSO and respondent group, with intervals, comparisons and the NTU reference values), 4 Prioriterade
problem, 5 Andra källor (written), 6 Analys (written), 7 Medborgarlöften och åtgärder, 8 Åtgärdsplan (written).
"""
from __future__ import annotations

import io

from survey.config import KOMMUN_LEVEL_ID
from survey.results import Results
from views.labels import labelled_query, whole_words
from views.texts import integer, percent, t

from . import store
from .followup import follow_up
from .priorities import priorities
from .render import STATUS_KEYS

WRITTEN = ("inledning", "kallor", "analys", "atgardsplan")  # the parts staff write
SECTIONS = ("inledning", "metod", "resultat", "problem", "kallor", "analys", "loften", "atgardsplan")


def result_table(results: Results, question: str, wave: int, level: str, by: str | None, lang: str) -> dict:
    """A view's rows as the API gives them, as a table: area (and group), share, interval, answers, comparison."""
    params = {"question": question, "wave": str(wave), "level": level, **({"by": by} if by else {})}
    rows = [r for r in labelled_query(results, results.parse(params), lang) if (r["group"] is not None) == bool(by)]
    words = whole_words(results, lang)
    vs = {"higher": t("priority_higher", lang), "lower": t("priority_lower", lang), None: t("priority_same", lang)}
    return {"columns": [t("lagesbild_col_area", lang) if not by else t("lagesbild_col_group", lang),
                        t("followup_value", lang), t("followup_interval", lang), t("followup_answers", lang),
                        t("priority_vs_rest", lang, **words)],
            "rows": [[r["group_label"] if by else r["area_name"],
                      t("followup_hidden", lang) if r["suppressed"] else percent(r["share"], lang),
                      "" if r["suppressed"] else f"{percent(r['share_low'], lang)}–{percent(r['share_high'], lang)}",
                      "" if r["suppressed"] else integer(r["n"], lang),
                      "" if r["suppressed"] or r["rest_share"] is None else vs[r["vs_rest"]]] for r in rows]}


def method_section(results: Results, lang: str) -> dict:
    headline = results.codebook.single_choice[0]
    kommun = results.area_ids(KOMMUN_LEVEL_ID)[0]
    answered = []
    for wave in results.waves:
        rows = labelled_query(results, results.parse({"question": headline.id, "wave": str(wave),
                                                      "level": KOMMUN_LEVEL_ID}), lang)
        row = next(r for r in rows if r["area_id"] == kommun and r["group"] is None)
        answered.append([str(wave), integer(row["n"], lang)])
    paragraphs = [t("lagesbild_method", lang, waves=", ".join(str(w) for w in results.waves), min_n=results.min_n,
                    **whole_words(results, lang)),
                  t("lagesbild_weighted" if results.weighted else "lagesbild_unweighted", lang)]
    return {"paragraphs": paragraphs, "tables": [{"title": t("lagesbild_answered", lang, question=headline.short[lang]),
                                                  "columns": [t("followup_wave", lang), t("followup_answers", lang)],
                                                  "rows": answered}]}


def results_section(results: Results, lang: str) -> dict:
    headline, wave = results.codebook.single_choice[0], results.waves[-1]
    levels = {lv["id"]: lv["label"][lang] for lv in results.manifest["levels"]}
    tables = [{"title": f"{headline.short[lang]}, {levels[level]}, {wave}",
               **result_table(results, headline.id, wave, level, None, lang)}
              for level in reversed(results.levels[1:-1])]
    tables += [{"title": f"{headline.short[lang]}, {results.codebook.group(g.id).label[lang]}, {wave}",
                **result_table(results, headline.id, wave, KOMMUN_LEVEL_ID, g.id, lang)}
               for g in results.codebook.groups]
    reference = results.reference_rows(headline.id, wave)
    paragraphs = [t("lagesbild_results", lang, question=headline.text[lang])]
    if reference:
        columns = [t(key, lang) for key in ("lagesbild_col_area", "followup_value", "followup_interval",
                                            "lagesbild_col_source")]
        tables.append({"title": t("lagesbild_reference", lang), "columns": columns, "rows": [
            [r["geography"], percent(r["value"], lang),
             f"{percent(r['low'], lang)}–{percent(r['high'], lang)}" if r["low"] is not None else "", r["source"]]
            for r in reference]})
    return {"paragraphs": paragraphs, "tables": tables}


def problem_section(results: Results, lang: str) -> dict:
    level, kommun = KOMMUN_LEVEL_ID, results.area_ids(KOMMUN_LEVEL_ID)[0]
    rows = priorities(results, level, kommun, results.waves[-1], lang)
    return {"paragraphs": [t("lagesbild_problems", lang, **whole_words(results, lang))], "tables": [{
        "title": t("lagesbild_problems_table", lang, area=results.area_name(level, kommun), wave=results.waves[-1]),
        "columns": [t("priority_problem", lang), t("followup_value", lang), t("followup_interval", lang),
                    t("priority_change", lang)],
        "rows": [[r["question"], r["value"], r["interval"], r["change"]] for r in rows]}]}


def promise_section(results: Results, db, lang: str) -> dict:
    paragraphs, tables = [], []
    for promise in store.list_promises(db):
        paragraphs.append(("heading", promise.title))
        if promise.text:
            paragraphs.append(promise.text)
        tables.append({"title": t("promise_actions_heading", lang) + ": " + promise.title,
                       "columns": [t("promise_field_what", lang), t("promise_field_who", lang),
                                   t("promise_field_when", lang), t("promise_field_status", lang)],
                       "rows": [[a.what, a.who, a.when, t(STATUS_KEYS[a.status], lang)]
                                for a in promise.actions]})
        for indicator in promise.indicators:
            f = follow_up(results, indicator, lang)
            tables.append({"title": f"{f['question']} – {f['area']} ({f['group']})",
                           "columns": [t("followup_wave", lang), t("followup_value", lang),
                                       t("followup_interval", lang), t("followup_change", lang)],
                           "rows": [[str(p["wave"]), p["value"], p["interval"], p["verdict"]] for p in f["points"]]})
    if not paragraphs:
        paragraphs.append(t("lagesbild_no_promises", lang))
    return {"paragraphs": paragraphs, "tables": tables}


def lagesbild(results: Results, db, lang: str) -> list[dict]:
    """The sections in order: key, heading, written (staff text or None), paragraphs, tables."""
    written = store.report_texts(db)
    made = {"metod": lambda: method_section(results, lang), "resultat": lambda: results_section(results, lang),
            "problem": lambda: problem_section(results, lang), "loften": lambda: promise_section(results, db, lang)}
    out = []
    for number, key in enumerate(SECTIONS, 1):
        section = {"key": key, "heading": f"{number}. " + t("lagesbild_section_" + key, lang),
                   "paragraphs": [], "tables": [], "written": None}
        if key in WRITTEN:
            row = written.get(key)
            section["written"] = row.text if row and row.text else ""
            section["version"] = row.version if row else None
            section["paragraphs"] = [p for p in section["written"].split("\n\n") if p.strip()] or \
                [t("lagesbild_to_write", lang)]
        else:
            section.update(made[key]())
        out.append(section)
    return out


def lagesbild_docx(sections: list[dict], title: str, lang: str) -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = title
    document.add_heading(title, level=0)
    for section in sections:
        document.add_heading(section["heading"], level=1)
        for paragraph in section["paragraphs"]:
            if isinstance(paragraph, tuple):
                document.add_heading(paragraph[1], level=2)
            else:
                document.add_paragraph(paragraph)
        for table in section["tables"]:
            document.add_paragraph(table["title"], style="Caption")
            grid = document.add_table(rows=1, cols=len(table["columns"]))
            grid.style = "Table Grid"
            for cell, text in zip(grid.rows[0].cells, table["columns"]):
                cell.text = text
                cell.paragraphs[0].runs[0].bold = True
            for row in table["rows"]:
                for cell, text in zip(grid.add_row().cells, row):
                    cell.text = str(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
