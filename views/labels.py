"""Labels of a view's rows in a language: a group code's text ("Uppgift saknas" for those who did not state it)
and the roll-up's "visar Idre med fjällbyarna". survey.results returns codes and numbers; the callbacks, the API,
the exports and the staff pages add these."""
from __future__ import annotations

import numpy as np

from survey.results import MISSING_GROUP, ROW_FIELDS, Query, Results, Rows
from translations import text

MISSING_LABEL = {"sv": "Uppgift saknas", "en": "Not stated"}
# A labelled row's fields: the query's, then the labels (the API's JSON sorts them; the CSV names its columns).
# Added at the end rather than after their codes: a copy of the row is a third of the time of a dict in that order.
LABELLED_FIELDS = (*ROW_FIELDS, "group_label", "rolled_up_label")


def group_label(results: Results, by: str, code: str, lang: str) -> str:
    """The text of a group's code (e.g. kon 1: "Kvinna"), or MISSING_LABEL for "saknas"."""
    if code == MISSING_GROUP:
        return MISSING_LABEL[lang]
    option = next(o for o in results.codebook.group(by).options if o.code == code)
    return option.label[lang]


def labelled(results: Results, query: Query, rows: Rows, lang: str) -> Rows:
    """The query's rows with their texts: `group_label` (None for everyone) and `rolled_up_label` (None unless
    the row shows an enclosing area's value): LABELLED_FIELDS. The rows themselves stay as they
    are (the query's cache keeps them for every language)."""
    labels = {None: None}
    if query.by:
        labels.update((o.code, o.label[lang]) for o in results.codebook.group(query.by).options)
        labels[MISSING_GROUP] = MISSING_LABEL[lang]
    rolled = text("rolled_up_label", lang)

    def label(made: list[dict]) -> list[dict]:
        out = []
        for row in made:
            new = dict(row)  # a copy: the query's cache keeps `row` for every language
            new["group_label"] = labels[row["group"]]
            new["rolled_up_label"] = None if row["rolled_up_to"] is None else rolled.format(area=row["rolled_up_to"])
            out.append(new)
        return out

    def column(name: str) -> np.ndarray:
        if name != "rolled_up_label":
            return rows.column(name)
        areas = rows.column("rolled_up_to")
        out = np.full(len(areas), None, dtype=object)
        where = np.flatnonzero(areas != None)  # noqa: E711 - elementwise
        out[where] = [rolled.format(area=a) for a in areas[where].tolist()]
        return out

    return rows.mapped(label, column, key=("labels", lang))


def labelled_query(results: Results, query: Query, lang: str) -> Rows:
    """results.query(query) with its labels in `lang`."""
    return labelled(results, query, results.query(query), lang)
