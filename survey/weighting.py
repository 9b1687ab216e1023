"""Weights: raking (iterative proportional fitting) to population margins, per wave.

Within each area of the population file (e.g. DeSO), respondents are raked to that area's population by
sex and by age group (each a margin), so each area's weights also sum to its population. Weights are
"people this respondent stands for"; each wave's weights sum to the population.

Why not a library: we tried samplics (archived, and its rake fails when the sample has a category the
margins lack) and weightipy (stops early on our demo data with a "no improvement" heuristic and prints to
stdout). Raking is a few lines of arithmetic; here it converges to 1e-10 and tests check it against the
margins directly.

Respondents in a category the population lacks (sex "annat / vill inte svara", or blank) are kept: that
category keeps its share of the area's sample, and the population's categories share the rest in the
population's proportions. A target category with no respondents in an area is dropped for that area and
reported. Extreme weights are trimmed: a weight above `cap` × the wave's mean is cut to it and the area is
raked again (a few rounds); when trimming binds, the margins hold only approximately, and the build says so.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

TOLERANCE = 1e-10
MAX_ITERATIONS = 2000
TRIM_ROUNDS = 20


def _targets(in_area: pd.DataFrame, area_pop: pd.DataFrame, dimensions: list[str], label: str,
             warnings: list[str]) -> dict[str, dict[str, float]]:
    """People per category of each dimension for one area (absolute numbers, summing to its population)."""
    total = area_pop["population"].sum()
    targets = {}
    for dim in dimensions:
        population = area_pop.groupby(dim)["population"].sum()
        present = set(in_area[dim])
        dropped = [c for c in population.index if c not in present and population[c] > 0]
        if dropped:
            warnings.append(f"{label}: inga svarande med {dim} = {', '.join(dropped)}; den gruppen vägs inte för sig")
        population = population[[c for c in population.index if c in present]]
        outside = in_area[dim][~in_area[dim].isin(population.index)].value_counts() / len(in_area)
        rest = total * (1 - outside.sum())
        targets[dim] = {**{c: rest * v / population.sum() for c, v in population.items()},
                        **{c: total * v for c, v in outside.items()}}
    return targets


def _ipf(codes: dict[str, np.ndarray], targets: dict, weights: np.ndarray,
         fixed: np.ndarray) -> tuple[np.ndarray, bool]:
    """Rake `weights` to `targets`; weights where `fixed` is true (trimmed) do not move.
    Returns (weights, converged)."""
    # Each dimension as integer positions into its target vector, so a pass is a few bincounts.
    dims = []
    for dim, per_category in targets.items():
        categories = list(per_category)
        position = {c: i for i, c in enumerate(categories)}
        index = np.array([position.get(c, -1) for c in codes[dim]])
        dims.append((index, np.array([per_category[c] for c in categories])))
    free = ~fixed
    for _ in range(MAX_ITERATIONS):
        change = 0.0
        for index, target in dims:
            size = len(target)
            fixed_sum = np.bincount(index[fixed], weights[fixed], minlength=size) if fixed.any() else 0.0
            free_sum = np.bincount(index[free], weights[free], minlength=size)
            factor = np.where(free_sum > 0, np.maximum(target - fixed_sum, 1e-12) / np.where(free_sum > 0, free_sum, 1),
                              1.0)
            change = max(change, float(np.max(np.abs(factor - 1))))
            weights = np.where(free, weights * factor[index], weights)
        if change < TOLERANCE:
            return weights, True
    return weights, False


def rake(respondents: pd.DataFrame, population: pd.DataFrame, area_of: dict[str, str], dimensions: list[str],
         cap: float) -> tuple[pd.Series, list[str]]:
    """Weights for `respondents` (index kept), and warnings. No weight exceeds cap × population / respondents.

    respondents: wave, area_id (finest level) and one column per dimension (codes as text, "" if unknown).
    population: area_id (any level), one column per dimension, population (people).
    area_of: finest area id → the population file's area id. cap: 0 turns trimming off.
    """
    warnings: list[str] = []
    weights = pd.Series(np.nan, index=respondents.index, dtype="float64")
    for wave, sample in respondents.groupby("wave"):
        segment = sample["area_id"].map(area_of)
        missing = sorted(set(population["area_id"]) - set(segment))
        if missing:
            warnings.append(f"omgång {wave}: inga svarande i {', '.join(missing)}; vägningen görs utan dem")
        parts = {}
        for area, in_area in sample.groupby(segment):
            area_pop = population[population["area_id"] == area]
            targets = _targets(in_area, area_pop, dimensions, f"omgång {wave}, {area}", warnings)
            codes = {dim: in_area[dim].to_numpy() for dim in dimensions}
            start = np.full(len(in_area), area_pop["population"].sum() / len(in_area))
            weights_area, converged = _ipf(codes, targets, start, np.zeros(len(in_area), bool))
            if not converged:
                warnings.append(f"omgång {wave}, {area}: vägningen konvergerade inte (raking did not converge): "
                                "marginalerna går inte att nå med de svarande som finns")
            parts[area] = (in_area.index, codes, targets, weights_area)
        if cap:
            limit = cap * sum(p[3].sum() for p in parts.values()) / len(sample)
            trimmed = False
            for area, (index, codes, targets, w) in parts.items():
                fixed = np.zeros(len(w), bool)
                for _ in range(TRIM_ROUNDS):
                    over = (w > limit * (1 + 1e-9)) & ~fixed
                    if not over.any():
                        break
                    trimmed = True
                    w[over], fixed = limit, fixed | over
                    w, _ = _ipf(codes, targets, w, fixed)
                parts[area] = (index, codes, targets, np.minimum(w, limit))
            if trimmed:
                warnings.append(f"omgång {wave}: vikter över {cap:g} × medelvikten trimmades; "
                                "marginalerna stämmer då bara ungefär")
        for index, _, _, w in parts.values():
            weights[index] = w
    return weights, warnings
