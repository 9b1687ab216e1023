"""`ingest()`: every response export through the codebook into tidy respondent and answer tables, as a sequence of
steps per file: read the file, quarantine records with too many fields, check the waves, match the areas, drop
duplicated ids, then decode the groups, the answers and the multiple-choice answers of the rows left. A row that
cannot be used is quarantined once, with the first reason found (`Quarantine`); every row read is either used or
quarantined. After the files: warn of questions nobody answered, stop on unknown areas (unless allowed) and on
no usable rows at all."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from ..codebook import Codebook
from ..config import ResponseFile
from .accounting import MAX_UNRECOGNISED, check_accounting, check_missing_questions
from .answers import decode_answers, decode_groups, multi_choice_answers
from .coverage import Coverage, check_coverage, coverage
from .matching import MATCH_HOW, AreaMatcher, Columns, code_key, known_names
from .messages import (
    REASON_AREA,
    REASON_AREA_EMPTY,
    REASON_DUPLICATE,
    REASON_DUPLICATE_WAVE,
    REASON_FIELDS,
    REASON_WAVE,
    REASON_WAVE_CONFLICT,
    IngestError,
    counted,
    rows_text,
    thousands,
)
from .readers import Table, read_table

QUARANTINE_COLUMNS = ["file", "row", "column", "value", "reason"]
AREA_MATCH_COLUMNS = ["file", "value", "area_id", "name", "how", "rows"]


@dataclass
class Ingested:
    respondents: pd.DataFrame          # respondent_id, wave, area_id, one column per group (code or "")
    answers: pd.DataFrame              # respondent_id, question, answer (option code)
    freetext: pd.DataFrame             # respondent_id, question, text (staff only, never public)
    quarantine: pd.DataFrame           # file, row, column, value, reason
    warnings: list[str] = field(default_factory=list)
    file_counts: list[dict] = field(default_factory=list)  # per file: rows in, used, quarantined
    area_matches: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=AREA_MATCH_COLUMNS))
    accounting: list[dict] = field(default_factory=list)  # per file × question: counted, blank, excluded, unrecognised


class Quarantine:
    """The rows of one export that cannot be used, each with the first reason found for it (a row is quarantined
    once: a later reason does not replace an earlier one)."""

    def __init__(self, path: Path, rows: pd.Series):
        self.path = path
        self.rows = rows  # each record's row number as Excel shows it
        self.reason = pd.Series("", index=rows.index, dtype=object)
        self.column = pd.Series("", index=rows.index, dtype=object)
        self.value = pd.Series("", index=rows.index, dtype=object)

    def add(self, rows: pd.Series, column: str, values: pd.Series | str, reason: str) -> None:
        """Quarantine the rows of the mask `rows` not quarantined yet; `column` and its `values` (or one text for
        every row) show what is wrong."""
        rows = rows & self.usable
        self.reason[rows] = reason
        self.column[rows] = column
        self.value[rows] = values[rows] if isinstance(values, pd.Series) else values

    @property
    def usable(self) -> pd.Series:
        """The rows not quarantined (so far)."""
        return self.reason == ""

    def records(self) -> list[tuple]:
        """(file, row, column, value, reason) of each quarantined row, in the file's order."""
        return [(str(self.path), int(self.rows[i]), self.column[i], self.value[i], self.reason[i])
                for i in self.reason.index[~self.usable]]


@dataclass
class Export:
    """One response file being read: its text, the columns of id, wave and area, and the rows quarantined."""
    source: ResponseFile
    table: Table
    columns: Columns
    id_col: int
    wave_col: int | None
    area_col: int
    rows: pd.Series  # each record's row number as Excel shows it
    quarantine: Quarantine
    accounts: list[dict] = field(default_factory=list)  # the answer accounting per question (accounting.py)

    @property
    def path(self) -> Path:
        return Path(self.source.path)


@dataclass
class _Found:
    """What the files gave so far: the result's parts, before they are put together."""
    respondents: list[pd.DataFrame] = field(default_factory=list)
    answers: list[pd.DataFrame] = field(default_factory=list)
    freetext: list[pd.DataFrame] = field(default_factory=list)
    quarantined: list[tuple] = field(default_factory=list)  # QUARANTINE_COLUMNS
    warnings: list[str] = field(default_factory=list)
    counts: list[dict] = field(default_factory=list)
    matches: list[tuple] = field(default_factory=list)  # AREA_MATCH_COLUMNS
    unmatched: list[tuple[str, str, str, list[int]]] = field(default_factory=list)  # file, column, value, rows
    questions: set[str] = field(default_factory=set)  # the questions (and multiple-choice items) with a column
    accounting: list[dict] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)  # "wave:id" → the file that used it
    coverage: list[Coverage] = field(default_factory=list)


