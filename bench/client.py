"""HTTP helpers for the harness: POST a callback as the browser does and measure time and bytes; start and stop
servers on free loopback ports; read the RSS of a server's workers from /proc."""
from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import brotli
import requests
from backports import zstd

ROOT = Path(__file__).resolve().parents[1]
# What Chromium sends to 127.0.0.1 (seen in the page-load measurement).
ACCEPT_ENCODING = "gzip, deflate, br, zstd"


def decode(data: bytes, encoding: str | None) -> bytes:
    if not encoding or encoding == "identity":
        return data
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "br":
        return brotli.decompress(data)
    if encoding == "zstd":
        return zstd.decompress(data)
    if encoding == "deflate":
        return zlib.decompress(data)
    raise ValueError(encoding)


@dataclass
class Reply:
    seconds: float
    status: int
    transferred: int   # body bytes on the wire (compressed)
    raw: int           # body bytes after decompression
    body: bytes
    headers: dict


def session() -> requests.Session:
    s = requests.Session()
    s.headers.update({"Accept-Encoding": ACCEPT_ENCODING, "Content-Type": "application/json"})
    return s


def post(s: requests.Session, url: str, payload: dict, timeout: float = 120) -> Reply:
    data = json.dumps(payload, separators=(",", ":"))
    started = time.perf_counter()
    response = s.post(url + "/_dash-update-component", data=data, stream=True, timeout=timeout)
    wire = response.raw.read(decode_content=False)
    seconds = time.perf_counter() - started
    body = decode(wire, response.headers.get("Content-Encoding"))
    response.close()
    return Reply(seconds, response.status_code, len(wire), len(body), body, dict(response.headers))


def get(s: requests.Session, url: str, timeout: float = 120) -> Reply:
    started = time.perf_counter()
    response = s.get(url, stream=True, timeout=timeout)
    wire = response.raw.read(decode_content=False)
    seconds = time.perf_counter() - started
    body = decode(wire, response.headers.get("Content-Encoding"))
    response.close()
    return Reply(seconds, response.status_code, len(wire), len(body), body, dict(response.headers))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A gunicorn serving `app` on a free loopback port (its own process group, so stop() ends all of it)."""

    def __init__(self, app: str, env: dict, workers: int | None = None, threads: int | None = None,
                 log: Path | None = None, extra: list[str] | None = None, ready_path: str = "/_dash-layout"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"),
                "--bind", f"127.0.0.1:{self.port}", "--access-logfile", "/dev/null"]
        if workers:
            args += ["--workers", str(workers)]
        if threads:
            args += ["--threads", str(threads)]
        self.log = open(log, "w") if log else subprocess.DEVNULL
        started = time.perf_counter()
        self.proc = subprocess.Popen(args + (extra or []) + [app], cwd=ROOT, env={**os.environ, **env},
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn {app} exited with {self.proc.returncode}; see {log}")
            try:
                if requests.get(self.url + ready_path, timeout=5).ok:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        else:
            self.stop()
            raise RuntimeError(f"gunicorn {app} did not start; see {log}")
        self.startup_seconds = time.perf_counter() - started

    def workers(self) -> list[int]:
        """The worker processes: children of the gunicorn master."""
        out = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                    out.append(int(entry))
        return sorted(out)

    def rss_mb(self) -> list[float]:
        return [rss_mb(pid) for pid in self.workers()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if hasattr(self.log, "close"):
            self.log.close()


def rss_mb(pid: int) -> float:
    """Resident set size of a process (VmRSS in /proc/<pid>/status), in MB (10^6 bytes)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1e6
    return float("nan")
