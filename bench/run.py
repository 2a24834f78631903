"""`make bench`: generate (or reuse) bench databases at scales 1, 10 and 100, measure, write RESULTS.md.

    python -m bench.run [--scales 1,10,100] [--dbs sqlite,postgres] [--fresh] [--no-gunicorn]

SQLite always (bench/tmp/bench-scale-N.sqlite3); PostgreSQL when DATABASE_URL names one: the
bench then uses its own databases <name>_s1, <name>_s10, <name>_s100 beside it (created if
missing), so a dataset generated once is reused while its marker (scale, seed, weeks, generator
version) matches; --fresh regenerates. Every measurement runs in a subprocess with bench.settings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import report

ROOT = Path(__file__).resolve().parent.parent
TMP = ROOT / "bench" / "tmp"
SEED = 42


def sqlite_url(scale: int) -> str:
    return f"sqlite:///{TMP / f'bench-scale-{scale}.sqlite3'}"


def postgres_url(base: str, scale: int) -> str:
    parts = urlsplit(base)
    name = parts.path.lstrip("/") or "rs_bench"
    return urlunsplit(parts._replace(path=f"/{name}_s{scale}"))


def ensure_postgres_database(url: str):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _env(url: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}


def _run(command: list[str], url: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=_env(url), check=True, **kwargs)


def _marker(url: str) -> dict:
    output = _run([sys.executable, "-c", _MARKER_SCRIPT], url, capture_output=True, text=True).stdout
    return json.loads(output.strip())


def drop_database(url: str):
    """Start a bench database from nothing: quicker than deleting a million rows one table at a time."""
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')
    ensure_postgres_database(url)


def prepare(url: str, scale: int, fresh: bool) -> dict:
    """Migrate, then generate unless the same dataset is already there; returns what it found."""
    manage = [sys.executable, "manage.py"]
    _run([*manage, "migrate", "--noinput", "-v0"], url)
    marker = _marker(url)
    wanted = {"scale": scale, "seed": SEED, "weeks": marker["default_weeks"], "version": marker["generator"]}
    reused = not fresh and all(marker.get(key) == value for key, value in wanted.items())
    started = time.perf_counter()
    if not reused:
        drop_database(url)
        _run([*manage, "migrate", "--noinput", "-v0"], url)
        command = [*manage, "seed_bench", "--scale", str(scale), "--seed", str(SEED), "--force"]
        print(_run(command, url, capture_output=True, text=True).stdout.rstrip(), flush=True)
        marker = _marker(url)
    return {
        "reused": reused,
        "generation_seconds": round(marker["seconds"], 1),
        "prepare_seconds": round(time.perf_counter() - started, 1),
        "rows": marker["rows"],
    }


_MARKER_SCRIPT = """
import json, django
django.setup()
from bench.generator import DEFAULT_WEEKS, GENERATOR_VERSION, analyze, read_marker
analyze()
from reports.models import KPIValue, Team, WeeklyReport, ReportSection
from okrs.models import KeyResult, KeyResultUpdate
from incidents.models import Incident
marker = read_marker() or {"seconds": 0}
marker.update(default_weeks=DEFAULT_WEEKS, generator=GENERATOR_VERSION)
marker["rows"] = {m.__name__: m.objects.count() for m in
    (Team, KPIValue, WeeklyReport, ReportSection, KeyResult, KeyResultUpdate, Incident)}
print(json.dumps(marker))
"""


def measure_pages(url: str, label: str, gunicorn: bool) -> dict:
    out = TMP / f"pages-{label}.json"
    command = [sys.executable, "-m", "bench.measure", "pages", "--out", str(out)]
    _run([*command, *([] if gunicorn else ["--no-gunicorn"])], url)
    return json.loads(out.read_text())


def measure_csv(url: str, label: str) -> dict:
    out = TMP / f"csv-{label}.json"
    try:
        _run([sys.executable, "-m", "bench.measure", "csv-memory", "--out", str(out)], url)
    except subprocess.CalledProcessError as error:
        return {"error": f"exit status {error.returncode}"}
    return json.loads(out.read_text())


def write_results(results: dict):
    bench = ROOT / "bench"
    (bench / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    results_md = bench / "RESULTS.md"
    kept = report.foreign_sections(results_md.read_text() if results_md.exists() else "")
    results_md.write_text(report.markdown(results) + kept)


def machine() -> dict:
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "load_average_at_start": load,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument(
        "--dbs", default=None, help="sqlite,postgres (default: postgres when DATABASE_URL is one)"
    )
    parser.add_argument("--fresh", action="store_true", help="Regenerate the datasets.")
    parser.add_argument("--no-gunicorn", action="store_true", help="Skip the throughput measurement.")
    parser.add_argument("--rounds", type=int, default=3, help="Passes over every scale, pooled.")
    parser.add_argument("--prepare-only", action="store_true", help="Generate the datasets, measure nothing.")
    parser.add_argument(
        "--report-only", action="store_true", help="Rewrite RESULTS.md from results.json, measure nothing."
    )
    args = parser.parse_args(argv)
    if args.report_only:
        results = json.loads((ROOT / "bench" / "results.json").read_text())
        results["budget"] = report.budget(results["runs"])
        write_results(results)
        return
    scales = [int(scale) for scale in args.scales.split(",")]
    base = os.environ.get("DATABASE_URL", "")
    dbs = (
        args.dbs.split(",")
        if args.dbs
        else ["sqlite"] + (["postgres"] if base.startswith("postgres") else [])
    )
    if "postgres" in dbs and not base.startswith("postgres"):
        parser.error("--dbs postgres needs DATABASE_URL=postgres://…")
    TMP.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    results = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "rounds": args.rounds,
        "seconds_per_page": float(os.environ.get("BENCH_SECONDS_PER_PAGE", "2")),
        "machine": machine(),
        "seed": SEED,
        "runs": [],
    }
    for db in dbs:
        runs, urls = {}, {}
        for scale in scales:
            urls[scale] = sqlite_url(scale) if db == "sqlite" else postgres_url(base, scale)
            if db == "postgres":
                ensure_postgres_database(urls[scale])
            print(f"== {db}-{scale}: {urlsplit(urls[scale]).path}", flush=True)
            runs[scale] = {"db": db, "scale": scale, "database": urlsplit(urls[scale]).path.lstrip("/")}
            runs[scale].update(prepare(urls[scale], scale, args.fresh))
        if args.prepare_only:
            continue
        # Rounds go over every scale in turn, so a burst of load on the shared machine lands on
        # all scales alike instead of on one of them; the samples of all rounds are pooled.
        for round_number in range(1, args.rounds + 1):
            for scale in scales:
                print(f"== {db}-{scale}: round {round_number}/{args.rounds}", flush=True)
                measured = measure_pages(urls[scale], f"{db}-{scale}", gunicorn=not args.no_gunicorn)
                report.merge_round(runs[scale], measured)
        for scale in scales:
            print(f"== {db}-{scale}: CSV export", flush=True)
            runs[scale]["csv_export"] = measure_csv(urls[scale], f"{db}-{scale}")
            results["runs"].append(runs[scale])
    if args.prepare_only:
        return
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    results["budget"] = report.budget(results["runs"])
    for run in results["runs"]:
        for page in run.get("pages", {}).values():
            page.pop("samples_ms", None)
            page.pop("admin_samples_ms", None)
    write_results(results)
    print(report.budget_table(results["budget"]))
    print(f"Wrote bench/RESULTS.md and bench/results.json in {results['total_seconds']} s.")


if __name__ == "__main__":
    main()
