"""Every configured file and wave visible in the result: a file, or a wave of a file, with no usable row stops the
build naming it and the main reasons its rows were quarantined, unless the file is configured with
`may_be_empty = true` (`responses = [{file = "2016.csv", wave = 2016, may_be_empty = true}]`): then a warning."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from ..config import ResponseFile
from .messages import IngestError, counted


@dataclass
class Coverage:
    """What one file gave: its rows in, and per wave (found in a row or set in the config) rows in and used."""
    source: ResponseFile
    rows_in: int
    waves_in: dict[int, int]
    waves_used: dict[int, int]
    reasons: Counter


def coverage(source: ResponseFile, wave: pd.Series, keep: pd.Series, quarantined: list[tuple]) -> Coverage:
    """`wave` per row (None where missing), `keep` the rows used, `quarantined` the file's quarantine records."""
    waves = wave.dropna().astype(int)
    if source.wave is not None:  # a row whose wave differs from the config's is quarantined, not another wave
        waves = waves[waves == int(source.wave)]
    waves_in = dict(Counter(waves))
    if source.wave is not None:
        waves_in.setdefault(int(source.wave), 0)
    used = dict(Counter(wave[keep].dropna().astype(int)))
    return Coverage(source, len(wave), waves_in, used, Counter(record[4] for record in quarantined))


def _why(item: Coverage) -> str:
    if not item.rows_in:
        return "filen har bara rubrikraden (the file has a header and no responses)"
    main = "; ".join(f"{reason} ({counted(n, 'rad', 'rader')})" for reason, n in item.reasons.most_common(2))
    return f"{counted(item.rows_in, 'rad', 'rader')} lästa, alla i karantän (all quarantined): {main}"


def _wave_lines(items: list[Coverage]) -> tuple[list[str], list[str]]:
    """(problems, warnings) of the waves found in a row or set in the config with no usable row in any file."""
    rows_in, used, files, allowed = Counter(), Counter(), {}, set()
    for item in items:
        for wave, rows in item.waves_in.items():
            rows_in[wave] += rows
            used[wave] += item.waves_used.get(wave, 0)
            files.setdefault(wave, []).append(str(item.source.path))
            if item.source.may_be_empty:
                allowed.add(wave)
    problems, warnings = [], []
    for wave in sorted(w for w in rows_in if not used[w]):
        line = (f"omgång {wave} har inga användbara rader (wave {wave} has no usable rows) av "
                f"{counted(rows_in[wave], 'rad', 'rader')} i {', '.join(files[wave])}")
        (warnings if wave in allowed else problems).append(line)
    return problems, warnings


def check_coverage(items: list[Coverage], warnings: list[str]) -> None:
    """Stop on a file or a wave without a usable row (a warning for a file configured `may_be_empty`)."""
    problems = []
    for item in items:
        if not sum(item.waves_used.values()):
            line = f"{item.source.path}: inga användbara rader (no usable rows): {_why(item)}"
            if item.source.may_be_empty:
                warnings.append(line + " (may_be_empty = true)")
            else:
                problems.append(line)
    wave_problems, wave_warnings = _wave_lines(items)
    warnings += [line + " (may_be_empty = true)" for line in wave_warnings]
    problems += wave_problems
    if problems:
        raise IngestError(problems + [
            "Kontrollera filen och omgångens kolumn, eller ta bort filen ur [inputs] responses; en fil som får vara "
            "tom anges så: responses = [{file = \"…\", wave = 2016, may_be_empty = true}] (check the file, remove "
            "it, or allow it to be empty)."], warnings)
