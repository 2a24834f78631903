"""A real HTTP receiver on 127.0.0.1 for webhook deliveries, and settings that retry without waiting."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each path as configured (status, body, delay) and keeps every request it got."""

    base: str = ""
    requests: list[Received] = field(default_factory=list)
    answers: dict[str, tuple[int, str, float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def answer(self, path: str, status: int = 200, body: str = "{}", delay: float = 0.0):
        self.answers[path] = (status, body, delay)

    def at(self, path: str) -> list[Received]:
        return [request for request in self.requests if request.path == path]


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            parts = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with state.lock:
                state.requests.append(Received(parts.path, parse_qs(parts.query), dict(self.headers), body))
            status, answer, delay = state.answers.get(parts.path, (200, "{}", 0.0))
            if delay:
                time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(answer.encode())
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def refused_url():
    """A loopback port nobody listens on: the connection is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


@pytest.fixture(autouse=True)
def quick_delivery(settings):
    settings.NOTIFY_RETRY_BASE_SECONDS = 0
    settings.NOTIFY_CHANNEL_INTERVAL_SECONDS = 0
    settings.NOTIFY_HTTP_TIMEOUT_SECONDS = 1
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.NOTIFY_ALLOW_HTTP = True
    # The receiver is on 127.0.0.1; tests/notifications/test_addresses.py turns this off again.
    settings.NOTIFY_ALLOW_PRIVATE_ADDRESSES = True
    settings.SITE_URL = "https://reports.example.com"
