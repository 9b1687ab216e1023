"""A plain-language summary of one view, in Swedish or English, made only from the query's rows.

It never calls a difference a difference unless the row's test found it significant (after Holm's
adjustment), and a suppressed value is always described as "för få svar".
"""
from __future__ import annotations

import math

PHRASES = {
    "sv": {
        "share": "{where} svarar {p} ({low}–{high}) {answers}.",
        "index": "{where} är {answers} {p} ({low}–{high}) på skalan 0–100.",
        "index_higher": "Det är högre än i övriga kommunen ({rest}), och skillnaden är statistiskt säkerställd.",
        "index_lower": "Det är lägre än i övriga kommunen ({rest}), och skillnaden är statistiskt säkerställd.",
        "index_same": "I övriga kommunen är värdet {rest}; skillnaden är inte statistiskt säkerställd.",
        "index_up": "Värdet har ökat sedan {wave} ({prev}), och förändringen är statistiskt säkerställd.",
        "index_down": "Värdet har minskat sedan {wave} ({prev}), och förändringen är statistiskt säkerställd.",
        "index_steady": "{wave} var värdet {prev}; förändringen är inte statistiskt säkerställd.",
        "too_few": "{where} visas ingen siffra: för få svar, eller dold så att en grupp med färre än {k} svar inte kan räknas fram.",
        "rolled_up": "I stället visas {area}.",
        "higher": "Det är fler än i övriga kommunen ({rest}), och skillnaden är statistiskt säkerställd.",
        "lower": "Det är färre än i övriga kommunen ({rest}), och skillnaden är statistiskt säkerställd.",
        "same": "I övriga kommunen är andelen {rest}; skillnaden är inte statistiskt säkerställd.",
        "up": "Andelen har ökat sedan {wave} ({prev}), och förändringen är statistiskt säkerställd.",
        "down": "Andelen har minskat sedan {wave} ({prev}), och förändringen är statistiskt säkerställd.",
        "steady": "{wave} var andelen {prev}; förändringen är inte statistiskt säkerställd.",
        "uncertain": "Siffran är osäker: den bygger på få svar.",
        "groups_diff": "Statistiskt säkerställda skillnader mot övriga: {groups}.",
        "groups_none": "Ingen av skillnaderna mellan grupperna är statistiskt säkerställd.",
        "group_higher": "{group} högre", "group_lower": "{group} lägre",
        "in": "I {area}", "among": "bland {who}", "whole": "I hela kommunen", "and": " och ", "or": " eller ",
    },
    "en": {
        "share": "{where}, {p} ({low}–{high}) answer {answers}.",
        "index": "{where}, the {answers} is {p} ({low}–{high}) on a 0–100 scale.",
        "index_higher": "That is higher than in the rest of the municipality ({rest}), and the difference is statistically significant.",
        "index_lower": "That is lower than in the rest of the municipality ({rest}), and the difference is statistically significant.",
        "index_same": "In the rest of the municipality the value is {rest}; the difference is not statistically significant.",
        "index_up": "The value has risen since {wave} ({prev}), and the change is statistically significant.",
        "index_down": "The value has fallen since {wave} ({prev}), and the change is statistically significant.",
        "index_steady": "In {wave} the value was {prev}; the change is not statistically significant.",
        "too_few": "{where}, no figure is shown: too few answers, or hidden so that a group of fewer than {k} cannot be worked out.",
        "rolled_up": "{area} is shown instead.",
        "higher": "That is more than in the rest of the municipality ({rest}), and the difference is statistically significant.",
        "lower": "That is fewer than in the rest of the municipality ({rest}), and the difference is statistically significant.",
        "same": "In the rest of the municipality the share is {rest}; the difference is not statistically significant.",
        "up": "The share has risen since {wave} ({prev}), and the change is statistically significant.",
        "down": "The share has fallen since {wave} ({prev}), and the change is statistically significant.",
        "steady": "In {wave} the share was {prev}; the change is not statistically significant.",
        "uncertain": "The figure is uncertain: it rests on few answers.",
        "groups_diff": "Statistically significant differences from the others: {groups}.",
        "groups_none": "None of the differences between the groups is statistically significant.",
        "group_higher": "{group} higher", "group_lower": "{group} lower",
        "in": "In {area}", "among": "among {who}", "whole": "In the whole municipality", "and": " and ", "or": " or ",
    },
}


def number(value: float, kind: str, lang: str) -> str:
    """A share as a percent, an index value as a number on 0–100."""
    text = f"{math.floor(value * 100 + 0.5 + 1e-9):.0f}"  # half up, as people round
    if kind == "index":
        return text
    return f"{text}\u00a0%" if lang == "sv" else f"{text}%"


def summarise(row: dict, group_rows: list[dict], answers: list[str], filters: list[str], min_n: int,
              lang: str, whole_municipality: bool) -> str:
    """The summary of one area (or the whole municipality): `row` is its all-respondents row of the query,
    `group_rows` its rows per group when the view is broken down, `answers` the unfavourable options' texts
    (for an index: its name), `filters` the labels of the groups the view is filtered to."""
    say = PHRASES[lang]
    where = say["whole"] if whole_municipality else say["in"].format(area=row["area_name"])
    if filters:
        where += " " + say["among"].format(who=say["and"].join(filters).lower())
    if row["suppressed"]:
        text = say["too_few"].format(where=where, k=min_n)
        if row.get("rolled_up_to"):  # roll-up: the map shows the enclosing area's value
            text += " " + say["rolled_up"].format(area=row["rolled_up_to"])
        return text
    kind = row["kind"]
    prefix = "index_" if kind == "index" else ""

    def fmt(value: float) -> str:
        return number(value, kind, lang)

    sentences = [say[kind].format(where=where, p=fmt(row["share"]), low=fmt(row["share_low"]),
                                  high=fmt(row["share_high"]), answers=say["or"].join(answers))]
    if row["rest_share"] is not None and not whole_municipality:
        key = row["vs_rest"] or "same"
        sentences.append(say[prefix + key].format(rest=fmt(row["rest_share"])))
    if row["previous_share"] is not None:
        key = {"higher": "up", "lower": "down", None: "steady"}[row["change"]]
        sentences.append(say[prefix + key].format(wave=row["previous_wave"], prev=fmt(row["previous_share"])))
    if row["unreliable"]:
        sentences.append(say["uncertain"])
    shown = [g for g in group_rows if not g["suppressed"]]
    if shown:
        different = [say["group_" + g["vs_rest"]].format(group=g["group_label"]) for g in shown if g["vs_rest"]]
        sentences.append(say["groups_diff"].format(groups=", ".join(different)) if different else say["groups_none"])
    hidden = [g["group_label"] for g in group_rows if g["suppressed"]]
    if hidden:
        too_few = "för få svar" if lang == "sv" else "too few answers"
        sentences.append(f"{', '.join(hidden)}: {too_few}.")
    return " ".join(sentences)
