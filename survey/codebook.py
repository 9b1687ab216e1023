"""The codebook: what each question asks, its answer options, and which answers count as unfavourable.

A codebook is one YAML file (see data/demo/codebook.yaml):

    survey:    {name: {sv, en}, respondent_id: COLUMN, wave_column: COLUMN, respondent_id_aliases?: [COLUMN],
                wave_aliases?: [COLUMN], safety_question?: QUESTION_ID}  # the one feeling unsafe is measured by
    area:      {column: COLUMN, level: LEVEL_ID, aliases?: [COLUMN]}  # the response column naming the area
    groups:    [{id, column, aliases?: [COLUMN], label: {sv, en},
                 options: [{code, sv, en, who?: WHO, shown_alone?: bool}]}]  # kön, ålder ...
    themes:    [{id, sv, en}]
    scales:    {SCALE_ID: [{code, sv, en, unfavourable?: bool, exclude?: bool}]}
    questions: [{id, theme, type: single|multi|freetext, column?: COLUMN, aliases?: [COLUMN], text: {sv, en},
                 short: {sv, en}, scale: SCALE_ID | options: [...], reference?: NTU variable name}]

A group option's `who` ({sv, en, as: noun|after|clause}) names its people in a sentence: "kvinnor", "65–84 år",
"som bor i lägenhet" (views/labels.py joins them); without it, "svarande (kön: Kvinna)". `shown_alone: false`:
never a published cell of its own (it counts in "alla" and every total), so its smallness hides no sibling.
A column is found in an export by its name (`column`, default the id), by one of its `aliases`, or, for a
question, by its exact question text (sv or en) as the survey tool exported it; case, spacing and Unicode form
do not matter.

A single-choice question's share: answers with an `unfavourable` option / answers with any option that is not
`exclude`d ("vet inte"); blank answers and excluded options are outside the base.

A multiple-choice question (`type: multi`, "tick all that apply") lists its options as
`options: [{code, sv, en, column?: COLUMN, aliases?: [COLUMN]}]` and an optional `separator` (default: any of
`;` `|` `,`). The export may give it as one column per option (the option's `column`, default `ID_CODE`, with
1/0, Ja/Nej, x, checked, the option's code or text for ticked and empty or 0 for not) or as one column (the
question's `column`) listing the ticked codes or texts. Each option becomes a derived single-choice question
`ID__CODE` ("ID" two underscores "CODE") with the options 1 = Ja (unfavourable) and 0 = Nej, so its share is the
share who ticked it. A respondent is in the base of every option of the question when they gave any answer to it
(ticked something, or an explicit 0/Nej); a respondent whose cells are all empty did not answer it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from .spreadsheet import FORMULA_START

LANGUAGES = ("sv", "en")  # the codebook's texts and the interface (translations/): Swedish first


class CodebookError(ValueError):
    """A problem in the codebook file, with the place it was found."""


class _AliasFound(Exception):
    def __init__(self, mark):
        super().__init__(f"rad {mark.line + 1}, kolumn {mark.column + 1}" if mark else "")


class _NoAliasLoader(yaml.SafeLoader):
    """yaml.SafeLoader that refuses anchors (&) and aliases (*) before building anything: a codebook needs
    neither, and nested aliases ("billion laughs") make a few kilobytes into gigabytes."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _AliasFound(event.start_mark)
        return super().compose_node(parent, index)


@dataclass(frozen=True)
class Option:
    code: str
    label: dict[str, str]
    unfavourable: bool = False
    exclude: bool = False
    column: str | None = None          # multi-choice options only: the option's own column in an export
    aliases: tuple[str, ...] = ()
    who: dict[str, str] | None = None   # group options only: the people, as a sentence names them (see above)
    who_as: str = ""                     # "noun", "after" or "clause"
    shown_alone: bool = True           # groups only: false = never a cell of its own (counted in "alla" and totals)


WHO_AS = ("noun", "after", "clause")


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
    aliases: tuple[str, ...] = ()
    multi: str | None = None           # derived from a multi-choice question: the question's id
    multi_option: str | None = None    # ... and the code of its option

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Index:
    """A score over several questions, e.g. a problem index: each respondent's mean item score, reported 0–100."""
    id: str
    theme: str
    text: dict[str, str]
    short: dict[str, str]
    items: tuple[str, ...]
    scores: dict[str, float]   # option code → score; codes not listed (e.g. "vet inte") do not count
    min_items: int

    @property
    def top(self) -> float:
        return max(self.scores.values())


