"""How strongly each problem goes with feeling unsafe: the prioritisation matrix's second axis (issue 23), made by
the build from the answers per respondent and stored as association.parquet; `Results.association` reads it.

For each problem (`problem_questions`) and the codebook's safety question S (`survey.safety_question`, e.g.
feeling unsafe out late), in each wave and area of every level (the municipality too), everyone (no group):
- "yes": those in S's base (who gave S an answer that is not excluded) who see the problem (an unfavourable
  answer, "Ja, till stor del"), "no": everyone else in S's base (a blank or "vet inte" to the problem too), so
  yes + no is S's own published n for the area;
- each subgroup's share feeling unsafe (S's unfavourable answers), weighted and with a Wilson interval on Kish's
  effective n as every share (survey/estimates.py), and the difference yes − no with Newcombe's hybrid score
  interval (Newcombe 1998, Statistics in Medicine 17:873–890, method 10) made from the two Wilson intervals.
A codebook without `safety_question` gets no file: the matrix then says the axis is missing.

Disclosure control (k = [privacy] min_n; README, "Medborgarlöften och återkoppling"):
1. An area is published only where the problem's and S's own rows for everyone in the area are published (the
   query's pattern, survey/disclosure.py), so nothing here tells about a hidden cell of those tables.
2. Primary: both subgroups have n >= k.
3. Closure and unions: an area inside a hidden one is hidden; for every published parent, its hidden children
   together have, in each subgroup, 0 or >= k, else its smallest published child is hidden too, repeated until
   it holds.
So a parent minus its published children gives only a union of two or more hidden areas that passes rule 2; one
of them alone is no linear combination of published numbers (moving a "yes" respondent from one hidden sibling to
another and a "no" one back changes no published count, S's and the problem's tables' included): the argument of
survey/disclosure.py on a tree. Limit, as between any two questions' tables (survey/disclosure.py): the problem's
published count minus "yes" is how many who see the problem gave S no counted answer, which may be below k (in an
unweighted build exactly; in a weighted one the share does not give the count directly).
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from .codebook import Codebook
from .estimates import weighted_shares
from .results import ASSOCIATION_FILE, Query, Results

COUNTS = ("n_yes", "n_no")  # rule 2's counts
COLUMNS = ["wave", "question", "level", "area_id", "n_yes", "n_no", "unsafe_yes", "low_yes", "high_yes",
           "unsafe_no", "low_no", "high_no", "difference", "difference_low", "difference_high"]


def problem_questions(codebook: Codebook) -> list:
    """The problems: the single-choice questions of the codebook's largest theme (the police survey's "problem i
    området" block), without the headline question (the first) and the safety question."""
    single = codebook.single_choice
    themes = Counter(q.theme for q in single)
    largest = themes.most_common(1)[0][0] if themes else None
    return [q for q in single if q.theme == largest and q is not single[0] and q.id != codebook.safety_question]


def states(question, answers: pd.DataFrame, people: pd.Index) -> np.ndarray:
    """Each respondent's (in `people`'s order) answer to a question: 1 unfavourable, 0 another answer in the base,
    -1 outside it (blank, excluded)."""
    mine = answers[(answers["question"] == question.id).to_numpy()]
    codes = mine["answer"].astype(str).to_numpy()
    base = np.isin(codes, [o.code for o in question.options if not o.exclude])
    out = np.full(len(people), -1, dtype=np.int8)
    at = people.get_indexer(mine["respondent_id"].astype(str).to_numpy()[base])
    out[at[at >= 0]] = np.isin(codes[base], [o.code for o in question.options if o.unfavourable])[at >= 0]
    return out


def finest_sums(unsafe: np.ndarray, problem: np.ndarray, area: np.ndarray, weight: np.ndarray,
                areas: int) -> dict[str, np.ndarray]:
    """Per finest area (codes 0 … areas − 1 in `area`): the subgroups' n, Σw, Σw², Σw·unsafe. Everyone in S's base
    who does not see the problem is "no" (a blank or "vet inte" too), so the two make S's published base."""
    sums = {}
    for name, rows in (("yes", (unsafe >= 0) & (problem == 1)), ("no", (unsafe >= 0) & (problem != 1))):
        a, w, u = area[rows], weight[rows], unsafe[rows]
        sums.update({f"n_{name}": np.bincount(a, minlength=areas).astype(float),
                     f"w_{name}": np.bincount(a, w, areas), f"w2_{name}": np.bincount(a, w * w, areas),
                     f"wu_{name}": np.bincount(a, w * u, areas)})
    return sums


def passes(counts: np.ndarray, k: int, primary: bool) -> bool:
    """Rule 2 on the five counts (n_yes, n_no, remainders): primary, or for a union of hidden children."""
    small = (counts > 0) & (counts < k)
    return not small.any() and (not primary or (counts[0] >= k and counts[1] >= k))


