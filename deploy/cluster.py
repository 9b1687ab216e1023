"""Scaling out on one machine: N app instances (gunicorn) behind nginx, with the shared cache in Redis, on loopback.

    .venv/bin/python -m deploy.cluster --port 8080 [--instances 2] [--data data/processed]   # until Ctrl-C

On a network (the meeting: `make serve-lan`): one instance behind nginx on 0.0.0.0, without Redis. nginx reads each
request whole before the app sees it and times out slow clients (deploy/nginx.conf): gunicorn facing the network
directly could be held by 16 connections sending a header line every 5 s.

Each instance is `gunicorn --config gunicorn.conf.py app:server` on its own free port with INSTANCE_NAME=a, b, …
(the app then sets `X-Instance` on every response) and REDIS_URL pointing at one redis-server started here (no
persistence: it is a cache). nginx (deploy/nginx.conf) balances round robin over them. Needs nginx and
redis-server on PATH (Debian: apt-get install nginx-light redis-server; `make test` installs them as root).
tests/server/test_nginx.py starts exactly this and checks that requests alternate with identical answers.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)),
                                         None)


def redis_binary() -> str | None:
    return shutil.which("redis-server") or next((p for p in ("/usr/bin/redis-server",) if os.path.exists(p)), None)


def _wait(url: str, proc: subprocess.Popen, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer {url} within {seconds:.0f} s")


def _wait_port(port: int, proc: subprocess.Popen, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@contextmanager
def cluster(data_dir: str | Path, port: int | None = None, instances: int = 2, workers: int = 1,
            redis: bool = True, folder: str | Path | None = None, env: dict | None = None, listen: str = "127.0.0.1"):
    """Start redis (if `redis`), `instances` gunicorns and nginx on `listen` (the apps stay on loopback); yield
    {"url", "instances": [urls], "redis_url"}."""
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("nginx finns inte (not installed): apt-get install nginx-light")
    tmp = Path(folder or tempfile.mkdtemp(prefix="trygg-cluster-"))
    tmp.mkdir(parents=True, exist_ok=True)
    procs: list[subprocess.Popen] = []
    logs = []
    try:
        redis_url = None
        if redis:
            server = redis_binary()
            if server is None:
                raise RuntimeError("redis-server finns inte (not installed): apt-get install redis-server")
            redis_port = free_port()
            log = open(tmp / "redis.log", "w")
            logs.append(log)
            procs.append(subprocess.Popen([server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                           "--appendonly", "no", "--maxmemory", "256mb", "--maxmemory-policy",
                                           "allkeys-lru", "--dir", str(tmp)],
                                          stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
            _wait_port(redis_port, procs[-1], "redis-server")
            redis_url = f"redis://127.0.0.1:{redis_port}/0"
        urls = []
        for i in range(instances):
            name = chr(ord("a") + i)
            app_port = free_port()
            log = open(tmp / f"app-{name}.log", "w")
            logs.append(log)
            # TRUSTED_PROXIES=1: nginx in front adds the client to X-Forwarded-For (web/security.py, ProxyFix)
            app_env = {**os.environ, "DATA_DIR": str(data_dir), "INSTANCE_NAME": name, "TRUSTED_PROXIES": "1",
                       **(env or {})}
            if redis_url:
                app_env["REDIS_URL"] = redis_url
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"), "--bind",
                 f"127.0.0.1:{app_port}", "--workers", str(workers), "--access-logfile", "/dev/null", "app:server"],
                cwd=ROOT, env=app_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
            urls.append(f"http://127.0.0.1:{app_port}")
        apps = procs[-instances:]
        if redis_url:  # the story files' renderers: RQ workers on the same Redis (exports/jobs.py)
            for i in range(int(os.environ.get("EXPORT_RENDERERS", "1"))):
                log = open(tmp / f"renderer-{i}.log", "w")
                logs.append(log)
                procs.append(subprocess.Popen([sys.executable, "-m", "exports.jobs"], cwd=ROOT,
                                              env={**os.environ, "DATA_DIR": str(data_dir), "REDIS_URL": redis_url,
                                                   **(env or {})},
                                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        for url, proc in zip(urls, apps):
            _wait(url + "/api/v1/questions", proc, f"gunicorn {url}")
        port = port or free_port()
        conf = TEMPLATE.read_text(encoding="utf-8").replace("@TMP@", str(tmp)).replace(
            "@LISTEN@", f"{listen}:{port}").replace(
            "@UPSTREAMS@", "\n        ".join(f"server {u.removeprefix('http://')};" for u in urls))
        (tmp / "nginx.conf").write_text(conf, encoding="utf-8")
        log = open(tmp / "nginx.log", "w")
        logs.append(log)
        procs.append(subprocess.Popen([nginx, "-c", str(tmp / "nginx.conf"), "-p", str(tmp)], stdout=log,
                                      stderr=subprocess.STDOUT, start_new_session=True))
        _wait(f"http://127.0.0.1:{port}/api/v1/questions", procs[-1], "nginx", 30)
        yield {"url": f"http://127.0.0.1:{port}", "instances": urls, "redis_url": redis_url, "folder": tmp}
    finally:
        for proc in reversed(procs):
            _stop(proc)
        for log in logs:
            log.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.cluster", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--data", default=os.environ.get("DATA_DIR", str(ROOT / "data" / "processed")))
    parser.add_argument("--no-redis", action="store_true")
    parser.add_argument("--listen", default="127.0.0.1", help="nginx: 0.0.0.0 for every network (make serve-lan)")
    args = parser.parse_args(argv)
    with cluster(args.data, args.port, args.instances, args.workers, not args.no_redis, listen=args.listen) as running:
        shown = running["url"] if args.listen == "127.0.0.1" else f"http://<this machine's address>:{args.port}"
        print(f"Trygghetskartan: {shown} → {', '.join(running['instances'])}"
              + (f", cache {running['redis_url']}" if running["redis_url"] else ""), flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
