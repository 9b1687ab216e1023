"""Command line: `python -m survey build|check [--config FILE]`.

Progress (a line per file and stage) goes to stderr; the report (rows in, used and quarantined per file, how
the areas matched, warnings) to stdout. Errors go to stderr, one problem a line, and the exit status is 1.
"""
from __future__ import annotations

import argparse
import sys

from .config import ConfigError, load_config
from .outcome import NOTHING_CHANGED, run

DEFAULT_CONFIG = "config/demo.toml"


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m survey", description="Bygg eller kontrollera enkätdata.")
    parser.add_argument("command", choices=["build", "check"],
                        help="build: skriv data/processed; check: bara kontrollera")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help=f"konfigurationsfil (standard {DEFAULT_CONFIG})")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except (ConfigError, ValueError, OSError) as err:
        print(f"Fel (error): {err}\n{NOTHING_CHANGED}", file=sys.stderr)
        return 1
    outcome = run(args.command, config, _progress)
    print(outcome.text, file=sys.stdout if outcome.ok else sys.stderr)
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())