@dataclass(frozen=True)
class Group:
    id: str
    column: str
    label: dict[str, str]
    options: tuple[Option, ...]
    aliases: tuple[str, ...] = ()

    @property
    def shown(self) -> tuple[Option, ...]:
        """The options a breakdown lists and a filter offers: those not marked `shown_alone: false`."""
        return tuple(o for o in self.options if o.shown_alone)


@dataclass(frozen=True)
class MultiQuestion:
    """A "tick all that apply" question as the codebook gives it; `Codebook.questions` holds its derived items."""
    id: str
    theme: str
    column: str
    text: dict[str, str]
    short: dict[str, str]
    options: tuple[Option, ...]
    aliases: tuple[str, ...] = ()
    separator: str | None = None


MULTI_YES, MULTI_NO = "1", "0"


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
    indices: tuple[Index, ...] = ()
    respondent_id_aliases: tuple[str, ...] = ()
    wave_aliases: tuple[str, ...] = ()
    area_aliases: tuple[str, ...] = ()
    multis: tuple[MultiQuestion, ...] = ()
    safety_question: str | None = None  # a single-choice question's id (survey/association.py): none, no such axis

    @property
    def single_choice(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.type == "single")

    @property
    def question_ids(self) -> list[str]:
        """What a view can show (the query's `question`): the single-choice questions, then the indices."""
        return [q.id for q in self.single_choice] + [i.id for i in self.indices]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def index(self, index_id: str) -> Index | None:
        return next((i for i in self.indices if i.id == index_id), None)

    def group(self, group_id: str) -> Group | None:
        return next((g for g in self.groups if g.id == group_id), None)


MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|&[#a-zA-Z0-9]+;")  # a tag or an entity: plotly and the page draw markup


def _labels(raw: dict, where: str, path: Path) -> dict[str, str]:
    missing = [lang for lang in LANGUAGES if not str(raw.get(lang) or "").strip()]
    if missing:
        raise CodebookError(f"{path}: {where} saknar text på {', '.join(missing)} "
                            f"(text missing in {', '.join(missing)})")
    labels = {lang: str(raw[lang]).strip() for lang in LANGUAGES}
    for lang, text in labels.items():
        if text.startswith(FORMULA_START) or MARKUP.search(text):
            raise CodebookError(f"{path}: {where} ({lang}): {text[:60]!r} ser ut som en formel eller HTML; skriv "
                                "texten utan = + - @ först och utan <...> (looks like a formula or HTML: text only)")
    return labels


def _aliases(raw, where: str, path: Path) -> tuple[str, ...]:
    raw = [] if raw is None else [raw] if isinstance(raw, (str, int, float)) else raw
    if not isinstance(raw, list) or not all(isinstance(a, (str, int, float)) for a in raw):
        raise CodebookError(f"{path}: {where}: aliases ska vara en lista med kolumnnamn "
                            "(aliases must be a list of names)")
    return tuple(str(a) for a in raw)


def _options(raw_list, where: str, path: Path) -> tuple[Option, ...]:
    if not raw_list:
        raise CodebookError(f"{path}: {where} har inga svarsalternativ (no answer options)")
    options = []
    for i, raw in enumerate(raw_list, start=1):
        if "code" not in raw:
            raise CodebookError(f"{path}: {where}, alternativ {i} saknar 'code' (option {i} has no code)")
        options.append(Option(code=str(raw["code"]), label=_labels(raw, f"{where}, alternativ {i}", path),
                              unfavourable=bool(raw.get("unfavourable", False)),
                              exclude=bool(raw.get("exclude", False)),
                              column=str(raw["column"]) if raw.get("column") is not None else None,
                              aliases=_aliases(raw.get("aliases"), f"{where}, alternativ {i}", path),
                              shown_alone=_flag(raw, "shown_alone", True, f"{where}, alternativ {i}", path)))
    codes = [o.code for o in options]
    if len(set(codes)) != len(codes):
        raise CodebookError(f"{path}: {where} har dubbla koder {codes} (duplicate option codes)")
    return tuple(options)


def _flag(raw: dict, key: str, default: bool, where: str, path: Path) -> bool:
    if not isinstance(value := raw.get(key, default), bool):
        raise CodebookError(f"{path}: {where}: {key} ska vara true eller false, inte {value!r} "
                            f"({key} must be true or false)")
    return value


def _read_yaml(path: Path) -> dict:
    """The codebook file's YAML, refusing anchors and aliases, with every required section present."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader
    except FileNotFoundError:
        raise CodebookError(f"{path}: filen finns inte (file not found)") from None
    except _AliasFound as where:
        raise CodebookError(f"{path}: YAML-ankare och alias (& och *) är inte tillåtna i en kodbok ({where}) "
                            "(YAML anchors and aliases are not allowed in a codebook)") from None
    except yaml.YAMLError as err:
        raise CodebookError(f"{path}: inte giltig YAML (not valid YAML): {err}") from None
    for key in ("survey", "area", "groups", "themes", "questions"):
        if key not in (raw or {}):
            raise CodebookError(f"{path}: avsnittet '{key}' saknas (section '{key}' is missing)")
    return raw


def _with_who(option: Option, raw: dict, where: str, path: Path) -> Option:
    """A group option with its `who` ({sv, en, as}), checked."""
    who = raw.get("who") if isinstance(raw, dict) else None
    if who is None:
        return option
    where = f"{where}, alternativ {option.code}: who"
    if not isinstance(who, dict) or who.get("as") not in WHO_AS:
        raise CodebookError(f"{path}: {where} ska vara {{sv, en, as}} med as = {' | '.join(WHO_AS)} "
                            f"(who must be {{sv, en, as}}, as one of {', '.join(WHO_AS)})")
    return replace(option, who=_labels(who, where, path), who_as=who["as"])


def _groups(raw_groups: list, path: Path) -> tuple[Group, ...]:
    groups = []
    for g in raw_groups:
        where = f"grupp {g['id']}"
        options = _options(g.get("options"), where, path)
        groups.append(Group(id=g["id"], column=g.get("column", g["id"]), label=_labels(g.get("label", {}), where, path),
                            options=tuple(_with_who(o, raw, where, path) for o, raw in zip(options, g["options"])),
                            aliases=_aliases(g.get("aliases"), where, path)))
    for group in groups:
        if not group.shown:
            raise CodebookError(f"{path}: grupp {group.id}: minst ett alternativ måste visas (shown_alone: false "
                                "på alla) (at least one option must be shown on its own)")
    return tuple(groups)


def _single_options(raw_q: dict, where: str, scales: dict[str, tuple[Option, ...]],
                    path: Path) -> tuple[Option, ...]:
    """A single-choice question's options: its scale's or its own, at least one of them unfavourable."""
    if "scale" in raw_q:
        if raw_q["scale"] not in scales:
            raise CodebookError(f"{path}: {where} använder skalan '{raw_q['scale']}', som inte finns: "
                                f"{sorted(scales)}")
        options = scales[raw_q["scale"]]
    else:
        options = _options(raw_q.get("options"), where, path)
    if not any(o.unfavourable for o in options):
        raise CodebookError(f"{path}: {where} har inget alternativ markerat unfavourable "
                            "(no unfavourable option)")
    return options


def _question(raw_q: dict, themes: dict, scales: dict[str, tuple[Option, ...]], seen: set,
              path: Path) -> Question | MultiQuestion:
    """One entry of `questions`, its id added to `seen`: a Question, or a MultiQuestion for `type: multi`."""
    qid = raw_q.get("id")
    where = f"fråga {qid}"
    if not qid or qid in seen:
        raise CodebookError(f"{path}: fråga utan id eller med dubbelt id '{qid}' "
                            "(missing or duplicate question id)")
    seen.add(qid)
    qtype = raw_q.get("type", "single")
    if qtype not in ("single", "multi", "freetext"):
        raise CodebookError(f"{path}: {where} har typ '{qtype}', väntade single, multi eller freetext")
    if raw_q.get("theme") not in themes:
        raise CodebookError(f"{path}: {where} har tema '{raw_q.get('theme')}', som inte finns bland themes: "
                            f"{sorted(themes)}")
    options = _single_options(raw_q, where, scales, path) if qtype == "single" else ()
    text = _labels(raw_q.get("text", {}), f"{where} (text)", path)
    short = _labels(raw_q.get("short", raw_q.get("text", {})), f"{where} (short)", path)
    aliases = _aliases(raw_q.get("aliases"), where, path)
    column = str(raw_q.get("column", qid))
    if qtype == "multi":
        return MultiQuestion(id=qid, theme=raw_q["theme"], column=column, text=text, short=short,
                             options=_options(raw_q.get("options"), where, path), aliases=aliases,
                             separator=raw_q.get("separator"))
    return Question(id=qid, theme=raw_q["theme"], type=qtype, column=column, text=text, short=short,
                    options=options, reference=raw_q.get("reference"), aliases=aliases)


def _multi_items(multi: MultiQuestion, seen: set, path: Path) -> list[Question]:
    """The derived single-choice questions `ID__CODE` of a multi-choice question, one per option (1 = Ja)."""
    items = []
    for option in multi.options:
        derived = f"{multi.id}__{option.code}"
        if derived in seen:
            raise CodebookError(f"{path}: fråga {multi.id}: id '{derived}' finns redan (duplicate question id)")
        seen.add(derived)
        items.append(Question(
            id=derived, theme=multi.theme, type="single", column=option.column or f"{multi.id}_{option.code}",
            text={lang: f"{multi.text[lang]} – {option.label[lang]}" for lang in LANGUAGES},
            short={lang: f"{multi.short[lang]}: {option.label[lang]}" for lang in LANGUAGES},
            options=(Option(MULTI_YES, {"sv": "Ja", "en": "Yes"}, unfavourable=True),
                     Option(MULTI_NO, {"sv": "Nej", "en": "No"})),
            aliases=option.aliases, multi=multi.id, multi_option=option.code))
    return items


def _questions(raw_questions: list, themes: dict, scales: dict[str, tuple[Option, ...]], seen: set,
               path: Path) -> tuple[list[Question], list[MultiQuestion]]:
    """The questions (a multi-choice question as its derived items) and the multi-choice questions as given."""
    questions, multis = [], []
    for raw_q in raw_questions:
        question = _question(raw_q, themes, scales, seen, path)
        if isinstance(question, MultiQuestion):
            multis.append(question)
            questions += _multi_items(question, seen, path)
        else:
            questions.append(question)
    return questions, multis


def _index(raw_i: dict, themes: dict, single_ids: set, seen: set, path: Path) -> Index:
    """One entry of `indices`, its id added to `seen`; its items must be single-choice questions."""
    where = f"index {raw_i.get('id')}"
    if not raw_i.get("id") or raw_i["id"] in seen:
        raise CodebookError(f"{path}: index utan id eller med ett id som redan finns: '{raw_i.get('id')}'")
    seen.add(raw_i["id"])
    if raw_i.get("theme") not in themes:
        raise CodebookError(f"{path}: {where} har tema '{raw_i.get('theme')}', som inte finns bland themes")
    items = tuple(raw_i.get("items") or [])
    unknown = [i for i in items if i not in single_ids]
    if not items or unknown:
        raise CodebookError(f"{path}: {where}: items måste vara enkelval i kodboken; "
                            f"okända: {unknown or 'inga items'}")
    scores = {str(k): float(v) for k, v in (raw_i.get("scores") or {}).items()}
    if not scores or max(scores.values()) <= 0 or min(scores.values()) < 0:
        raise CodebookError(f"{path}: {where}: scores ska ge varje svarskod en poäng ≥ 0, och minst en > 0")
    return Index(id=raw_i["id"], theme=raw_i["theme"], items=items, scores=scores,
                 text=_labels(raw_i.get("text", {}), f"{where} (text)", path),
                 short=_labels(raw_i.get("short", raw_i.get("text", {})), f"{where} (short)", path),
                 min_items=int(raw_i.get("min_items", (len(items) + 1) // 2)))


def load_codebook(path: str | Path) -> Codebook:
    path = Path(path)
    raw = _read_yaml(path)
    themes = {t["id"]: _labels(t, f"tema {t.get('id')}", path) for t in raw["themes"]}
    scales = {name: _options(opts, f"skala {name}", path) for name, opts in (raw.get("scales") or {}).items()}
    groups = _groups(raw["groups"], path)
    seen: set = set()   # question and index ids: one namespace
    questions, multis = _questions(raw["questions"], themes, scales, seen, path)
    single_ids = {q.id for q in questions if q.type == "single"}
    indices = [_index(raw_i, themes, single_ids, seen, path) for raw_i in raw.get("indices") or []]

    survey = raw["survey"]
    if (safety := survey.get("safety_question")) is not None and str(safety) not in single_ids:
        raise CodebookError(f"{path}: survey.safety_question '{safety}' är ingen envalsfråga (not a single question)")
    return Codebook(indices=tuple(indices), name=_labels(survey.get("name", {}), "survey.name", path),
                    respondent_id=survey.get("respondent_id", "respondent_id"),
                    wave_column=survey.get("wave_column", "ar"),
                    area_column=raw["area"]["column"], area_level=raw["area"]["level"],
                    themes=themes, groups=groups, questions=tuple(questions), path=path,
                    respondent_id_aliases=_aliases(survey.get("respondent_id_aliases"),
                                                   "survey.respondent_id_aliases", path),
                    wave_aliases=_aliases(survey.get("wave_aliases"), "survey.wave_aliases", path),
                    area_aliases=_aliases(raw["area"].get("aliases"), "area.aliases", path),
                    multis=tuple(multis), safety_question=None if safety is None else str(safety))
