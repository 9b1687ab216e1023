"""The export routes. GET /export/table.csv and /export/table.xlsx with the view's URL parameters
(views/params.py): the table the dashboard shows for that view; unknown values fall back to the default view, as
a shared link does. The API's format=csv|xlsx is the same file (api/v1.py).

A story's PowerPoint or PDF is a job (exports/jobs.py): POST /export/story.pptx|pdf with {"views": [...],
"lang": "sv"} answers 202 with the job's id (400 for a story over MAX_STORY views, 429 when the client asked for
too many or the queue is full, with a message in the language); GET /export/jobs/<id> its status;
GET /export/jobs/<id>.pptx|pdf the file when it is done. The page's buttons start the same jobs
(callbacks/sharing.py) and poll their status.
"""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from views.params import known_language, parse_view
from views.story import MAX_STORY, StoryTooLong, story_views
from views.texts import t

from .jobs import KINDS, QueueFull, queue, valid_job_id
from .rate import export_allowed
from .tables import table_file

KIND_NAMES = {"pptx": "PowerPoint", "pdf": "PDF"}


def start_story_export(results, kind: str, story, lang: str, prepare=None) -> tuple[str | None, int, str]:
    """Start the story's file as a job: (job id or None, HTTP status, message for the user). The story's length
    first, then the client's limit, then a slot in the queue: a refused request costs nothing. `prepare(results,
    views, lang)`, given by a layer above, makes the slides this layer cannot (a promise's, promises/slide.py)."""
    try:
        views = story_views(story)
        if not views:
            return None, 400, t("story_empty", lang)
    except StoryTooLong:
        return None, 400, too_long(story, lang)
    if not export_allowed():
        return None, 429, t("story_rate_limited", lang)
    try:
        job = queue().submit(kind, prepare(results, views, lang) if prepare else views, lang, str(results.folder))
    except QueueFull:
        return None, 429, t("story_queue_full", lang)
    return job, 202, t("story_file_queued", lang, kind=KIND_NAMES[kind])


def too_long(story, lang: str) -> str:
    return t("story_too_long", lang, n=len(story) if isinstance(story, list) else "?", max=MAX_STORY)


def job_message(status: dict, lang: str) -> str:
    """A job's status in a sentence for the page."""
    kind = KIND_NAMES.get(status.get("kind"), "")
    if status["state"] == "queued":
        return t("story_file_queued", lang, kind=kind)
    if status["state"] == "running" and not status.get("done"):
        return t("working", lang)
    if status["state"] == "running":
        return t("story_file_progress", lang, kind=kind, done=status.get("done", 0), total=status.get("total", 0))
    if status["state"] == "done":
        return t("story_file_done", lang, kind=kind, n=status.get("total", 0))
    if status["state"] == "failed":
        return t("story_file_failed", lang, kind=kind, error=status.get("error", ""))
    return t("story_file_gone", lang)


def make_blueprint(get_results, prepare=None) -> Blueprint:
    """`prepare`: see start_story_export (web/app.py gives promises/slide.py's)."""
    exports = Blueprint("exports", __name__, url_prefix="/export")

    @exports.get("/table.<fmt>")
    def table_download(fmt: str):
        if fmt not in ("csv", "xlsx"):
            return Response("csv or xlsx", status=404)
        results = get_results()
        body, mimetype, name = table_file(results, parse_view(request.args.to_dict(), results), fmt)
        return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                          "Cache-Control": "no-store"})

    @exports.post("/story.<kind>")
    def story_export(kind: str):
        if kind not in KINDS:
            return jsonify({"error": "pptx or pdf"}), 404
        body = request.get_json(silent=True)
        body = body if isinstance(body, dict) else {}
        lang = known_language(body.get("lang"))
        job, status, message = start_story_export(get_results(), kind, body.get("views"), lang, prepare)
        if job is None:
            return jsonify({"error": message}), status, {"Retry-After": "60"} if status == 429 else {}
        return jsonify({"job": job, "status": f"/export/jobs/{job}", "file": f"/export/jobs/{job}.{kind}",
                        "message": message}), 202

    @exports.get("/jobs/<job_id>")
    def job_status(job_id: str):
        status = queue().status(job_id) if valid_job_id(job_id) else {"state": "gone"}
        lang = known_language(request.args.get("lang"))
        return jsonify({**status, "message": job_message(status, lang)}), 404 if status["state"] == "gone" else 200

    @exports.get("/jobs/<job_id>.<kind>")
    def job_file(job_id: str, kind: str):
        body = queue().file(job_id, kind) if kind in KINDS and valid_job_id(job_id) else None
        if body is None:
            return jsonify({"error": t("story_file_gone", known_language(request.args.get("lang")))}), 404
        return Response(body, mimetype=KINDS[kind], headers={
            "Content-Disposition": f'attachment; filename="trygghetskartan.{kind}"', "Cache-Control": "no-store"})

    return exports

