"""The answers of one export's usable rows, through the codebook: each group's code, each single-choice question's
option, each free-text answer and each multiple-choice option ticked or not. An answer not in the codebook is left
out (a group's counts as 'uppgift saknas') and reported as a warning with its rows."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..codebook import MULTI_NO, MULTI_YES, Codebook, MultiQuestion
from .accounting import account, account_codes
from .matching import (
    TICKED,
    UNTICKED,
    code_key,
    lookup_codes,
    option_column_names,
    option_lookup,
    question_names,
    split_multi,
)
from .messages import expected_options, thousands, value_groups

if TYPE_CHECKING:
    from .responses import Export


def decode_groups(export: Export, codebook: Codebook, frame: pd.DataFrame, keep: pd.Series,
                  warnings: list[str]) -> None:
    """A column per group in `frame`: the group's code, "" when missing or not in the codebook."""
    path, table, columns, rows = export.path, export.table, export.columns, export.rows
    for group in codebook.groups:
        col = columns.find(f"grupp {group.id}", [group.column, group.id, *group.aliases])
        if col is None:
            warnings.append(f"{path}: gruppkolumnen {group.column} saknas; alla svar räknas som 'uppgift saknas'")
            frame[group.id] = ""
            continue
        codes, shown = lookup_codes(table, col, option_lookup(group.options))
        frame[group.id] = codes.fillna("")
        export.accounts.append(account_codes(path, group.id, "grupp", columns.name(col), shown, codes, keep, rows,
                                             group.options))
        unknown = (shown.str.strip() != "") & codes.isna() & keep
        if unknown.any():
            warnings.append(f"{path}, kolumn {columns.name(col)}: {thousands(int(unknown.sum()))} värden utanför "
                            f"kodboken (values outside the codebook), räknas som 'uppgift saknas': "
                            f"{value_groups(shown[unknown], rows[unknown])}; väntade "
                            f"{expected_options(group.options)}")


def decode_answers(export: Export, codebook: Codebook, frame: pd.DataFrame, keep: pd.Series, warnings: list[str]
                   ) -> tuple[list[pd.DataFrame], list[pd.DataFrame], set[str]]:
    """The single-choice answers (respondent_id, question, answer) and the free-text answers (…, text) of the kept
    rows, and the questions whose column the export has."""
    path, table, columns, rows, values = export.path, export.table, export.columns, export.rows, export.table.values
    answers, freetext, found = [], [], set()
    for question in codebook.questions:
        if question.multi:
            continue
        col = columns.find(f"fråga {question.id}", question_names(question))
        if col is None:
            near = columns.nearest(question_names(question))
            warnings.append(f"{path}: kolumnen för fråga {question.id} ({question.column}) saknas" + (
                f"; kolumnen '{near}' liknar frågan (nearly matches): lägg till den i frågans aliases" if near else ""))
            continue
        found.add(question.id)
        if question.type == "freetext":
            text = values.loc[keep, col]
            given = text.str.strip() != ""
            freetext.append(pd.DataFrame({"respondent_id": frame.loc[given[given].index, "respondent_id"],
                                          "question": question.id, "text": text[given]}))
            continue
        codes, shown = lookup_codes(table, col, option_lookup(question.options))
        export.accounts.append(account_codes(path, question.id, "fråga", columns.name(col), shown, codes, keep, rows,
                                             question.options))
        unknown = (shown.str.strip() != "") & codes.isna() & keep
        if unknown.any():
            warnings.append(f"{path}: fråga {question.id} (kolumn {columns.name(col)}) har "
                            f"{thousands(int(unknown.sum()))} svar utanför kodboken (answers outside the codebook): "
                            f"{value_groups(shown[unknown], rows[unknown])}; "
                            f"väntade {expected_options(question.options)}; "
                            "de räknas inte")
        given = codes.notna() & keep
        answers.append(pd.DataFrame({"respondent_id": frame.loc[given, "respondent_id"],
                                     "question": question.id, "answer": codes[given]}))
    return answers, freetext, found


def multi_choice_answers(export: Export, codebook: Codebook, respondent_id: pd.Series, keep: pd.Series,
                         warnings: list[str]) -> tuple[list[pd.DataFrame], set[str]]:
    """The answers to each multiple-choice question's derived yes/no items (question "<id>__<code>"), and those
    items, for the questions the export has."""
    answers, found = [], set()
    for multi in codebook.multis:
        part = _multi_answers(export, multi, keep, respondent_id, warnings)
        if part is not None:
            answers.append(part)
            found.update(f"{multi.id}__{o.code}" for o in multi.options)
    return answers, found


def _multi_answers(export: Export, multi: MultiQuestion, keep: pd.Series, respondent_id: pd.Series,
                   warnings: list[str]) -> pd.DataFrame | None:
    """Answers to the derived yes/no items of one multiple-choice question, from one column per option or one
    delimited column; None if the export has neither."""
    per_option = {o.code: export.columns.find(f"fråga {multi.id}, alternativ {o.code}", option_column_names(multi, o))
                  for o in multi.options}
    if any(col is not None for col in per_option.values()):
        return _from_option_columns(export, multi, per_option, keep, respondent_id, warnings)
    return _from_delimited_column(export, multi, keep, respondent_id, warnings)


