"""gunicorn.conf.py listens with reuse_port (each worker its own socket, bench/README.md): a second server on a
port already served would then share it silently, answering half the requests. It must refuse to start instead."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

from tests.conftest import ROOT, free_port


def test_a_second_server_on_a_port_in_use_refuses_to_start(processed):
    port = free_port()
    with socket.socket() as running:  # stands for a server already there, listening as ours do
        running.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        running.bind(("127.0.0.1", port))
        running.listen()
        second = subprocess.run(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "app:server"], cwd=ROOT,
            env={**os.environ, "DATA_DIR": str(processed), "WARM_SECONDS": "0"},
            capture_output=True, text=True, timeout=120)
    assert second.returncode == 1
    assert f"Porten 127.0.0.1:{port} används redan" in second.stderr and "already in use" in second.stderr
