"""Staff upload (/personal/uppladdning): new survey exports in from the browser, checked, then published.

1. The staff member uploads the whole new export (every wave: it replaces the configured response files), and
   optionally a new codebook. The files are saved on the server under a fresh folder of their own
   (<data dir>/../uploads/<time>-<random>/, or TRYGG_UPLOAD_DIR), under safe names; only .csv, .xlsx, .sav
   (answers) and .yaml/.yml (codebook) are taken, each at most UPLOAD_LIMIT bytes.
2. The same check as `python -m survey check` runs on them (survey.outcome: the very words the command prints:
   rows in, used and quarantined per file, how the areas matched, warnings, or each error with file, row, column).
3. "Publicera" runs the build (survey.build: written to a new folder, swapped in with one rename; a failure leaves
   the published data as it was) and the public map serves the new build at its next request, without a restart.
   One publish at a time (a lock file). The check and the build run in a child process with memory and time
   limits (staff/bounded.py; the demo takes about a second); the request waits for it, so REQUEST_SECONDS
   (web/workers.py) must stay above a real build's time.

The page and the JSON API (/personal/api/uppladdning, /personal/api/publicera) call the same functions below.
Everything here is behind the staff login (staff/auth.py guards /personal/); each callback and route checks again.
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import fcntl
import os
import re
import secrets
from datetime import datetime, timezone
from pathlib import Path

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update
from flask import Blueprint, jsonify, request
from werkzeug.utils import secure_filename

from survey.config import ResponseFile, load_config
from survey.outcome import Outcome, run
from translations import text as t

from .auth import LANG, PREFIX, is_staff, staff_lang
from .bounded import bounded

ROOT = Path(__file__).resolve().parents[1]
UPLOAD_LIMIT = 50 * 1024 * 1024  # bytes per file
MAX_NAME = 100  # characters of a saved file's name (the file system allows 255 bytes; å is two)
ANSWERS, CODEBOOK = (".csv", ".xlsx", ".sav"), (".yaml", ".yml")
UPLOAD_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}$")
API_UPLOAD, API_PUBLISH = PREFIX + "api/uppladdning", PREFIX + "api/publicera"


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


def _plain(outcome: Outcome, upload_id: str, data_dir: Path) -> Outcome:
    """File names as the staff member uploaded them (without the server's upload folder), other paths relative
    to the project (the configured codebook, the data folder): no absolute server path on the page."""
    text = outcome.text.replace(f"{uploads_root(data_dir) / upload_id}{os.sep}", "")
    for folder in {Path(data_dir).resolve().parent, Path(data_dir).parent.absolute(), ROOT}:
        text = text.replace(f"{folder}{os.sep}", "")
    outcome.text = text
    return outcome


def check(upload_id: str, data_dir: Path, base_config: Path) -> Outcome:
    return _plain(bounded(run, "check", upload_config(upload_id, data_dir, base_config)), upload_id, data_dir)


def publish(upload_id: str, data_dir: Path, base_config: Path, lang: str = LANG) -> Outcome:
    """Build and swap in; one at a time (a second publish meanwhile is told so and changes nothing)."""
    config = upload_config(upload_id, data_dir, base_config, lang)
    lock_path = uploads_root(data_dir) / ".publicera.lock"
    with open(lock_path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return Outcome(False, t("upload_busy", lang))
        return _plain(bounded(run, "build", config), upload_id, data_dir)


# ---- the page ----------------------------------------------------------------------------------------------------

def page(lang: str = LANG) -> html.Div:
    """The page in `lang`; the check's report is in the words of `python -m survey` (Swedish, with English
    in brackets where it matters)."""
    mb = UPLOAD_LIMIT // 2**20
    return html.Div([
        html.H2(t("upload_heading", lang), className="h5"),
        dcc.Markdown(t("upload_intro", lang).format(mb=mb), className="small"),
        # In a <label>: the file input inside gets its name from the text (WCAG 1.3.1/4.1.2), and a click on the
        # label opens the file chooser (the browser's own label behaviour, so Upload's own click is off).
        html.Label(dcc.Upload(id="staff-upload-files", multiple=True, accept=",".join(ANSWERS + CODEBOOK),
                              disable_click=True,
                              children=html.Div([t("upload_drop", lang), " ", html.Span(
                                  t("upload_choose", lang), className="text-decoration-underline")]),
                              className="staff-upload-drop border border-2 rounded p-4 text-center",
                              style={"borderStyle": "dashed", "cursor": "pointer"}),
                   className="d-block mb-3"),
        dcc.Store(id="staff-upload-id"),
        dcc.Loading(html.Div(id="staff-upload-report", **{"aria-live": "polite"}), type="default"),
        html.Button(t("upload_publish", lang), id="staff-publish", disabled=True, className="btn btn-primary my-3"),
        dcc.Loading(html.Div(id="staff-publish-result", **{"aria-live": "polite"}), type="default"),
    ], id="staff-upload")


def _report(outcome: Outcome, ok_key: str, bad_key: str, lang: str) -> list:
    return [dbc.Alert(t(ok_key if outcome.ok else bad_key, lang), color="success" if outcome.ok else "danger",
                      className="mb-2"),
            html.Pre(outcome.text, className="staff-report border rounded p-2 small", tabIndex=0, lang="sv",
                     style={"whiteSpace": "pre-wrap"})]


def register(app, server, get_results, data_dir: Path) -> None:
    """The page's callbacks, the JSON API, and a larger request size for uploads by staff."""
    data_dir = Path(data_dir)

    def base_config() -> Path:
        return ROOT / get_results().manifest["config"]

    @server.before_request
    def allow_large_uploads():
        # web/security.py caps every request at 2 MiB; a staff member's upload may be larger (base64 in a callback).
        if request.path in (PREFIX + "_dash-update-component", API_UPLOAD) and is_staff():
            request.max_content_length = UPLOAD_LIMIT * 2

    @app.callback(Output("staff-upload-report", "children"), Output("staff-upload-id", "data"),
                  Output("staff-publish", "disabled"), Output("staff-publish-result", "children"),
                  Input("staff-upload-files", "contents"), State("staff-upload-files", "filename"),
                  State("staff-url", "search"), prevent_initial_call=True)
    def check_files(contents, names, search):
        lang = staff_lang(search)
        if not is_staff():
            return html.P(t("staff_login_first", lang)), None, True, None
        try:
            files = [(name, base64.b64decode(content.split(",", 1)[1], validate=True))
                     for name, content in zip(names or [], contents or [])]
            upload_id = save(files, data_dir, lang)
            outcome = check(upload_id, data_dir, base_config())
        except (UploadError, binascii.Error, IndexError) as err:
            return dbc.Alert(str(err) or t("upload_unreadable", lang), color="danger"), None, True, None
        report = _report(outcome, "upload_check_ok", "upload_check_failed", lang)
        return report, upload_id if outcome.ok else None, not outcome.ok, None

    @app.callback(Output("staff-publish-result", "children", allow_duplicate=True),
                  Output("staff-publish", "disabled", allow_duplicate=True),
                  Input("staff-publish", "n_clicks"), State("staff-upload-id", "data"), State("staff-url", "search"),
                  prevent_initial_call=True)
    def publish_upload(clicks, upload_id, search):
        lang = staff_lang(search)
        if not is_staff():
            return html.P(t("staff_login_first", lang)), True
        if not clicks or not upload_id:
            return no_update, no_update
        try:
            outcome = publish(upload_id, data_dir, base_config(), lang)
        except UploadError as err:
            return dbc.Alert(str(err), color="danger"), True
        return _report(outcome, "upload_published", "upload_publish_failed", lang), outcome.ok

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

    server.register_blueprint(api)
