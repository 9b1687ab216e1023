"""gunicorn settings for `make run`. Workers read data/processed themselves; nothing is shared between them.

Chosen from measurements on a 2-core machine (bench/README.md, `python -m bench.sweep`: 200 simulated visitors):
- workers 4 (WEB_CONCURRENCY), threads 4 (THREADS): the callbacks are CPU-bound Python, so threads mainly overlap
  network and compression. Municipal: 3 × 4 and 4 × 4 within noise of each other; national: 4 × 4 kept the
  load test's p95 lowest (a visitor's kept-alive connection stays with one worker, so the busiest worker can
  need more than its core; more workers spread that). Each worker is about 250–300 MB on the demo, 420 national.
- reuse_port (REUSE_PORT=0 turns it off): each worker listens on its own socket and the kernel spreads new
  connections evenly over them. On one shared socket, whichever worker woke first took the connection: in a
  national load test one worker of three used 44 s of CPU in 58 s and another 10 s; with reuse_port 34 and 22 s.
  A second server on the same port would then share it instead of failing: on_starting refuses to start.
- preload_app: the build is read and the first views answered (when_ready, WARM_SECONDS) once, in the master,
  before the workers are forked; they start with it (and with Dash's bundles registered, see app.py).
- glibc's malloc: two arenas, and freed memory handed back after requests (web/workers.py): worker
  RSS on the national benchmark.
- keepalive 75 s (KEEPALIVE): a browser reuses its connection between clicks; with gunicorn's default of 2 s a
  request could meet a connection being closed (the load test's only errors). Behind nginx this is nginx's job.
"""
import gc
import os
import socket
import sys
import time

from web.workers import (
    GRACE_SECONDS,
    give_back_memory,
    limit_malloc_arenas,
    request_ended,
    request_started,
    warm,
    watch_requests,
)

limit_malloc_arenas()  # before the app is loaded (web/workers.py)

workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("THREADS", "4"))
preload_app = True
control_socket_disable = True  # gunicorn 27 otherwise opens a control socket under ~/.gunicorn
accesslog = "-"
timeout = 60  # restarts a worker whose main loop hangs; a request's own budget is REQUEST_SECONDS (web/workers.py)
graceful_timeout = GRACE_SECONDS
# Browsers keep a connection open between a visitor's clicks (seconds apart); gunicorn's default of 2 s closed it
# under them, and a request sent on a connection closed at that moment failed (the load test's only errors).
keepalive = int(os.environ.get("KEEPALIVE", "75"))
reuse_port = os.environ.get("REUSE_PORT", "1") == "1"


def on_starting(server):
    """With reuse_port a second server on a port in use would share it (and answer half the requests from its
    own data): refuse to start, as gunicorn does without reuse_port."""
    for address in server.cfg.bind:
        host, _, port = address.rpartition(":")
        if address.startswith(("unix:", "fd://")) or not port.isdigit() or int(port) == 0:
            continue
        family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            # SO_REUSEADDR: a stopped server's closing connections do not count, only a listening socket does
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host.strip("[]") or "0.0.0.0", int(port)))
            except OSError:
                print(f"Porten {address} används redan (körs Trygghetskartan redan?); stoppa den först eller välj en "
                      f"annan port. (Port {address} is already in use.)", file=sys.stderr)
                sys.exit(1)


def when_ready(server):
    """In the master, after the app is loaded (preload) and before the workers are forked: answer the first view
    of each question and wave for at most WARM_SECONDS (default 20), so every worker starts with the tables and
    disclosure patterns computed (web.workers.warm; 0 turns it off); then freeze what the workers inherit."""
    seconds = float(os.environ.get("WARM_SECONDS", "20"))
    if seconds > 0:
        started = time.perf_counter()
        views = warm(_results(server.app.wsgi()), seconds)
        server.log.info("warmed %d views in %.1f s", views, time.perf_counter() - started)
    # Everything loaded so far lives as long as the workers: out of the garbage collector's sight, so a worker's
    # collections no longer walk the app's ~200,000 objects over and over (national in-process mix of 1,160
    # callbacks: 46 → 33–38 s of CPU, bench/README.md) and do not touch, and so copy, the pages it shares.
    gc.freeze()


def _results(wsgi_app):
    """The build's Results of the loaded app (web.app.create_app keeps its get_results in the Flask app's
    extensions), or None for another app."""
    get_results = getattr(wsgi_app, "extensions", {}).get("trygghetskartan.results")
    return get_results() if get_results else None


def post_worker_init(worker):
    watch_requests(worker.log)  # each request's time budget, enforced (web/workers.py)


def pre_request(worker, req):
    request_started(req.path)


def post_request(worker, req, environ, resp):
    request_ended()
    give_back_memory()


def worker_exit(server, worker):
    """A worker's export renderer (exports/jobs.py) ends with it, not JOB_SECONDS later."""
    from exports.jobs import shutdown

    shutdown()
