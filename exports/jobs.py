"""A story's PowerPoint or PDF made as a job, off the request path (issue 22): drawing a chart starts Chromium
(kaleido) and takes about a second; a request never waits for it, and the whole server draws a bounded number.

- Embedded (default): each gunicorn worker hands its jobs to its own process pool (concurrent.futures, one
  process, started lazily, niced so the web workers keep the CPU). Two semaphores made at import, in gunicorn's
  master before it forks the workers (preload_app), bound the whole server: EXPORT_QUEUE slots for jobs waiting
  or drawing (none free: QueueFull, a 429) and EXPORT_RENDERERS jobs drawing at once. A job's status and file are
  written to EXPORT_DIR, so whichever worker a poll reaches answers it.
- With REDIS_URL (the scale-out setup): an RQ queue on that Redis, drawn by `rq worker` processes
  (`python -m exports.jobs`; deploy/cluster.py starts EXPORT_RENDERERS of them); the queue's length is checked
  against EXPORT_QUEUE before a job is added; the status is the job's meta, the file its result.

Each job has JOB_SECONDS to finish (SIGALRM in the pool process, RQ's job_timeout there), then it fails with a
message; a finished file is kept RESULT_SECONDS. The story's length is checked before any work (views/story.py's
MAX_STORY, the file import's limit). Job ids are random (128 bits): knowing one is the only way to its file.
"""
from __future__ import annotations

import json
import logging
import multiprocessing
import os
import secrets
import signal
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from survey.results import open_results
from views.story import item_slide

from .slides import pdf_bytes, pptx_bytes, render_images

log = logging.getLogger("trygghetskartan.exports")

KINDS = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
         "pdf": "application/pdf"}
RENDERERS = max(1, int(os.environ.get("EXPORT_RENDERERS", "1")))  # jobs drawing at once, whole server
QUEUE = max(1, int(os.environ.get("EXPORT_QUEUE", "8")))  # jobs waiting or drawing, whole server
JOB_SECONDS = int(os.environ.get("EXPORT_JOB_SECONDS", "120"))
RESULT_SECONDS = 600
RQ_QUEUE = "trygghetskartan-exports"

_fork = multiprocessing.get_context("fork")
_slots = _fork.BoundedSemaphore(QUEUE)  # made before gunicorn forks: shared by every worker and its pool
_renderers = _fork.BoundedSemaphore(RENDERERS)


class QueueFull(RuntimeError):
    """Every slot of the export queue is taken: try again in a minute (429)."""


class JobTimeout(RuntimeError):
    pass


def valid_job_id(job_id) -> bool:
    """An id of the shape submit makes (it names files: nothing else is looked up)."""
    return isinstance(job_id, str) and 10 <= len(job_id) <= 40 and all(c.isalnum() or c in "-_" for c in job_id)


def draw(kind: str, views: list[dict], lang: str, data_dir: str, progress) -> bytes:
    """The story's file (the slides of views/slides.py, drawn by exports/slides.py); progress(slide, total) as each
    chart is drawn."""
    results = open_results(data_dir)
    slides = [item_slide(results, v, lang) for v in views]  # a promise's slide comes made (promises/slide.py)
    for number, slide in enumerate(slides, start=1):
        progress(number, len(slides))
        render_images(results, [slide])
    return pptx_bytes(slides, lang) if kind == "pptx" else pdf_bytes(slides, lang)


def _alarm(signum, frame):
    raise JobTimeout(f"längre än {JOB_SECONDS} s (took longer than {JOB_SECONDS} s)")


# ---- embedded: a process pool per worker, bounded for the whole server ---------------------------------------

def export_dir() -> Path:
    default = Path(tempfile.gettempdir()) / f"trygghetskartan-exports-{os.getuid()}"
    folder = Path(os.environ.get("EXPORT_DIR") or default)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _write_json(path: Path, data: dict) -> None:
    part = path.with_suffix(".part")
    part.write_text(json.dumps(data), "utf-8")
    part.replace(path)


def _pool_job(job_id: str, kind: str, views: list[dict], lang: str, data_dir: str, folder: str) -> None:
    """In the pool's process: wait for a renderer, draw within JOB_SECONDS, write the file, free the slot."""
    status = Path(folder) / f"{job_id}.json"
    try:
        with _renderers:
            signal.signal(signal.SIGALRM, _alarm)
            signal.alarm(JOB_SECONDS)
            try:
                def progress(done, total):
                    _write_json(status, {"state": "running", "done": done, "total": total, "kind": kind})
                progress(0, len(views))  # waiting for the data before the first slide
                body = draw(kind, views, lang, data_dir, progress)
            finally:
                signal.alarm(0)
            part = Path(folder) / f"{job_id}.{kind}.part"
            part.write_bytes(body)
            part.replace(Path(folder) / f"{job_id}.{kind}")
            _write_json(status, {"state": "done", "done": len(views), "total": len(views), "kind": kind})
    except Exception as err:  # noqa: BLE001 - any failure is the job's, told to the page
        log.exception("export %s failed", job_id)
        _write_json(status, {"state": "failed", "error": str(err)[:200], "kind": kind})
    except Stopped:
        _slots.release()
        _exit_now()
    finally:
        _slots.release()


def _renderer_init() -> None:
    os.nice(10)  # the renderer (and its Chromium) yields the CPU to the web workers
    signal.signal(signal.SIGTERM, _stop)


class Stopped(BaseException):
    """SIGTERM in the renderer (shutdown below): the job ends, its slot is freed, then the process."""


def _stop(signum, frame):
    raise Stopped


