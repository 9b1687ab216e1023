"""Labels of a view's rows in a language: a group code's text ("Uppgift saknas" for those who did not state it),
the people a view is about ("kvinnor 65–84 år", from the codebook's `who`: filter_phrase, people), its breakdown
(breakdown_phrase) and the roll-up's "visar Idre med fjällbyarna". survey.results returns codes and numbers; the
callbacks, the API, the exports, the slides and the staff pages add these, so every output names a view alike."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from survey.config import KOMMUN_LEVEL_ID
from survey.results import MISSING_GROUP, ROW_FIELDS, Query, Results, Rows
from translations import text

MISSING_LABEL = {"sv": "Uppgift saknas", "en": "Not stated"}
# A labelled row's fields: the query's, then the labels (the API's JSON sorts them; the CSV names its columns).
# Added at the end rather than after their codes: a copy of the row is a third of the time of a dict in that order.
# `group_text`: the row's people as the charts and tables name them ("Alla svarande", "Kvinna", and under a filter
# the whole group: "Kvinnor 65–84 år", "Kvinnor 16–24 år").
LABELLED_FIELDS = (*ROW_FIELDS, "group_label", "rolled_up_label", "group_text")

Filters = Mapping[str, str] | Sequence[tuple[str, str]]


def first_upper(words: str) -> str:
    return words[:1].upper() + words[1:]


def first_lower(words: str) -> str:
    """"Åldersgrupp" → "åldersgrupp" (a group's or level's label inside a sentence); "DeSO" stays as it is."""
    return words if words[1:2].isupper() else words[:1].lower() + words[1:]


def group_label(results: Results, by: str, code: str, lang: str) -> str:
    """The text of a group's code (e.g. kon 1: "Kvinna"), or MISSING_LABEL for "saknas"."""
    if code == MISSING_GROUP:
        return MISSING_LABEL[lang]
    option = next(o for o in results.codebook.group(by).options if o.code == code)
    return option.label[lang]


def _pairs(filters: Filters | None) -> list[tuple[str, str]]:
    if not filters:
        return []
    items = filters.items() if isinstance(filters, Mapping) else filters
    return [(g, str(c)) for g, c in items if c not in (None, "")]


def who_phrase(results: Results, filters: Filters | None, lang: str) -> str | None:
    """The people of a group filter as words inside a sentence (lower case, no article): "kvinnor 65–84 år som bor
    i lägenhet", "women aged 65–84 who live in a flat"; None without a filter. Made from the codebook's `who` of
    each option (survey/codebook.py): one `noun` heads it (else "svarande"/"respondents"), `after` words follow
    it, `clause`s end it, joined by "och"/"and"; an option without `who` is named in brackets, "(kön: Kvinna)"."""
    pairs = _pairs(filters)
    if not pairs:
        return None
    noun, after, clauses, plain = None, [], [], []
    for group_id, code in pairs:
        group = results.codebook.group(group_id)
        if code == MISSING_GROUP:
            clauses.append(text("who_not_stated", lang).format(group=first_lower(group.label[lang])))
            continue
        option = next(o for o in group.options if o.code == code)
        if option.who and option.who_as == "noun" and noun is None:
            noun = option.who[lang]
        elif option.who and option.who_as == "after":
            after.append(option.who[lang])
        elif option.who and option.who_as == "clause":
            clauses.append(option.who[lang])
        else:  # no `who`, or a second noun: the safe generic form
            plain.append(f"{first_lower(group.label[lang])}: {option.label[lang]}")
    words = [noun or text("who_respondents", lang), *after]
    if clauses:
        words.append(text("summary_and", lang).join(clauses))
    if plain:
        words.append("(" + ", ".join(plain) + ")")
    return " ".join(words)


def filter_phrase(results: Results, filters: Filters | None, lang: str) -> str:
    """Who a view is about, as a label: "Kvinnor 65–84 år" ("Women aged 65–84"), or "Alla svarande" without a
    filter. `filters`: {group: code} (a view's "filters") or the query's [(group, code)]. The one name of a view's
    group filter: bars, table, CSV, Excel, API, summary and slides use it."""
    who = who_phrase(results, filters, lang)
    return first_upper(who) if who else text("all_respondents", lang)


def breakdown_phrase(results: Results, by: str | None, lang: str) -> str:
    """The view's breakdown as words: "uppdelat efter åldersgrupp" ("by age group"); "" without one."""
    group = results.codebook.group(by) if by else None
    return text("breakdown_phrase", lang).format(group=first_lower(group.label[lang])) if group else ""


def view_label(results: Results, filters: Filters | None, by: str | None, lang: str) -> str:
    """Filter and breakdown in one line: "Kvinnor 65–84 år, uppdelat efter boendeform" (a caption, a file's
    header, a slide)."""
    breakdown = breakdown_phrase(results, by, lang)
    return filter_phrase(results, filters, lang) + (", " + breakdown if breakdown else "")


