"""Hostile raw HTTP against the real server: gunicorn with gunicorn.conf.py and production settings.

The other security tests go through Django's test client, which only ever sends well-formed requests.
Here bytes go over a socket as an attacker would send them: NUL, CR and invalid UTF-8 in every part of
a request, overlong lines, bad Hosts, chunked and mis-sized bodies, hostile multipart and JSON, odd
methods and protocols, traversal and ranges on /static/. Each answer is judged: never a 5xx, the
security headers on everything Django answers, no traceback in the body, and after each test the server
still answers and its stderr holds no traceback and no dead or timed-out worker.

Answers gunicorn gives itself, before Django sees the request (a 400 or 431 without a Server header, or
a closed connection for bytes that are not HTTP at all), are its documented behaviour and judged only
for status. The server runs once per module on its own SQLite file, migrated and loaded with the demo
department, with its own collected static files, whatever database the suite uses.
"""

from __future__ import annotations

import json
import re
import select
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.settings_probe import BASE_DIR, clean_env

gunicorn = pytest.importorskip("gunicorn", reason="gunicorn is not installed")
if sys.platform == "win32":  # pragma: no cover
    pytest.skip("gunicorn does not run on Windows", allow_module_level=True)

# One server for the module, on one xdist worker (`make test` distributes by group).
pytestmark = pytest.mark.xdist_group("gunicorn-raw-server")

BOOT_SECONDS = 90
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")
LEAKS = (b"Traceback", b'File "', b"SECRET_KEY", b"DJANGO_SETTINGS_MODULE", b"/site-packages/")
WEEK = "/teams/payments/weeks/2024-W33/"
IMPORT = "/teams/payments/import/"
INCIDENTS_API = "/api/v1/incidents/"
VALUES_API = "/api/v1/teams/payments/weeks/2024-W33/kpi-values/"


# ---------------------------------------------------------------------------------------------------------
# The server


class Server:
    def __init__(self, process: subprocess.Popen, port: int, stderr: Path):
        self.process, self.port, self.stderr = process, port, stderr
        self.cookies: dict[str, str] = {}

    def log(self) -> str:
        return self.stderr.read_text(encoding="utf-8", errors="replace")

    @property
    def auth(self) -> list[bytes]:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        return [f"Cookie: {cookie}".encode(), f"X-CSRFToken: {self.cookies['csrftoken']}".encode()]


# One interpreter for the three commands: a fresh database migrated, the demo department, the static files.
PREPARE = """
import django
from django.core.management import call_command
django.setup()
call_command("migrate", interactive=False, verbosity=0)
call_command("load_demo", force=True, verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
"""


def _prepare(env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PREPARE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"preparing the server's database failed:\n{result.stderr[-3000:]}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("server-raw")
    env = clean_env(
        DEBUG="false",
        SECRET_KEY="raw-server-tests-only-" + "q7Zk" * 12,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        STATIC_ROOT=str(folder / "static"),
        # Plain HTTP on 127.0.0.1: no redirect to HTTPS, cookies a client may send back over HTTP.
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        WEB_CONCURRENCY="1",  # one worker boots faster; the threads are gunicorn.conf.py's
        GUNICORN_THREADS="2",
        LOG_LEVEL="WARNING",
        # Hostile login posts fail by the dozen from 127.0.0.1; the real logins must not meet the throttle.
        LOGIN_THROTTLE_IP_ATTEMPTS="100000",
        LOGIN_THROTTLE_USER_ATTEMPTS="100000",
    )
    _prepare(env)
    stderr = folder / "gunicorn.stderr"
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", "127.0.0.1:0"]
    with stderr.open("wb") as err:
        process = subprocess.Popen(
            [*command, "reportsite.wsgi:application"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            stdin=subprocess.DEVNULL,
        )
    try:
        port = _wait_for_port(process, stderr)
        running = Server(process, port, stderr)
        _wait_until_healthy(running)
        running.cookies = _log_in(running, "admin", "admin")
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder / "static", ignore_errors=True)


def _wait_for_port(process: subprocess.Popen, stderr: Path) -> int:
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline:
        found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", stderr.read_text(errors="replace"))
        if found:
            return int(found.group(1))
        if process.poll() is not None:
            break
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not start listening:\n{stderr.read_text(errors='replace')[-3000:]}")


def _wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline:
        try:
            if send(server, request("GET", "/healthz")).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn never answered /healthz:\n{server.log()[-3000:]}")


def _log_in(server: Server, username: str, password: str) -> dict[str, str]:
    """One real login: the form's page for the CSRF cookie and token, then the POST."""
    page = send(server, request("GET", "/accounts/login/"))
    cookies = page.cookies()
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1).decode()
    fields = {"csrfmiddlewaretoken": token, "username": username, "password": password}
    answer = send(
        server,
        request(
            "POST",
            "/accounts/login/",
            [f"Cookie: csrftoken={cookies['csrftoken']}", "Content-Type: application/x-www-form-urlencoded"],
            urllib.parse.urlencode(fields).encode(),
        ),
    )
    assert answer.status == 302, answer
    return {"csrftoken": cookies["csrftoken"], **answer.cookies()}


