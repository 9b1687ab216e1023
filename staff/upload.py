"""Staff upload (/personal/uppladdning): new survey exports in from the browser, checked, then published.

1. The staff member uploads the whole new export (every wave: it replaces the configured response files), and
   optionally a new codebook. The files are saved on the server under a fresh folder of their own
   (<data dir>/../uploads/<time>-<random>/, or TRYGG_UPLOAD_DIR), under safe names; only .csv, .xlsx, .sav
   (answers) and .yaml/.yml (codebook) are taken, each at most UPLOAD_LIMIT bytes.
2. The same check as `python -m survey check` runs on them, as a build staged beside the published one and not
   published (survey.outcome "stage": the very words the command prints, or each error with file, row, column).
   The page (staff/upload_page.py) compares it with the published build (survey/compare.py) and offers to map
   unknown area values to known areas (staff/area_aliases.py).
3. "Publicera" swaps the staged build in (survey/publishing.py: one rename; without a staged build it builds
   first) and the public map serves it at its next request, without a restart. "Återställ" swaps the previous
   build back the same way. One publish or restore at a time (a lock file). Old uploads are deleted by the rule
   in staff/upload_cleanup.py. The check and the build run in a child process with memory and time limits
   (staff/bounded.py); the request waits for it, so REQUEST_SECONDS (web/workers.py) must stay above a real
   build's time.

The page and the JSON API (/personal/api/uppladdning, /personal/api/publicera, /personal/api/aterstall) call the
same functions below.
Everything here is behind the staff login (staff/auth.py guards /personal/); each callback and route checks again.
"""
from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import secrets
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from flask import Blueprint, jsonify, request
from werkzeug.utils import secure_filename

from survey.config import ResponseFile, area_aliases_path, load_config
from survey.outcome import Outcome, run
from survey.publishing import RestoreError, linked, restore, swap_in
from translations import text as t

from .auth import LANG, PREFIX, is_staff, staff_lang
from .bounded import bounded
from .upload_cleanup import UPLOAD_ID, clean, uploads_of

ROOT = Path(__file__).resolve().parents[1]
UPLOAD_LIMIT = 50 * 1024 * 1024  # bytes per file
MAX_NAME = 100  # characters of a saved file's name (the file system allows 255 bytes; å is two)
ANSWERS, CODEBOOK = (".csv", ".xlsx", ".sav"), (".yaml", ".yml")
API_UPLOAD, API_PUBLISH = PREFIX + "api/uppladdning", PREFIX + "api/publicera"
API_RESTORE = PREFIX + "api/aterstall"


class UploadError(ValueError):
    """Files that cannot be taken (type, size, none): the message says which file and why."""


def uploads_root(data_dir: Path) -> Path:
    return Path(os.environ.get("TRYGG_UPLOAD_DIR") or Path(data_dir).parent / "uploads")