def people(results: Results, query: Query, lang: str) -> dict[str | None, str | None]:
    """Group code (None: the view's everyone row) → the people of that row in a sentence (who_phrase): the
    filter's, with the row's group added; None for everyone without a filter."""
    out = {None: who_phrase(results, query.filters, lang)}
    if query.by:
        codes = [o.code for o in results.codebook.group(query.by).options] + [MISSING_GROUP]
        out.update((c, who_phrase(results, [*query.filters, (query.by, c)], lang)) for c in codes)
    return out


def rolled_up_name(results: Results, row: dict, lang: str, names: set[str] | None = None) -> str:
    """The enclosing area a hidden row shows, named with its level when an area of the row's level has that name
    (the village Älvdalen, and the village Väsa beside it, show "Älvdalen (distrikt)": not the village).
    `names`: the names of the row's level, when the caller has them."""
    name = row["rolled_up_to"]
    if name != row["area_name"] and name not in (_names(results, row["level"]) if names is None else names):
        return name
    level = next(lv for lv in results.manifest["levels"] if lv["id"] == row["rolled_up_level"])
    return f"{name} ({first_lower(level['label'][lang])})"


def _names(results: Results, level: str) -> set[str]:
    return {results.area_name(level, a) for a in results.area_ids(level)}


def labelled(results: Results, query: Query, rows: Rows, lang: str) -> Rows:
    """The query's rows with their texts: `group_label` (None for everyone), `rolled_up_label` (None unless
    the row shows an enclosing area's value) and `group_text`: LABELLED_FIELDS. The rows themselves stay as they
    are (the query's cache keeps them for every language)."""
    labels = {None: None}
    if query.by:
        labels.update((o.code, o.label[lang]) for o in results.codebook.group(query.by).options)
        labels[MISSING_GROUP] = MISSING_LABEL[lang]
    texts = {None: filter_phrase(results, query.filters, lang)}
    if query.filters:  # under a filter a group row is the filter's people in that group
        texts.update((c, first_upper(who)) for c, who in people(results, query, lang).items() if c is not None)
    else:
        texts.update((c, label) for c, label in labels.items() if c is not None)
    rolled = text("rolled_up_label", lang)
    names = _names(results, query.level)  # once: a national view has thousands of rows to label

    def rolled_label(row: dict) -> str | None:
        return None if row["rolled_up_to"] is None else rolled.format(
            area=rolled_up_name(results, row, lang, names))

    def label(made: list[dict]) -> list[dict]:
        out = []
        for row in made:
            new = dict(row)  # a copy: the query's cache keeps `row` for every language
            new["group_label"] = labels[row["group"]]
            new["rolled_up_label"] = rolled_label(row)
            new["group_text"] = texts[row["group"]]
            out.append(new)
        return out

    def column(name: str) -> np.ndarray:
        if name != "rolled_up_label":
            return rows.column(name)
        areas = rows.column("rolled_up_to")
        out = np.full(len(areas), None, dtype=object)
        where = np.flatnonzero(areas != None)  # noqa: E711 - elementwise
        names, levels = rows.column("area_name"), rows.column("rolled_up_level")
        out[where] = [rolled_label({"rolled_up_to": areas[i], "area_name": names[i], "rolled_up_level": levels[i],
                                    "level": query.level})
                      for i in where.tolist()]
        return out

    return rows.mapped(label, column, key=("labels", lang))


def labelled_query(results: Results, query: Query, lang: str) -> Rows:
    """results.query(query) with its labels in `lang`."""
    return labelled(results, query, results.query(query), lang)


def source_credit(manifest: dict, lang: str) -> str:
    """The source line in `lang` (`[app] source_credit = {sv, en}`; a build made before it: the one text)."""
    return (manifest.get("source_credits") or {}).get(lang) or manifest.get("source_credit", "")


def whole_words(results: Results, lang: str) -> dict[str, str]:
    """The words naming the survey's whole (`[kommun] typ`: kommun, region or län) that the catalogs' texts fill
    in: `whole` the noun in a sentence ("kommunen", "regionen", "länet"; "municipality", "region", "county" after
    "the"), `whole_name` its full name for headings ("Älvdalens kommun", "Polisregion Bergslagen"), `survey_name`,
    `parties` (who makes the promises) and `parties_example`. Pass them to t() with the text's own values."""
    whole = results.manifest["kommun"]
    kind = {"län": "lan"}.get(whole.get("kind", "kommun"), whole.get("kind", "kommun"))  # a build before `typ`
    name = results.area_name(KOMMUN_LEVEL_ID, whole["code"])
    return {"whole": text(f"whole_noun_{kind}", lang), "whole_name": name,
            "survey_name": text(f"whole_survey_{kind}", lang), "parties": text(f"whole_parties_{kind}", lang),
            "parties_example": text(f"whole_example_{kind}", lang).format(whole_name=name)}
