"""A plain-language summary of one view, in Swedish or English, made only from the query's rows.

It never calls a difference a difference unless the row's test found it significant (after Holm's
adjustment), and a suppressed value is always described as "för få svar". The people a view is about are named
by views/labels.py (`people`: "kvinnor 65–84 år", from the codebook), the same words the charts and files use.
"""
from __future__ import annotations

from translations import text
from views.texts import half_up, percent_sign


class _Phrases:
    """The summary's sentences of one language, from the interface's gettext catalogs (keys "summary_<name>"),
    with the whole's noun put in ({whole}: "kommunen", "regionen"; views.labels.whole_words)."""

    def __init__(self, lang: str, whole: str | None = None):
        self.lang = lang
        self.whole = whole if whole is not None else text("whole_noun_kommun", lang)

    def __getitem__(self, key: str) -> str:
        return text("summary_" + key, self.lang).replace("{whole}", self.whole)


def number(value: float, kind: str, lang: str) -> str:
    """A share as a percent, an index value as a number on 0–100."""
    whole = f"{half_up(value * 100):.0f}"
    if kind == "index":
        return whole
    return whole + percent_sign(lang)


def join_words(items: list[str], last: str, lang: str) -> str:
    """"a, b eller c" / "a, b or c": `last` is "or" or "and" (the catalog's summary_or, summary_and)."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + text("summary_" + last, lang) + items[-1]


def place(area: str | None, who: str | None, lang: str, whole: str | None = None) -> str:
    """The sentence's opening: "I Särna", "I hela kommunen", "I Särna, bland kvinnor 65–84 år,"."""
    say = _Phrases(lang, whole)
    if who is None:
        return say["whole"] if area is None else say["in"].format(area=area)
    return say["among_whole"].format(who=who) if area is None else say["among_in"].format(who=who, area=area)


def _groups(group_rows: list[dict], people: dict, kind: str, say: _Phrases) -> list[str]:
    """The breakdown's sentences: which groups differ significantly from the others, which are hidden."""
    sentences = []
    shown = [g for g in group_rows if not g["suppressed"]]
    if shown:
        prefix = "index_" if kind == "index" else ""
        for direction in ("higher", "lower"):
            who = [people[g["group"]] for g in shown if g["vs_rest"] == direction]
            if who:
                sentences.append(say[f"{prefix}groups_{direction}"].format(groups=join_words(who, "and", say.lang)))
        if not any(g["vs_rest"] for g in shown):
            sentences.append(say["groups_none"])
    hidden = [people[g["group"]] for g in group_rows if g["suppressed"]]
    if hidden:
        sentences.append(say["hidden_groups"].format(groups=join_words(hidden, "and", say.lang)))
    return sentences


def summarise(row: dict, group_rows: list[dict], answers: list[str], people: dict, min_n: int,
              lang: str, whole_municipality: bool, rolled_up: str | None = None, whole: str | None = None) -> str:
    """The summary of one area (or the whole municipality): `row` is its all-respondents row of the query,
    `group_rows` its rows per group when the view is broken down, `answers` the unfavourable options' texts
    (for an index: its name), `people` views.labels.people: group code (None: the view's everyone) → the people
    in words (None: everyone, no filter), `rolled_up` the name of the area a hidden row shows instead
    (views.labels.rolled_up_name), `whole` the whole's noun ("kommunen", the default; "regionen": whole_words)."""
    say = _Phrases(lang, whole)
    where = place(None if whole_municipality else row["area_name"], people.get(None), lang, whole)
    if row["suppressed"]:
        sentence = say["too_few"].format(where=where, k=min_n)
        if rolled_up or row.get("rolled_up_to"):  # roll-up: the map shows the enclosing area's value
            sentence += " " + say["rolled_up"].format(area=rolled_up or row["rolled_up_to"])
        return sentence
    kind = row["kind"]
    prefix = "index_" if kind == "index" else ""

    def fmt(value: float) -> str:
        return number(value, kind, lang)

    sentences = [say[kind].format(where=where, p=fmt(row["share"]), low=fmt(row["share_low"]),
                                  high=fmt(row["share_high"]), answers=join_words(answers, "or", lang))]
    if row["rest_share"] is not None and not whole_municipality:
        key = row["vs_rest"] or "same"
        sentences.append(say[prefix + key].format(rest=fmt(row["rest_share"])))
    if row["previous_share"] is not None:
        key = {"higher": "up", "lower": "down", None: "steady"}[row["change"]]
        sentences.append(say[prefix + key].format(wave=row["previous_wave"], prev=fmt(row["previous_share"])))
    if row["unreliable"]:
        sentences.append(say["uncertain"])
    sentences += _groups(group_rows, people, kind, say)
    return " ".join(sentences)