def _sources(paths) -> list[ResponseFile]:
    return [p if isinstance(p, ResponseFile) else ResponseFile(Path(p)) for p in paths]


def ingest(paths: Iterable[Path | ResponseFile], codebook: Codebook, area_names: pd.DataFrame, *,
           area_aliases: dict[str, str] | None = None, allow_unmatched_areas: bool = False,
           progress: Callable[[str], None] | None = None, max_unrecognised: float = MAX_UNRECOGNISED,
           unrecognised_allowed: dict[str, float] | None = None) -> Ingested:
    """Read every response file. `area_names` has area_id, name (and optionally aliases, a list per area) of the
    areas respondents choose from. Raises IngestError naming every unknown area value, unless allowed, and every
    question that lost its answers (accounting.check_accounting)."""
    progress = progress or (lambda message: None)
    matcher = AreaMatcher(area_names, area_aliases)
    known = known_names(codebook)
    found = _Found()
    sources = _sources(paths)

    for source in sources:
        # The rows: what cannot be used is quarantined, once, with the first reason found.
        export = read_export(source, codebook, known, found.warnings, progress)
        quarantine_long_records(export)
        wave = check_waves(export)
        area_id = match_areas(export, matcher, found)
        ids = drop_duplicates(export, wave, found.ids, found.warnings)
        keep = export.quarantine.usable
        held = export.quarantine.records()
        found.quarantined += held
        frame = pd.DataFrame({"respondent_id": ids, "wave": wave, "area_id": area_id})
        # The answers of the rows kept.
        decode_groups(export, codebook, frame, keep, found.warnings)
        found.respondents.append(frame[keep])
        answers, freetext, questions = decode_answers(export, codebook, frame, keep, found.warnings)
        multi, items = multi_choice_answers(export, codebook, frame["respondent_id"], keep, found.warnings)
        found.answers += answers + multi
        found.freetext += freetext
        found.questions |= questions | items
        found.accounting += export.accounts
        found.counts.append(count_rows(export, keep, len(held), progress))
        found.coverage.append(coverage(source, wave, keep, held))

    # All files: the tables, then what only all of them together show.
    result = _put_together(found, codebook)
    warn_unanswered(result, codebook, found.questions)
    check_unmatched_areas(found, matcher, codebook.area_level, allow_unmatched_areas)
    check_usable_rows(result, sources, found.quarantined)
    check_coverage(found.coverage, result.warnings)
    check_accounting(result.accounting, codebook, max_unrecognised, unrecognised_allowed or {}, result.warnings)
    check_missing_questions(found.questions, codebook, unrecognised_allowed or {}, result.warnings)
    return result


def read_export(source: ResponseFile, codebook: Codebook, known: set[str], warnings: list[str],
                progress: Callable[[str], None]) -> Export:
    """Read one file and find its id, wave and area columns; stops if one is missing (the wave may come from the
    config instead)."""
    path = Path(source.path)
    progress(f"Läser {path} …")
    table = read_table(source, known)
    columns = Columns(table)
    id_col = columns.find("id", [codebook.respondent_id, *codebook.respondent_id_aliases])
    wave_col = columns.find("omgång", [codebook.wave_column, *codebook.wave_aliases])
    area_col = columns.find("område", [codebook.area_column, *codebook.area_aliases])
    missing = [name for name, col, needed in (
        (codebook.respondent_id, id_col, True), (codebook.wave_column, wave_col, source.wave is None),
        (codebook.area_column, area_col, True)) if needed and col is None]
    if missing:
        shown = [h for h in table.header if h][:30]
        hint = ("; en fil utan omgångskolumn kan få sin omgång i konfigurationen: "
                f'responses = [{{file = "{path}", wave = 2019}}]') if wave_col is None else ""
        raise IngestError(f"{path}: kolumnen {', '.join(missing)} saknas (column missing); "
                          f"kolumner i filen: {', '.join(shown)}" + (" …" if len(table.header) > 30 else "")
                          + hint, warnings)
    rows = pd.Series(table.rows, index=table.values.index)
    progress(f"  {thousands(len(table.values))} rader ({table.details})")
    return Export(source, table, columns, id_col, wave_col, area_col, rows, Quarantine(path, rows))


def quarantine_long_records(export: Export) -> None:
    """A CSV record with filled-in fields beyond the header (a stray separator or quote) is not guessed at."""
    too_long = export.table.too_long
    if too_long is not None and too_long.any():
        export.quarantine.add(pd.Series(too_long.to_numpy(), index=export.rows.index), "", "", REASON_FIELDS)


def _whole_numbers(text: pd.Series) -> pd.Series:
    return text.map(code_key).map(lambda k: int(k) if re.fullmatch(r"[+-]?\d+", k) else None)


