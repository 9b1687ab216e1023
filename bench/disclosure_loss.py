"""What the disclosure control costs: per level and breakdown, how many of the cells with enough answers are shown.

    .venv/bin/python -m bench.disclosure_loss [--data data/processed] [--json out.json]

Reads a build (its tables' published patterns, as every view reads them) and goes through every view the
interface offers: every (wave, question) × level × breakdown (none, or a group) × filter (none or one option per
group). A view's cells are its rows: each area's all-respondents row, or with a breakdown each area × group
code (the codes a breakdown lists: the group's options and "saknas" where the table has it; a code other than
the filter's own holds nobody and is left out). Per level and breakdown (without a breakdown: the areas' rows;
with one: the group rows only) it prints
- cells n >= k: rows whose box has at least k answers in the base (k = the build's min_n),
- published: how many of those the view shows, and the publication rate = published / cells n >= k,
- lost: respondents in the hidden cells with n >= k (the information loss), summed over the views.
A second table counts the views without a filter only (what a visitor sees first). A cell is counted once per view
that shows it (a filter picks which views): the rates weigh cells as a visitor meets them. The true n of a hidden
cell is counted from the build's cube, not from anything published.
"""
from __future__ import annotations

import argparse
import itertools
import json
from collections import defaultdict

import numpy as np

from survey.disclosure import box_sums
from survey.results import open_results


def fine_counts(results, wave, question) -> np.ndarray:
    """n per village × code per group, from the table's cells (the question's base)."""
    cells, index = results.tables.cells(wave, question), results.area_index
    groups = [g.id for g in results.codebook.groups]
    fine = np.zeros((len(index.village_index), *(len(index.codes[g]) for g in groups)), dtype=np.int64)
    np.add.at(fine, (cells["village"], *(c - 1 for c in cells["codes"])), cells["n"])
    return fine


def published_boxes(table) -> np.ndarray:
    """A table's published pattern as a boolean array over the lattice."""
    packed = table["published"]
    return np.unpackbits(packed.bits)[:int(np.prod(packed.shape))].reshape(packed.shape).astype(bool)


def view_boxes(results, table, level: str, by: str | None, filters: dict) -> tuple[np.ndarray, np.ndarray]:
    """The boxes (lattice indices, one row per cell) of a view's rows that hold someone, and whether each is a
    group row."""
    groups, index = [g.id for g in results.codebook.groups], results.area_index
    classes = index.classes[level]
    classes = classes[classes >= 0]
    base = [index.code_index[g][filters[g]] if g in filters else 0 for g in groups]
    slots = [tuple(base)]
    if by:
        codes = [o.code for o in results.codebook.group(by).shown]
        codes += [""] if table["has_missing"][by] else []
        d = groups.index(by)
        for code in codes:
            at = index.code_index[by][code]
            if by in filters and filters[by] != code:
                continue
            slots.append(tuple(at if i == d else c for i, c in enumerate(base)))
    boxes = np.array([(c, *s) for c in classes for s in slots], dtype=np.int64).reshape(-1, 1 + len(groups))
    is_group = np.tile(np.arange(len(slots)) > 0, len(classes))
    return boxes, is_group


def measure(results) -> dict:
    """(level, breakdown) → {cells, published, lost}, over every view of every (wave, question)."""
    k = results.min_n
    groups = results.codebook.groups
    filter_choices = [[None] + [o.code for o in g.shown] for g in groups]
    out: dict = defaultdict(lambda: {"cells": 0, "published": 0, "lost": 0})
    for wave, question in sorted(results.tables.keys(), key=str):
        table = results.tables.summary(wave, question)
        if table is None:
            continue
        n = box_sums(fine_counts(results, wave, question), results.area_index.lattice)
        published = published_boxes(table)
        for by in [None] + [g.id for g in groups]:
            for codes in itertools.product(*filter_choices):
                filters = {g.id: c for g, c in zip(groups, codes) if c is not None}
                for level in results.levels:
                    boxes, is_group = view_boxes(results, table, level, by, filters)
                    rows = is_group if by else ~is_group
                    index = tuple(boxes[rows].T)
                    big = n[index] >= k
                    shown = published[index] & big
                    for key in [(level, by or "-")] + ([("unfiltered", level, by or "-")] if not filters else []):
                        entry = out[key]
                        entry["cells"] += int(big.sum())
                        entry["published"] += int(shown.sum())
                        entry["lost"] += int(n[index][big & ~shown].sum())
    return dict(out)


def print_table(results, found: dict, title: str = "every (wave, question) × level × breakdown × filter view") -> None:
    k = results.min_n
    print(f"k = {k}; {title} of {results.folder}")
    print(f"{'level':<10} {'breakdown':<9} {'cells n>=k':>11} {'published':>10} {'rate':>7} {'lost (resp.)':>13}")
    totals = [0, 0, 0]
    for level in results.levels:
        for by in ["-"] + [g.id for g in results.codebook.groups]:
            e = found.get((level, by))
            if not e:
                continue
            rate = e["published"] / e["cells"] if e["cells"] else float("nan")
            print(f"{level:<10} {by:<9} {e['cells']:>11} {e['published']:>10} {rate:>7.1%} {e['lost']:>13}")
            for i, key in enumerate(("cells", "published", "lost")):
                totals[i] += e[key]
    print(f"{'all':<10} {'':<9} {totals[0]:>11} {totals[1]:>10} {totals[1] / max(totals[0], 1):>7.1%} {totals[2]:>13}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="data/processed")
    parser.add_argument("--json", help="also write the table as JSON here")
    args = parser.parse_args(argv)
    results = open_results(args.data)
    found = measure(results)
    print_table(results, {key: e for key, e in found.items() if len(key) == 2})
    print()
    print_table(results, {key[1:]: e for key, e in found.items() if len(key) == 3}, "the views without a filter")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"/".join(key): e for key, e in found.items()}, f, indent=1)


if __name__ == "__main__":
    main()
