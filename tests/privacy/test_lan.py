"""Issue 22, safe on a network: `make serve-lan` (deploy/cluster.py --listen 0.0.0.0, one instance, no Redis)
serves through the shipped nginx. The slow-client attack (16 connections each sending a header line every 5 s),
which held every gunicorn thread for over a minute when gunicorn faced the network, does not delay a normal
request by more than a second."""
from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from deploy.cluster import cluster, nginx_binary

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed (`make servers`)")


def slow_client(port: int, stop: threading.Event, closed: list) -> None:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        sock.sendall(b"GET /api/v1/questions HTTP/1.1\r\nHost: x\r\n")
        while not stop.wait(5):
            sock.sendall(b"X-Slow: 1\r\n")
        sock.settimeout(2)
        answer = sock.recv(1024)
        if answer == b"" or answer.startswith(b"HTTP/1.1 408"):  # nginx closed it (client_header_timeout)
            closed.append(time.monotonic())
    except TimeoutError:
        pass  # still open
    except OSError:  # reset, or a write after nginx closed it
        closed.append(time.monotonic())
    finally:
        sock.close()


def test_slow_clients_do_not_delay_a_normal_request_behind_serve_lan(processed, tmp_path):
    with cluster(processed, instances=1, workers=2, redis=False, folder=tmp_path, listen="0.0.0.0",
                 env={"WARM_SECONDS": "0"}) as running:
        url = running["url"]
        port = int(url.rsplit(":", 1)[1])
        baseline = []
        for _ in range(5):
            t0 = time.perf_counter()
            assert requests.get(url + "/api/v1/questions", timeout=10).ok
            baseline.append(time.perf_counter() - t0)
        stop, closed = threading.Event(), []
        attackers = [threading.Thread(target=slow_client, args=(port, stop, closed), daemon=True) for _ in range(16)]
        for thread in attackers:
            thread.start()
        time.sleep(1)
        times = []
        deadline = time.monotonic() + 16
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            assert requests.get(url + "/api/v1/questions", headers={"Connection": "close"}, timeout=10).ok
            times.append(time.perf_counter() - t0)
            time.sleep(0.5)
        stop.set()
        for thread in attackers:
            thread.join(15)
        print(f"\nbaseline max {max(baseline) * 1000:.0f} ms; under the slow-client attack max "
              f"{max(times) * 1000:.0f} ms (n={len(times)}); attackers closed by nginx: {len(closed)}")
        assert max(times) - max(baseline) < 1.0
        assert len(closed) == 16, "nginx's client_header_timeout (10 s) ends every slow client"
