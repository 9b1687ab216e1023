"""What gunicorn.conf.py does to its processes (only it imports this): glibc's malloc tuned for a worker's threads,
the first views answered in the master before the workers are forked, and each request's time budget.

The time budget (REQUEST_SECONDS, default 60): gunicorn's `timeout` does not stop a request in the threaded
(gthread) worker this configuration uses (it only restarts a worker whose main loop stops), and a Python thread
cannot be stopped from outside. So each worker has a watchdog thread: when a request has run longer than the
budget, the worker stops taking connections (SIGTERM: gunicorn's graceful stop, its other requests finish) and
GRACE_SECONDS later the process ends with the late request; the master starts a new worker. The requests that
could take long are kept off this path (story files are jobs: exports/jobs.py, with their own time limit) or
bounded by their input (web/security.py, views/story.py), so the watchdog is the last line, not the plan."""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time


def _libc():
    """glibc, or None (another C library: the tuning below is glibc's)."""
    name = ctypes.util.find_library("c") if sys.platform.startswith("linux") else None
    try:
        libc = ctypes.CDLL(name) if name else None
        return libc if libc is not None and hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


_LIBC = _libc()
_last_trim = [0.0]


def limit_malloc_arenas() -> None:
    """At most two malloc arenas, so a worker's four threads do not each keep a heap of their own (set before the
    app is loaded; the environment's MALLOC_ARENA_MAX wins)."""
    if _LIBC is not None and "MALLOC_ARENA_MAX" not in os.environ:
        _LIBC.mallopt(-8, 2)  # M_ARENA_MAX, from glibc's malloc.h


def give_back_memory(every: float = 2.0) -> None:
    """After a request, at most every `every` seconds per worker: glibc keeps what a view freed (a national view's
    arrays are megabytes) in its heap; malloc_trim hands it back to the system. Measured on the national walk in
    one process: 8 ms, 445 → 389 MB. (Mapping every large block instead, MALLOC_MMAP_THRESHOLD_=128 KiB, also
    kept RSS down but doubled the details callback's time.)"""
    now = time.monotonic()
    if _LIBC is not None and now - _last_trim[0] >= every:
        _last_trim[0] = now
        _LIBC.malloc_trim(0)


def warm(results, seconds: float) -> int:
    """Answer the first view of every question and wave of `results` (the finest level)
    for at most `seconds`: each (wave, question) table and its disclosure pattern are then computed once. Called
    in gunicorn's master (gunicorn.conf.py, `when_ready`): with preload, every worker starts with them. Returns
    the number of views answered."""
    if results is None or seconds <= 0:
        return 0
    questions = results.codebook.question_ids
    deadline = time.monotonic() + seconds
    done = 0
    for wave in reversed(results.waves):  # the latest wave first: the page opens on it
        for question in questions:
            if time.monotonic() > deadline:
                return done
            results.query(results.parse({"question": question, "wave": str(wave), "level": results.levels[0]}))
            done += 1
    return done


REQUEST_SECONDS = float(os.environ.get("REQUEST_SECONDS", "60"))
# The staff pages' check and publish wait for a build in a child with its own time limit (staff/bounded.py,
# TRYGG_BUILD_SECONDS): their requests get that, and a little more (staff/auth.py refuses them without a session
# before the body is read).
STAFF_SECONDS = float(os.environ.get("TRYGG_BUILD_SECONDS", "600")) + 30
STAFF_BUILD_PATHS = ("/personal/_dash-update-component", "/personal/api/uppladdning", "/personal/api/publicera")
GRACE_SECONDS = 10
_running: dict[int, tuple[float, str]] = {}  # thread → (deadline, path) of the request it serves


def request_started(path: str) -> None:
    budget = max(REQUEST_SECONDS, STAFF_SECONDS) if path in STAFF_BUILD_PATHS else REQUEST_SECONDS
    _running[threading.get_ident()] = (time.monotonic() + budget, path[:200])


def request_ended() -> None:
    _running.pop(threading.get_ident(), None)


def watch_requests(log, grace: int = GRACE_SECONDS) -> None:
    """Start this worker's watchdog (gunicorn's post_worker_init): a request past its budget (REQUEST_SECONDS, the
    staff pages STAFF_SECONDS) ends the worker, gracefully first."""
    def watch():
        while True:
            time.sleep(min(1.0, REQUEST_SECONDS / 4))
            now = time.monotonic()
            late = [(now - deadline, path) for deadline, path in list(_running.values()) if now > deadline]
            if late:
                log.error("begäran över tidsgränsen (request over its time budget, %.0f s late): %s; worker %d "
                          "stops", late[0][0], late[0][1], os.getpid())
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(grace)
                os._exit(1)
    if REQUEST_SECONDS > 0:
        threading.Thread(target=watch, daemon=True, name="request-budget").start()