def check_waves(export: Export) -> pd.Series:
    """Each row's wave: the file's column (an SPSS file's stored code first), or the config's wave for a file
    without one. Quarantines a missing or non-numeric wave and one that differs from the config's."""
    table, wave_col, wave = export.table, export.wave_col, export.source.wave
    if wave_col is None:
        return pd.Series(wave, index=table.values.index, dtype=object)
    wave_text = table.values[wave_col]
    column = export.columns.name(wave_col)
    parsed = _whole_numbers(wave_text)
    if table.raw is not None:
        stored = _whole_numbers(table.raw[wave_col])
        parsed = stored.where(stored.notna(), parsed)
    if wave is not None:
        conflict = parsed.notna() & (parsed != wave)
        export.quarantine.add(conflict, column, wave_text, f"{REASON_WAVE_CONFLICT}: {wave}")
        parsed = parsed.where(parsed.notna(), wave)
    export.quarantine.add(parsed.isna(), column, wave_text, REASON_WAVE)
    return parsed


def match_areas(export: Export, matcher: AreaMatcher, found: _Found) -> pd.Series:
    """Each row's area id: its value matched by id, name, normalised name or alias (an SPSS file's stored code
    tried next). Quarantines an empty or unknown area; records how each value matched and the unknown values."""
    table, rows, quarantine, path = export.table, export.rows, export.quarantine, export.path
    area_text = table.values[export.area_col]
    area_name = export.columns.name(export.area_col)
    candidates = [area_text] + ([table.raw[export.area_col]] if table.raw is not None else [])
    area_id = pd.Series(None, index=area_text.index, dtype=object)
    how = pd.Series(None, index=area_text.index, dtype=object)
    for candidate in candidates:
        todo = area_id.isna() & (candidate.str.strip() != "")
        distinct = {v: matcher.match(v) for v in candidate[todo].unique()}
        area_id[todo] = candidate[todo].map(lambda v, distinct=distinct: distinct[v][0])
        how[todo] = candidate[todo].map(lambda v, distinct=distinct: distinct[v][1])
    blank = area_text.str.strip() == ""
    quarantine.add(blank, area_name, area_text, REASON_AREA_EMPTY)
    unknown = area_id.isna() & ~blank
    newly = unknown & quarantine.usable  # unknown values of rows not quarantined for another reason
    for value, part in rows[newly].groupby(area_text[newly]):
        found.unmatched.append((str(path), area_name, value, part.tolist()))
    quarantine.add(unknown, area_name, area_text, REASON_AREA)
    matched = area_id.notna()
    for (value, aid, kind), part in rows[matched].groupby([area_text[matched], area_id[matched], how[matched]]):
        found.matches.append((str(path), value, aid, matcher.names[aid], kind, len(part)))
    return area_id


def drop_duplicates(export: Export, wave: pd.Series, seen: dict[str, str], warnings: list[str]) -> pd.Series:
    """Each row's respondent id, unique within its wave (a trend file's numbers may restart each year): the first row
    of an id in a wave is used, a later one quarantined, also when an earlier file of the same wave had the id
    (`seen`: "wave:id" → file). A missing id is warned of and the row's number stands for it. Returns
    "wave:id" per row."""
    values, rows, quarantine = export.table.values, export.rows, export.quarantine
    column = export.columns.name(export.id_col)
    ids = values[export.id_col].str.strip()
    no_id = ids == ""
    ids = ids.where(~no_id, export.path.name + " rad " + rows.astype(str))
    keys = wave.map(lambda w: "" if pd.isna(w) else str(int(w))) + ":" + ids
    usable = quarantine.usable
    duplicated = keys.where(usable).duplicated(keep="first") & usable & ~no_id
    quarantine.add(duplicated, column, values[export.id_col], REASON_DUPLICATE)
    earlier = keys.map(seen).where(quarantine.usable & ~no_id)
    for file, _part in earlier.dropna().groupby(earlier.dropna()):
        quarantine.add(earlier == file, column, values[export.id_col], f"{REASON_DUPLICATE_WAVE}: {file}")
    seen.update(dict.fromkeys(keys[quarantine.usable], str(export.path)))
    if no_id.any():
        warnings.append(f"{export.path}, kolumn {column}: id saknas (respondent id missing), "
                        f"radnumret används i stället: {rows_text(rows[no_id])}")
    return keys


def count_rows(export: Export, keep: pd.Series, held: int, progress: Callable[[str], None]) -> dict:
    """The file's rows in, used and quarantined (`held` of them in the quarantine table). Nothing lost: every row
    read is either used or quarantined, once."""
    quarantined = int((~keep).sum())
    count = {"file": str(export.path), "rows_in": len(export.table.values), "rows_used": int(keep.sum()),
             "rows_quarantined": quarantined, "read_as": export.table.details}
    assert count["rows_in"] == count["rows_used"] + count["rows_quarantined"], count
    assert held == quarantined, (export.path, quarantined)
    progress(f"  {thousands(count['rows_used'])} använda, {thousands(quarantined)} i karantän")
    return count


