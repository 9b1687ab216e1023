"""Command line: `python -m survey build|check [--config FILE]`.

Progress (a line per file and stage) goes to stderr; the report (rows in, used and quarantined per file, how
the areas matched, warnings) to stdout. Errors go to stderr, one problem a line, and the exit status is 1.
"""
from __future__ import annotations

import argparse
import sys

from .build import _area_matching, build, prepare, report
from .config import load_config
from .ingest import IngestError, thousands

DEFAULT_CONFIG = "config/demo.toml"


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _quarantine_summary(quarantine) -> list[str]:
    """Quarantined rows per file and reason (check writes no quarantine.csv, so it says what would be in it)."""
    if quarantine.empty:
        return []
    lines = []
    for (file, reason), part in quarantine.groupby(["file", "reason"], sort=False):
        rows = sorted(part["row"].astype(int))
        shown = ", ".join(str(r) for r in rows[:3]) + (" …" if len(rows) > 3 else "")
        lines.append(f"Karantän: {file}: {reason}: rad {shown} ({thousands(len(rows))} rader)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m survey", description="Bygg eller kontrollera enkätdata.")
    parser.add_argument("command", choices=["build", "check"], help="build: skriv data/processed; check: bara kontrollera")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help=f"konfigurationsfil (standard {DEFAULT_CONFIG})")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
        if args.command == "check":
            prepared = prepare(config, _progress)
            data = prepared["data"]
            print(report({"files": data.file_counts, "warnings": data.warnings,
                          "area_matching": _area_matching(data.area_matches)}))
            for line in _quarantine_summary(data.quarantine):
                print(line)
            print("Kontrollen gick bra; inget skrevs (check passed; nothing written).")
            return 0
        manifest = build(config, _progress)
    except IngestError as err:
        for warning in err.warnings:
            print(f"Varning: {warning}", file=sys.stderr)
        print("Fel (error):", file=sys.stderr)
        for problem in err.problems:
            print(f"  {problem}", file=sys.stderr)
        print("Inget ändrades i data/processed (nothing was changed).", file=sys.stderr)
        return 1
    except (ValueError, RuntimeError, OSError) as err:
        print(f"Fel (error): {err}", file=sys.stderr)
        print("Inget ändrades i data/processed (nothing was changed).", file=sys.stderr)
        return 1
    print(report(manifest))
    print(f"Klart: {manifest['respondents']} svarande, {len(manifest['waves'])} omgångar, "
          f"bygge {manifest['build_id']} på {manifest['seconds']} s → {config.output_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
