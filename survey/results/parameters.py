"""A view's parameters: request strings (the API's, the page's) checked and turned into a `Query`."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..codebook import Codebook


class QueryError(ValueError):
    """An unknown parameter value; names the parameter and the values it takes."""

    def __init__(self, parameter: str, value, allowed: list):
        self.parameter, self.value, self.allowed = parameter, value, [str(a) for a in allowed]
        shown = ", ".join(self.allowed[:40]) + (" …" if len(self.allowed) > 40 else "")
        super().__init__(f"Okänt värde för '{parameter}' (unknown value for '{parameter}'): {str(value)[:80]!r}. "
                         f"Tillåtna värden (allowed): {shown}")


@dataclass(frozen=True)
class Query:
    question: str
    wave: int
    level: str
    by: str | None = None
    filters: tuple[tuple[str, str], ...] = field(default=())  # (group id, option code), sorted


def parse_query(codebook: Codebook, waves: list[int], levels: list[str], params: Mapping[str, str]) -> Query:
    """Turn request parameters (strings) into a Query, or raise QueryError naming the bad one."""
    questions = codebook.question_ids
    question = params.get("question") or ""
    if question not in questions:
        raise QueryError("question", question, questions)
    wave_text = str(params.get("wave") or waves[-1])
    if not (wave_text.isascii() and wave_text.isdigit() and len(wave_text) < 10) or int(wave_text) not in waves:
        raise QueryError("wave", wave_text, waves)
    level = params.get("level") or levels[0]
    if level not in levels:
        raise QueryError("level", level, levels)
    groups = [g.id for g in codebook.groups]
    by = params.get("by") or None
    if by is not None and by not in groups:
        raise QueryError("by", by, groups)
    return Query(question=question, wave=int(wave_text), level=level, by=by,
                 filters=tuple(group_filters(codebook, params)))


def group_filters(codebook: Codebook, params) -> list[tuple[str, str]]:
    """(group id, code) for each respondent group `params` filters on; QueryError for an unknown code."""
    filters = []
    for group in codebook.groups:
        code = params.get(group.id)
        if code in (None, ""):
            continue
        allowed = [o.code for o in group.shown]
        if code not in allowed:
            raise QueryError(group.id, code, allowed)
        filters.append((group.id, code))
    return filters
