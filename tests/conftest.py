"""Shared fixtures: a fresh build of the demo data, and the app served by gunicorn on a free loopback port."""
from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def processed(tmp_path_factory) -> Path:
    """The demo build, written to a temporary folder (the same code path as `python -m survey build`)."""
    from survey.build import build
    from survey.config import load_config

    config = load_config(ROOT / "config" / "demo.toml")
    out = tmp_path_factory.mktemp("data") / "processed"
    cwd = os.getcwd()
    os.chdir(ROOT)  # the config's input paths are relative to the repository root
    try:
        build(dataclasses.replace(config, output_dir=out))
    finally:
        os.chdir(cwd)
    return out


@pytest.fixture(scope="session")
def results(processed):
    from survey.results import open_results

    return open_results(processed)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server_url(processed):
    """The dashboard under gunicorn (as `make run` serves it), reading the test build."""
    port = free_port()
    env = {**os.environ, "DATA_DIR": str(processed)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--access-logfile", "/dev/null", "app:server"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/api/v1/questions", timeout=2).ok:
                break
        except (requests.ConnectionError, requests.Timeout):  # a busy machine may accept but answer late
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("gunicorn did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
    yield url
    proc.terminate()
    proc.wait(timeout=10)
