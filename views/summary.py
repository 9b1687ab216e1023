"""A plain-language summary of one view, in Swedish or English, made only from the query's rows.

It never calls a difference a difference unless the row's test found it significant (after Holm's
adjustment), and a suppressed value is always described as "för få svar".
"""
from __future__ import annotations

from translations import text
from views.texts import half_up, percent_sign


class _Phrases:
    """The summary's sentences of one language, from the interface's gettext catalogs (keys "summary_<name>")."""

    def __init__(self, lang: str):
        self.lang = lang

    def __getitem__(self, key: str) -> str:
        return text("summary_" + key, self.lang)


def number(value: float, kind: str, lang: str) -> str:
    """A share as a percent, an index value as a number on 0–100."""
    whole = f"{half_up(value * 100):.0f}"
    if kind == "index":
        return whole
    return whole + percent_sign(lang)


def summarise(row: dict, group_rows: list[dict], answers: list[str], filters: list[str], min_n: int,
              lang: str, whole_municipality: bool) -> str:
    """The summary of one area (or the whole municipality): `row` is its all-respondents row of the query,
    `group_rows` its rows per group when the view is broken down, `answers` the unfavourable options' texts
    (for an index: its name), `filters` the labels of the groups the view is filtered to."""
    say = _Phrases(lang)
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
        sentences.append(say["hidden_groups"].format(groups=", ".join(hidden)))
    return " ".join(sentences)