def hidden_areas(counts: dict, parent: dict, shown_in_tables: dict, k: int) -> set:
    """The (level, area id) nodes hidden by rules 1–3; `counts` holds each node's five counts, `parent` each node's
    parent (None at the top), `shown_in_tables` rule 1 per node."""
    hidden = {node for node, c in counts.items() if not shown_in_tables.get(node) or not passes(c, k, True)}
    children: dict = {}
    for node, up in parent.items():
        if up is not None:
            children.setdefault(up, []).append(node)
    changed = True
    while changed:
        changed = False
        for node in counts:  # closure: anything below a hidden node
            up = parent.get(node)
            while up is not None and node not in hidden:
                if up in hidden:
                    hidden.add(node)
                    changed = True
                up = parent.get(up)
        for up, kids in children.items():
            if up in hidden:
                continue
            inside = [c for c in kids if c in hidden]
            if inside and not passes(sum(counts[c] for c in inside), k, False):
                shown = [c for c in kids if c not in hidden]
                if shown:
                    hidden.add(min(shown, key=lambda c: (counts[c][0] + counts[c][1], c)))
                    changed = True
    return hidden


def newcombe(p1, low1, high1, p2, low2, high2) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval for p1 − p2 from the two shares' Wilson intervals."""
    d = p1 - p2
    return d - np.sqrt((p1 - low1) ** 2 + (high2 - p2) ** 2), d + np.sqrt((high1 - p1) ** 2 + (p2 - low2) ** 2)


def tree(lineage: pd.DataFrame, levels: list[str]) -> tuple[list, np.ndarray, dict]:
    """The (level, area id) nodes of every level, a nodes × finest areas 0/1 matrix (a node's sums are its villages'),
    and each node's parent (None at the top). The finest areas are lineage's rows, in its order."""
    nodes, rows, parent = [], [], {}
    for i, level in enumerate(levels):
        ids = lineage[level].astype(str).to_numpy()
        for area_id in dict.fromkeys(ids):
            nodes.append((level, area_id))
            rows.append(ids == area_id)
            above = lineage[levels[i + 1]].astype(str).to_numpy()[ids == area_id][0] if i + 1 < len(levels) else None
            parent[(level, area_id)] = (levels[i + 1], above) if above is not None else None
    return nodes, np.array(rows, dtype=float), parent


def published_rows(results: Results, question: str, wave: int) -> set:
    """The (level, area id) nodes whose everyone-row of the question the query publishes (rule 1)."""
    return {(level, r["area_id"]) for level in results.levels
            for r in results.query(Query(question=question, wave=wave, level=level))
            if r["group"] is None and not r["suppressed"]}


def estimates(sums: dict) -> dict:
    """The subgroups' shares feeling unsafe with intervals, and their difference with Newcombe's interval."""
    yes = weighted_shares(sums["n_yes"], sums["w_yes"], sums["w2_yes"], sums["wu_yes"])
    no = weighted_shares(sums["n_no"], sums["w_no"], sums["w2_no"], sums["wu_no"])
    low, high = newcombe(yes.p, yes.low, yes.high, no.p, no.low, no.high)
    return {"n_yes": sums["n_yes"], "n_no": sums["n_no"], "unsafe_yes": yes.p, "low_yes": yes.low,
            "high_yes": yes.high, "unsafe_no": no.p, "low_no": no.low, "high_no": no.high,
            "difference": yes.p - no.p, "difference_low": low, "difference_high": high}


def association_table(results: Results, answers: pd.DataFrame, respondents: pd.DataFrame) -> pd.DataFrame:
    """Every problem's association in every wave and area, hidden ones (rules 1–3) with no numbers (NaN)."""
    codebook, k = results.codebook, results.min_n
    lineage = pd.read_parquet(results.folder / "lineage.parquet")
    nodes, member, parent = tree(lineage, results.levels)
    people = pd.Index(respondents["respondent_id"].astype(str))
    area = pd.Index(lineage[results.levels[0]].astype(str)).get_indexer(respondents["area_id"].astype(str))
    wave_of, weight = respondents["wave"].astype(int).to_numpy(), respondents["weight"].to_numpy(dtype=float)
    unsafe = states(codebook.question(codebook.safety_question), answers, people)
    safety_shown = {wave: published_rows(results, codebook.safety_question, wave) for wave in results.waves}
    out = []
    for question in problem_questions(codebook):
        problem = states(question, answers, people)
        for wave in results.waves:
            rows = (wave_of == wave) & (area >= 0)
            fine = finest_sums(unsafe[rows], problem[rows], area[rows], weight[rows], len(lineage))
            sums = {name: member @ values for name, values in fine.items()}
            counts = {node: np.array([sums[c][i] for c in COUNTS]) for i, node in enumerate(nodes)}
            shown = published_rows(results, question.id, wave) & safety_shown[wave]
            hidden = hidden_areas(counts, parent, {node: node in shown for node in nodes}, k)
            secret = np.array([node in hidden for node in nodes])
            out.append(pd.DataFrame({"wave": wave, "question": question.id, "level": [n[0] for n in nodes],
                                     "area_id": [n[1] for n in nodes],
                                     **{c: np.where(secret, np.nan, v) for c, v in estimates(sums).items()}}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=COLUMNS)


def write_association(folder: Path, answers: pd.DataFrame, respondents: pd.DataFrame) -> int:
    """association.parquet in the build's folder (after its tables: rule 1 asks the query); rows written. A codebook
    without a safety question (or without problems) gets no file."""
    results = Results(folder)
    if results.codebook.safety_question is None or not problem_questions(results.codebook):
        return 0
    table = association_table(results, answers, respondents)
    table.to_parquet(Path(folder) / ASSOCIATION_FILE, index=False)
    return len(table)
