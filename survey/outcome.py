"""`check` and `build` with their outcome as text: what `python -m survey` prints and what the staff upload page
shows are the same words (report, quarantine, errors), so a staff member and the command line see one message."""
from __future__ import annotations

from dataclasses import dataclass, field

from .config import Config
from .ingest import IngestError, area_matching_summary, thousands

NOTHING_CHANGED = "Inget ändrades i data/processed (nothing was changed)."
STAGED = "Kontrollen gick bra; inget publicerades än (check passed; nothing published yet)."


@dataclass
class Outcome:
    ok: bool
    text: str                    # the report when ok, else the problems, one a line
    manifest: dict | None = None  # build and stage: the new build's manifest
    unknown_areas: list[dict] = field(default_factory=list)  # the area values that stopped it (IngestError)


def quarantine_summary(quarantine) -> list[str]:
    """Quarantined rows per file and reason (check writes no quarantine.csv, so it says what would be in it)."""
    if quarantine.empty:
        return []
    lines = []
    for (file, reason), part in quarantine.groupby(["file", "reason"], sort=False):
        rows = sorted(part["row"].astype(int))
        shown = ", ".join(str(r) for r in rows[:3]) + (" …" if len(rows) > 3 else "")
        lines.append(f"Karantän: {file}: {reason}: rad {shown} ({thousands(len(rows))} rader)")
    return lines


def run(command: str, config: Config, progress=None) -> Outcome:
    """`check` (read and validate everything, write nothing), `stage` (build into data/builds/ without publishing:
    the upload page compares it first) or `build` (and swap the new build in)."""
    # Here, not at the top: the dashboard's workers import this module (the staff upload page) and would otherwise
    # each carry the build's geopandas/shapely/pyproj, which only a check or a publish uses.
    from .build import build, prepare, report, stage

    try:
        if command == "check":
            data = prepare(config, progress)["data"]
            lines = [report({"files": data.file_counts, "warnings": data.warnings, "accounting": data.accounting,
                             "area_matching": area_matching_summary(data.area_matches)}),
                     *quarantine_summary(data.quarantine),
                     "Kontrollen gick bra; inget skrevs (check passed; nothing written)."]
            return Outcome(True, "\n".join(lines))
        manifest = (stage if command == "stage" else build)(config, progress)
    except IngestError as err:
        lines = [f"Varning: {w}" for w in err.warnings] + ["Fel (error):"] + [f"  {p}" for p in err.problems]
        return Outcome(False, "\n".join(lines + [NOTHING_CHANGED]), unknown_areas=err.unknown_areas)
    except (ValueError, RuntimeError, OSError) as err:
        return Outcome(False, f"Fel (error): {err}\n{NOTHING_CHANGED}")
    if command == "stage":
        import pandas as pd  # the quarantine the staged build wrote, summed up as check sums it up

        quarantine = pd.read_csv(config.output_dir.parent / "builds" / manifest["build_id"] / "quarantine.csv")
        lines = [report(manifest), *quarantine_summary(quarantine), STAGED]
        return Outcome(True, "\n".join(lines), manifest)
    done = (f"Klart: {manifest['respondents']} svarande, {len(manifest['waves'])} omgångar, "
            f"bygge {manifest['build_id']} på {manifest['seconds']} s → {config.output_dir}")
    return Outcome(True, report(manifest) + "\n" + done, manifest)
