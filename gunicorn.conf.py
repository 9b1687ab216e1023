"""gunicorn settings for `make run`. Workers read data/processed themselves; nothing is shared between them."""
import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("THREADS", "4"))
preload_app = True
control_socket_disable = True  # gunicorn 27 otherwise opens a control socket under ~/.gunicorn
accesslog = "-"
timeout = 60