# ---------------------------------------------------------------------------------------------------------
# Raw requests and their answers


class Answer:
    def __init__(self, data: bytes):
        self.raw = data
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        found = re.match(rb"HTTP/\d\.\d (\d{3})", lines[0])
        self.status = int(found.group(1)) if found else None
        self.header_lines = [line.decode("latin-1") for line in lines[1:]] if found else []
        self.headers = {}
        for line in self.header_lines:
            name, _, value = line.partition(":")
            self.headers.setdefault(name.strip().lower(), value.strip())
        if self.headers.get("transfer-encoding") == "chunked":
            body = _dechunk(body)
        self.body = body

    def cookies(self) -> dict[str, str]:
        found = {}
        for line in self.header_lines:
            name, _, value = line.partition(":")
            if name.lower() == "set-cookie":
                key, _, rest = value.strip().partition("=")
                found[key] = rest.split(";", 1)[0]
        return found

    @property
    def from_django(self) -> bool:
        # gunicorn's own refusals (util.write_error) carry no Server header; everything Django answers does.
        return "server" in self.headers

    def __repr__(self):
        return f"<{self.status} {self.headers.get('content-type')} {self.body[:300]!r}>"


def _dechunk(body: bytes) -> bytes:
    out = b""
    while body:
        size, _, rest = body.partition(b"\r\n")
        length = int(size.split(b";")[0] or b"0", 16)
        if length == 0:
            break
        out, body = out + rest[:length], rest[length + 2 :]
    return out


