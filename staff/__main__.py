"""`python -m staff hash`: make the password hash for TRYGG_STAFF_PASSWORD_HASH (or [staff] password_hash)."""
from __future__ import annotations

import getpass
import sys

from werkzeug.security import generate_password_hash


def main(argv: list[str]) -> int:
    if argv[:1] != ["hash"]:
        print("användning (usage): python -m staff hash", file=sys.stderr)
        return 2
    password = getpass.getpass("Lösenord för personalsidorna: ")
    if len(password) < 12:
        print("Välj minst 12 tecken (at least 12 characters).", file=sys.stderr)
        return 1
    if getpass.getpass("Samma lösenord igen: ") != password:
        print("Lösenorden är olika (they differ).", file=sys.stderr)
        return 1
    print(generate_password_hash(password))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
