"""The web edge: everything between the dashboard and HTTP, one home each (issue "One home for each thing").

- app.py: the app factory, `create_app(data_dir)` (the top-level app.py gives gunicorn `app:server`).
- security.py: secret key, request limits, security headers, callback requests checked, no tracebacks.
- static.py: Dash's bundles and the assets precompressed at brotli 11 (`python -m web.static precompress`).
- geo.py: the boundaries, /geo/<level>.geojson, sent as the build's brotli copy.
- response_cache.py: the callbacks' answers cached, per process or shared on Redis (REDIS_URL).
- encoding.py: which compressed copy a client takes, and sending it.
- workers.py: what gunicorn.conf.py does to its processes (glibc's malloc, the warm-up before the fork).

Nothing is imported here: gunicorn.conf.py imports web.workers before the app is loaded.
"""
