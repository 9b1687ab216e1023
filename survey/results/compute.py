"""The query itself: a view's estimates, comparisons and roll-up, computed a column at a time (numpy) over all its
rows, and the rows made from those columns when read (survey.results.rows.Rows). Codes and numbers only.

Disclosure control is applied here and nowhere else (survey/disclosure.py): a row whose box is hidden gets no
count, no share and no distribution; with roll-up on, the nearest enclosing area's published value instead."""
from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

import numpy as np

from ..estimates import ALPHA, Estimates, difference_p_values, holm, weighted_means, weighted_shares
from .parameters import Query
from .rows import Rows
from .sums import LevelSums

if TYPE_CHECKING:
    from .processed import Results

MISSING_GROUP = "saknas"  # group code for respondents who did not state e.g. their sex


def no_estimates(size: int) -> Estimates:
    empty = np.full(size, np.nan)
    return Estimates(p=empty, low=empty, high=empty, n=np.zeros(size, dtype=np.int64), n_eff=empty)


def kept_where(found: Estimates, keep: np.ndarray) -> Estimates:
    """The estimates where `keep`, none elsewhere."""
    def masked(x):
        return None if x is None else np.where(keep, x, np.nan)
    return Estimates(p=masked(found.p), low=masked(found.low), high=masked(found.high),
                     n=np.where(keep, found.n, 0).astype(np.int64), n_eff=masked(found.n_eff), se=masked(found.se))


def floats_or_none(values: np.ndarray) -> list:
    """Floats as a list, None for NaN."""
    return [None if v != v else v for v in values.tolist()]


def unfavourable_of(results: Results, question_id: str) -> tuple[list[str] | None, set[str] | None]:
    """A question's options in the base and its unfavourable ones; (None, None) for an index."""
    question = results.codebook.question(question_id)
    if question is None:
        return None, None
    return ([o.code for o in question.options if not o.exclude],
            {o.code for o in question.options if o.unfavourable and not o.exclude})


def box_coords(results: Results, q: Query, group: str | None) -> tuple | None:
    """A row's group coordinates in the lattice: per group its code's index (0 for all); None when the row
    cannot hold anyone (a breakdown code other than the filter's code for the same group)."""
    coords = []
    filters = dict(q.filters)
    for g in results.codebook.groups:
        code = filters.get(g.id)
        if g.id == q.by and group is not None:
            mine = "" if group == MISSING_GROUP else group
            if code is not None and code != mine:
                return None
            code = mine
        coords.append(0 if code is None else results.area_index.code_index[g.id][code])
    return tuple(coords)


def estimate(results: Results, sums: LevelSums, cells: np.ndarray, options: list[str],
             unfavourable: set[str] | None, minus: LevelSums | None = None) -> Estimates:
    """The share of unfavourable answers, or for an index (unfavourable None) the mean value, of `cells` of
    `sums`; with `minus`, of everyone (its last cell) minus each cell: the rest that a cell is compared with.
    No estimate where fewer than min_n are in the base."""
    n, w, w2, per_option = sums.n[cells], sums.w[cells], sums.w2[cells], sums.per_option[cells]
    if minus is not None:
        n, w, w2, per_option = (minus.n[-1] - n, minus.w[-1] - w, minus.w2[-1] - w2,
                                minus.per_option[-1] - per_option)
    n = np.where(n >= results.min_n, n, 0)
    if unfavourable is None:
        return weighted_means(n, w, w2, np.array(options, dtype=float), per_option)
    yes = per_option[:, [i for i, o in enumerate(options) if o in unfavourable]].sum(axis=1)
    return weighted_shares(n, w, w2, yes)


def cells_of(results: Results, by: str | None, group_codes: list, areas: int, area: np.ndarray,
             slot: np.ndarray) -> np.ndarray:
    """Each row's cell in LevelSums: the area's everyone, or the area × the group's code."""
    if not by:
        return area
    labels = results.area_index.codes[by]
    label = np.array([-1] + [labels.index("" if g == MISSING_GROUP else g) for g in group_codes[1:]])[slot]
    return np.where(slot == 0, area, areas + area * len(labels) + label)


