"""gunicorn settings for `make run`. Workers read data/processed themselves; nothing is shared between them."""
import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("THREADS", "4"))
preload_app = True
control_socket_disable = True  # gunicorn 27 otherwise opens a control socket under ~/.gunicorn
accesslog = "-"
timeout = 60


def when_ready(server):
    """In the master, after the app is loaded (preload) and before the workers are forked: answer the first view
    of each question and wave for at most WARM_SECONDS (default 20), so every worker starts with the tables and
    disclosure patterns computed (serving.warm). 0 turns it off."""
    from serving import warm

    seconds = float(os.environ.get("WARM_SECONDS", "20"))
    if seconds > 0:
        import time

        started = time.perf_counter()
        views = warm(seconds)
        server.log.info("warmed %d views in %.1f s", views, time.perf_counter() - started)
