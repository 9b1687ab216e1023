"""A view's rows: dicts made from the query's columns when first read, a block at a time."""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np
from cachetools import LRUCache

# The fields of a row, in order (the API's JSON keeps it). Codes and numbers only: the view layer (views/labels.py)
# adds the texts of a language.
ROW_FIELDS = ("kind", "area_id", "area_name", "level", "group", "n", "share", "share_low", "share_high", "n_eff",
              "suppressed", "unreliable", "distribution", "rest_share", "p_vs_rest", "vs_rest", "previous_wave",
              "previous_share", "p_change", "change", "rolled_up_to", "rolled_up_id", "rolled_up_level",
              "rolled_up_n", "rolled_up_share", "rolled_up_share_low", "rolled_up_share_high", "rolled_up_unreliable")


class Rows(Sequence):
    """A view's rows (dicts, in order: each area in name order, its everyone first, then its groups), made from the
    query's columns when first read, a block at a time: a national view has tens of thousands of rows, of which
    the page shows a few hundred and the trend one; the API and the CSV read them all. `then` adds rows after."""

    BLOCK = 1024
    KEEP = 2  # blocks kept made (the last read): a cached national view holds its columns, not 30,000 dicts

    def __init__(self, count: int, make: Callable[[np.ndarray], list[dict]], areas: list[str], per_area: int,
                 then: Sequence[dict] = (), made: LRUCache | None = None,
                 column: Callable[[str], np.ndarray] | None = None):
        self._count, self._make, self._areas, self._per_area = count, make, areas, per_area
        self._column = column
        self._then = then
        self._made = LRUCache(self.KEEP) if made is None else made  # block → its rows, shared with followed_by's
        self._mapped: dict = {}  # mapped's, by their key
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._count + len(self._then)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = i + len(self) if i < 0 else i
        if not 0 <= i < len(self):
            raise IndexError(i)
        if i >= self._count:
            return self._then[i - self._count]
        return self._block(i // self.BLOCK)[i % self.BLOCK]

    def __iter__(self):
        for block in range((self._count + self.BLOCK - 1) // self.BLOCK):
            yield from self._block(block)
        yield from self._then

    def __eq__(self, other) -> bool:  # as a list of its rows
        return isinstance(other, Sequence) and len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None

    def __repr__(self) -> str:
        return f"Rows({len(self)} rows)"

    def _block(self, block: int) -> list[dict]:
        with self._lock:
            rows = self._made.get(block)
        if rows is not None:
            return rows
        rows = self._make(np.arange(block * self.BLOCK, min(self._count, (block + 1) * self.BLOCK)))
        with self._lock:
            self._made[block] = rows
        return rows

    def _made_block(self, block: int) -> list[dict] | None:
        with self._lock:
            return self._made.get(block)

    def head(self, count: int) -> list[dict]:
        """The first `count` rows, making only those (the page's table shows 500 of a national view's 6,000 or more,
        and a block is 1,024)."""
        own = min(count, self._count)
        block = self._made_block(0)
        rows = block[:own] if block is not None and own <= len(block) else self._make(np.arange(own))
        return rows + list(self._then[:count - own])

    def of_area(self, area_id: str) -> list[dict]:
        """The rows of one area of the view's level (none for another id), without making the others."""
        if area_id not in self._areas:
            return []
        start = self._areas.index(area_id) * self._per_area
        block = self._made_block(start // self.BLOCK)
        if block is not None and (start + self._per_area - 1) // self.BLOCK == start // self.BLOCK:
            return block[start % self.BLOCK:start % self.BLOCK + self._per_area]
        return self._make(np.arange(start, start + self._per_area))  # just these: the trend asks for one area

    def column(self, name: str) -> np.ndarray:
        """One field (a key of the rows' dicts) of the view's own rows as an array, without making the dicts
        (NaN for a number that is None). Not of the rows added by followed_by."""
        return self._column(name)

    def followed_by(self, rows: Sequence[dict]) -> "Rows":
        """These rows, then `rows` (the page's table: the level's rows, then the municipality's)."""
        return Rows(self._count, self._make, self._areas, self._per_area, [*self._then, *rows], self._made,
                    self._column)

    def mapped(self, change: Callable[[list[dict]], list[dict]], column: Callable[[str], np.ndarray],
               key=None) -> "Rows":
        """The same rows, each list of them made passed through `change` (which makes new dicts: these rows may be
        kept in the query's cache), with `column` for their fields (the view layer's labels: views/labels.py). With
        a `key`, kept with these rows: a view read again (the page loads the same first view for everyone) makes
        its rows once, as when the query made them in the one language."""
        with self._lock:
            found = self._mapped.get(key) if key is not None else None
        if found is not None:
            return found
        make = self._make
        found = Rows(self._count, lambda wanted: change(make(wanted)), self._areas, self._per_area,
                     change(list(self._then)) if self._then else (), None, column)
        if key is not None:
            with self._lock:
                found = self._mapped.setdefault(key, found)
        return found
