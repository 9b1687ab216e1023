"""The build configuration: one TOML file naming the inputs, the area levels and the privacy threshold."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
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
    parent_column: str | None = None
    approximate: bool = False


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


KOMMUN_LEVEL_ID = "kommun"


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
                            approximate=bool(lv.get("approximate", False))))
    if not levels:
        raise ConfigError(f"{path}: minst en [[levels]] behövs (at least one area level is needed)")
    for lower, upper in zip(levels, levels[1:]):
        if not lower.parent_column:
            raise ConfigError(f"{path}: nivån '{lower.id}' saknar parent_column (vilket '{upper.id}' den ligger i)")
    levels.append(Level(id=KOMMUN_LEVEL_ID, label={"sv": "Hela kommunen", "en": "Whole municipality"}))

    min_n = int(raw.get("privacy", {}).get("min_n", 5))
    if min_n < MIN_N_FLOOR:
        raise ConfigError(f"{path}: [privacy] min_n = {min_n}, men får inte vara under {MIN_N_FLOOR} (must be at least {MIN_N_FLOOR})")
    inputs = raw.get("inputs", {})
    responses = inputs.get("responses") or need("inputs", "responses")
    if isinstance(responses, str):
        responses = [responses]
    app = raw.get("app", {})
    return Config(
        path=path,
        kommun_name=need("kommun", "namn"),
        kommun_code=str(need("kommun", "kod")),
        demo=bool(raw["kommun"].get("demo", False)),
        codebook=Path(need("inputs", "codebook")),
        responses=tuple(Path(p) for p in responses),
        reference=Path(inputs["reference"]) if inputs.get("reference") else None,
        reference_geography=inputs.get("reference_geography"),
        levels=tuple(levels),
        min_n=min_n,
        default_language=app.get("default_language", "sv"),
        source_credit=app.get("source_credit", ""),
        output_dir=Path(raw.get("output", {}).get("dir", "data/processed")),
    )
