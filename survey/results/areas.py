"""The build's areas as the query indexes them: names in Swedish order, points, which villages each area holds,
each area's enclosing areas, and the disclosure lattice's boxes (survey/disclosure.py) of areas × group codes."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..codebook import Codebook
from ..disclosure import make_lattice

SWEDISH_LETTERS = str.maketrans({"å": "z\u0001", "ä": "z\u0002", "ö": "z\u0003", "é": "e", "ü": "y"})


def swedish_order(name: str) -> str:
    """Sort key for Swedish names: å, ä, ö after z (Åsen after Västermyckeläng, Älvdalen after Åsen)."""
    return name.casefold().translate(SWEDISH_LETTERS)


class AreaIndex:
    """Every level's areas, in name order, and where each sits in the lattice and in the levels above it.

    Positions are an area's index in its level's name order (`order`), the order of a view's rows."""

    def __init__(self, areas: pd.DataFrame, levels: list[str], lineage: pd.DataFrame, codebook: Codebook,
                 group_values: dict[str, pd.Series]):
        self.levels = levels
        self.points = {(lv, a): (x, y) for lv, a, x, y in
                       zip(areas["level"], areas["area_id"], areas["lon"], areas["lat"])}
        self.names = {(lv, a): n for lv, a, n in zip(areas["level"], areas["area_id"], areas["name"])}
        self.order = {lv: sorted(frame["area_id"], key=lambda a, lv=lv: swedish_order(self.names[(lv, a)]))
                      for lv, frame in areas.groupby("level")}
        self.names_in_order = {lv: [self.names[(lv, a)] for a in order] for lv, order in self.order.items()}
        self.name_array = {lv: np.array(names, dtype=object) for lv, names in self.names_in_order.items()}
        self.parent = {(lv, a): (levels[i + 1], p) for i, lv in enumerate(levels[:-1])
                       for a, p in zip(areas.loc[areas["level"] == lv, "area_id"],
                                       areas.loc[areas["level"] == lv, "parent_id"])}
        finest = levels[0]
        villages = sorted(areas.loc[areas["level"] == finest, "area_id"])
        self.village_index = {v: i for i, v in enumerate(villages)}
        # Per group its codes in lattice order: the codebook's, any others found in the data, then "saknas" ("").
        self.codes: dict[str, list[str]] = {}
        for group in codebook.groups:
            known = [o.code for o in group.options]
            seen = set(group_values[group.id].astype(str).unique()) if group.id in group_values else set()
            self.codes[group.id] = known + sorted(seen - set(known) - {""}) + [""]
        self.code_index = {g: {c: i + 1 for i, c in enumerate(codes)} for g, codes in self.codes.items()}
        self._make_lattice(areas, lineage, codebook, villages)
        self._index_enclosing()
        self._index_villages(lineage, villages)

    def _make_lattice(self, areas: pd.DataFrame, lineage: pd.DataFrame, codebook: Codebook, villages: list) -> None:
        """The boxes every view can show (survey/disclosure.py): each area as its set of villages."""
        finest = self.levels[0]
        members: dict[tuple[str, str], set] = {}
        for row in lineage.itertuples(index=False):
            for lv in self.levels:
                members.setdefault((lv, getattr(row, lv)), set()).add(getattr(row, finest))
        keys = list(zip(areas["level"], areas["area_id"]))
        sizes = [len(self.codes[g.id]) for g in codebook.groups]
        self.lattice, classes = make_lattice(
            villages, [frozenset(members.get(key, ())) for key in keys], sizes, list(sizes),
            [[i for i, o in enumerate(g.options, start=1) if not o.shown_alone]
             + list(range(len(g.options) + 1, len(self.codes[g.id]))) for g in codebook.groups])
        self.box_class = dict(zip(keys, classes))  # (level, area) → its class in the lattice
        self.ancestors = {}  # (level, area) → [(level, ancestor, its class), …] upwards
        for key in keys:
            chain, here = [], key
            while here in self.parent:
                here = self.parent[here]
                chain.append((*here, self.box_class.get(here, -1)))
            self.ancestors[key] = chain
        self.members = {key: frozenset(members.get(key, ())) for key in keys}

    def _index_enclosing(self) -> None:
        """Per level, areas in name order: each one's class in the lattice (-1: none), and its enclosing areas
        upwards as (level, their positions, their classes) for the roll-up."""
        self.classes = {lv: np.array([self.box_class.get((lv, a), -1) for a in self.order.get(lv, [])],
                                     dtype=np.int64) for lv in self.levels}
        self.enclosing: dict[str, list[tuple[str, np.ndarray, np.ndarray]]] = {}
        for i, lv in enumerate(self.levels):
            chains = [self.ancestors[(lv, a)] for a in self.order.get(lv, [])]
            self.enclosing[lv] = []
            for depth, up in enumerate(self.levels[i + 1:]):
                where = {a: k for k, a in enumerate(self.order.get(up, []))}
                steps = [chain[depth] if len(chain) > depth and chain[depth][0] == up else None for chain in chains]
                self.enclosing[lv].append(
                    (up, np.array([where.get(s[1], -1) if s else -1 for s in steps], dtype=np.int64),
                     np.array([s[2] if s else -1 for s in steps], dtype=np.int64)))

    def _index_villages(self, lineage: pd.DataFrame, villages: list) -> None:
        """Per level: each village's position among the level's areas (for sums by area), and each finest-level
        area's position in the level (-1: none), to add sums up."""
        finest = self.levels[0]
        self.village_position = {}
        for lv in self.levels:
            where = {a: i for i, a in enumerate(self.order.get(lv, []))}
            ancestor = dict(zip(lineage[finest], lineage[lv]))
            self.village_position[lv] = np.array([where.get(ancestor.get(v), -1) for v in villages], dtype=np.int64)
        self.finest_to_level = {}
        for lv in self.levels:
            self.finest_to_level[lv] = np.full(len(self.order.get(finest, [])), -1, dtype=np.int64)
            placed = self.village_position[finest] >= 0
            self.finest_to_level[lv][self.village_position[finest][placed]] = self.village_position[lv][placed]

    def area_name(self, level: str, area_id: str) -> str:
        return self.names.get((level, area_id), area_id)

    def area_point(self, level: str, area_id: str) -> tuple[float, float]:
        """(lon, lat) of a point inside the area."""
        return self.points[(level, area_id)]

    def villages_of(self, level: str, area_id: str) -> frozenset[str]:
        """The finest-level areas inside an area (empty for an unknown one)."""
        return self.members.get((level, area_id), frozenset())

    def area_ids(self, level: str) -> list[str]:
        """The areas of a level in name order (empty for an unknown level)."""
        return self.order.get(level, [])