def _concat(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _put_together(found: _Found, codebook: Codebook) -> Ingested:
    result = Ingested(
        respondents=_concat(found.respondents, ["respondent_id", "wave", "area_id", *[g.id for g in codebook.groups]]),
        answers=_concat(found.answers, ["respondent_id", "question", "answer"]),
        freetext=_concat(found.freetext, ["respondent_id", "question", "text"]),
        quarantine=pd.DataFrame(found.quarantined, columns=QUARANTINE_COLUMNS),
        warnings=found.warnings, file_counts=found.counts,
        area_matches=pd.DataFrame(found.matches, columns=AREA_MATCH_COLUMNS), accounting=found.accounting,
    )
    result.respondents["wave"] = result.respondents["wave"].astype("int64")
    return result


def warn_unanswered(result: Ingested, codebook: Codebook, found_questions: set[str]) -> None:
    """A single-choice question whose column some file has but that nobody answered is likely a mapping mistake."""
    answered = set(result.answers["question"].unique())
    for question in codebook.single_choice:
        if question.id in found_questions and question.id not in answered:
            result.warnings.append(f"fråga {question.id} har inga svar (no answers) i någon fil")


def check_unmatched_areas(found: _Found, matcher: AreaMatcher, level: str, allowed: bool) -> None:
    """Unknown area values stop the build, each with its rows and the closest names; if allowed, a warning."""
    if not found.unmatched:
        return
    problems = _unmatched_problems(found.unmatched, matcher, level)
    if not allowed:
        raise IngestError(problems + [
            "Rätta stavningen i filen, lägg till ett alias ([inputs.area_aliases] i konfigurationen eller en "
            "aliases-kolumn i områdesfilen) eller sätt [inputs] allow_unmatched_areas = true för att bygga ändå "
            "med raderna i karantän (fix the spelling, add an alias, or allow them)."], found.warnings,
            unknown_areas=_unknown_areas(found.unmatched, matcher))
    found.warnings.append("\n".join(problems) + "\n  Raderna ligger i karantän (allow_unmatched_areas = true).")


def _unknown_areas(unmatched, matcher: AreaMatcher) -> list[dict]:
    """Each unknown value once, with its rows in every file and the ids of the closest areas, most rows first."""
    rows: dict[str, list[int]] = defaultdict(list)
    for _file, _column, value, found_rows in unmatched:
        rows[value] += [int(r) for r in found_rows]
    return [{"value": value, "rows": sorted(r),
             "closest": [matcher.exact_name[n] for n in matcher.closest(value) if matcher.exact_name.get(n)]}
            for value, r in sorted(rows.items(), key=lambda item: (-len(item[1]), item[0]))]


def _unmatched_problems(unmatched, matcher: AreaMatcher, level: str) -> list[str]:
    per_file: dict[tuple[str, str], list[tuple[str, list[int]]]] = defaultdict(list)
    for file, column, value, rows in unmatched:
        per_file[(file, column)].append((value, rows))
    lines = []
    for (file, column), items in per_file.items():
        total = sum(len(r) for _, r in items)
        lines.append(f"{file}, kolumn {column}: {counted(len(items), 'värde', 'värden')} finns inte bland områdena "
                     f"på nivån {level} (unknown areas), {counted(total, 'rad', 'rader')}:")
        for value, rows in sorted(items, key=lambda item: (-len(item[1]), item[0])):
            near = matcher.closest(value)
            lines.append(f"  '{value}': {rows_text(rows)}; närmast (closest): {', '.join(near) if near else '–'}")
    return lines


def check_usable_rows(result: Ingested, sources: list[ResponseFile], quarantined: list[tuple]) -> None:
    """No usable row in any file stops the build, with the first reasons."""
    if result.respondents.empty:
        raise IngestError(["inga användbara rader (no usable rows) i " + ", ".join(str(s.path) for s in sources)
                           + "; de första orsakerna (the first reasons):"]
                          + [f"  {c[0]}, rad {c[1]}, kolumn {c[2]}: {c[4]}" for c in quarantined[:10]], result.warnings)


def area_matching_summary(matches: pd.DataFrame) -> dict:
    """Rows per way of matching an area value (id, namn, normaliserat, alias), and the values matched loosely."""
    rows = {how: int(matches.loc[matches["how"] == how, "rows"].sum()) for how in MATCH_HOW}
    loose = matches[matches["how"].isin(["normaliserat", "alias"])]
    return {"rows": rows, "loose": [{"file": r.file, "value": r.value, "area_id": r.area_id, "name": r.name,
                                     "how": r.how, "rows": int(r.rows)} for r in loose.itertuples()]}
