"""A throwaway PostgreSQL server for the tests: initdb and pg_ctl (Debian's `postgresql`) into a temporary folder,
run as the unprivileged `postgres` user when the tests run as root (PostgreSQL refuses root), on a free loopback
port. `make test` installs the package when it runs as root (the Makefile's `servers`); otherwise the tests that
need it are skipped and say why."""
from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def pg_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    return next((str(d / name) for d in BIN_DIRS if (d / name).exists()), None)


def missing_reason() -> str | None:
    if not (pg_binary("initdb") and pg_binary("pg_ctl")):
        return "PostgreSQL is not installed (as root: apt-get install postgresql; `make test` does it)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def postgres_server():
    """Yields a postgresql:// URL of a fresh database on a server that is stopped and removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="trygg-pg-"))
    data, port = folder / "data", free_port()
    as_user: dict = {}
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
        as_user = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    run = dict(check=True, capture_output=True, env=env, cwd=folder, **as_user)
    subprocess.run([pg_binary("initdb"), "-D", str(data), "-U", "trygg", "--auth=trust", "-E", "UTF8"], **run)
    subprocess.run([pg_binary("pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60", "-o",
                    f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"], **run)
    try:
        url = f"postgresql://trygg@127.0.0.1:{port}/postgres"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.1)
        yield url
    finally:
        subprocess.run([pg_binary("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], **{**run, "check": False})
        shutil.rmtree(folder, ignore_errors=True)
