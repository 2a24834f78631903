"""Concurrent writers under gunicorn: no 5xx, no lost write, no silent overwrite.

    python -m bench.load_concurrent --seconds 60 --clients 32 [--database-url URL] [--results]

The database is made fresh for the run: `<name>_concurrent` beside the PostgreSQL database that
DATABASE_URL (or --database-url) names, or bench/tmp/concurrent.sqlite3 for a sqlite:// URL. gunicorn
serves it on 127.0.0.1 with bench.settings (DEBUG off). Clients are threads sending requests one
after another with http.client, each for a fixed time, so the run always ends by itself.

Roles, dealt round-robin so any client count mixes them:
  contend       two leads saving the same team week, each typing only its own KPI: a POST with a
                stale revision must be a 409 (then the client re-reads), never a silent overwrite
  mixed_form    a lead saving a week that an importer writes at the same time
  mixed_import  the importer of that week (its own KPI and the reflections)
  reader        dashboards, lists and a CSV export
  form          a lead saving its own team's week
  import        a lead importing a document into its own team's week
  probe         opens its own week twice, saves the first copy, then the stale second: must be 409

Every accepted write is recorded with the value it carried. Afterwards the database must hold, for
every KPI, the value of its owner's last accepted write, with exactly one history row per accepted
write that changed it; stale probes must never have been accepted; no answer may be a 5xx.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from bench.load import cookie_header, cookies_set

ROOT = Path(__file__).resolve().parent.parent
TMP = ROOT / "bench" / "tmp"
RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Concurrent writers"
ROLES = ["contend", "contend", "mixed_form", "mixed_import", "reader", "form", "import", "probe"]
WEEK = "2024-W40"
PREVIOUS_WEEK = "2024-W39"
REQUEST_TIMEOUT = 60
IMPORT_PAUSE = 0.3
STEMS = "甲乙丙丁戊己庚辛壬癸"
BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
MAX_REQUESTS_PER_CLIENT = 100_000


# --- Database --------------------------------------------------------------------------------------


def database_url(base: str) -> str:
    """The run's own database: never the one given, so a run cannot touch real data."""
    parts = urlsplit(base)
    if parts.scheme.startswith("postgres"):
        name = (parts.path.lstrip("/") or "reportsite") + "_concurrent"
        return urlunsplit(parts._replace(path=f"/{name}"))
    # A file named for this run may be given (tests use their own tmp_path); anything else is replaced.
    if parts.path.endswith("concurrent.sqlite3"):
        return base
    TMP.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{TMP / 'concurrent.sqlite3'}"


def recreate_database(url: str):
    parts = urlsplit(url)
    if parts.scheme.startswith("postgres"):
        import psycopg

        name = parts.path.lstrip("/")
        assert name.endswith("_concurrent"), name
        maintenance = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        path = Path(parts.path)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def setup_django(url: str):
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


# --- The world: teams, leads, KPIs and a session per client ----------------------------------------


@dataclass
class Client:
    number: int
    role: str
    username: str
    team: str = ""
    kpi_id: int = 0
    kpi_name: str = ""
    session: str = ""
    accepted: list[str] = field(default_factory=list)
    conflicts: int = 0
    stale_accepted: int = 0
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    latencies: list[float] = field(default_factory=list)


