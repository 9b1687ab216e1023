"""The README's first command, as a new user meets it: `make run` on a fresh clone with no virtual environment.

    python3 .ci/first_run.py        # run by .ci/run before `make test`; about a minute with pip's cache warm

It clones the committed HEAD into a temporary folder (so the venv is made from requirements.txt alone, never the
one `make test` made, and the demo is built from scratch), starts `make run` there on a free port in a process
group of its own, waits for `/` to answer, checks that the page, the API and the boundaries answer 200, and stops
the group it started. Standard library only: it runs before any venv exists.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 600  # a cold pip cache downloads about 150 MB of wheels


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def wait_for_page(url: str, proc: subprocess.Popen, log: Path) -> float:
    started = time.monotonic()
    while time.monotonic() - started < START_TIMEOUT:
        if proc.poll() is not None:
            sys.exit(f"first run: `make run` stopped with status {proc.returncode} before serving:\n{tail(log)}")
        try:
            if get(url)[0] == 200:
                return time.monotonic() - started
        except OSError:  # not listening yet
            pass
        time.sleep(0.5)
    sys.exit(f"first run: no answer from {url} after {START_TIMEOUT} s:\n{tail(log)}")


def tail(log: Path, lines: int = 40) -> str:
    text = log.read_text(errors="replace").splitlines()
    return "\n".join(line for line in text if not line.startswith("WARNING: Location"))[-6000:] or "(no output)"


def check_answers(base: str) -> list[str]:
    """The page, the question list, one result and the result's boundaries: each must answer 200."""
    status, body = get(base + "/api/v1/questions")
    if status != 200:
        return [f"/api/v1/questions answered {status}"]
    question = json.loads(body)["questions"][0]["id"]
    status, body = get(f"{base}/api/v1/results?question={question}")
    if status != 200:
        return [f"/api/v1/results?question={question} answered {status}: {body[:300]!r}"]
    result = json.loads(body)
    level = result["query"]["level"]
    if not result["rows"]:
        return [f"/api/v1/results?question={question} answered 200 with no rows"]
    checks = {"/": "text/html", f"/geo/{level}.geojson": "application/geo+json"}
    failures = []
    for path, kind in checks.items():
        status, body = get(base + path)
        if status != 200 or not body:
            failures.append(f"{path} answered {status} ({len(body)} bytes, {kind} expected)")
    return failures


def main() -> None:
    if subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip():
        print("first run: the working tree has uncommitted changes; this checks the committed HEAD", flush=True)
    with tempfile.TemporaryDirectory(prefix="first-run-") as tmp:
        clone, log = Path(tmp) / "clone", Path(tmp) / "make-run.log"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with log.open("wb") as out:
            # A process group of its own, so that stopping it stops make and the gunicorn it started.
            proc = subprocess.Popen(["make", "run", f"PORT={port}"], cwd=clone, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True,
                                    env={k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "DATA_DIR")})
        try:
            waited = wait_for_page(base + "/", proc, log)
            failures = check_answers(base)
        finally:
            stopping = time.monotonic()
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: gunicorn's quick shutdown, make stops
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            stopped = time.monotonic() - stopping
        try:
            get(base + "/")
            failures.append("the server still answers after its process group was stopped")
        except OSError:
            pass
        if failures:
            sys.exit("first run: " + "; ".join(failures) + "\n" + tail(log))
        print(f"first run: `make run` on a fresh clone served / after {waited:.0f} s; /, /api/v1/questions, "
              f"/api/v1/results and /geo answered 200; stopped in {stopped:.1f} s", flush=True)


if __name__ == "__main__":
    main()
