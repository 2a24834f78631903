"""Throughput under gunicorn: a bounded load generator on 127.0.0.1, the team week against a minimal view.

gunicorn runs the bench settings (DEBUG off) on the same database as the in-process measurements,
with the settings the Docker image runs with (gunicorn.conf.py, access log included), only bound to a
free local port. The load generator is a few Python threads using http.client, each
sending requests one after another for a fixed number of seconds (and never more than a fixed
number of requests), so it always stops by itself. Every request carries the same cookies, as one
browser's would: the session, and the CSRF cookie the first page set (a browser sends it back, so
Django does not mint a new secret and Set-Cookie on every response).
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
CONFIG = ROOT / "gunicorn.conf.py"
THREADS = int(os.environ.get("BENCH_LOAD_THREADS", "4"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "6"))
WARMUP_SECONDS = 1.5
SLICES = 6
MAX_REQUESTS = 200_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fetch(port: int, path: str, cookie: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


def _get(port: int, path: str, cookie: str) -> int:
    return _fetch(port, path, cookie).status


def cookies_set(response: http.client.HTTPResponse) -> dict[str, str]:
    """The cookies a response sets, by name, as a browser keeps them (attributes dropped)."""
    cookies = {}
    for header in response.msg.get_all("Set-Cookie") or ():
        name, _, rest = header.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    return cookies


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def browser_cookies(port: int, path: str, session_key: str) -> str:
    """The Cookie header a browser sends after its first view of `path`: session plus CSRF cookie."""
    cookies = {"sessionid": session_key}
    cookies.update(cookies_set(_fetch(port, path, cookie_header(cookies))))
    if "csrftoken" not in cookies:
        raise RuntimeError(f"{path} set no CSRF cookie; the load would not be what a browser sends")
    return cookie_header(cookies)


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
    return {"path": path, "elapsed": time.perf_counter() - started, "counts": counts, "latencies": latencies}


def summarise(slices: list[dict]) -> dict:
    """One target's slices as one measurement: requests per second over the time they ran."""
    elapsed = sum(part["elapsed"] for part in slices)
    counts: dict[int, int] = {}
    for part in slices:
        for status, n in part["counts"].items():
            counts[status] = counts.get(status, 0) + n
    latencies = sorted(latency for part in slices for latency in part["latencies"])
    ok = counts.get(200, 0)
    return {
        "path": slices[0]["path"],
        "seconds": round(elapsed, 2),
        "slices": len(slices),
        "requests": sum(counts.values()),
        "ok": ok,
        "statuses": {str(code): n for code, n in sorted(counts.items())},
        "requests_per_second": round(ok / elapsed, 1),
        "median_latency_ms": round(latencies[len(latencies) // 2] * 1000, 2) if latencies else None,
    }


def server_settings() -> dict:
    """What gunicorn.conf.py asks for on this machine, read as gunicorn reads it."""
    settings: dict = {}
    exec(compile(CONFIG.read_text(), str(CONFIG), "exec"), settings)
    return {name: settings[name] for name in ("worker_class", "workers", "threads")}


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "reportsite.wsgi",
        "--config",
        str(CONFIG),
        "--bind",
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


def throughput(team_week_path: str, session_key: str) -> dict:
    port = free_port()
    server = start_gunicorn(port)
    try:
        cookie = browser_cookies(port, team_week_path, session_key)
        result = {
            "server": server_settings(),
            "load_threads": THREADS,
            "seconds_per_target": SECONDS,
        }
        targets = {
            "minimal": "/bench/minimal",
            "minimal_logged_in": "/bench/minimal-logged-in",
            "team_week": team_week_path,
        }
        for path in targets.values():
            hammer(port, path, cookie, WARMUP_SECONDS)
        # Short turns in rotation rather than one long run each: a burst of load from a neighbour
        # on the shared machine then falls on every target alike instead of on whichever ran then.
        slices = {name: [] for name in targets}
        for _ in range(SLICES):
            for name, path in targets.items():
                slices[name].append(hammer(port, path, cookie, SECONDS / SLICES))
        for name, parts in slices.items():
            result[name] = summarise(parts)
        minimal = result["minimal"]["requests_per_second"]
        result["ratio"] = round(result["team_week"]["requests_per_second"] / minimal, 3) if minimal else None
        return result
    finally:
        stop(server)