def build_world(clients: int) -> list[Client]:
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import Client as DjangoClient

    from common.weeks import IsoWeek
    from reports.access import LEADS_GROUP
    from reports.models import KPI, KPIValue, Team, Week

    call_command("migrate", verbosity=0)
    leads = Group.objects.get(name=LEADS_GROUP)
    previous = Week.objects.get_for(IsoWeek.parse(PREVIOUS_WEEK))
    world = []
    shared: dict[str, Team] = {}
    for number in range(clients):
        role = ROLES[number % len(ROLES)]
        client = Client(number, role, f"client{number}")
        user = User.objects.create_user(client.username, password=f"pw-{client.username}")
        if role != "reader":
            user.groups.add(leads)
            if role == "contend":
                key = f"contend-{number // len(ROLES)}"
            elif role.startswith("mixed"):
                key = f"mixed-{number // len(ROLES)}"
            else:
                key = f"{role}-{number}"
            team = shared.get(key) or Team.objects.create(name=f"Team {key}", slug=key, position=number)
            shared[key] = team
            team.leads.add(user)
            client.team = team.slug
            # Only COUNT KPIs here: the importer reads a plain integer back the same way.
            # No digits in the name: the importer must not read part of it as the value.
            client.kpi_name = (
                "计数" + STEMS[number % len(STEMS)] + BRANCHES[number // len(STEMS) % len(BRANCHES)]
            )
            kpi = KPI.objects.create(
                team=team,
                name=client.kpi_name,
                group="系统运行数据",
                unit=KPI.Unit.COUNT,
                direction=KPI.Direction.HIGHER_IS_BETTER,
                position=number,
            )
            KPIValue.objects.create(kpi=kpi, week=previous, value=100)
            client.kpi_id = kpi.pk
        browser = DjangoClient()
        browser.force_login(user)
        client.session = browser.cookies["sessionid"].value
        world.append(client)
    return world


# --- HTTP -------------------------------------------------------------------------------------------


class FormReader(HTMLParser):
    """The fields a browser would send for one <form>: inputs, checked boxes, textareas, selects."""

    def __init__(self, form_id: str | None = None, form_action: str | None = None):
        super().__init__(convert_charrefs=True)
        self.form_id, self.form_action = form_id, form_action
        self.inside = False
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = (self.form_id and attrs.get("id") == self.form_id) or (
                self.form_action is not None and attrs.get("action", "") == self.form_action
            )
            return
        if not self.inside or "name" not in attrs:
            return
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind == "checkbox":
                if "checked" in attrs:
                    self.fields[name] = attrs.get("value") or "on"
                return
            self.fields[name] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select":
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def read_form(html: str, form_id: str | None = None, form_action: str | None = None) -> dict[str, str]:
    reader = FormReader(form_id, form_action)
    reader.feed(html)
    # A textarea's first newline belongs to the markup, not the value (as in browsers).
    return {k: v[1:] if v.startswith("\n") else v for k, v in reader.fields.items()}


class Session:
    """Cookies and a keep-alive connection for one client."""

    def __init__(self, port: int, client: Client, deadline: float):
        self.port, self.client, self.deadline = port, client, deadline
        self.cookies = {"sessionid": client.session}
        self.connection: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        return self.connection

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str, str]:
        headers = {
            "Host": "127.0.0.1",
            "Cookie": cookie_header(self.cookies),
        }
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                connection = self._connection()
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError) as error:
                # gunicorn closes idle keep-alive connections: reconnect once, then it is an error.
                self.close()
                if attempt == 2:
                    self.client.statuses[0] += 1
                    self.client.errors.append(f"{method} {path}: {type(error).__name__}: {error}")
                    return 0, "", ""
        self.client.latencies.append(time.perf_counter() - started)
        self.client.requests += 1
        self.client.statuses[response.status] += 1
        self.cookies.update(cookies_set(response))
        if response.status >= 500:
            self.client.errors.append(f"{method} {path}: {response.status}")
        return response.status, response.getheader("Location") or "", text

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _unexpected(client: Client, what: str, status: int):
    if status and status < 500:
        client.errors.append(f"{what}: unexpected {status}")


# --- What each role does ----------------------------------------------------------------------------


def edit_path(team: str) -> str:
    return f"/teams/{team}/weeks/{WEEK}/edit/"


def form_save(session: Session, value: str) -> str:
    """One weekly-form save of the client's own KPI; 'accepted', 'conflict' or 'error'."""
    client = session.client
    status, _location, html = session.request("GET", edit_path(client.team))
    if status != 200:
        _unexpected(client, "GET form", status)
        return "error"
    data = read_form(html, form_id="week-form")
    data[f"kpi_{client.kpi_id}"] = value
    data["action"] = "save"
    status, _location, _html = session.request("POST", edit_path(client.team), data)
    if status == 302:
        client.accepted.append(value)
        return "accepted"
    if status == 409:
        client.conflicts += 1
        return "conflict"
    _unexpected(client, "POST form", status)
    return "error"


