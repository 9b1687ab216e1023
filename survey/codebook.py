"""The codebook: what each question asks, its answer options, and which answers count as unfavourable.

A codebook is one YAML file (see data/demo/codebook.yaml):

    survey:    {name: {sv, en}, respondent_id: COLUMN, wave_column: COLUMN}
    area:      {column: COLUMN, level: LEVEL_ID}      # the response column naming the respondent's area
    groups:    [{id, column, label: {sv, en}, options: [{code, sv, en}]}]   # respondent groups (kön, ålder ...)
    themes:    [{id, sv, en}]
    scales:    {SCALE_ID: [{code, sv, en, unfavourable?: bool, exclude?: bool}]}
    questions: [{id, theme, type: single|freetext, column?: COLUMN, text: {sv, en}, short: {sv, en},
                 scale: SCALE_ID | options: [...], reference?: NTU variable name}]

For a single-choice question the reported share is
    answers with an `unfavourable` option / answers with any option that is not `exclude`d ("vet inte").
Blank answers and excluded options are outside the base.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

LANGUAGES = ("sv", "en")


class CodebookError(ValueError):
    """A problem in the codebook file, with the place it was found."""


@dataclass(frozen=True)
class Option:
    code: str
    label: dict[str, str]
    unfavourable: bool = False
    exclude: bool = False


@dataclass(frozen=True)
class Question:
    id: str
    theme: str
    type: str
    column: str
    text: dict[str, str]
    short: dict[str, str]
    options: tuple[Option, ...] = ()
    reference: str | None = None

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Group:
    id: str
    column: str
    label: dict[str, str]
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Codebook:
    name: dict[str, str]
    respondent_id: str
    wave_column: str
    area_column: str
    area_level: str
    themes: dict[str, dict[str, str]]
    groups: tuple[Group, ...]
    questions: tuple[Question, ...]
    path: Path = field(default=Path("codebook.yaml"))

    @property
    def single_choice(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.type == "single")

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def group(self, group_id: str) -> Group | None:
        return next((g for g in self.groups if g.id == group_id), None)


def _labels(raw: dict, where: str, path: Path) -> dict[str, str]:
    missing = [lang for lang in LANGUAGES if not str(raw.get(lang) or "").strip()]
    if missing:
        raise CodebookError(f"{path}: {where} saknar text på {', '.join(missing)} (text missing in {', '.join(missing)})")
    return {lang: str(raw[lang]).strip() for lang in LANGUAGES}


def _options(raw_list, where: str, path: Path) -> tuple[Option, ...]:
    if not raw_list:
        raise CodebookError(f"{path}: {where} har inga svarsalternativ (no answer options)")
    options = []
    for i, raw in enumerate(raw_list, start=1):
        if "code" not in raw:
            raise CodebookError(f"{path}: {where}, alternativ {i} saknar 'code' (option {i} has no code)")
        options.append(Option(code=str(raw["code"]), label=_labels(raw, f"{where}, alternativ {i}", path),
                              unfavourable=bool(raw.get("unfavourable", False)), exclude=bool(raw.get("exclude", False))))
    codes = [o.code for o in options]
    if len(set(codes)) != len(codes):
        raise CodebookError(f"{path}: {where} har dubbla koder {codes} (duplicate option codes)")
    return tuple(options)


def load_codebook(path: str | Path) -> Codebook:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CodebookError(f"{path}: filen finns inte (file not found)") from None
    except yaml.YAMLError as err:
        raise CodebookError(f"{path}: inte giltig YAML (not valid YAML): {err}") from None
    for key in ("survey", "area", "groups", "themes", "questions"):
        if key not in (raw or {}):
            raise CodebookError(f"{path}: avsnittet '{key}' saknas (section '{key}' is missing)")

    themes = {t["id"]: _labels(t, f"tema {t.get('id')}", path) for t in raw["themes"]}
    scales = {name: _options(opts, f"skala {name}", path) for name, opts in (raw.get("scales") or {}).items()}

    groups = tuple(
        Group(id=g["id"], column=g.get("column", g["id"]), label=_labels(g.get("label", {}), f"grupp {g['id']}", path),
              options=_options(g.get("options"), f"grupp {g['id']}", path))
        for g in raw["groups"]
    )

    questions, seen = [], set()
    for raw_q in raw["questions"]:
        qid = raw_q.get("id")
        where = f"fråga {qid}"
        if not qid or qid in seen:
            raise CodebookError(f"{path}: fråga utan id eller med dubbelt id '{qid}' (missing or duplicate question id)")
        seen.add(qid)
        qtype = raw_q.get("type", "single")
        if qtype not in ("single", "freetext"):
            raise CodebookError(f"{path}: {where} har typ '{qtype}', väntade single eller freetext")
        if raw_q.get("theme") not in themes:
            raise CodebookError(f"{path}: {where} har tema '{raw_q.get('theme')}', som inte finns bland themes: {sorted(themes)}")
        options: tuple[Option, ...] = ()
        if qtype == "single":
            if "scale" in raw_q:
                if raw_q["scale"] not in scales:
                    raise CodebookError(f"{path}: {where} använder skalan '{raw_q['scale']}', som inte finns: {sorted(scales)}")
                options = scales[raw_q["scale"]]
            else:
                options = _options(raw_q.get("options"), where, path)
            if not any(o.unfavourable for o in options):
                raise CodebookError(f"{path}: {where} har inget alternativ markerat unfavourable (no unfavourable option)")
        text = _labels(raw_q.get("text", {}), f"{where} (text)", path)
        questions.append(Question(id=qid, theme=raw_q["theme"], type=qtype, column=raw_q.get("column", qid), text=text,
                                  short=_labels(raw_q.get("short", raw_q.get("text", {})), f"{where} (short)", path),
                                  options=options, reference=raw_q.get("reference")))

    survey = raw["survey"]
    return Codebook(name=_labels(survey.get("name", {}), "survey.name", path),
                    respondent_id=survey.get("respondent_id", "respondent_id"),
                    wave_column=survey.get("wave_column", "ar"),
                    area_column=raw["area"]["column"], area_level=raw["area"]["level"],
                    themes=themes, groups=groups, questions=tuple(questions), path=path)
