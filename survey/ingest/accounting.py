"""Answer accounting: for every file × question (and group), each usable row's cell is counted once, as
`counted` (an option in the base), `blank`, `excluded` (an option the codebook leaves out of the base, e.g. "vet
inte") or `unrecognised` (a value no option matches, kept with its rows). The four add up to the rows used.

`check_accounting` stops the build when a question of a file has no recognised answer, or when more than the
allowed share of its filled-in cells is unrecognised (`[inputs] max_unrecognised`, default 5 %, and per question
`[inputs.unrecognised_allowed]`), naming the values and the closest options."""
from __future__ import annotations

import difflib
from collections import defaultdict
from pathlib import Path

import pandas as pd

from ..codebook import Codebook, Option
from .matching import normalise
from .messages import IngestError, counted, thousands

KINDS = ("counted", "blank", "excluded", "unrecognised")
KIND_WORDS = {"counted": "räknade", "blank": "tomma", "excluded": "uteslutna", "unrecognised": "okända"}
MAX_UNRECOGNISED = 0.05
SHOWN_VALUES = 10   # unrecognised values kept per account (the most frequent)
SHOWN_ROWS = 3      # and rows per value


def _values(shown: pd.Series, rows: pd.Series) -> list[dict]:
    """The distinct unrecognised values, most frequent first, each with its count and first rows."""
    by_value: dict[str, list[int]] = defaultdict(list)
    for value, row in zip(shown, rows):
        by_value[str(value)].append(int(row))
    ordered = sorted(by_value.items(), key=lambda kv: (-len(kv[1]), kv[1][0]))
    return [{"value": v, "n": len(r), "rows": sorted(r)[:SHOWN_ROWS]} for v, r in ordered[:SHOWN_VALUES]]


def account(path: Path, question: str, kind: str, column: str, *, counted_: pd.Series, blank: pd.Series,
            excluded: pd.Series, unrecognised: pd.Series, shown: pd.Series, rows: pd.Series) -> dict:
    """One file × question's accounting from four masks over the usable rows (each row in exactly one)."""
    total = len(counted_)
    numbers = {k: int(m.sum()) for k, m in zip(KINDS, (counted_, blank, excluded, unrecognised))}
    assert sum(numbers.values()) == total, (path, question, numbers, total)
    assert not ((counted_.astype(int) + blank + excluded + unrecognised) != 1).any(), (path, question)
    return {"file": str(path), "question": question, "kind": kind, "column": column, "rows": total, **numbers,
            "values": _values(shown[unrecognised], rows[unrecognised])}


def account_codes(path: Path, question: str, kind: str, column: str, shown: pd.Series, codes: pd.Series,
                  keep: pd.Series, rows: pd.Series, options: tuple[Option, ...]) -> dict:
    """A single-choice question's (or a group's) cells: `codes` holds each row's option code or NaN."""
    shown, codes, rows = shown[keep], codes[keep], rows[keep]
    known = codes.notna()
    empty = ~known & (shown.str.strip() == "")
    left_out = known & codes.isin({o.code for o in options if o.exclude})
    return account(path, question, kind, column, counted_=known & ~left_out, blank=empty, excluded=left_out,
                   unrecognised=~known & ~empty, shown=shown, rows=rows)


# ---- the limits ---------------------------------------------------------------------------------------------

def allowed_share(question: str, max_share: float, allowed: dict[str, float]) -> float:
    """The share of a question's filled-in cells that may be unrecognised (a derived multiple-choice item
    "prob__1" takes its question's allowance "prob")."""
    for key in (question, question.split("__")[0]):
        if key in allowed:
            return float(allowed[key])
    return max_share


def _options(codebook: Codebook, entry: dict) -> tuple[Option, ...]:
    if entry["kind"] == "grupp":
        group = codebook.group(entry["question"])
        return group.options if group else ()
    multi = next((m for m in codebook.multis if m.id == entry["question"]), None)
    if multi:
        return multi.options
    question = codebook.question(entry["question"])
    return question.options if question else ()


def closest_options(value: str, options: tuple[Option, ...], n: int = 2) -> list[str]:
    """The options whose label, code or alias is nearest to `value`, as "3 (Ganska otrygg)"."""
    names: dict[str, Option] = {}
    for option in options:
        for text in (*option.label.values(), *option.aliases, option.code):
            names.setdefault(normalise(text), option)
    hits = difflib.get_close_matches(normalise(value), list(names), n=n * 3, cutoff=0.5)
    shown = list(dict.fromkeys(f"{names[h].code} ({names[h].label['sv']})" for h in hits))
    return shown[:n]