def request(
    method, path, headers=(), body=b"", *, host=b"127.0.0.1", version=b"HTTP/1.1", length=True
) -> bytes:
    as_bytes = [h if isinstance(h, bytes) else h.encode("latin-1") for h in headers]
    method = method if isinstance(method, bytes) else method.encode()
    path = path if isinstance(path, bytes) else path.encode("latin-1")
    lines = [method + b" " + path + b" " + version]
    if host is not None:
        lines.append(b"Host: " + host)
    lines += as_bytes
    framed = any(h.lower().startswith((b"content-length", b"transfer-encoding")) for h in as_bytes)
    if body and length and not framed:
        lines.append(b"Content-Length: %d" % len(body))
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def chunked(body: bytes, size: int = 100) -> bytes:
    parts = [
        b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size]) for i in range(0, len(body), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


def multipart(parts: list[tuple[bytes, bytes]], boundary: bytes = b"RAWBOUNDARY") -> bytes:
    out = b"".join(
        b"--" + boundary + b"\r\n" + disposition + b"\r\n\r\n" + data + b"\r\n" for disposition, data in parts
    )
    return out + b"--" + boundary + b"--\r\n"


def send(server: Server, data: bytes, timeout: float = 30) -> Answer:
    """Send the bytes, stopping early once gunicorn answers (it refuses a 20 MB body without reading it)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as connection:
        view, sent = memoryview(data), 0
        try:
            while sent < len(data):
                readable, writable, _ = select.select([connection], [connection], [], timeout)
                if readable or not writable:
                    break
                sent += connection.send(view[sent : sent + 65536])
            else:
                connection.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # gunicorn closed the connection while we were still sending; its answer is still there
        received = []
        while True:
            try:
                chunk = connection.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received.append(chunk)
    return Answer(b"".join(received))


# ---------------------------------------------------------------------------------------------------------
# Judgements


@pytest.fixture(autouse=True)
def server_stays_well(server):
    """After every test: the server answers, and its log has no traceback and no lost worker."""
    before = len(server.log())
    yield
    assert send(server, request("GET", "/healthz")).status == 200, "the server stopped answering"
    assert server.process.poll() is None, "gunicorn exited"
    new = server.log()[before:]
    for sign in (
        "Traceback",
        "Error handling request",
        "WORKER TIMEOUT",
        "Worker exiting",
        "Internal Server Error",
    ):
        assert sign not in new, f"{sign!r} in gunicorn's stderr:\n{new[-4000:]}"


def judge(answer: Answer, what: str, *, statuses=None) -> Answer:
    """Never a 5xx; what Django answers carries every security header and leaks nothing."""
    assert answer.status is not None, f"{what}: no HTTP answer"
    assert answer.status < 500, f"{what}: {answer}"
    if statuses is not None:
        assert answer.status in statuses, f"{what}: {answer}"
    if answer.from_django:
        missing = [name for name in SECURITY_HEADERS if name not in answer.headers]
        assert not missing, f"{what}: {answer.status} without {missing}"
    for leak in LEAKS:
        assert leak not in answer.body, f"{what}: {leak!r} in the body: {answer}"
    return answer


def gunicorns_own(answer: Answer, what: str) -> None:
    """gunicorn refused it before Django: its documented 400/431, or a closed connection."""
    if answer.status is None:
        assert answer.raw == b"", what
        return
    assert not answer.from_django, f"{what} reached Django: {answer}"
    assert answer.status in (400, 431), f"{what}: {answer}"


# ---------------------------------------------------------------------------------------------------------
# Bytes gunicorn refuses itself


@pytest.mark.parametrize(
    "data",
    [
        request("GET", "/", [b"X-Test: a\x00b"]),
        request("GET", "/", [b"X-Test: a\rb"]),
        request("GET", "/", [b"X-\xff\xfe: 1"]),
        request("GET", "/", [b"Cookie: sessionid=\x00"]),
        request("GET", "/", [b"Cookie: csrftoken=\x00\x01"]),
        request("GET", "/", [b"X-Folded: 1\r\n  folded"]),
        request("GET", "/", [b"No colon here"]),
        request("GET", "/", host=b"127.0.0.1\x00.evil"),
        request("GET", "/?" + "a" * 9000),
        request("GET", "/", ["X-Long: " + "a" * 9000]),
        request("GET", "/", [f"X-Header-{i}: {i}" for i in range(150)]),
        request("GET", "/", ["Cookie: sessionid=" + "A" * 10240]),
        request("get", "/"),
        request(b"G\x00T", "/"),
        request("GET", "/", version=b"HTTP/2.0"),
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        b"GET /\r\n",
        b"GET / HTTP/1.1\nHost: 127.0.0.1\n\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)),
        request("POST", "/accounts/login/", ["Content-Length: -1"], b"a=1"),
        request("POST", "/accounts/login/", ["Content-Length: abc"], b"a=1"),
        request("POST", "/accounts/login/", ["Content-Length: 3", "Content-Length: 4"], b"a=1"),
        request("POST", INCIDENTS_API, ["Transfer-Encoding: chunked", "Content-Length: 5"], chunked(b"{}")),
    ],
    ids=lambda data: repr(data[:40]),
)
def test_malformed_http_is_refused_by_gunicorn_itself(server, data):
    gunicorns_own(send(server, data), repr(data[:60]))


# ---------------------------------------------------------------------------------------------------------
# What reaches Django


HOSTILE_PATHS = [
    b"/%00",
    b"/%C0%AF",
    b"/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    b"/%",
    b"/%zz",
    b"/%E4%B8",
    b"/\xff\xfe",
    b"/caf\xc3\xa9/",
    b"/teams/%00/weeks/2024-W33/",
    b"/teams/payments/weeks/2024-W99999999999999999999/",
    b"/incidents/99999999999999999999999/",
    b"//etc/passwd",
    b"/..%2f..%2fetc%2fpasswd",
    b"*",
    b"http://evil.example/",
    b"/" + b"a" * 3000,
]
HOSTILE_QUERIES = [
    b"%00",
    b"%C0%AF",
    b"%",
    b"a=%",
    b"a=%E4&b=\xff\xfe",
    b"page=99999999999999999999999&per_page=1e309",
    b"sort=%00&_export=xlsx%00",
    b"week=2024-W99&team=%00&q=%00",
    b"next=//evil.example&next=%00",
    b"ordering=%00,-__class__&limit=-1&offset=99999999999999999999",
]
READ_PAGES = [
    b"/",
    b"/incidents/",
    b"/kpis/",
    b"/okrs/",
    b"/weeks/2024-W33/",
    WEEK.encode(),
    INCIDENTS_API.encode(),
]


def test_hostile_paths_are_4xx_or_pages_never_errors(server):
    for path in HOSTILE_PATHS:
        judge(send(server, request("GET", path, server.auth)), f"GET {path!r} (logged in)")
        judge(send(server, request("GET", path)), f"GET {path!r}")


def test_hostile_query_strings_never_break_a_page(server):
    for page in READ_PAGES:
        for query in HOSTILE_QUERIES:
            judge(send(server, request("GET", page + b"?" + query, server.auth)), f"GET {page!r}?{query!r}")


def test_header_values_django_reads_are_harmless(server):
    for value in (
        b"caf\xc3\xa9",
        b"\xff\xfe",
        b"\xc0\xaf",
        b"zh-hans;q=x," * 300,
        b"../../etc/passwd, *;q=1e9",
    ):
        headers = [b"User-Agent: " + value, b"Accept-Language: " + value, b"Referer: http://x/" + value]
        judge(send(server, request("GET", "/accounts/login/", headers)), f"headers {value[:30]!r}")
        judge(send(server, request("GET", "/", server.auth + headers)), f"headers {value[:30]!r}")
    for value in (b"not-an-ip", b"1.2.3.4, \xff", b", , ,", b"999.999.999.999"):
        headers = [
            b"X-Forwarded-For: " + value,
            b"X-Forwarded-Proto: https",
            b"X-Forwarded-Host: evil.example",
        ]
        judge(
            send(server, request("POST", "/accounts/login/", headers, b"username=a&password=b")),
            f"X-Forwarded-For {value!r}",
            statuses={403},  # no CSRF token: refused before the throttle or the forwarded headers matter
        )
    # The settings trust no proxy: a forged X-Forwarded-Proto neither redirects nor marks the request secure.
    answer = judge(send(server, request("GET", "/accounts/login/", ["X-Forwarded-Proto: https"])), "XFP")
    assert "strict-transport-security" not in answer.headers
    # Nor does gunicorn believe a local client's SCRIPT_NAME (a 500 from gunicorn, or every link prefixed).
    for path in (b"/accounts/login/", b"/x/accounts/login/"):
        answer = judge(
            send(server, request("GET", path, [b"SCRIPT_NAME: /x", b"PATH_INFO: /admin/"])), "SCRIPT_NAME"
        )
        assert b'href="/x/' not in answer.body, answer


def test_garbage_cookies_are_an_anonymous_visitor(server):
    for cookie in (
        b"sessionid=" + b"\xff" * 40,
        b"sessionid=../../etc",
        b'sessionid="quoted"; csrftoken=' + b"x" * 64,
        b";;;;;=;=",
        b"django_language=" + b"../" * 50,
        b"a=" + b"b" * 7000,
    ):
        answer = judge(send(server, request("GET", "/", [b"Cookie: " + cookie])), f"cookie {cookie[:30]!r}")
        assert answer.status == 302 and "/accounts/login/" in answer.headers["location"], answer
        judge(
            send(
                server,
                request(
                    "POST", INCIDENTS_API, [b"Cookie: " + cookie, b"Content-Type: application/json"], b"{}"
                ),
            ),
            f"API with cookie {cookie[:30]!r}",
            statuses={401, 403},
        )
    garbage_token = [
        server.auth[0],
        b"X-CSRFToken: \x7f\xff",
        b"Content-Type: application/x-www-form-urlencoded",
    ]
    judge(
        send(server, request("POST", WEEK + "edit/", garbage_token, b"a=1")),
        "garbage CSRF token",
        statuses={403},
    )


@pytest.mark.parametrize(
    "host",
    [
        b"evil.example",
        b"127.0.0.1:abc",
        b"user:pw@127.0.0.1",
        b"127.0.0.1@evil",
        b"",
        b"\xff",
        b"[::1]",
        b"a" * 300,
    ],
    ids=repr,
)
def test_a_host_not_served_is_a_clear_400_with_every_header(server, host):
    for data in (
        request("GET", "/", host=host),
        request(
            "POST", "/accounts/login/", ["Content-Type: application/x-www-form-urlencoded"], b"a=1", host=host
        ),
        request("GET", INCIDENTS_API, server.auth, host=host),
    ):
        answer = judge(send(server, data), f"Host {host!r}", statuses={400})
        assert answer.from_django
        assert b"Bad request" in answer.body


def test_hosts_that_are_served(server):
    for host in (b"localhost", b"127.0.0.1:8000", b"LOCALHOST"):
        judge(send(server, request("GET", "/healthz", host=host)), f"Host {host!r}", statuses={200})
    # Without a Host, Django falls back to the address gunicorn is bound to, which is served.
    for version in (b"HTTP/1.0", b"HTTP/1.1"):
        judge(send(server, request("GET", "/healthz", host=None, version=version)), f"no Host, {version!r}")
    # gunicorn joins two Host headers with a comma, which is no host name.
    judge(send(server, request("GET", "/healthz", ["Host: 127.0.0.1"])), "two Hosts", statuses={400})


# ---------------------------------------------------------------------------------------------------------
# Bodies


def test_a_chunked_api_write_is_written_and_a_malformed_one_refused(server):
    incident = json.loads(send(server, request("GET", INCIDENTS_API + "?team=payments", server.auth)).body)
    first = incident["results"][0] if isinstance(incident, dict) else incident[0]
    url = f"{INCIDENTS_API}{first['id']}/"
    json_auth = [*server.auth, "Content-Type: application/json", "Transfer-Encoding: chunked"]
    body = json.dumps({"title": "sent in chunks, 分块"}).encode()
    judge(
        send(server, request("PATCH", url, json_auth, chunked(body, size=7))), "chunked PATCH", statuses={200}
    )
    stored = json.loads(send(server, request("GET", url, server.auth)).body)
    assert stored["title"] == "sent in chunks, 分块"
    for broken in (
        b"zz\r\nabc\r\n0\r\n\r\n",
        b"10\r\nabc\r\n",
        b"3\r\nabc",
        b"ffffffffffffffffffff\r\nabc\r\n0\r\n\r\n",
    ):
        answer = judge(
            send(server, request("PATCH", url, json_auth, broken)), f"chunks {broken!r}", statuses={400}
        )
        assert json.loads(answer.body)["detail"]
    assert json.loads(send(server, request("GET", url, server.auth)).body)["title"] == "sent in chunks, 分块"


def test_chunked_forms_and_login_are_read(server):
    token = server.cookies["csrftoken"]
    fields = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "manager", "password": "manager"}
    )
    form = [f"Cookie: csrftoken={token}", "Content-Type: application/x-www-form-urlencoded"]
    answer = send(
        server,
        request(
            "POST", "/accounts/login/", [*form, "Transfer-Encoding: chunked"], chunked(fields.encode(), 9)
        ),
    )
    judge(answer, "chunked login", statuses={302})
    answer = send(
        server, request("POST", "/accounts/login/", [*form, "Transfer-Encoding: chunked"], b"5\r\nab")
    )
    judge(answer, "cut-short chunked login", statuses={400})
    paste = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "content": "# 2024-W33 周报\n\n- chunked\n"}
    )
    answer = send(
        server,
        request(
            "POST", IMPORT, [*server.auth, form[1], "Transfer-Encoding: chunked"], chunked(paste.encode())
        ),
    )
    judge(answer, "chunked import preview", statuses={200})
    assert b"chunked" in answer.body


def test_content_length_longer_or_shorter_than_the_body(server):
    form = [*server.auth, b"Content-Type: application/x-www-form-urlencoded"]
    for length in (b"99999", b"1", b" 5"):
        for path in ("/accounts/login/", WEEK + "edit/", IMPORT):
            answer = send(
                server, request("POST", path, [*form, b"Content-Length: " + length], b"a=1&b=2"), timeout=20
            )
            judge(answer, f"Content-Length {length!r} to {path}")


def test_oversized_and_overcounted_forms_are_a_clear_400(server):
    token = server.cookies["csrftoken"].encode()
    form = [*server.auth, b"Content-Type: application/x-www-form-urlencoded"]
    many = b"csrfmiddlewaretoken=" + token + b"".join(b"&f%d=1" % i for i in range(100_000))
    huge = b"csrfmiddlewaretoken=" + token + b"&content=" + b"a" * (20 * 1024 * 1024)
    for path in ("/accounts/login/", WEEK + "edit/", IMPORT):
        for what, body in (("100k fields", many), ("20 MB", huge)):
            answer = judge(
                send(server, request("POST", path, form, body), timeout=60),
                f"{what} to {path}",
                statuses={400},
            )
            assert b"Bad request" in answer.body


def test_hostile_multipart_to_the_import_and_the_forms(server):
    token = server.cookies["csrftoken"].encode()
    csrf = (b'Content-Disposition: form-data; name="csrfmiddlewaretoken"', token)
    report = "# 2024-W33 周报\n\n- multipart\n".encode()
    with_boundary = [*server.auth, b"Content-Type: multipart/form-data; boundary=RAWBOUNDARY"]
    bodies = {
        "no boundary": ([*server.auth, b"Content-Type: multipart/form-data"], multipart([csrf])),
        "empty boundary": (
            [*server.auth, b"Content-Type: multipart/form-data; boundary="],
            multipart([csrf], b""),
        ),
        "long boundary": (
            [*server.auth, b"Content-Type: multipart/form-data; boundary=" + b"b" * 300],
            multipart([csrf], b"b" * 300),
        ),
        "5000 parts": (
            with_boundary,
            multipart(
                [csrf] + [(b'Content-Disposition: form-data; name="f%d"' % i, b"x") for i in range(5000)]
            ),
        ),
        "300 files": (
            with_boundary,
            multipart(
                [csrf]
                + [
                    (b'Content-Disposition: form-data; name="files"; filename="w%d.md"' % i, report)
                    for i in range(300)
                ]
            ),
        ),
        "part without a name": (with_boundary, multipart([csrf, (b"Content-Disposition: form-data", b"x")])),
        "part without a disposition": (with_boundary, multipart([csrf, (b"Content-Type: text/plain", b"x")])),
        "cut short": (with_boundary, multipart([csrf])[:-12]),
        "not multipart at all": (with_boundary, b"\x00\xff" * 500),
        "20 MB field": (
            with_boundary,
            multipart([csrf, (b'Content-Disposition: form-data; name="content"', b"a" * (20 * 1024 * 1024))]),
        ),
    }
    for name in (
        b"a\x00.md",
        b"../../etc/passwd",
        b"..\\..\\x.md",
        b"/abs.md",
        b"\xff\xfe.md",
        b"",
        b"a" * 1000 + b".md",
    ):
        part = (
            b'Content-Disposition: form-data; name="files"; filename="'
            + name
            + b'"\r\nContent-Type: text/markdown',
            report,
        )
        bodies[f"file named {name[:20]!r}"] = (with_boundary, multipart([csrf, part]))
    for path in (IMPORT, WEEK + "edit/", WEEK + "incidents/new/", "/accounts/login/"):
        for what, (headers, body) in bodies.items():
            judge(send(server, request("POST", path, headers, body), timeout=60), f"{what} to {path}")
    # What the import made of the hostile names: a preview or a refusal, and no file written anywhere.
    answer = judge(
        send(server, request("POST", IMPORT, with_boundary, bodies["file named b'../../etc/passwd'"][1])),
        "../",
    )
    assert answer.status == 200


def test_hostile_json_to_the_api_is_a_json_400(server):
    json_auth = [*server.auth, b"Content-Type: application/json"]
    bodies = {
        "BOM": b'\xef\xbb\xbf{"values": []}',
        "UTF-16": '{"values": []}'.encode("utf-16"),
        "NaN": b'{"values": [{"kpi": 1, "value": NaN}]}',
        "Infinity": b'{"values": [{"kpi": 1, "value": -Infinity}]}',
        "huge number": b'{"values": [{"kpi": 1' + b"0" * 5000 + b', "value": 1e999}]}',
        "huge id": b'{"values": [{"kpi": 99999999999999999999999999, "value": 1}]}',
        "duplicated keys": b'{"values": [], "values": {}}',
        "invalid UTF-8": b'{"values": "\xff\xfe"}',
        "NUL": b'{"values": [{"kpi": 1, "value": "1", "note": "\\u0000"}]}',
        "deep": b"[" * 100_000 + b"]" * 100_000,
        "empty": b"",
        "not an object": b"[1, 2, 3]",
        "odd types": b'{"values": [{"kpi": {"a": 1}, "value": [1]}, {"kpi": "1", "value": true}]}',
        "odd decimals": b'{"values": [{"kpi": 1, "value": "1e-999999"}, {"kpi": 1, "value": "sNaN"}]}',
    }
    for what, body in bodies.items():
        answer = judge(
            send(server, request("PUT", VALUES_API, json_auth, body)), f"PUT {what}", statuses={400}
        )
        assert json.loads(answer.body)["detail"], answer
        answer = judge(
            send(server, request("POST", INCIDENTS_API, json_auth, body)), f"POST {what}", statuses={400}
        )
        assert json.loads(answer.body)["detail"], answer
    for content_type in (
        b"text/plain",
        b"application/x-www-form-urlencoded",
        b"application/json; charset=x-bogus",
    ):
        headers = [*server.auth, b"Content-Type: " + content_type]
        answer = judge(
            send(server, request("POST", INCIDENTS_API, headers, b'{"title": 1}')), content_type.decode()
        )
        assert answer.status in (400, 415) and json.loads(answer.body)["detail"]
    for token in (b"\x7f\xff", b"a" * 3000, b""):
        headers = [b"Authorization: Bearer " + token, b"Content-Type: application/json"]
        judge(
            send(server, request("POST", INCIDENTS_API, headers, b"{}")),
            f"token {token[:10]!r}",
            statuses={401, 403},
        )


# ---------------------------------------------------------------------------------------------------------
# Methods, protocols, static files


def test_methods_no_view_serves_are_405_with_every_header(server):
    for method in ("PROPFIND", "TRACE", "OPTIONS", "CONNECT", "FOO", "DELETE"):
        for path in ("/", "/static/css/app.css", "/accounts/login/"):
            answer = judge(
                send(server, request(method, path, server.auth)), f"{method} {path}", statuses={405}
            )
            assert "GET" in answer.headers["allow"]
    answer = judge(
        send(server, request("PROPFIND", INCIDENTS_API, server.auth)), "PROPFIND API", statuses={405}
    )
    assert json.loads(answer.body)["detail"]
    judge(send(server, request("HEAD", "/accounts/login/")), "HEAD", statuses={200})
    judge(send(server, request("GET", "/healthz", version=b"HTTP/1.0")), "HTTP/1.0", statuses={200})
    pipelined = request("GET", "/healthz").replace(b"Connection: close\r\n", b"") + request("GET", "/%00")
    judge(send(server, pipelined), "two requests on one connection", statuses={200})


def test_static_files_cannot_be_escaped_and_ranges_are_honoured(server):
    for path in (
        b"/static/../reportsite/settings.py",
        b"/static/%2e%2e/reportsite/settings.py",
        b"/static/..%2f..%2fmanage.py",
        b"/static/%c0%ae%c0%ae/reportsite/settings.py",
        b"/static/..\\..\\reportsite\\settings.py",
        b"/static/admin/../../manage.py",
        b"/static//etc/passwd",
        b"/static/css/app.css%00",
        b"/static/" + b"a" * 3000 + b".css",
        b"/static/" + b"a/" * 1000,
        b"/static/%ff.css",
    ):
        answer = judge(send(server, request("GET", path)), f"GET {path[:60]!r}")
        assert answer.status in (301, 302, 400, 404), f"{path[:60]!r}: {answer}"
        assert b"SECRET_KEY" not in answer.body and b"django" not in answer.body.lower()
    full = judge(send(server, request("GET", "/static/css/app.css")), "app.css", statuses={200})
    part = judge(
        send(server, request("GET", "/static/css/app.css", ["Range: bytes=0-9"])), "range", statuses={206}
    )
    assert part.body == full.body[:10]
    for value in (
        b"bytes=10-5",
        b"bytes=99999999-",
        b"bytes=abc",
        b"bytes=0-1" + b",0-1" * 2000,
        b"pages=1-2",
    ):
        judge(
            send(server, request("GET", "/static/css/app.css", [b"Range: " + value])),
            f"Range {value[:20]!r}",
            statuses={200, 206, 416},
        )
    judge(
        send(
            server,
            request(
                "GET",
                "/static/css/app.css",
                [b"If-Modified-Since: \xff", b"Accept-Encoding: br;q=x, *;q=1e9"],
            ),
        ),
        "conditional garbage",
        statuses={200, 304},
    )