def _from_option_columns(export: Export, multi: MultiQuestion, per_option: dict[str, int | None], keep: pd.Series,
                         respondent_id: pd.Series, warnings: list[str]) -> pd.DataFrame:
    """One column per option, ticked (1, Ja, x, the option's code or label …) or not (0, Nej, empty). A respondent
    who left every box empty did not answer; one with any box filled in answered each item ticked, unticked or empty."""
    path, table, columns, rows = export.path, export.table, export.columns, export.rows
    found = {code: col for code, col in per_option.items() if col is not None}
    missing = [code for code in per_option if per_option[code] is None]
    if missing:
        warnings.append(f"{path}: fråga {multi.id}: kolumnen för alternativ {', '.join(missing)} saknas; "
                        "de alternativen räknas inte")
    any_answer = pd.Series(False, index=table.values.index)
    any_unknown, unknown_text = any_answer.copy(), pd.Series("", index=table.values.index, dtype=object)
    state = {}
    for option in multi.options:
        col = found.get(option.code)
        if col is None:
            continue
        yes_words = TICKED | {code_key(option.code), *(code_key(t) for t in option.label.values())}
        keys = table.values[col].map(code_key)
        if table.raw is not None:
            raw_keys = table.raw[col].map(code_key)
            keys = keys.where(keys.isin(yes_words | UNTICKED), raw_keys)
        yes, no, empty = keys.isin(yes_words), keys.isin(UNTICKED) | (keys == ""), keys == ""
        unknown = ~yes & ~no & keep
        unknown_text = unknown_text.where(any_unknown | ~unknown, columns.name(col) + ": " + table.values[col])
        any_unknown |= unknown
        if unknown.any():
            shown = table.values[col]
            warnings.append(f"{path}: fråga {multi.id} (kolumn {columns.name(col)}) har "
                            f"{thousands(int(unknown.sum()))} svar utanför kodboken (answers outside the codebook): "
                            f"{value_groups(shown[unknown], rows[unknown])}; väntade 1/0, Ja/tomt eller "
                            f"'{option.label['sv']}'; de räknas inte")
        state[option.code] = (yes, no, empty)
        any_answer |= ~empty
    answered = any_answer[keep]
    export.accounts.append(account(
        path, multi.id, "fråga", ", ".join(columns.name(c) for c in found.values()),
        counted_=answered & ~any_unknown[keep], blank=~answered, excluded=answered & False,
        unrecognised=any_unknown[keep], shown=unknown_text[keep], rows=rows[keep]))
    parts = []
    for code, (yes, no, _empty) in state.items():
        given = any_answer & (yes | no) & keep
        parts.append(pd.DataFrame({"respondent_id": respondent_id[given], "question": f"{multi.id}__{code}",
                                   "answer": np.where(yes[given], MULTI_YES, MULTI_NO)}))
    return pd.concat(parts, ignore_index=True) if parts else None


def _from_delimited_column(export: Export, multi: MultiQuestion, keep: pd.Series, respondent_id: pd.Series,
                           warnings: list[str]) -> pd.DataFrame | None:
    """One column listing the options ticked ("1;3", "Klotter, Buskörning"); None if the export has no such column."""
    path, table, columns, rows = export.path, export.table, export.columns, export.rows
    col = columns.find(f"fråga {multi.id}", question_names(multi))
    if col is None:
        warnings.append(f"{path}: kolumnerna för fråga {multi.id} ({multi.column} eller "
                        f"{', '.join(option_column_names(multi, multi.options[0])[:1])} …) saknas")
        return None
    lookup = option_lookup(multi.options)
    shown = table.values[col]
    codes_per_row, unknown_rows, unknown_values, split = {}, [], [], {}
    for i in shown.index[keep & (shown.str.strip() != "")]:
        if shown[i] not in split:  # each distinct cell split once
            split[shown[i]] = split_multi(shown[i], lookup, multi.separator)
        codes, unknown = split[shown[i]]
        if unknown:
            unknown_rows.append(i)
            unknown_values.append("; ".join(unknown))
        if codes:
            codes_per_row[i] = codes
    if unknown_rows:
        warnings.append(f"{path}: fråga {multi.id} (kolumn {columns.name(col)}) har "
                        f"{thousands(len(unknown_rows))} svar utanför kodboken (answers outside the codebook): "
                        f"{value_groups(pd.Series(unknown_values), pd.Series(rows[unknown_rows].to_numpy()))}; "
                        f"väntade {expected_options(multi.options)}; de räknas inte")
    used, blank = keep[keep], shown[keep].str.strip() == ""
    unrecognised = pd.Series(False, index=used.index)
    unrecognised[unknown_rows] = True
    texts = pd.Series(unknown_values, index=unknown_rows, dtype=object).reindex(used.index, fill_value="")
    export.accounts.append(account(path, multi.id, "fråga", columns.name(col), counted_=~blank & ~unrecognised,
                                   blank=blank, excluded=~used, unrecognised=unrecognised, shown=texts,
                                   rows=rows[keep]))
    index = list(codes_per_row)
    parts = [pd.DataFrame({"respondent_id": respondent_id[index].to_numpy(), "question": f"{multi.id}__{o.code}",
                           "answer": [MULTI_YES if o.code in codes_per_row[i] else MULTI_NO for i in index]})
             for o in multi.options]
    return pd.concat(parts, ignore_index=True)
