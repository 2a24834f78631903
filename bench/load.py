"""Throughput under gunicorn: a bounded load generator on 127.0.0.1, the team week against a minimal view.

gunicorn runs the bench settings (DEBUG off) on the same database as the in-process measurements,
with `-w 2` sync workers. The load generator is a few Python threads using http.client, each
sending requests one after another for a fixed number of seconds (and never more than a fixed
number of requests), so it always stops by itself. Every request carries the same session cookie.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
THREADS = int(os.environ.get("BENCH_LOAD_THREADS", "4"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "6"))
WARMUP_SECONDS = 1.5
MAX_REQUESTS = 200_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, cookie: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def hammer(port: int, path: str, cookie: str, seconds: float, threads: int = THREADS) -> dict:
    """Send requests from `threads` threads for `seconds`; count answers by status."""
    deadline = time.perf_counter() + seconds
    counts: dict[int, int] = {}
    latencies: list[float] = []
    lock = threading.Lock()
    sent = [0]

    def worker():
        while time.perf_counter() < deadline:
            with lock:
                if sent[0] >= MAX_REQUESTS:
                    return
                sent[0] += 1
            started = time.perf_counter()
            try:
                status = _get(port, path, cookie)
            except OSError:
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                counts[status] = counts.get(status, 0) + 1
                latencies.append(elapsed)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    ok = counts.get(200, 0)
    latencies.sort()
    return {
        "path": path,
        "seconds": round(elapsed, 2),
        "requests": sum(counts.values()),
        "ok": ok,
        "statuses": {str(code): n for code, n in sorted(counts.items())},
        "requests_per_second": round(ok / elapsed, 1),
        "median_latency_ms": round(latencies[len(latencies) // 2] * 1000, 2) if latencies else None,
    }


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "reportsite.wsgi",
        "-w",
        str(WORKERS),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    return wait_until_healthy(server, port)


def wait_until_healthy(server: subprocess.Popen, port: int, seconds: float = 60) -> subprocess.Popen:
    """The server once /healthz answers 200; stopped, and an error raised, if it dies or stays silent."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            if _get(port, "/healthz", "") == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise RuntimeError(f"gunicorn did not answer /healthz within {seconds:.0f} s")


def stop(server: subprocess.Popen):
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def throughput(team_week_path: str, cookie: str) -> dict:
    port = free_port()
    server = start_gunicorn(port)
    try:
        result = {"workers": WORKERS, "threads": THREADS, "seconds_per_target": SECONDS}
        targets = (
            ("minimal", "/bench/minimal"),
            ("minimal_logged_in", "/bench/minimal-logged-in"),
            ("team_week", team_week_path),
        )
        for name, path in targets:
            hammer(port, path, cookie, WARMUP_SECONDS)
            result[name] = hammer(port, path, cookie, SECONDS)
        minimal = result["minimal"]["requests_per_second"]
        result["ratio"] = round(result["team_week"]["requests_per_second"] / minimal, 3) if minimal else None
        return result
    finally:
        stop(server)
