"""Command line: `python -m survey build|check [--config FILE]`."""
from __future__ import annotations

import argparse
import sys

from .build import build, prepare, report
from .config import load_config

DEFAULT_CONFIG = "config/demo.toml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m survey", description="Bygg eller kontrollera enkätdata.")
    parser.add_argument("command", choices=["build", "check"], help="build: skriv data/processed; check: bara kontrollera")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help=f"konfigurationsfil (standard {DEFAULT_CONFIG})")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
        if args.command == "check":
            prepared = prepare(config)
            print(report({"files": prepared["data"].file_counts, "warnings": prepared["data"].warnings}))
            print("Kontrollen gick bra; inget skrevs (check passed; nothing written).")
            return 0
        manifest = build(config)
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