def import_document(client: Client, value: str) -> str:
    return (
        f"# {WEEK}\n\n## 【系统运行数据】\n\n- {client.kpi_name}: {value}\n\n"
        f"## 【收获与反思】\n\n- {client.username} 第{value}次导入\n"
    )


def import_save(session: Session, value: str) -> str:
    client = session.client
    path = f"/teams/{client.team}/import/"
    if "csrftoken" not in session.cookies:
        status, _location, _html = session.request("GET", path)
        if status != 200:
            _unexpected(client, "GET import", status)
            return "error"
    data = {"content": import_document(client, value), "confirm": "1", "week": ""}
    status, _location, _html = session.request("POST", path, data)
    if status == 302:
        client.accepted.append(value)
        return "accepted"
    _unexpected(client, "POST import", status)
    return "error"


def probe(session: Session, value: str) -> str:
    client = session.client
    first = session.request("GET", edit_path(client.team))
    second = session.request("GET", edit_path(client.team))
    if first[0] != 200 or second[0] != 200:
        _unexpected(client, "GET form", first[0] if first[0] != 200 else second[0])
        return "error"
    mine, stale = read_form(first[2], form_id="week-form"), read_form(second[2], form_id="week-form")
    mine[f"kpi_{client.kpi_id}"], mine["action"] = value, "save"
    stale[f"kpi_{client.kpi_id}"], stale["action"] = f"{value}9", "save"
    status = session.request("POST", edit_path(client.team), mine)[0]
    if status != 302:
        _unexpected(client, "POST probe", status)
        return "error"
    client.accepted.append(value)
    status = session.request("POST", edit_path(client.team), stale)[0]
    if status == 409:
        client.conflicts += 1
    elif status == 302:
        client.stale_accepted += 1
        client.errors.append("a stale revision was accepted")
    else:
        _unexpected(client, "POST stale probe", status)
    return "accepted"


READS = [
    f"/weeks/{WEEK}/",
    "/teams/{team}/weeks/" + WEEK + "/",
    f"/kpis/?week={WEEK}",
    "/okrs/",
    "/incidents/",
    f"/kpis/?week={WEEK}&_export=csv",
    f"/weeks/{WEEK}/document/",
]


def read(session: Session, counter: int, teams: list[str]) -> str:
    path = READS[counter % len(READS)].format(team=teams[counter % len(teams)])
    status = session.request("GET", path)[0]
    if status != 200:
        _unexpected(session.client, f"GET {path}", status)
        return "error"
    return "read"


def run_client(port: int, client: Client, deadline: float, teams: list[str]):
    session = Session(port, client, deadline)
    counter = 0
    try:
        while time.perf_counter() < deadline and client.requests < MAX_REQUESTS_PER_CLIENT:
            counter += 1
            # Values grow per client and never repeat, so every accepted write changes the row.
            value = f"{client.number + 1}{counter:06d}"
            if client.role == "reader":
                read(session, counter, teams)
            elif client.role in ("form", "contend", "mixed_form"):
                form_save(session, value)
            elif client.role in ("import", "mixed_import"):
                import_save(session, value)
                if client.role == "mixed_import":
                    # Back-to-back imports would starve the form writer of the same week (every import
                    # bumps the revision); people pause between imports.
                    time.sleep(IMPORT_PAUSE)
            elif client.role == "probe":
                probe(session, value)
    except Exception as error:  # noqa: BLE001 - a harness bug must show in the results, not hang
        client.errors.append(f"client crashed: {type(error).__name__}: {error}")
    finally:
        session.close()


# --- Checking what the database holds ---------------------------------------------------------------


