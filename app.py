"""gunicorn's entry point, `app:server` (Makefile, deploy/cluster.py, tests, bench): the dashboard for DATA_DIR,
made by the web edge's factory (web/app.py)."""
from web.app import create_app

app = create_app()
server = app.server
