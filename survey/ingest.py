"""Read survey exports and map them through the codebook into tidy respondent and answer tables.

Nothing is dropped silently: a row that cannot be used goes to the quarantine table with its file,
row (as Excel shows it: the header is row 1), column, value and reason; an answer that is not in the
codebook is left out of the base and reported as a warning with its count.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .codebook import Codebook, Option

HEADER_ROW = 1  # Excel numbering: the header is row 1, the first respondent row 2


class IngestError(ValueError):
    """A problem that stops the build: names the file and what was expected."""


def normalise(text) -> str:
    """Compare labels and names as people mean them: case, spacing and Unicode form do not matter."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"\s+", " ", text).strip()


def read_table(path: Path) -> pd.DataFrame:
    """A CSV export as text columns: separator sniffed (, ; tab), UTF-8 with or without BOM, else Windows-1252."""
    if not path.exists():
        raise IngestError(f"{path}: filen finns inte (file not found)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return pd.read_csv(path, sep=None, engine="python", dtype=str, keep_default_na=False, encoding=encoding)
        except UnicodeDecodeError:
            continue
        except pd.errors.ParserError as err:
            raise IngestError(f"{path}: kunde inte läsa CSV-filen (could not parse the CSV file): {err}") from None
    raise IngestError(f"{path}: okänd teckenkodning, spara som UTF-8 (unknown text encoding, save as UTF-8)")


def _option_lookup(options: tuple[Option, ...]) -> dict[str, str]:
    """Map a code or a label in either language (normalised) to the option's code."""
    lookup = {}
    for option in options:
        for key in (option.code, *option.label.values()):
            lookup[normalise(key)] = option.code
    return lookup


@dataclass
class Ingested:
    respondents: pd.DataFrame          # respondent_id, wave, area_id, one column per group (code or "")
    answers: pd.DataFrame              # respondent_id, question, answer (option code)
    freetext: pd.DataFrame             # respondent_id, question, text (staff only, never public)
    quarantine: pd.DataFrame           # file, row, column, value, reason
    warnings: list[str] = field(default_factory=list)
    file_counts: list[dict] = field(default_factory=list)  # per file: rows in, used, quarantined


QUARANTINE_COLUMNS = ["file", "row", "column", "value", "reason"]


def ingest(paths: tuple[Path, ...], codebook: Codebook, area_names: pd.DataFrame) -> Ingested:
    """Read every response file. `area_names` has area_id and name of the areas respondents choose from."""
    area_lookup = {normalise(v): a for a, n in zip(area_names["area_id"], area_names["name"]) for v in (a, n)}
    respondents, answers, freetext, quarantine, warnings, counts = [], [], [], [], [], []

    for path in paths:
        table = read_table(path)
        required = [codebook.respondent_id, codebook.wave_column, codebook.area_column]
        missing = [c for c in required if c not in table.columns]
        if missing:
            raise IngestError(f"{path}: kolumnen {', '.join(missing)} saknas (column missing); "
                              f"kolumner i filen: {', '.join(table.columns[:20])}")
        rows = table.index.to_numpy() + HEADER_ROW + 1
        bad = pd.Series("", index=table.index)

        wave = pd.to_numeric(table[codebook.wave_column].str.strip(), errors="coerce")
        wave_bad = wave.isna()
        for i in table.index[wave_bad]:
            quarantine.append((str(path), int(rows[i]), codebook.wave_column, table.at[i, codebook.wave_column],
                               "omgång (år) saknas eller är inte ett tal (wave missing or not a number)"))
        bad[wave_bad] = "wave"

        area_id = table[codebook.area_column].map(lambda v: area_lookup.get(normalise(v)))
        area_bad = area_id.isna() & ~wave_bad
        for i in table.index[area_bad]:
            quarantine.append((str(path), int(rows[i]), codebook.area_column, table.at[i, codebook.area_column],
                               "okänt område (area not in the boundaries)"))
        bad[area_bad] = "area"
        keep = bad == ""

        frame = pd.DataFrame({"respondent_id": f"{path.name}:" + table[codebook.respondent_id].astype(str),
                              "wave": wave, "area_id": area_id})
        for group in codebook.groups:
            if group.column not in table.columns:
                warnings.append(f"{path}: gruppkolumnen {group.column} saknas; alla svar räknas som 'uppgift saknas'")
                frame[group.id] = ""
                continue
            lookup = _option_lookup(group.options)
            raw = table[group.column].map(normalise)
            frame[group.id] = raw.map(lambda v: lookup.get(v, ""))
            unknown = raw[(raw != "") & (frame[group.id] == "") & keep]
            if len(unknown):
                warnings.append(f"{path}: kolumnen {group.column} har {len(unknown)} värden utanför kodboken "
                                f"(t.ex. {', '.join(sorted(set(unknown))[:3])}); räknas som 'uppgift saknas'")
        respondents.append(frame[keep])

        for question in codebook.questions:
            if question.column not in table.columns:
                warnings.append(f"{path}: kolumnen för fråga {question.id} ({question.column}) saknas")
                continue
            values = table.loc[keep, question.column]
            if question.type == "freetext":
                given = values.str.strip() != ""
                freetext.append(pd.DataFrame({"respondent_id": frame.loc[given[given].index, "respondent_id"],
                                              "question": question.id, "text": values[given]}))
                continue
            lookup = _option_lookup(question.options)
            normalised = values.map(normalise)
            codes = normalised.map(lookup.get)
            unknown = normalised[(normalised != "") & codes.isna()]
            if len(unknown):
                warnings.append(f"{path}: fråga {question.id} har {len(unknown)} svar utanför kodboken "
                                f"(t.ex. {', '.join(sorted(set(unknown))[:3])}); de räknas inte")
            given = codes.notna()
            answers.append(pd.DataFrame({"respondent_id": frame.loc[given[given].index, "respondent_id"],
                                         "question": question.id, "answer": codes[given]}))
        counts.append({"file": str(path), "rows_in": len(table), "rows_used": int(keep.sum()),
                       "rows_quarantined": int((~keep).sum())})

    def concat(parts, columns):
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)

    return Ingested(
        respondents=concat(respondents, ["respondent_id", "wave", "area_id", *[g.id for g in codebook.groups]]),
        answers=concat(answers, ["respondent_id", "question", "answer"]),
        freetext=concat(freetext, ["respondent_id", "question", "text"]),
        quarantine=pd.DataFrame(quarantine, columns=QUARANTINE_COLUMNS),
        warnings=warnings, file_counts=counts,
    )