def verify(world: list[Client]) -> list[str]:
    """Every KPI holds its owner's last accepted value, with one history row per accepted write."""
    from django.db import connections

    from reports.models import KPIValue, WeeklyReport

    problems = []
    for client in world:
        if not client.kpi_id:
            continue
        value = KPIValue.objects.filter(kpi_id=client.kpi_id, week__year=2024, week__number=40).first()
        expected = client.accepted[-1] if client.accepted else None
        held = None if value is None else f"{value.value.normalize():f}"
        if held != expected:
            problems.append(
                f"{client.username} ({client.role}): database holds {held}, last accepted {expected}"
            )
        writes = KPIValue.history.filter(kpi_id=client.kpi_id, week__number=40).count()
        if writes != len(client.accepted):
            problems.append(
                f"{client.username} ({client.role}): {writes} history rows for {len(client.accepted)} "
                "accepted writes"
            )
        if client.role in ("import", "mixed_import") and client.accepted:
            report = WeeklyReport.objects.get(team__slug=client.team, week__number=40)
            if f"第{client.accepted[-1]}次导入" not in report.reflections:
                problems.append(f"{client.username}: reflections lost the last accepted import")
    # Teams written only through the form: one revision per accepted save, so none was skipped.
    for team in {c.team for c in world if c.team}:
        writers = [c for c in world if c.team == team]
        if all(c.role in ("form", "contend", "probe") for c in writers):
            saves = sum(len(c.accepted) for c in writers)
            report = WeeklyReport.objects.filter(team__slug=team, week__number=40).first()
            revision = report.revision if report else 0
            if revision != saves:
                problems.append(f"team {team}: revision {revision} after {saves} accepted saves")
    connections.close_all()
    return problems


# --- The run ----------------------------------------------------------------------------------------