def _exit_now() -> None:
    """End the renderer after a Stopped job (the pool would take the next one): exit handlers first, which stop
    kaleido's Chromium."""
    import atexit

    atexit._run_exitfuncs()
    os._exit(1)


def shutdown() -> None:
    """Stop this worker's renderer (gunicorn's worker_exit): jobs not started are dropped, a running one ended."""
    global _stopping
    _stopping = True
    pool = getattr(_queue, "pool", None)
    if pool is not None:
        processes = list((pool._processes or {}).values())  # no public way to end a running job before 3.14
        for future in list(_queue.waiting):
            if future.cancel():
                _slots.release()  # the slot the job held, for the other workers
        pool.shutdown(wait=False)
        for process in processes:
            process.terminate()
        for process in processes:  # a renderer stuck in Chromium: killed (Chromium ends with its pipe)
            process.join(3)
            if process.is_alive():
                process.kill()


class PoolQueue:
    def __init__(self):
        self.lock = threading.Lock()
        self.pool: ProcessPoolExecutor | None = None
        self.waiting: set = set()  # this worker's jobs not finished (shutdown frees the slots of those not started)

    def _executor(self) -> ProcessPoolExecutor:
        with self.lock:
            if self.pool is None:
                self.pool = ProcessPoolExecutor(max_workers=1, mp_context=_fork, initializer=_renderer_init)
            return self.pool

    def submit(self, kind: str, views: list[dict], lang: str, data_dir: str) -> str:
        if not _slots.acquire(block=False):
            raise QueueFull
        folder = export_dir()
        _clean(folder)
        job_id = secrets.token_urlsafe(16)
        _write_json(folder / f"{job_id}.json", {"state": "queued", "done": 0, "total": len(views), "kind": kind})
        try:
            future = self._executor().submit(_pool_job, job_id, kind, views, lang, data_dir, str(folder))
        except (BrokenProcessPool, RuntimeError):  # the pool's process died: a new one for this and later jobs
            with self.lock:
                self.pool = None
            future = self._executor().submit(_pool_job, job_id, kind, views, lang, data_dir, str(folder))
        self.waiting.add(future)
        future.add_done_callback(self.waiting.discard)
        future.add_done_callback(_lost)
        return job_id

    def status(self, job_id: str) -> dict:
        try:
            return json.loads((export_dir() / f"{job_id}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return {"state": "gone"}

    def file(self, job_id: str, kind: str) -> bytes | None:
        try:
            return (export_dir() / f"{job_id}.{kind}").read_bytes()
        except OSError:
            return None


def _lost(future) -> None:
    """A job whose process died (killed, out of memory) never freed its slot: free it here."""
    if not _stopping and not future.cancelled() and isinstance(future.exception(), BrokenProcessPool):
        _slots.release()


def _clean(folder: Path) -> None:
    """Files of jobs older than RESULT_SECONDS (a small folder: at most QUEUE jobs an export's lifetime)."""
    limit = time.time() - RESULT_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass


# ---- REDIS_URL: RQ -------------------------------------------------------------------------------------------

def _rq_job(kind: str, views: list[dict], lang: str, data_dir: str) -> bytes:
    from rq import get_current_job

    job = get_current_job()

    def progress(done, total):
        job.meta.update(done=done, total=total)
        job.save_meta()
    return draw(kind, views, lang, data_dir, progress)


class RQQueue:
    def __init__(self, url: str):
        from redis import Redis
        from rq import Queue

        self.queue = Queue(RQ_QUEUE, connection=Redis.from_url(url))

    def submit(self, kind: str, views: list[dict], lang: str, data_dir: str) -> str:
        if self.queue.count + self.queue.started_job_registry.count >= QUEUE:
            raise QueueFull
        job = self.queue.enqueue(_rq_job, kind, views, lang, data_dir, job_id=secrets.token_urlsafe(16),
                                 job_timeout=JOB_SECONDS, result_ttl=RESULT_SECONDS, failure_ttl=RESULT_SECONDS,
                                 meta={"kind": kind, "done": 0, "total": len(views)})
        return job.id

    def _job(self, job_id: str):
        from rq.exceptions import NoSuchJobError
        from rq.job import Job

        try:
            return Job.fetch(job_id, connection=self.queue.connection)
        except NoSuchJobError:
            return None

    def status(self, job_id: str) -> dict:
        job = self._job(job_id)
        if job is None:
            return {"state": "gone"}
        state = {"queued": "queued", "deferred": "queued", "scheduled": "queued", "started": "running",
                 "finished": "done"}.get(job.get_status(refresh=True).value, "failed")
        meta = job.get_meta(refresh=True)
        return {"state": state, "done": meta.get("done", 0), "total": meta.get("total", 0), "kind": meta.get("kind"),
                **({"error": (job.latest_result().exc_string or "")[-200:]} if state == "failed"
                   and job.latest_result() else {})}

    def file(self, job_id: str, kind: str) -> bytes | None:
        job = self._job(job_id)
        return job.return_value() if job is not None and job.get_status().value == "finished" else None


_queue = None
_stopping = False  # shutdown has begun: the renderer frees its own slot


def queue():
    """The export queue of this process: RQ on REDIS_URL when it is set, else the embedded pool."""
    global _queue
    if _queue is None:
        url = os.environ.get("REDIS_URL")
        _queue = RQQueue(url) if url else PoolQueue()
    return _queue


def main() -> None:
    """`python -m exports.jobs`: an RQ worker for the export queue on REDIS_URL (one renderer)."""
    from redis import Redis
    from rq import Worker

    os.nice(10)
    Worker([RQ_QUEUE], connection=Redis.from_url(os.environ["REDIS_URL"])).work()


if __name__ == "__main__":
    main()
