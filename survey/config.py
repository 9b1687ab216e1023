"""The build configuration: one TOML file naming the inputs, the area levels and the privacy threshold."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

MIN_N_FLOOR = 3  # the suppression threshold may be raised, never set below this


class ConfigError(ValueError):
    """A problem in the configuration file, with the key it concerns."""


@dataclass(frozen=True)
class Level:
    id: str
    label: dict[str, str]
    file: Path | None = None
    id_column: str = "id"
    name_column: str = "name"
    parent_column: str | None = None  # None (below the top level): the parent is found by spatial containment
    approximate: bool = False
    layer: str | None = None           # GeoPackage (or other multi-layer file): the layer's name
    aliases_column: str | None = None  # a column of other spellings of the name ("Idrefjäll; Idre fjällby")


@dataclass(frozen=True)
class ResponseFile:
    """One response export: `responses = ["a.csv", {file = "b.xlsx", wave = 2016, sheet = "Svar"}]`."""
    path: Path
    wave: int | None = None            # the file's wave when it has no wave column
    sheet: str | None = None           # Excel: the sheet's name (default the first)
    header_row: int | None = None      # the header's row as Excel numbers it (default: found by its column names)
    may_be_empty: bool = False         # a file (or its wave) without usable rows warns instead of stopping the build


@dataclass(frozen=True)
class Config:
    path: Path
    kommun_name: str
    kommun_code: str
    demo: bool
    codebook: Path
    responses: tuple[Path, ...]
    reference: Path | None
    reference_geography: str | None
    levels: tuple[Level, ...]  # finest first, ending with the derived level "kommun"
    min_n: int
    default_language: str
    source_credit: str
    output_dir: Path
    population: Path | None = None              # [weighting] population margins (CSV); None: unweighted
    weight_dimensions: tuple[str, ...] = ()     # the groups raked to, within each area of the population file
    weight_cap: float = 5.0                     # largest weight as a multiple of the mean
    reliable_min_n: int = 30                    # [reliability] fewer answers: the estimate is flagged uncertain
    reliable_max_width: float = 0.25            # a wider 95 % interval (as a share) is flagged uncertain too
    response_files: tuple[ResponseFile, ...] = ()  # the same files as `responses`, with their per-file options
    allow_unmatched_areas: bool = False         # [inputs]: build on with unknown areas quarantined, not fail
    area_aliases: dict[str, str] = field(default_factory=dict)  # [inputs.area_aliases] "spelling" = "area id or name"
    population_margins: Path | None = None      # [inputs] population (or [weighting] population): validated, stored
    roll_up: bool = True                        # [privacy] a hidden area shows its enclosing area's value, labelled
    kommun_full_name: str = ""                  # [kommun] fullnamn: "Moras kommun", as the municipality writes it
    max_unrecognised: float = 0.05              # [inputs]: the share of a question's answers that may be unrecognised
    unrecognised_allowed: dict[str, float] = field(default_factory=dict)  # [inputs.unrecognised_allowed] per question
    area_aliases_file: Path | None = None       # [inputs]: staff's saved aliases (default: area_aliases_path)
    source_credits: dict[str, str] = field(default_factory=dict)  # [app] source_credit = {sv, en}: per language
    public_url: str = ""                        # [app] the address the audience reaches ("Dela", the QR code)
    whole_kind: str = "kommun"                  # [kommun] typ: what the whole is, a key of WHOLE_KINDS

    @property
    def whole_name(self) -> str:
        """The whole's full name: its area's name and the headings' ("Älvdalens kommun", "Polisregion Bergslagen")."""
        return kommun_area_name(self.kommun_name, self.kommun_full_name, self.whole_kind)


KOMMUN_LEVEL_ID = "kommun"
# What the survey's whole is (`[kommun] typ`): a municipality (the default), a police region or a county, whose
# finest level may then be its municipalities. Its label as the level KOMMUN_LEVEL_ID; the interface's words for it
# ("kommunen", "regionen", "länet") are in the catalogs (views/labels.py, whole_words).
WHOLE_KINDS = {"kommun": {"sv": "Hela kommunen", "en": "Whole municipality"},
               "region": {"sv": "Hela regionen", "en": "Whole region"},
               "län": {"sv": "Hela länet", "en": "Whole county"}}


def kommun_area_name(name: str, full_name: str = "", kind: str = "kommun") -> str:
    """The whole as an area: its full name as the configuration writes it (`[kommun] fullnamn = "Falu kommun"`,
    "Stockholms stad", "Region Gotland", "Polisregion Bergslagen"), else its name as written. Never made by a
    grammar rule ("Faluns kommun", "Håbos kommun" would be wrong); the build warns when the name is also an
    area's (survey/build.py)."""
    return full_name.strip() or name.strip()