def save(files: list[tuple[str, bytes]], data_dir: Path, lang: str = LANG) -> str:
    """Save the uploaded files in a new folder; its name (the upload id) is returned. UploadError when a file
    has a type that is not taken, is too large, or when there are no answers among them."""
    problems, kept = [], []
    for name, content in files:
        suffix = Path(name).suffix.lower()
        if suffix not in ANSWERS + CODEBOOK:
            problems.append(t("upload_bad_type", lang).format(file=name[:MAX_NAME],
                                                              allowed=", ".join(ANSWERS + CODEBOOK)))
        elif len(content) > UPLOAD_LIMIT:
            problems.append(t("upload_too_big", lang).format(file=name[:MAX_NAME], mb=UPLOAD_LIMIT // 2**20))
        else:
            kept.append((_short(secure_filename(name)) or f"fil{len(kept) + 1}{suffix}", content))
    if not problems and not any(Path(n).suffix.lower() in ANSWERS for n, _ in kept):
        problems.append(t("upload_no_answers", lang))
    if sum(Path(n).suffix.lower() in CODEBOOK for n, _ in kept) > 1:
        problems.append(t("upload_two_codebooks", lang))
    if problems:
        raise UploadError("\n".join(problems))
    upload_id = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"
    folder = uploads_root(data_dir) / upload_id
    folder.mkdir(parents=True)
    seen = set()
    for name, content in kept:
        while name in seen:  # two files of the same name: keep both
            name = "_" + name
        seen.add(name)
        (folder / name).write_bytes(content)
    clean(uploads_root(data_dir), Path(data_dir))
    return upload_id


def _short(name: str, most: int = MAX_NAME) -> str:
    """A file name of at most `most` characters, its type kept (a 300-character name could not be written)."""
    suffix = Path(name).suffix
    return name if len(name) <= most else name[:most - len(suffix)] + suffix


def upload_config(upload_id: str, data_dir: Path, base_config: Path, lang: str = LANG):
    """The running build's configuration with the uploaded files as its answers (and codebook), built into
    `data_dir` (the folder the app reads)."""
    if not UPLOAD_ID.match(upload_id or ""):
        raise UploadError(t("upload_unknown", lang))
    folder = uploads_root(data_dir) / upload_id
    if not folder.is_dir():
        raise UploadError(t("upload_unknown", lang))
    files = sorted(folder.iterdir())
    config = load_config(base_config)
    answers = tuple(f for f in files if f.suffix.lower() in ANSWERS)
    codebooks = [f for f in files if f.suffix.lower() in CODEBOOK]
    return dataclasses.replace(
        config, responses=answers, codebook=codebooks[0] if codebooks else config.codebook,
        response_files=tuple(ResponseFile(path=f) for f in answers),
        output_dir=Path(data_dir))


def aliases_file(data_dir: Path, base_config: Path) -> Path:
    """Where the page saves area aliases: the file the upload's check and build read (survey.config)."""
    return area_aliases_path(dataclasses.replace(load_config(base_config), output_dir=Path(data_dir)))


def _plain(outcome: Outcome, upload_id: str, data_dir: Path) -> Outcome:
    """File names as the staff member uploaded them (without the server's upload folder), other paths relative
    to the project (the configured codebook, the data folder): no absolute server path on the page."""
    text = outcome.text.replace(f"{uploads_root(data_dir) / upload_id}{os.sep}", "")
    for folder in {Path(data_dir).resolve().parent, Path(data_dir).parent.absolute(), ROOT}:
        text = text.replace(f"{folder}{os.sep}", "")
    outcome.text = text
    return outcome


def check(upload_id: str, data_dir: Path, base_config: Path) -> Outcome:
    """The check, as a build staged beside the published one (not published): the page compares the two, and
    Publicera then swaps in exactly the build that was checked and compared."""
    return _plain(bounded(run, "stage", upload_config(upload_id, data_dir, base_config)), upload_id, data_dir)


def staged_build(upload_id: str, data_dir: Path) -> Path | None:
    """The newest build staged from this upload and not published yet (a pruned one is built again)."""
    builds = Path(data_dir).parent / "builds"
    found = [b for b in sorted(builds.iterdir()) if b.is_dir() and uploads_of(b) == {upload_id}] \
        if builds.is_dir() else []
    return found[-1] if found and found[-1] != linked(Path(data_dir)) else None


@contextmanager
def publishing_lock(data_dir: Path):
    """One publish or restore at a time: yields False when another holds the lock."""
    root = uploads_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".publicera.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def publish(upload_id: str, data_dir: Path, base_config: Path, lang: str = LANG) -> Outcome:
    """Swap in the build the check staged (or build it, when there is none); one at a time (a second publish
    meanwhile is told so and changes nothing)."""
    config = upload_config(upload_id, data_dir, base_config, lang)
    with publishing_lock(data_dir) as held:
        if not held:
            return Outcome(False, t("upload_busy", lang))
        staged = staged_build(upload_id, data_dir)
        if staged is None:
            outcome = _plain(bounded(run, "build", config), upload_id, data_dir)
        else:
            swap_in(staged, Path(data_dir))
            manifest = json.loads((staged / "manifest.json").read_text(encoding="utf-8"))
            outcome = Outcome(True, f"Klart: {manifest['respondents']} svarande, {len(manifest['waves'])} omgångar, "
                                    f"bygge {manifest['build_id']} publicerat (published)", manifest)
    clean(uploads_root(data_dir), Path(data_dir))
    return outcome


def restore_previous(data_dir: Path, lang: str = LANG) -> Outcome:
    """Publish the previous build again (survey.publishing.restore), under the publishing lock."""
    with publishing_lock(data_dir) as held:
        if not held:
            return Outcome(False, t("upload_busy", lang))
        try:
            folder = restore(Path(data_dir))
        except RestoreError:
            return Outcome(False, t("upload_no_previous", lang))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return Outcome(True, t("upload_restored", lang).format(build=manifest["build_id"]), manifest)


def config_of(get_results) -> Path:
    """The configuration the published build was made with (the upload's base)."""
    return ROOT / get_results().manifest["config"]


def register(server, get_results, data_dir: Path) -> None:
    """The JSON API, and a larger request size for uploads by staff (the page's callbacks: staff/upload_page.py)."""
    data_dir = Path(data_dir)

    def base_config() -> Path:
        return config_of(get_results)

    @server.before_request
    def allow_large_uploads():
        # web/security.py caps every request at 2 MiB; a staff member's upload may be larger (base64 in a callback).
        if request.path in (PREFIX + "_dash-update-component", API_UPLOAD) and is_staff():
            request.max_content_length = UPLOAD_LIMIT * 2

    api = Blueprint("staff_upload_api", __name__)

    @api.post(API_UPLOAD)
    def api_upload():
        if not is_staff():
            return jsonify({"error": t("staff_login_required", staff_lang())}), 401
        try:
            upload_id = save([(f.filename or "", f.read()) for f in request.files.getlist("filer")], data_dir,
                             staff_lang())
            outcome = check(upload_id, data_dir, base_config())
        except UploadError as err:
            return jsonify({"ok": False, "error": str(err)}), 400
        return jsonify({"ok": outcome.ok, "upload_id": upload_id, "report": outcome.text}), 200 if outcome.ok else 422

    @api.post(API_PUBLISH)
    def api_publish():
        if not is_staff():
            return jsonify({"error": t("staff_login_required", staff_lang())}), 401
        try:
            outcome = publish(str((request.get_json(silent=True) or {}).get("upload_id", "")), data_dir, base_config(),
                              staff_lang())
        except UploadError as err:
            return jsonify({"ok": False, "error": str(err)}), 400
        body = {"ok": outcome.ok, "report": outcome.text,
                "build_id": outcome.manifest["build_id"] if outcome.manifest else None}
        return jsonify(body), 200 if outcome.ok else 422

    @api.post(API_RESTORE)
    def api_restore():
        if not is_staff():
            return jsonify({"error": t("staff_login_required", staff_lang())}), 401
        outcome = restore_previous(data_dir, staff_lang())
        body = {"ok": outcome.ok, "report": outcome.text,
                "build_id": outcome.manifest["build_id"] if outcome.manifest else None}
        return jsonify(body), 200 if outcome.ok else 409

    server.register_blueprint(api)
