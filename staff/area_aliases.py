"""Area aliases saved from the upload page: an unknown village name in an export mapped to a known area.

They are kept in a TOML file of their own (survey.config.area_aliases_path: `[inputs] area_aliases_file`, or
area_aliases.toml beside the data folder), read by every check and build with the configuration's own
`[inputs.area_aliases]` over them, so a mapping saved once holds for the next export too. The file is written
whole under a lock and renamed into place, so two staff members saving at once lose nothing.
"""
from __future__ import annotations

import fcntl
import json
import os
import unicodedata
from pathlib import Path

from survey.config import saved_area_aliases

MAX_LENGTH = 200  # characters of a spelling


class AliasError(ValueError):
    """A spelling or an area that cannot be saved; the message says which."""


def _toml_string(text: str) -> str:
    # JSON's escapes (\\", \\\\, \\n, \\uXXXX) are TOML basic strings' escapes too
    return json.dumps(text, ensure_ascii=False)


def save(path: Path, mappings: dict[str, str], area_ids: set[str]) -> dict[str, str]:
    """Add `mappings` (spelling → area id) to the file at `path`; returns every saved alias. AliasError when a
    spelling is empty, too long or has control characters, or the area is not one of `area_ids`."""
    for spelling, area_id in mappings.items():
        if not spelling.strip() or len(spelling) > MAX_LENGTH or any(
                unicodedata.category(c) == "Cc" for c in spelling):
            raise AliasError(spelling[:MAX_LENGTH])
        if area_id not in area_ids:
            raise AliasError(area_id[:MAX_LENGTH])
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        aliases = saved_area_aliases(path) | {k.strip(): v for k, v in mappings.items()}
        lines = ["# Area aliases saved on the staff upload page: \"spelling in the export\" = \"area id\"",
                 "[area_aliases]", *(f"{_toml_string(k)} = {_toml_string(v)}" for k, v in sorted(aliases.items()))]
        new = path.with_name(path.name + ".new")
        new.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(new, path)
    return aliases