def load_config(path: str | Path) -> Config:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: filen finns inte (file not found)") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: inte giltig TOML (not valid TOML): {err}") from None

    def need(section: str, key: str):
        try:
            return raw[section][key]
        except KeyError:
            raise ConfigError(f"{path}: [{section}] {key} saknas (missing)") from None

    levels = []
    for i, lv in enumerate(raw.get("levels", []), start=1):
        for key in ("id", "file", "id_column", "name_column", "label"):
            if key not in lv:
                raise ConfigError(f"{path}: [[levels]] nr {i} saknar '{key}' (missing)")
        if lv["id"] == KOMMUN_LEVEL_ID:
            raise ConfigError(f"{path}: [[levels]] nr {i}: id '{KOMMUN_LEVEL_ID}' är reserverat för hela kommunen")
        levels.append(Level(id=lv["id"], label=dict(lv["label"]), file=Path(lv["file"]), id_column=lv["id_column"],
                            name_column=lv["name_column"], parent_column=lv.get("parent_column"),
                            approximate=bool(lv.get("approximate", False)), layer=lv.get("layer"),
                            aliases_column=lv.get("aliases_column")))
    if not levels:
        raise ConfigError(f"{path}: minst en [[levels]] behövs (at least one area level is needed)")
    # A level without parent_column gets its parent by spatial containment (survey/geography.py).
    kind = _whole_kind(path, raw)
    levels.append(Level(id=KOMMUN_LEVEL_ID, label=dict(WHOLE_KINDS[kind])))

    min_n = int(raw.get("privacy", {}).get("min_n", 5))
    if min_n < MIN_N_FLOOR:
        raise ConfigError(f"{path}: [privacy] min_n = {min_n}, men får inte vara under {MIN_N_FLOOR} "
                          f"(must be at least {MIN_N_FLOOR})")
    inputs = raw.get("inputs", {})
    responses = inputs.get("responses") or need("inputs", "responses")
    if isinstance(responses, (str, dict)):
        responses = [responses]
    response_files = tuple(_response_file(path, i, r) for i, r in enumerate(responses, start=1))
    area_aliases = _aliases(f"{path}: [inputs] area_aliases", inputs.get("area_aliases", {}))
    max_unrecognised, unrecognised_allowed = _unrecognised(path, inputs)
    population_margins = inputs.get("population") or raw.get("weighting", {}).get("population")
    app = raw.get("app", {})
    weighting, reliability = raw.get("weighting", {}), raw.get("reliability", {})
    if weighting.get("population") and not weighting.get("dimensions"):
        raise ConfigError(f"{path}: [weighting] dimensions saknas, t.ex. dimensions = [\"kon\", \"alder\"]")
    return Config(
        path=path,
        kommun_name=need("kommun", "namn"),
        kommun_code=str(need("kommun", "kod")),
        kommun_full_name=str(raw["kommun"].get("fullnamn", "")),
        whole_kind=kind,
        demo=bool(raw["kommun"].get("demo", False)),
        codebook=Path(need("inputs", "codebook")),
        responses=tuple(r.path for r in response_files),
        reference=Path(inputs["reference"]) if inputs.get("reference") else None,
        reference_geography=inputs.get("reference_geography"),
        levels=tuple(levels),
        min_n=min_n,
        default_language=app.get("default_language", "sv"),
        source_credit=_credits(path, app)[app.get("default_language", "sv")],
        source_credits=_credits(path, app),
        public_url=_public_url(path, app),
        output_dir=Path(raw.get("output", {}).get("dir", "data/processed")),
        area_aliases_file=Path(inputs["area_aliases_file"]) if inputs.get("area_aliases_file") else None,
        population=Path(weighting["population"]) if weighting.get("population") else None,
        weight_dimensions=tuple(weighting.get("dimensions", ())),
        weight_cap=float(weighting.get("cap", 5.0)),
        reliable_min_n=int(reliability.get("min_n", 30)),
        reliable_max_width=float(reliability.get("max_interval_width", 0.25)),
        response_files=response_files,
        allow_unmatched_areas=bool(inputs.get("allow_unmatched_areas", False)),
        area_aliases=area_aliases,
        population_margins=Path(population_margins) if population_margins else None,
        roll_up=bool(raw.get("privacy", {}).get("roll_up", True)),
        max_unrecognised=max_unrecognised, unrecognised_allowed=unrecognised_allowed,
    )


def _whole_kind(path: Path, raw: dict) -> str:
    """`[kommun] typ`: what the whole is ("kommun", the default; "region", "län")."""
    kind = raw.get("kommun", {}).get("typ", "kommun")
    if not isinstance(kind, str) or kind not in WHOLE_KINDS:
        raise ConfigError(f"{path}: [kommun] typ = {kind!r}, väntade en av {', '.join(map(repr, WHOLE_KINDS))} "
                          "(expected one of these)")
    return kind