def run(seconds: float, clients: int, base_url: str, workers: int, threads: int) -> dict:
    from bench.load import free_port, stop

    url = database_url(base_url)
    recreate_database(url)
    setup_django(url)
    from django.db import connections

    world = build_world(clients)
    connections.close_all()
    teams = sorted({c.team for c in world if c.team}) or ["none"]
    port = free_port()
    server = start_gunicorn(port, url, workers, threads)
    try:
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()
        pool = [threading.Thread(target=run_client, args=(port, c, deadline, teams)) for c in world]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        stop(server)
    problems = verify(world)
    statuses = sum((c.statuses for c in world), Counter())
    latencies = sorted(x for c in world for x in c.latencies)
    errors = [f"{c.username} ({c.role}): {e}" for c in world for e in c.errors]
    by_role: dict[str, dict] = {}
    for c in world:
        row = by_role.setdefault(c.role, {"clients": 0, "requests": 0, "accepted": 0, "conflicts": 0})
        row["clients"] += 1
        row["requests"] += c.requests
        row["accepted"] += len(c.accepted)
        row["conflicts"] += c.conflicts
    return {
        "database": "PostgreSQL" if url.startswith("postgres") else "SQLite",
        "seconds": round(elapsed, 1),
        "clients": clients,
        "gunicorn": f"{workers} workers × {threads} threads (gthread)",
        "requests": sum(statuses.values()),
        "requests_per_second": round(sum(statuses.values()) / elapsed, 1) if elapsed else 0,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "server_errors": sum(v for k, v in statuses.items() if k >= 500 or k == 0),
        "accepted_writes": sum(len(c.accepted) for c in world),
        "conflicts_detected": sum(c.conflicts for c in world),
        "stale_writes_accepted": sum(c.stale_accepted for c in world),
        "lost_or_overwritten": len(problems),
        "problems": problems[:50],
        "errors": errors[:50],
        "by_role": by_role,
        "median_latency_ms": round(latencies[len(latencies) // 2] * 1000, 1) if latencies else None,
        "p95_latency_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1) if latencies else None,
    }


def start_gunicorn(port: int, url: str, workers: int, threads: int):
    import subprocess

    from bench.load import wait_until_healthy

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": url}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "reportsite.wsgi",
        "-w",
        str(workers),
        "-k",
        "gthread",
        "--threads",
        str(threads),
        "-b",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    return wait_until_healthy(server, port)


def markdown_section(results: list[dict], command: str) -> str:
    lines = [
        HEADING,
        "",
        f"`{command}` — {dt.date.today().isoformat()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} CPUs. Mixed roles per client (see the module "
        "docstring): contended and private weekly-form saves, imports, a form writer racing an importer "
        "on one week, stale-revision probes, and readers (dashboards, lists, CSV export).",
        "",
        "Checked afterwards in the database: every KPI holds its owner's last accepted value, with exactly "
        "one history row per accepted write (a silent overwrite adds a row); form-only weeks are at "
        "revision = accepted saves; a stale-revision POST was never accepted. Latencies are on a shared "
        "machine (other test runs were active) and are not a throughput benchmark.",
        "",
        "| database | clients | seconds | gunicorn | requests | req/s | 5xx or dropped | accepted writes "
        "| conflicts detected (409) | stale writes accepted | lost or overwritten | median ms | p95 ms |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['database']} | {r['clients']} | {r['seconds']} | {r['gunicorn']} | {r['requests']} "
            f"| {r['requests_per_second']} | {r['server_errors']} | {r['accepted_writes']} "
            f"| {r['conflicts_detected']} | {r['stale_writes_accepted']} | {r['lost_or_overwritten']} "
            f"| {r['median_latency_ms']} | {r['p95_latency_ms']} |"
        )
    lines.append("")
    for r in results:
        roles = ", ".join(
            f"{role} {row['clients']} clients/{row['requests']} requests/{row['accepted']} accepted"
            f"/{row['conflicts']} conflicts"
            for role, row in sorted(r["by_role"].items())
        )
        lines.append(f"- {r['database']}: {roles}. Statuses: {r['statuses']}.")
        for problem in r["problems"][:10] + r["errors"][:10]:
            lines.append(f"  - {problem}")
    lines.append("")
    return "\n".join(lines)


def write_results(section: str):
    """Replace this section of RESULTS.md (other sections belong to the main bench), or append it."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    start = text.find(HEADING)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(HEADING))
        text = text[:start] + section + ("" if end == -1 else text[end + 1 :])
    RESULTS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def _run_in_subprocess(args, url: str) -> dict:
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.json"
        command = [
            sys.executable, "-m", "bench.load_concurrent", "--seconds", str(args.seconds),
            "--clients", str(args.clients), "--workers", str(args.workers), "--threads", str(args.threads),
            "--database-url", url, "--json", str(out),
        ]  # fmt: skip
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
        return json.loads(out.read_text(encoding="utf-8"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--database-url",
        action="append",
        help="PostgreSQL (the run uses <name>_concurrent beside it) or sqlite://; repeat to run on "
        "several databases one after the other (default: $DATABASE_URL)",
    )
    parser.add_argument("--json", help="also write the results as JSON to this file")
    parser.add_argument("--results", action="store_true", help=f"write the '{HEADING}' section of RESULTS.md")
    args = parser.parse_args(argv)
    urls = args.database_url or [
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/reportsite")
    ]
    results = []
    for url in urls:
        # Each run in its own process: Django is set up once per process, on one database.
        if len(urls) > 1:
            results.append(_run_in_subprocess(args, url))
        else:
            results.append(run(args.seconds, args.clients, url, args.workers, args.threads))
    print(json.dumps(results if len(results) > 1 else results[0], indent=2, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(
            json.dumps(results if len(results) > 1 else results[0], ensure_ascii=False), encoding="utf-8"
        )
    if args.results:
        command = f"python -m bench.load_concurrent --seconds {args.seconds:g} --clients {args.clients}"
        write_results(markdown_section(results, command))
    ok = all(
        not r["server_errors"] and not r["lost_or_overwritten"] and not r["stale_writes_accepted"]
        for r in results
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
