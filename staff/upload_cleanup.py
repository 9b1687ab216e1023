"""Which uploaded files are kept (README, "Från webbläsaren"): the uploads behind the published build and the
previous one (what a restore would bring back), and the KEEP_CHECKS newest other uploads (recent checks a staff
member may still publish); every other upload folder is deleted. Run after each upload and each publish."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from survey.publishing import linked, previous_link

KEEP_CHECKS = 5
UPLOAD_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}$")


def uploads_of(build: Path | None) -> set[str]:
    """The upload folders a build was made from (its manifest's inputs under an upload's folder)."""
    if build is None or not (build / "manifest.json").is_file():
        return set()
    inputs = json.loads((build / "manifest.json").read_text(encoding="utf-8")).get("inputs", [])
    return {Path(i["path"]).parent.name for i in inputs if UPLOAD_ID.match(Path(i["path"]).parent.name)}


def clean(uploads: Path, data_dir: Path) -> list[str]:
    """Delete the upload folders the rule does not keep; returns their names."""
    if not uploads.is_dir():
        return []
    published = uploads_of(linked(data_dir)) | uploads_of(linked(previous_link(data_dir)))
    others = sorted(p.name for p in uploads.iterdir() if p.is_dir() and UPLOAD_ID.match(p.name)
                    and p.name not in published)
    gone = others[:-KEEP_CHECKS] if len(others) > KEEP_CHECKS else []
    for name in gone:
        shutil.rmtree(uploads / name, ignore_errors=True)
    return gone