def _aliases(where: str, aliases) -> dict[str, str]:
    if not isinstance(aliases, dict) or not all(isinstance(v, str) for v in aliases.values()):
        raise ConfigError(f'{where} ska vara en tabell "stavning" = "områdets id eller namn" '
                          "(must be a table of spelling = area id or name)")
    return {str(k): v for k, v in aliases.items()}


def area_aliases_path(config: Config) -> Path:
    """Where staff's area aliases are saved (staff/area_aliases.py): `[inputs] area_aliases_file`, or
    area_aliases.toml beside the data folder (data/area_aliases.toml)."""
    return config.area_aliases_file or config.output_dir.parent / "area_aliases.toml"


def all_area_aliases(config: Config) -> dict[str, str]:
    """The aliases the build uses: the saved ones, and the configuration's own [inputs.area_aliases] over them."""
    return saved_area_aliases(area_aliases_path(config)) | config.area_aliases


def saved_area_aliases(path: Path) -> dict[str, str]:
    """The aliases in a saved file (`[area_aliases]` "spelling" = "area id"); none if it is absent."""
    if not path.is_file():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: inte giltig TOML (not valid TOML): {err}") from None
    return _aliases(str(path), raw.get("area_aliases", {}))


def _credits(path: Path, app: dict) -> dict[str, str]:
    """`[app] source_credit`: one text, or a text per language {sv = "Källa: …", en = "Source: …"}."""
    credit = app.get("source_credit", "")
    if isinstance(credit, str):
        return {"sv": credit, "en": credit}
    if not isinstance(credit, dict) or not all(isinstance(credit.get(lang), str) for lang in ("sv", "en")):
        raise ConfigError(f'{path}: [app] source_credit ska vara en text eller {{sv = "…", en = "…"}} '
                          "(a text, or one per language)")
    return {"sv": credit["sv"], "en": credit["en"]}


def _public_url(path: Path, app: dict) -> str:
    """`[app] public_url`: where the audience's phones reach the app, e.g. "https://trygghet.kommun.se" or
    "http://192.168.1.10:8050" ("Dela" and its QR code use it); "" when not set."""
    url = app.get("public_url", "")
    if url == "":
        return ""
    if not isinstance(url, str) or not re.fullmatch(r"https?://[^/?#\s]+/?", url.strip()):
        raise ConfigError(f"{path}: [app] public_url = {url!r}, väntade en adress som "
                          '"https://trygghet.kommun.se" eller "http://192.168.1.10:8050", utan sökväg '
                          "(expected scheme, host and port only)")
    return url.strip().rstrip("/")


def _share(where: str, value) -> float:
    if value is True:
        return 1.0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ConfigError(f"{where} = {value!r}, väntade en andel mellan 0 och 1, t.ex. 0.05 (expected a share)")
    return float(value)


def _unrecognised(path: Path, inputs: dict) -> tuple[float, dict[str, float]]:
    """`[inputs] max_unrecognised = 0.05` and `[inputs.unrecognised_allowed] q1 = 0.2` (true or 1: anything,
    even a question without any recognised answer)."""
    share = _share(f"{path}: [inputs] max_unrecognised", inputs.get("max_unrecognised", 0.05))
    allowed = inputs.get("unrecognised_allowed", {})
    if not isinstance(allowed, dict):
        raise ConfigError(f"{path}: [inputs] unrecognised_allowed ska vara en tabell fråga = andel "
                          "(must be a table of question = share)")
    return share, {str(k): _share(f"{path}: [inputs.unrecognised_allowed] {k}", v) for k, v in allowed.items()}


def _response_file(path: Path, i: int, raw) -> ResponseFile:
    """A response file given as a path, or as a table {file, wave?, sheet?, header_row?}."""
    if isinstance(raw, str):
        return ResponseFile(Path(raw))
    where = f"{path}: [inputs] responses nr {i}"
    if not isinstance(raw, dict) or not raw.get("file"):
        raise ConfigError(f'{where}: väntade en sökväg eller {{file = "...", wave = 2019}} '
                          "(expected a path or a table)")
    unknown = sorted(set(raw) - {"file", "wave", "sheet", "header_row", "may_be_empty"})
    if unknown:
        raise ConfigError(f"{where}: okänd nyckel {', '.join(unknown)} (unknown key); tillåtna: file, wave, sheet, "
                          "header_row, may_be_empty")
    for key in ("wave", "header_row"):
        if key in raw and (isinstance(raw[key], bool) or not isinstance(raw[key], int)):
            raise ConfigError(f"{where}: {key} = {raw[key]!r}, väntade ett heltal (expected a whole number)")
    return ResponseFile(Path(raw["file"]), wave=raw.get("wave"), sheet=raw.get("sheet"),
                        header_row=raw.get("header_row"), may_be_empty=bool(raw.get("may_be_empty", False)))