def _values_text(entry: dict, options: tuple[Option, ...]) -> list[str]:
    lines = []
    for item in entry["values"]:
        rows = ", ".join(str(r) for r in item["rows"]) + (" …" if item["n"] > len(item["rows"]) else "")
        near = closest_options(item["value"], options)
        lines.append(f"    '{item['value']}' rad {rows} ({counted(item['n'], 'rad', 'rader')}); närmast (closest): "
                     + (", ".join(near) if near else "–"))
    return lines


def problem(entry: dict, max_share: float, allowed: dict[str, float]) -> str | None:
    """Why this file × question stops the build (None: it does not)."""
    share = allowed_share(entry["question"], max_share, allowed)
    recognised = entry["counted"] + entry["excluded"]
    filled = recognised + entry["unrecognised"]
    what = f"{entry['file']}: {'grupp' if entry['kind'] == 'grupp' else 'fråga'} {entry['question']} " \
           f"(kolumn {entry['column']})"
    if share >= 1:
        return None
    if recognised == 0 and entry["kind"] != "grupp" and entry["rows"]:
        if filled == 0:
            return f"{what}: alla {thousands(entry['rows'])} svar är tomma (every answer is blank): fel kolumn?"
        return (f"{what}: inget av {thousands(filled)} svar känns igen (no answer recognised); "
                "värdena (the values):")
    if filled and entry["unrecognised"] > share * filled:
        percent = f"{100 * entry['unrecognised'] / filled:.1f}".replace(".", ",")
        return (f"{what}: {thousands(entry['unrecognised'])} av {thousands(filled)} svar känns inte igen "
                f"(answers not recognised), {percent} %, fler än de tillåtna {100 * share:g} %; värdena (the values):")
    return None


ADVICE = ("Lägg till stavningen som alias till alternativet i kodboken (options: [{code: 3, sv: …, aliases: "
          "[\"…\"]}]), rätta filen, eller tillåt andelen för frågan: [inputs.unrecognised_allowed] FRÅGA = 0.2 "
          "(1 = allt) (add an alias, fix the file, or allow the share for the question).")


def check_accounting(entries: list[dict], codebook: Codebook, max_share: float, allowed: dict[str, float],
                     warnings: list[str]) -> None:
    """Stop the build on every file × question that lost its answers (see `problem`)."""
    problems = []
    for entry in entries:
        text = problem(entry, max_share, allowed)
        if text:
            problems.append(text)
            problems += _values_text(entry, _options(codebook, entry))
    if problems:
        raise IngestError(problems + [ADVICE], warnings)


def check_missing_questions(found: set[str], codebook: Codebook, allowed: dict[str, float],
                            warnings: list[str]) -> None:
    """Stop the build on a question whose column no file has (its answers would be lost without a trace), unless
    `[inputs.unrecognised_allowed]` allows anything for it (`q1 = true`: a question not asked in this survey)."""
    ids = [q.id for q in codebook.questions if not q.multi] + [m.id for m in codebook.multis]
    missing = [q for q in ids if q not in found and not any(f.startswith(q + "__") for f in found)
               and allowed_share(q, 0.0, allowed) < 1]
    if missing:
        raise IngestError([f"fråga {', '.join(missing)} finns inte i någon fil (question missing from every file): "
                           "lägg till exportens kolumnnamn i frågans aliases i kodboken (varningarna ovan nämner "
                           "kolumner som liknar frågan), eller, om frågan inte ställdes, [inputs.unrecognised_allowed] "
                           f"{missing[0]} = true (add the export's header to the question's aliases, or allow it)"],
                          warnings)


def accounting_table(entries: list[dict]) -> list[str]:
    """The accounting as text lines: "Fil | fråga | rader | räknade | tomma | uteslutna | okända"."""
    lines = ["Fil | fråga | rader | " + " | ".join(KIND_WORDS[k] for k in KINDS)]
    for e in entries:
        label = e["question"] + (" (grupp)" if e["kind"] == "grupp" else "")
        lines.append(f"{Path(e['file']).name} | {label} | {e['rows']} | " + " | ".join(str(e[k]) for k in KINDS))
    return lines
