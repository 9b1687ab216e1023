"""Read survey exports and map them through the codebook into tidy respondent and answer tables.

Formats: CSV (`,` `;` or tab; UTF-8 with or without BOM, UTF-16, Windows-1252/Latin-1; decimal comma),
Excel .xlsx (the first sheet or a named one; the header row is found by its column names) and SPSS .sav
(value labels are used). A column is found by its name, an alias from the codebook or, for a question, its
exact question text; an answer by its code or its label (case, spacing, Unicode form and "3.0"/"3,0" do not
matter). A respondent's area is matched to the boundaries by id, by name, by name with case, diacritics and
spacing ignored, or by an alias (the area file's aliases column or the config's `[inputs.area_aliases]`).

Nothing is dropped silently: a row that cannot be used (no valid wave, an unknown or empty area, a duplicated
id, more fields than the header) goes to the quarantine table with its file, row (as Excel shows it: the header
is row 1 of a plain export), column, value and reason; an answer that is not in the codebook is left out of the
base and reported as a warning with its rows. Unknown area values stop the build (an IngestError listing them
with their counts and the closest known names) unless `[inputs] allow_unmatched_areas = true`: then their rows
stay quarantined and the build goes on. Problems of one kind are grouped: "rad 3, 7, 12 … (1 204 rader)".

The modules, by job: `readers` (a file as a Table of text), `matching` (text keys, columns, areas, options),
`messages` (the reasons, IngestError, counts and rows as text), `responses` (`ingest()` and its steps), `answers`
(the answers of one export), `population` (the population margins).
"""
from .matching import MATCH_HOW, TICKED, UNTICKED, AreaMatcher, code_key, fold, normalise
from .messages import (
    EXAMPLE_ROWS,
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
from .population import POPULATION_AREA_NAMES, POPULATION_COUNT_NAMES, load_population
from .readers import HEADER_ROW, HEADER_SEARCH_ROWS, Table, read_table
from .responses import AREA_MATCH_COLUMNS, QUARANTINE_COLUMNS, Ingested, Quarantine, area_matching_summary, ingest

__all__ = [
    "AREA_MATCH_COLUMNS", "EXAMPLE_ROWS", "HEADER_ROW", "HEADER_SEARCH_ROWS", "MATCH_HOW", "POPULATION_AREA_NAMES",
    "POPULATION_COUNT_NAMES", "QUARANTINE_COLUMNS", "REASON_AREA", "REASON_AREA_EMPTY", "REASON_DUPLICATE",
    "REASON_DUPLICATE_WAVE", "REASON_FIELDS", "REASON_WAVE", "REASON_WAVE_CONFLICT", "TICKED", "UNTICKED",
    "AreaMatcher", "IngestError", "Ingested", "Quarantine", "Table", "area_matching_summary", "code_key", "counted",
    "fold", "ingest", "load_population", "normalise", "read_table", "rows_text", "thousands",
]