def published(table: dict | None, classes: np.ndarray, coords: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Whether each row's box (its area's class, its group coordinates) may be published, where `mask`."""
    out = np.zeros(len(mask), dtype=bool)
    if table is not None and mask.any():
        out[mask] = table["published"][(classes[mask], *coords[mask].T)]
    return out


def compute_view(results: Results, q: Query) -> Rows:
    """Rows for every area of the level (and every group of `by`): n, weighted share of unfavourable
    answers with its 95 % interval, the distribution over the options in the base, the comparison with
    the rest of the municipality and with the previous wave. Nothing but `suppressed` where the box is
    hidden (survey/disclosure.py), and then, with roll-up on, the nearest enclosing area's value.
    Computed a column at a time (numpy) over all rows; the dicts are made last."""
    index = results.area_index
    base, unfavourable = unfavourable_of(results, q.question)
    table = results.tables.summary(q.wave, q.question)
    group_codes: list[str | None] = [None]
    if q.by:
        group_codes += [o.code for o in results.codebook.group(q.by).shown]
        if table is not None and table["has_missing"][q.by]:
            group_codes.append(MISSING_GROUP)
    areas = index.order[q.level]
    # Row r: area r // len(group_codes), its everyone first, then its groups; its box in the lattice (-1: none).
    area = np.repeat(np.arange(len(areas)), len(group_codes))
    slot = np.tile(np.arange(len(group_codes)), len(areas))
    coords = [box_coords(results, q, g) for g in group_codes]
    row_coords = np.array([c if c is not None else (-1,) * len(results.codebook.groups) for c in coords],
                          dtype=np.int64).reshape(len(group_codes), -1)[slot]
    area_class = index.classes[q.level][area]
    has_box = (area_class >= 0) & (row_coords >= 0).all(axis=1)
    cell = cells_of(results, q.by, group_codes, len(areas), area, slot)

    now = no_estimates(len(area))
    sums = results.sums.of_query(q.wave, q)
    if sums is not None:
        now = estimate(results, sums, cell, table["options"], unfavourable)
    shown = published(table, area_class, row_coords, has_box) & now.ok
    now = kept_where(now, shown)
    columns = {"area": area, "slot": slot, "now": now, "distribution": None,
               **comparisons(results, q, table, sums, now, cell, slot, coords[0], shown,
                             lambda t: published(t, area_class, row_coords, has_box), unfavourable),
               "rolled": roll_up(results, q, area, slot, row_coords, shown, has_box, table, group_codes,
                                 unfavourable)}
    if base is not None and sums is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            columns["distribution"] = sums.per_option[cell] / sums.w[cell, None]
    earlier = [w for w in results.waves if w < q.wave]
    previous_wave = earlier[-1] if earlier else None
    return Rows(len(area), lambda wanted: make_rows(results, q, group_codes, wanted, columns, base, previous_wave),
                areas, len(group_codes), column=lambda name: view_column(results, q, name, columns, base))


def comparisons(results: Results, q: Query, table, sums, now: Estimates, cell: np.ndarray, slot: np.ndarray,
                everyone_coords: tuple | None, shown: np.ndarray, published_in, unfavourable) -> dict:
    """Each row against everyone else (the whole municipality minus the cell, when the whole is published) and
    against the previous wave (where its same box was published): the other value, the p-value (Holm-adjusted)
    and "higher"/"lower"/None."""
    index, rows = results.area_index, len(cell)
    nothing = no_estimates(rows)
    kommun = results.levels[-1]
    whole_box = (index.box_class.get((kommun, index.order[kommun][0]), -1), *(everyone_coords or ()))
    rest = nothing
    if sums is not None and everyone_coords is not None and whole_box[0] >= 0 and table["published"][whole_box] \
            and sums.n[-1] > 0:
        rest = kept_where(estimate(results, sums, cell, table["options"], unfavourable, minus=sums), shown)
    p_vs_rest = difference_p_values(now, rest)

    earlier = [w for w in results.waves if w < q.wave]
    previous_wave = earlier[-1] if earlier else None
    before, p_change = nothing, np.full(rows, np.nan)
    before_sums = results.sums.of_query(previous_wave, q) if previous_wave else None
    if before_sums is not None:
        before_table = results.tables.summary(previous_wave, q.question)
        before = estimate(results, before_sums, cell, before_table["options"], unfavourable)
        before = kept_where(before, shown & published_in(before_table) & before.ok)
        p_change = difference_p_values(now, before)

    # A view shows many comparisons at once: adjust each family's p-values together (Holm). The families
    # are the areas' all-respondents rows and the group rows, so an area's verdict does not depend on
    # whether the view is broken down by a group: the map, bars, table and summary agree.
    flags = {}
    for name, p, other in (("vs_rest", p_vs_rest, rest.p), ("change", p_change, before.p)):
        for family in (slot == 0, slot > 0):
            p[family] = holm(p[family])
        flags[name] = np.where(p < ALPHA, np.where(now.p > other, "higher", "lower"), None)
    return {"rest_p": rest.p, "p_vs_rest": p_vs_rest, "before_p": before.p, "p_change": p_change,
            "vs_rest": flags["vs_rest"], "change": flags["change"]}


def roll_up(results: Results, q: Query, area: np.ndarray, slot: np.ndarray, row_coords: np.ndarray,
            shown: np.ndarray, has_box: np.ndarray, table, group_codes: list, unfavourable: set[str] | None) -> dict:
    """A hidden row shows the value of the nearest enclosing area whose same box is published (a published
    number, so nothing new is disclosed). Columns: the level (index in results.levels, -1: none), the area's
    position in it, and its estimate."""
    index = results.area_index
    pending = has_box & ~shown if results.roll_up and table is not None else np.zeros(len(area), dtype=bool)
    level_of, position = np.full(len(area), -1), np.full(len(area), -1)
    found_p, found_low, found_high, found_n = (np.full(len(area), np.nan) for _ in range(4))
    for level, ancestor, ancestor_class in index.enclosing[q.level]:
        rows = np.flatnonzero(pending & (ancestor[area] >= 0) & (ancestor_class[area] >= 0))
        rows = rows[table["published"][(ancestor_class[area[rows]], *row_coords[rows].T)]] if len(rows) else rows
        if not len(rows):
            continue
        pending[rows] = False  # the nearest published box decides, whether or not it has enough answers
        cells = cells_of(results, q.by, group_codes, len(index.order[level]), ancestor[area[rows]], slot[rows])
        found = estimate(results, results.sums.of_query(q.wave, q, level), cells, table["options"], unfavourable)
        rows, ok = rows[found.ok], found.ok
        level_of[rows], position[rows] = results.levels.index(level), ancestor[area[rows]]
        found_p[rows], found_low[rows], found_high[rows], found_n[rows] = (found.p[ok], found.low[ok],
                                                                          found.high[ok], found.n[ok])
    return {"level": level_of, "position": position, "p": found_p, "low": found_low, "high": found_high,
            "n": found_n}


def is_unreliable(results: Results, now: Estimates) -> np.ndarray:
    return (now.n < results.reliable_min_n) | (now.high - now.low > results.reliable_max_width)


def make_rows(results: Results, q: Query, group_codes: list, wanted: np.ndarray, columns: dict,
              base: list[str] | None, previous_wave: int | None) -> list[dict]:
    """The rows `wanted` (indices) as dicts (the API's, the CSV's and the callbacks' form; ROW_FIELDS), from the
    columns."""
    index = results.area_index
    areas, names = index.order[q.level], index.names_in_order[q.level]
    now, rolled = columns["now"], columns["rolled"]
    unreliable = is_unreliable(results, now)
    shown = now.ok[wanted].tolist()
    distributions = [None] * len(wanted)
    if columns["distribution"] is not None:
        distributions = [dict(zip(base, d)) if ok else None
                         for d, ok in zip(columns["distribution"][wanted].tolist(), shown)]
    kind = "share" if base is not None else "index"
    out = []
    for (a, s, ok, n, p, low, high, n_eff, uncertain, dist, rest_p, p_rest, vs_rest, before_p, p_before, change,
         rolled_level, rolled_position, rolled_p, rolled_low, rolled_high, rolled_n) in zip(
            columns["area"][wanted].tolist(), columns["slot"][wanted].tolist(), shown, now.n[wanted].tolist(),
            *(floats_or_none(x[wanted]) for x in (now.p, now.low, now.high, now.n_eff)), unreliable[wanted].tolist(),
            distributions, *(floats_or_none(columns[c][wanted]) for c in ("rest_p", "p_vs_rest")),
            columns["vs_rest"][wanted].tolist(),
            *(floats_or_none(columns[c][wanted]) for c in ("before_p", "p_change")),
            columns["change"][wanted].tolist(),
            *(rolled[c][wanted].tolist() for c in ("level", "position", "p", "low", "high", "n"))):
        row = {"kind": kind, "area_id": areas[a], "area_name": names[a], "level": q.level, "group": group_codes[s],
               "n": int(n) if ok else None, "share": p, "share_low": low, "share_high": high, "n_eff": n_eff,
               "suppressed": not ok, "unreliable": uncertain if ok else None, "distribution": dist,
               "rest_share": rest_p, "p_vs_rest": p_rest, "vs_rest": vs_rest,
               "previous_wave": previous_wave if ok else None, "previous_share": before_p, "p_change": p_before,
               "change": change, "rolled_up_to": None, "rolled_up_id": None, "rolled_up_level": None,
               "rolled_up_n": None, "rolled_up_share": None, "rolled_up_share_low": None,
               "rolled_up_share_high": None, "rolled_up_unreliable": None}
        if rolled_level >= 0:
            level = results.levels[rolled_level]
            row.update(rolled_up_to=index.names_in_order[level][rolled_position],
                       rolled_up_id=index.order[level][rolled_position], rolled_up_level=level,
                       rolled_up_n=int(rolled_n), rolled_up_share=rolled_p, rolled_up_share_low=rolled_low,
                       rolled_up_share_high=rolled_high,
                       rolled_up_unreliable=(rolled_n < results.reliable_min_n
                                             or rolled_high - rolled_low > results.reliable_max_width))
        out.append(row)
    return out


def view_column(results: Results, q: Query, name: str, columns: dict, base: list[str] | None) -> np.ndarray:
    """One field of every row (a key of make_rows' dicts) as an array, without making the rows: numbers as floats
    with NaN for None, flags as bools (False for None), texts as objects. The map reads 6,000 areas so."""
    index = results.area_index
    now, rolled, area = columns["now"], columns["rolled"], columns["area"]
    if name == "area_id":
        return np.array(index.order[q.level], dtype=object)[area]
    if name == "kind":
        return np.full(len(area), "share" if base is not None else "index", dtype=object)
    if name == "suppressed":
        return ~now.ok
    if name == "n":
        return np.where(now.ok, now.n, np.nan)
    if name in ("share", "share_low", "share_high", "n_eff"):
        return getattr(now, {"share": "p", "share_low": "low", "share_high": "high", "n_eff": "n_eff"}[name])
    if name == "unreliable":
        return now.ok & is_unreliable(results, now)
    if name in ("vs_rest", "change"):
        return columns[name]
    if name in ("rolled_up_share", "rolled_up_share_low", "rolled_up_share_high", "rolled_up_n"):
        return rolled[{"rolled_up_share": "p", "rolled_up_share_low": "low", "rolled_up_share_high": "high",
                       "rolled_up_n": "n"}[name]]
    if name == "area_name":
        return index.name_array[q.level][area]
    if name in ("rolled_up_to", "rolled_up_level"):
        names = np.full(len(area), None, dtype=object)
        for position, level in enumerate(results.levels):
            here = np.flatnonzero(rolled["level"] == position)
            if len(here):
                names[here] = level if name == "rolled_up_level" else index.name_array[level][rolled["position"][here]]
        return names
    raise KeyError(f"Rows.column: no column {name!r}")


def area_estimates(results: Results, q: Query, area_id: str) -> list[tuple[int, Estimates]]:
    """One area's all-respondents estimate (an Estimates of one cell, no estimate where hidden) of q's level under
    q's filters, in every wave: the same sums, estimate and disclosure as the view's rows."""
    index = results.area_index
    _, unfavourable = unfavourable_of(results, q.question)
    area = index.order[q.level].index(area_id)
    area_class, coords = int(index.classes[q.level][area]), box_coords(results, q, None)
    out = []
    for wave in results.waves:
        table, sums = results.tables.summary(wave, q.question), results.sums.of_query(wave, q)
        found = no_estimates(1)
        if sums is not None and area_class >= 0 and table["published"][([area_class], *([c] for c in coords))][0]:
            # every area's, as the view computes them (an index's means differ in the last bit otherwise)
            found = estimate(results, sums, np.arange(sums.areas), table["options"], unfavourable)
            found = Estimates(**{f.name: None if getattr(found, f.name) is None else getattr(found, f.name)[[area]]
                                 for f in fields(Estimates)})
        out.append((wave, found))
    return out


def area_trend(results: Results, q: Query, area_id: str) -> list[dict]:
    """One area's all-respondents row of q's level under q's filters, in every wave: wave, kind, n, share,
    share_low, share_high, suppressed. The same sums, estimate and disclosure as the view's rows (the
    trend's points are those rows: tests/unit/test_results.py compares them), for the one area only."""
    is_index = results.codebook.question(q.question) is None
    return [trend_point(wave, found, is_index) for wave, found in area_estimates(results, q, area_id)]


def trend_point(wave: int, found: Estimates, is_index: bool) -> dict:
    """A wave's point of one area (area_estimates' Estimates of one cell) as a dict."""
    shown = bool(found.ok[0])
    p, low, high = floats_or_none(found.p), floats_or_none(found.low), floats_or_none(found.high)
    return {"wave": wave, "kind": "index" if is_index else "share", "n": int(found.n[0]) if shown else None,
            "share": p[0], "share_low": low[0], "share_high": high[0], "suppressed": not shown}
